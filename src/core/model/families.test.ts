import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isInputError } from '../errors';
import { filesFromDir } from '../io/node-files';
import { parseSafetensors, writeSafetensors } from '../io/safetensors';
import { maxAbsDiff } from '../testing/numeric';
import { generate } from './generate';
import { kvCacheBytes } from './kvcache';
import { loadModel } from './load';
import type { CausalLM } from './types';
import {
  FIXTURE_NAMES,
  fixtureDir,
  fixtureExpected,
  fixtureFiles,
  patchedConfig,
  type FixtureName,
} from './testing/familyFixtures';

/** max |a − b| over max |b|: the logits tolerance is relative to their scale. */
function relativeError(a: ArrayLike<number>, b: number[]): number {
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  return maxAbsDiff(a, b) / scale;
}

async function load(name: FixtureName): Promise<CausalLM> {
  return (await loadModel(filesFromDir(fixtureDir(name)))).model;
}

describe.each(['cpu', 'wasm'])('decoder of every family on %s against transformers', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    await tf.ready();
  });

  it.each(FIXTURE_NAMES)('%s: logits within 2e-3 relative, every attention map within 1e-4', async (name) => {
    const expected = fixtureExpected(name);
    const model = await load(name);
    const maps: Float32Array[] = [];
    const logits = model.forward(expected.ids, { onAttention: (l, p) => (maps[l] = p.dataSync() as Float32Array) });
    expect(logits.shape).toEqual([expected.ids.length, model.config.vocab_size]);
    expect(relativeError(logits.dataSync(), expected.logits.flat())).toBeLessThan(2e-3);
    logits.dispose();
    expect(maps.length).toBe(expected.attentions.length);
    maps.forEach((m, l) => expect(maxAbsDiff(m, expected.attentions[l].flat(2))).toBeLessThan(1e-4));
    model.dispose();
  });

  it.each(FIXTURE_NAMES)('%s: KV-cache greedy generation equals full recompute; no tensors leak', async (name) => {
    const model = await load(name);
    const prompt = fixtureExpected(name).ids.slice(0, 4);
    model.forward(prompt).dispose(); // the model keeps a causal mask, made on first use
    const before = tf.memory().numTensors;
    const cached = await generate(model, prompt, { maxTokens: 20, useCache: true });
    const recomputed = await generate(model, prompt, { maxTokens: 20, useCache: false });
    expect(cached.ids).toEqual(recomputed.ids);
    expect(cached.ids.length).toBe(20);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('KV cache of a grouped-query model', () => {
  it('stores only the H_kv key/value heads', async () => {
    await tf.setBackend('cpu');
    const model = await load('qwen2-bf16-sharded'); // 4 query heads, 1 KV head, head_dim 8, 2 layers
    const ids = [3, 1, 4, 1, 5, 9];
    model.forward(ids).dispose(); // builds the causal mask the prefill reuses
    expect(kvCacheBytes(model.config, ids.length)).toBe(2 * ids.length * 2 * 1 * 8 * 4);
    const bytesBefore = tf.memory().numBytes;
    const cache = model.createCache();
    const logits = cache.step(ids);
    expect(tf.memory().numBytes - bytesBefore - logits.size * 4).toBe(kvCacheBytes(model.config, ids.length));
    logits.dispose();
    cache.dispose();
    model.dispose();
  });
});

/** Loads the fixture with files patched; returns the InputError message, checking no tensor was left behind. */
async function loadError(name: FixtureName, patch: Record<string, Uint8Array | string | undefined>): Promise<string> {
  await tf.setBackend('cpu');
  const before = tf.memory().numTensors;
  try {
    await loadModel(fixtureFiles(name, patch));
  } catch (e) {
    expect(isInputError(e)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    return (e as Error).message;
  }
  throw new Error('expected the load to fail');
}

function withoutTensor(name: FixtureName, file: string, tensor: string): Uint8Array {
  const src = parseSafetensors(new Uint8Array(readFileSync(`${fixtureDir(name)}/${file}`)), file);
  return writeSafetensors(
    src.names.filter((n) => n !== tensor).map((n) => ({ name: n, shape: src.info(n)!.shape, data: src.getFloat32(n) })),
  );
}

describe('bad model folders are refused by name, and nothing is kept', () => {
  it.each([
    [
      'qwen3',
      { num_key_value_heads: 3 },
      /field "num_key_value_heads": 3 KV heads do not divide the 4 attention heads/,
    ],
    ['qwen3', { use_sliding_window: true }, /field "use_sliding_window": sliding-window attention is not supported/],
    ['qwen3', { layer_types: ['sliding_attention', 'full_attention'] }, /field "layer_types"/],
    ['llama3', { sliding_window: 4096 }, /field "sliding_window": sliding-window/],
    [
      'llama3',
      { rope_parameters: { rope_type: 'longrope', rope_theta: 1e4, factor: 4 } },
      /field "rope_parameters.rope_type": unsupported RoPE type "longrope"/,
    ],
    [
      'llama3',
      { rope_parameters: undefined, rope_scaling: { type: 'yarn', beta_fast: 32 } },
      /field "rope_scaling.factor": missing \(required by rope_type "yarn"\)/,
    ],
    [
      'llama3',
      { rope_parameters: { rope_type: 'linear', rope_theta: 1e4, factor: -2 } },
      /field "rope_parameters.factor": must be a positive number/,
    ],
    [
      'llama3',
      { rope_parameters: { rope_type: 'yarn', rope_theta: 1e4, factor: 4, truncate: 'yes' } },
      /field "rope_parameters.truncate": must be true or false/,
    ],
    [
      'llama3',
      { rope_parameters: { rope_type: 'llama3', rope_theta: 1e4, factor: 8 } },
      /field "rope_parameters.low_freq_factor": missing/,
    ],
    ['qwen2-bf16-sharded', { attention_bias: true }, /field "attention_bias": qwen2 has no attention_bias option/],
    ['qwen3', { num_experts: 8 }, /field "num_experts": mixture-of-experts models are not supported/],
    ['llama3', { hidden_act: 'tanh' }, /field "hidden_act": unsupported "tanh"; supported: silu, swish, gelu/],
    ['llama3', { hidden_act: 'toString' }, /field "hidden_act": unsupported "toString"/],
    [
      'llama3',
      { model_type: 'mistral' },
      /field "model_type": unsupported model type "mistral"; supported: "gpt2", "llama", "qwen2", "qwen3"/,
    ],
  ] as const)('%s with %j', async (name, patch, message) => {
    const text = await loadError(name, { 'config.json': patchedConfig(name, patch) });
    expect(text).toMatch(/config\.json/);
    expect(text).toMatch(message);
  });

  it('a qwen3 checkpoint without q_norm', async () => {
    const file = withoutTensor('qwen3', 'model.safetensors', 'model.layers.1.self_attn.q_norm.weight');
    expect(await loadError('qwen3', { 'model.safetensors': file })).toMatch(
      /missing tensor "model\.layers\.1\.self_attn\.q_norm\.weight" \(expected shape \[16\]\)/,
    );
  });

  it('an untied llama without lm_head.weight', async () => {
    const file = withoutTensor('llama3', 'model.safetensors', 'lm_head.weight');
    expect(await loadError('llama3', { 'model.safetensors': file })).toMatch(
      /missing tensor "lm_head\.weight".*tie_word_embeddings is false/,
    );
  });

  it('a shard listed in the index but missing', async () => {
    expect(await loadError('qwen2-bf16-sharded', { 'model-00002-of-00003.safetensors': undefined })).toMatch(
      /model-00002-of-00003\.safetensors: shard listed in model\.safetensors\.index\.json is missing/,
    );
  });

  it('an index that points a tensor to the wrong shard', async () => {
    const index = JSON.parse(
      new TextDecoder().decode(await fixtureFiles('qwen2-bf16-sharded').get('model.safetensors.index.json')),
    );
    index.weight_map['model.embed_tokens.weight'] = 'model-00003-of-00003.safetensors';
    expect(await loadError('qwen2-bf16-sharded', { 'model.safetensors.index.json': JSON.stringify(index) })).toMatch(
      /model-00003-of-00003\.safetensors, field "model\.embed_tokens\.weight": tensor listed in .* is not in this shard/,
    );
  });

  it('a BF16 tensor whose byte count does not match its shape', async () => {
    const header = JSON.stringify({
      'model.embed_tokens.weight': { dtype: 'BF16', shape: [64, 32], data_offsets: [0, 4094] },
    });
    const bytes = new Uint8Array(8 + header.length + 4094);
    new DataView(bytes.buffer).setUint32(0, header.length, true);
    bytes.set(new TextEncoder().encode(header), 8);
    expect(await loadError('qwen2-bf16-sharded', { 'model-00001-of-00003.safetensors': bytes })).toMatch(
      /field "model\.embed_tokens\.weight": byte length 4094 != 4096 \(shape \[64, 32\] x 2 bytes of BF16\)/,
    );
  });
});
