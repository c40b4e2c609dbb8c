import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '../train/gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  batchMatMul,
  fastBatchMatMulActive,
  LOWER_A,
  LOWER_OUT,
  TRANSPOSE_A,
  TRANSPOSE_B,
  UPPER_A,
} from './batch-matmul';
import { bmmReference, triangularOperand } from './bmm-reference';
import { maxAbsDiff } from '../testing/numeric';
import { Rng } from '../tasks/prng';

const MODES = [
  0,
  LOWER_OUT,
  LOWER_A,
  UPPER_A,
  TRANSPOSE_A,
  TRANSPOSE_A | UPPER_A,
  TRANSPOSE_A | LOWER_A,
  TRANSPOSE_B,
  TRANSPOSE_B | LOWER_OUT,
  LOWER_A | LOWER_OUT,
];

describe.each(['cpu', 'wasm'])('batchMatMul on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it(backend === 'wasm' ? 'runs the SIMD kernel' : 'runs the tfjs-ops path', () => {
    expect(fastBatchMatMulActive()).toBe(backend === 'wasm');
  });

  it('equals the plain-loop reference in every mode, odd sizes included', () => {
    const rng = new Rng(7);
    for (const [batch, M, K, N] of [
      [3, 9, 9, 9],
      [2, 5, 7, 18],
      [4, 33, 33, 24],
      [1, 1, 1, 1],
      [6, 1, 24, 37],
    ]) {
      for (const mode of MODES) {
        if (mode & (LOWER_A | UPPER_A) && K !== M) continue;
        const a = triangularOperand(batch, M, K, mode, () => rng.next());
        const b = Float32Array.from({ length: batch * K * N }, () => rng.next() - 0.5);
        const ta = tf.tensor3d(a, mode & TRANSPOSE_A ? [batch, K, M] : [batch, M, K]);
        const tb = tf.tensor3d(b, mode & TRANSPOSE_B ? [batch, N, K] : [batch, K, N]);
        const c = batchMatMul(ta, tb, { mode, alpha: 1.5 });
        expect(c.shape).toEqual([batch, M, N]);
        expect(
          maxAbsDiff(c.dataSync(), bmmReference(a, b, batch, M, K, N, mode, 1.5)),
          `[${batch},${M},${K},${N}] mode ${mode}`,
        ).toBeLessThan(1e-5);
        tf.dispose([ta, tb, c]);
      }
    }
  });

  it('names mismatched shapes', () => {
    const a = tf.zeros([2, 3, 4]) as tf.Tensor3D;
    const b = tf.zeros([2, 5, 6]) as tf.Tensor3D;
    expect(() => batchMatMul(a, b)).toThrow(/op\(a\) is \[2, 3, 4\] but b is \[2, 5, 6\]/);
    expect(() => batchMatMul(a, b, { mode: TRANSPOSE_B })).toThrow(/but bᵀ is \[2, 6, 5\]/);
    expect(() => batchMatMul(a, b, { mode: TRANSPOSE_A | TRANSPOSE_B })).toThrow(/not supported/);
    expect(() => batchMatMul(a, tf.zeros([2, 4, 6]) as tf.Tensor3D, { mode: LOWER_A })).toThrow(/must be square/);
    tf.dispose([a, b]);
  });

  it('leaves no tensors behind, in every mode, with and without gradients', () => {
    const a = tf.randomNormal([4, 6, 6]) as tf.Tensor3D;
    const b = tf.randomNormal([4, 6, 6]) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    for (const mode of MODES) {
      batchMatMul(a, b, { mode, alpha: 2 }).dispose();
      tf.dispose(
        tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(batchMatMul(x as tf.Tensor3D, y as tf.Tensor3D, { mode })))([
          a,
          b,
        ]),
      );
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });

  it('has the gradient of the product it computes (skipped entries get none), in every mode', () => {
    const rng = new Rng(11);
    const [batch, M] = [3, 7];
    for (const mode of MODES) {
      const [tA, tB] = [(mode & TRANSPOSE_A) !== 0, (mode & TRANSPOSE_B) !== 0];
      const a = tf.tensor3d(
        triangularOperand(batch, M, M, mode, () => rng.next()),
        [batch, M, M],
      );
      const b = tf.tensor3d(
        Float32Array.from({ length: batch * M * M }, () => rng.next() - 0.5),
        [batch, M, M],
      );
      const up = tf.randomNormal([batch, M, M], 0, 1, 'float32', mode);
      const ours = (x: tf.Tensor, y: tf.Tensor) =>
        tf.sum(tf.mul(batchMatMul(x as tf.Tensor3D, y as tf.Tensor3D, { mode, alpha: 1.5 }), up));
      const plain = (x: tf.Tensor, y: tf.Tensor) => {
        let opA = tA ? tf.transpose(x, [0, 2, 1]) : x;
        if (mode & LOWER_A) opA = tf.linalg.bandPart(opA, -1, 0);
        if (mode & UPPER_A) opA = tf.linalg.bandPart(opA, 0, -1);
        let c = tf.mul(tf.matMul(opA, y, false, tB), 1.5);
        if (mode & LOWER_OUT) c = tf.linalg.bandPart(c, -1, 0);
        return tf.sum(tf.mul(c, up));
      };
      const got = tf.grads(ours)([a, b]);
      const want = tf.grads(plain)([a, b]);
      for (let i = 0; i < 2; i++)
        expect(maxAbsDiff(got[i].dataSync(), want[i].dataSync()), `mode ${mode}, d${'ab'[i]}`).toBeLessThan(1e-4);
      tf.dispose([a, b, up, ...got, ...want]);
    }
  });
});
