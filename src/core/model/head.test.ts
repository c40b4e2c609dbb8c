import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { filesFromDir } from '../io/node-files';
import { analyzeModel, responseEntropyFromTensor, softmaxEntropy } from '../rhythm';
import { Decoder } from './decoder';
import { blockEntropy, forwardEntropy } from './head';
import { loadModel } from './load';
import { FIXTURE_NAMES, fixtureDir, fixtureExpected } from './testing/familyFixtures';
import { randomLlama } from './testing/randomModel';

/** float64 entropy of every row of logits [M, V], plain loops. */
function referenceEntropy(logits: Float32Array, V: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < logits.length / V; r++) out.push(softmaxEntropy(logits.subarray(r * V, (r + 1) * V)));
  return out;
}

describe.each(['cpu', 'wasm'])('LM head entropy tile by tile on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    await tf.ready();
  });

  // V = 1000 in column blocks of 96 (the last one 40 wide), so rows merge 11 tiles.
  const shape = { modelType: 'qwen3' as const, layers: 2, heads: 4, kvHeads: 2, hidden: 32, inner: 48, vocab: 1000 };
  const build = (headBlock: number) => {
    const { config, source } = randomLlama({ ...shape, context: 64 });
    return Decoder.fromSource(config, source, { headBlock });
  };

  it('equals the entropy of the full logits for any tiling (column blocks × row tiles), within float32 rounding', () => {
    const model = build(96);
    const x = tf.mul(tf.randomNormal([37, 32], 0, 1, 'float32', 7), 3) as tf.Tensor2D; // [M, D], peaked rows
    const logits = model.head(x, false);
    const want = referenceEntropy(logits.dataSync() as Float32Array, 1000);
    const w = model.headEntropy(x);
    expect(w.shape).toEqual([37]);
    const got = w.dataSync();
    want.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(2e-5 * Math.max(1, v)));
    w.dispose();
    // The tiling itself: row tiles of 5 and of 1 give the same numbers as one tile.
    const hNorm = tf.tidy(() => tf.mul(x, 1)) as tf.Tensor2D;
    const blocks = [tf.randomNormal([32, 96], 0, 1, 'float32', 1), tf.randomNormal([32, 40], 0, 1, 'float32', 2)];
    const full = tf.concat(
      blocks.map((b) => tf.matMul(hNorm, b)),
      1,
    );
    const ref = referenceEntropy(full.dataSync() as Float32Array, 136);
    for (const tile of [1 << 22, 96 * 5, 1]) {
      const e = blockEntropy(hNorm, blocks as tf.Tensor2D[], tile);
      const got = e.dataSync();
      ref.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(2e-5 * Math.max(1, v)));
      e.dispose();
    }
    tf.dispose([x, logits, hNorm, full, ...blocks]);
    model.dispose();
  });

  it('stays exact where one column block dominates (large logits: no overflow, entropy → 0)', () => {
    const h = tf.tensor2d([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    const blocks = [
      tf.tensor2d([
        [200, 0],
        [0, -50],
      ]),
      tf.tensor2d([
        [0, 120],
        [300, 0],
      ]),
    ]; // [2, 2] each
    const e = blockEntropy(h, blocks);
    const ref = referenceEntropy(new Float32Array([200, 0, 0, 120, 0, -50, 300, 0, 200, -50, 300, 120]), 4);
    Array.from(e.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(ref[i], 6));
    expect(Number.isFinite(e.dataSync()[0])).toBe(true);
    tf.dispose([h, e, ...blocks]);
  });

  it('one column block: exactly the logits path (rhythm/entropy.ts), bit for bit', () => {
    const model = build(8192);
    const ids = [3, 14, 159, 265, 358, 979, 323, 846, 264, 338];
    const logits = model.forward(ids);
    const rows = forwardEntropy(model, ids);
    expect(Array.from(rows.dataSync()).slice(3, ids.length - 1)).toEqual(responseEntropyFromTensor(logits, 4));
    tf.dispose([logits, rows]);
    model.dispose();
  });

  it('leaks no tensors over repeated calls', () => {
    const model = build(96);
    const ids = [1, 2, 3, 4, 5, 6, 7, 8];
    forwardEntropy(model, ids).dispose(); // the causal mask is made on first use
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) forwardEntropy(model, ids).dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe.each(['cpu', 'wasm'])('analysis entropy on the transformers fixtures (%s)', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    await tf.ready();
  });

  it.each(FIXTURE_NAMES)('%s: analyzeModel entropy equals the full-logits entropy', async (name) => {
    const { model } = await loadModel(filesFromDir(fixtureDir(name)));
    const ids = fixtureExpected(name).ids;
    const logits = model.forward(ids);
    const want = responseEntropyFromTensor(logits, 2);
    const got = analyzeModel(model, { ids, promptLength: 2, tokens: ids.map(String) }).record.entropy!;
    expect(got).toHaveLength(ids.length - 2);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    logits.dispose();
    model.dispose();
  });
});
