import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchMatMul, fastBatchMatMulActive, LOWER_A, LOWER_OUT, TRANSPOSE_A, TRANSPOSE_B, UPPER_A } from './batch-matmul';
import { bmmReference, triangularOperand } from './bmm-reference';
import { maxAbsDiff } from '../testing/numeric';
import { Rng } from '../tasks/prng';

describe.each(['cpu', 'wasm'])('batchMatMul on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it(backend === 'wasm' ? 'runs the SIMD kernel' : 'runs the tfjs-ops path', () => {
    expect(fastBatchMatMulActive()).toBe(backend === 'wasm');
  });

  it('equals the plain-loop reference in every mode, odd sizes included', () => {
    const rng = new Rng(7);
    for (const [batch, M, K, N] of [[3, 9, 9, 9], [2, 5, 7, 18], [4, 33, 33, 24], [1, 1, 1, 1], [6, 1, 24, 37]]) {
      for (const mode of [0, LOWER_OUT, LOWER_A, UPPER_A, TRANSPOSE_A, TRANSPOSE_A | UPPER_A, TRANSPOSE_B, TRANSPOSE_B | LOWER_OUT]) {
        if (mode & (LOWER_A | UPPER_A) && K !== M) continue;
        const a = triangularOperand(batch, M, K, mode, () => rng.next());
        const b = Float32Array.from({ length: batch * K * N }, () => rng.next() - 0.5);
        const ta = tf.tensor3d(a, mode & TRANSPOSE_A ? [batch, K, M] : [batch, M, K]);
        const tb = tf.tensor3d(b, mode & TRANSPOSE_B ? [batch, N, K] : [batch, K, N]);
        const c = batchMatMul(ta, tb, { mode, alpha: 1.5 });
        expect(c.shape).toEqual([batch, M, N]);
        expect(maxAbsDiff(c.dataSync(), bmmReference(a, b, batch, M, K, N, mode, 1.5)), `[${batch},${M},${K},${N}] mode ${mode}`).toBeLessThan(1e-5);
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

  it('leaves no tensors behind', () => {
    const a = tf.randomNormal([4, 6, 6]) as tf.Tensor3D;
    const b = tf.randomNormal([4, 6, 3]) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) batchMatMul(a, b, { mode: LOWER_OUT | TRANSPOSE_A, alpha: 2 }).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });
});
