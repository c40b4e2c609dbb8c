import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSafetensors, writeSafetensors } from '../io/safetensors';
import { parseGPT2Config } from './config';
import { generate } from './generate';
import { generateBatch } from './generate-batch';
import { Decoder } from './decoder';
import { makeTinyGpt2 } from './testing/tinyGpt2';

let model: Decoder;
const PROMPT = [12, 40, 41, 7, 2, 55];

beforeAll(async () => {
  await tf.setBackend('wasm');
  const { configJson, tensors } = makeTinyGpt2({ nLayer: 2, nHead: 4, nEmbd: 32, nPositions: 48, seed: 5 });
  model = Decoder.fromSource(parseGPT2Config(configJson), parseSafetensors(writeSafetensors(tensors), 'm.safetensors'));
  model.forward(PROMPT).dispose(); // the kept causal mask, so memory checks below start level
});
afterAll(() => model.dispose());

describe('generateBatch', () => {
  it('greedy: every sample equals single-sequence greedy; no tensors left behind', async () => {
    const before = tf.memory().numTensors;
    const single = await generate(model, PROMPT, { maxTokens: 20 });
    const batch = await generateBatch(model, PROMPT, 3, { maxTokens: 20 });
    expect(batch).toEqual([single, single, single]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('sample g equals generate with seed + g, including per-sample stops', async () => {
    const opts = { maxTokens: 25, temperature: 1.2, topK: 20, seed: 10 };
    const batch = await generateBatch(model, PROMPT, 4, opts);
    for (let g = 0; g < 4; g++) expect(batch[g]).toEqual(await generate(model, PROMPT, { ...opts, seed: 10 + g }));
    expect(new Set(batch.map((r) => r.ids.join(','))).size).toBe(4); // the samples differ

    // Stop on a token some samples produce: those stop early, the others run on, each as alone.
    const stop = batch[0].ids[3];
    const stopped = await generateBatch(model, PROMPT, 4, { ...opts, stopTokens: [stop] });
    for (let g = 0; g < 4; g++) {
      expect(stopped[g]).toEqual(await generate(model, PROMPT, { ...opts, seed: 10 + g, stopTokens: [stop] }));
    }
    expect(stopped[0].stopReason).toBe('stop_token');
  });

  it('streams tokens per sample, stops at the context and on abort', async () => {
    const seen: string[] = [];
    const r = await generateBatch(model, new Array(45).fill(3), 2, { maxTokens: 10, onToken: (g, id, i) => seen.push(`${g}:${i}:${id}`) });
    expect(r.map((x) => x.stopReason)).toEqual(['context_full', 'context_full']);
    expect(r.map((x) => x.ids.length)).toEqual([3, 3]);
    expect(seen).toHaveLength(6);

    const ac = new AbortController();
    const a = await generateBatch(model, PROMPT, 2, { maxTokens: 10, signal: ac.signal, onToken: (g, _, i) => g === 1 && i === 1 && ac.abort() });
    expect(a.map((x) => [x.ids.length, x.stopReason])).toEqual([[2, 'aborted'], [2, 'aborted']]);
  });

  it('rejects a bad sample count and a cache over budget', async () => {
    await expect(generateBatch(model, PROMPT, 0, { maxTokens: 3 })).rejects.toThrow(/field "numSamples"/);
    expect(() => model.createCache({ batch: 3, maxBytes: 2 * 2 * 48 * 32 * 4 * 3 - 1 })).toThrow(/3 sequences × 48 tokens/);
  });
});
