import { describe, expect, it } from 'vitest';
import { folderEntries, tunedName } from './exportName';

describe('tunedName', () => {
  it('is <model>-<strategy>-s<seed>-step<N>, with unsafe characters replaced', () => {
    expect(tunedName('rhythm-mini', 'coupled', 0, 10)).toBe('rhythm-mini-coupled-s0-step10');
    expect(tunedName('my model/v2', 'local_chunk', 3, 1)).toBe('my_model_v2-local_chunk-s3-step1');
    expect(tunedName('', 'uniform', 1, 2)).toBe('model-uniform-s1-step2');
  });
});

describe('folderEntries', () => {
  const files = {
    'config.json': new Uint8Array([1]),
    'model.safetensors': new Uint8Array([2]),
    'char_vocab.json': new Uint8Array([3]),
    'optimizer.safetensors': new Uint8Array([4]),
  };
  it('one folder with config, weights and the vocabulary (no optimizer)', () => {
    expect(folderEntries('m', files).map((e) => [e.path, e.bytes[0]])).toEqual([
      ['m/config.json', 1],
      ['m/model.safetensors', 2],
      ['m/char_vocab.json', 3],
    ]);
  });
  it('a missing file is an error, not a partial zip', () => {
    expect(() => folderEntries('m', { 'config.json': new Uint8Array(1) })).toThrow(/no model.safetensors/);
    const noTokenizer = { 'config.json': new Uint8Array(1), 'model.safetensors': new Uint8Array(1) };
    expect(() => folderEntries('m', noTokenizer)).toThrow(/no tokenizer/);
  });
  it("a Hugging Face tokenizer's files follow the weights", () => {
    const hf = {
      'model.safetensors': new Uint8Array([2]),
      'tokenizer_config.json': new Uint8Array([5]),
      'config.json': new Uint8Array([1]),
      'tokenizer.json': new Uint8Array([4]),
    };
    expect(folderEntries('m', hf).map((e) => e.path)).toEqual([
      'm/config.json',
      'm/model.safetensors',
      'm/tokenizer.json',
      'm/tokenizer_config.json',
    ]);
  });
});
