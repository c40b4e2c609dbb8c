import { describe, expect, it } from 'vitest';
import type { ModelInfo } from '../../worker/protocol';
import { QWEN3_0_6B } from '../../core/model/known-shapes';
import { modelFactRows } from './facts';

const info: ModelInfo = {
  name: 'm',
  numParams: 596_049_920,
  files: [],
  tokenizerKind: 'bpe',
  vocabSize: 151669,
  nLayer: 28,
  nHead: 16,
  nEmbd: 1024,
  nPositions: 40960,
};
const qwen3 = QWEN3_0_6B;

describe('modelFactRows', () => {
  it('a Hub model: family, query and KV heads, head_dim, dtype on disk, memory on the backend', () => {
    const rows = Object.fromEntries(modelFactRows(info, qwen3, 'wasm'));
    expect(rows.Family).toBe('qwen3');
    expect(rows['Layers × heads']).toBe('28 × 16 (8 KV)');
    expect(rows.head_dim).toBe('128');
    expect(rows['dtype on disk']).toBe('bfloat16');
    // 596,049,920·4 + 2·28·8·128·1024·4 + 16·1024²·4 + 1024·151936·4 = 3,308,814,336 B
    expect(rows['Memory on wasm']).toBe('3.31 GB at 1024 tokens');
  });
  it('another source: the worker’s GPT-2 facts, no family or dtype', () => {
    const rows = Object.fromEntries(
      modelFactRows(
        {
          ...info,
          numParams: 1000,
          nLayer: 2,
          nHead: 2,
          nEmbd: 8,
          nPositions: 64,
          vocabSize: 10,
          tokenizerKind: 'char',
        },
        null,
        null,
      ),
    );
    expect(rows.Family).toBeUndefined();
    expect(rows['Layers × heads']).toBe('2 × 2');
    expect(rows.head_dim).toBe('4');
    expect(rows['Memory on wasm']).toBeUndefined();
  });
  it('a folder, zip or URL: the config.json the worker read gives the same facts as a Hub config', () => {
    const rows = Object.fromEntries(modelFactRows({ ...info, config: qwen3 }, null, 'wasm'));
    expect(rows.Family).toBe('qwen3');
    expect(rows['Layers × heads']).toBe('28 × 16 (8 KV)');
    expect(rows.head_dim).toBe('128');
    expect(rows['dtype on disk']).toBe('bfloat16');
    expect(rows['Memory on wasm']).toBe('3.31 GB at 1024 tokens');
  });
});
