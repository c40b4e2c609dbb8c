import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { isInputError } from '../errors';
import { maxAbsDiff } from '../testing/numeric';
import { Decoder } from './decoder';
import { generate } from './generate';
import { randomLlama } from './testing/randomModel';
import type { DecoderWeights } from './upload';

// Device-buffer splitting (WebGPU's maxStorageBufferBindingSize) proven with a fake small limit on cpu and wasm:
// V = 1000, D = 32, so a 12 800-byte limit holds 100 vocabulary rows/columns per block; every layer weight is smaller.
const SHAPE = { modelType: 'qwen3' as const, layers: 2, heads: 4, kvHeads: 2, hidden: 32, headDim: 8, inner: 48 };
const LIMIT = 100 * 32 * 4;

const build = (tied: boolean, maxTensorBytes?: number) => {
  const { config, source } = randomLlama({ ...SHAPE, vocab: 1000, context: 64, tied });
  return Decoder.fromSource(config, source, { maxTensorBytes });
};
const weightsOf = (m: Decoder) => (m as unknown as { weights: DecoderWeights }).weights;

describe.each(['cpu', 'wasm'])('weights split to fit a device buffer (%s)', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    await tf.ready();
  });

  it.each([true, false])('tied %s: every uploaded tensor fits the limit', (tied) => {
    const model = build(tied, LIMIT);
    const w = weightsOf(model);
    expect(w.headT.map((b) => b.shape[1])).toEqual(new Array(10).fill(100));
    if (!tied) {
      expect(w.embed).toBeNull();
      expect(w.embedBlocks!.map((b) => b.shape)).toEqual(new Array(10).fill([100, 32]));
    }
    const all = [...w.headT, ...(w.embedBlocks ?? []), ...w.layers.flatMap((l) => Object.values(l))];
    for (const t of all) expect(t.size * 4).toBeLessThanOrEqual(LIMIT);
    model.dispose();
  });

  it.each([true, false])(
    'tied %s: logits, attention, entropy and cached generation equal the unsplit model',
    async (tied) => {
      const split = build(tied, LIMIT);
      const whole = build(tied);
      expect(weightsOf(whole).embedBlocks).toBeUndefined();
      // ids from every block, out of order and repeated: the embedding lookup regroups them
      const ids = [999, 0, 523, 100, 99, 523, 250, 7, 801, 0, 1, 640];
      const mapsA: Float32Array[] = [];
      const mapsB: Float32Array[] = [];
      const a = split.forward(ids, { onAttention: (l, p) => (mapsA[l] = p.dataSync() as Float32Array) });
      const b = whole.forward(ids, { onAttention: (l, p) => (mapsB[l] = p.dataSync() as Float32Array) });
      expect(maxAbsDiff(a.dataSync(), Array.from(b.dataSync()))).toBeLessThan(1e-5);
      mapsA.forEach((m, l) => expect(maxAbsDiff(m, Array.from(mapsB[l]))).toBeLessThan(1e-6));
      const x = tf.randomNormal([5, 32], 0, 1, 'float32', 3) as tf.Tensor2D;
      const ea = split.headEntropy(x);
      const eb = whole.headEntropy(x);
      expect(maxAbsDiff(ea.dataSync(), Array.from(eb.dataSync()))).toBeLessThan(1e-5);
      const ga = await generate(split, [5, 900, 333], { maxTokens: 12, useCache: true });
      const gb = await generate(whole, [5, 900, 333], { maxTokens: 12, useCache: true });
      expect(ga.ids).toEqual(gb.ids);
      tf.dispose([a, b, x, ea, eb]);
      split.dispose();
      whole.dispose();
    },
  );

  it('a layer weight larger than the limit is refused by name (use wasm), and nothing stays on the device', () => {
    const before = tf.memory().numTensors;
    let err: unknown;
    try {
      build(false, 4 * 32 * 40); // 5120 B: the q/k/v projection [32, 64] takes 8192
    } catch (e) {
      err = e;
    }
    expect(isInputError(err)).toBe(true);
    expect((err as Error).message).toMatch(/more than one device buffer may hold.*use the wasm backend/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('frees the blocks on dispose', () => {
    const before = tf.memory().numTensors;
    build(false, LIMIT).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
