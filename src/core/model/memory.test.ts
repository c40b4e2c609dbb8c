import { describe, expect, it } from 'vitest';
import { HEAD_BLOCK } from './upload';
import { QWEN2_5_0_5B, QWEN3_0_6B, SMOLLM2_135M } from './known-shapes';
import { HEAD_BLOCK_COLUMNS, estimateMemory, modelShape, paramCount } from './memory';

// Published parameter counts; the sums are written out per family in the comments.
const qwen3_06b = QWEN3_0_6B;
const smollm2_135m = SMOLLM2_135M;
const qwen25_05b = QWEN2_5_0_5B;
const gpt2_small = { model_type: 'gpt2', n_embd: 768, n_head: 12, n_layer: 12, n_positions: 1024, vocab_size: 50257 };

describe('paramCount', () => {
  it('Qwen3-0.6B: 151936·1024 + 28·(3·2,097,152 + 2·128 + 3·1024·3072 + 2·1024) + 1024 = 596,049,920', () => {
    expect(paramCount(modelShape(qwen3_06b))).toBe(596_049_920);
  });
  it('SmolLM2-135M: 49152·576 + 30·(2·576² + 2·576·192 + 3·576·1536 + 2·576) + 576 = 134,515,008', () => {
    expect(paramCount(modelShape(smollm2_135m))).toBe(134_515_008);
  });
  it('Qwen2.5-0.5B (q/k/v biases): 494,032,768', () => {
    expect(paramCount(modelShape(qwen25_05b))).toBe(494_032_768);
  });
  it('GPT-2 small (tied head, positions): 124,439,808', () => {
    expect(paramCount(modelShape(gpt2_small))).toBe(124_439_808);
  });
  it('an untied head adds vocab × hidden', () => {
    expect(paramCount(modelShape({ ...smollm2_135m, tie_word_embeddings: false }))).toBe(134_515_008 + 49152 * 576);
    // Llama configs do not tie unless they say so.
    const { tie_word_embeddings: _, ...untied } = smollm2_135m;
    expect(paramCount(modelShape(untied))).toBe(134_515_008 + 49152 * 576);
  });
});

describe('estimateMemory', () => {
  it('weights in float32 + KV cache + one layer of maps + logits, at the given context', () => {
    const m = estimateMemory(qwen3_06b, 'wasm', 1024);
    expect(m.weightsBytes).toBe(596_049_920 * 4);
    expect(m.diskBytes).toBe(596_049_920 * 2); // bfloat16 on disk
    expect(m.kvCacheBytes).toBe(2 * 28 * 8 * 128 * 1024 * 4); // 234,881,024
    expect(m.mapsBytes).toBe(16 * 1024 * 1024 * 4);
    expect(m.logitsBytes).toBe(1024 * 151936 * 4);
    expect(m.totalBytes).toBe(m.weightsBytes + m.kvCacheBytes + m.mapsBytes + m.logitsBytes);
    // the fused q/k/v projection [1024, (16 + 2·8)·128] is the largest weight uploaded whole; the head and an untied
    // embedding are split to fit the device (model/upload.ts)
    expect(m.largestTensorBytes).toBe(1024 * 4096 * 4);
    expect(estimateMemory({ ...qwen3_06b, tie_word_embeddings: false }, 'wasm', 1024).largestTensorBytes).toBe(
      1024 * 4096 * 4,
    );
  });
  it('caps the context at the model’s own', () => {
    expect(estimateMemory(gpt2_small, 'cpu', 4096).context).toBe(1024);
  });
  it('names a missing number', () => {
    expect(() => modelShape({ model_type: 'llama', hidden_size: 8 })).toThrow(/num_attention_heads/);
  });
});

it('uses the decoder’s LM-head block width', () => {
  expect(HEAD_BLOCK_COLUMNS).toBe(HEAD_BLOCK);
});
