import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import './gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { layerNorm, layerNormBuiltin, sumRows } from './layer-norm';
import { maxAbsDiff } from '../testing/numeric';

describe.each(['cpu', 'wasm'])('fast LayerNorm on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('sumRows adds the rows', () => {
    const s = sumRows(
      tf.tensor2d([
        [1, 2, 3],
        [10, 20, 30],
      ]),
    );
    expect(Array.from(s.dataSync())).toEqual([11, 22, 33]);
    expect(s.shape).toEqual([3]);
    s.dispose();
  });

  it('matches a hand-computed value and gradient', () => {
    // x = [1, 3]: μ = 2, var = 1, ŷ = [−1, 1] (ε = 0); w = [2, 1], b = [0, 5] ⇒ y = [−2, 6].
    const x = tf.tensor2d([[1, 3]]);
    const w = tf.tensor1d([2, 1]);
    const b = tf.tensor1d([0, 5]);
    const y = layerNorm(x, w, b, 0);
    expect(Array.from(y.dataSync())).toEqual([-2, 6]);
    // L = Σ y·c with c = [1, 0]: g = c·w = [2, 0]; mean(g) = 1; mean(g·ŷ) = −1;
    // dx = r·(g − 1 − ŷ·(−1)) = [2 − 1 − 1, 0 − 1 + 1] = [0, 0]; dw = c·ŷ = [−1, 0]; db = c = [1, 0].
    const c = tf.tensor2d([[1, 0]]);
    const [dx, dw, db] = tf.grads((xx, ww, bb) =>
      tf.sum(tf.mul(layerNorm(xx as tf.Tensor2D, ww as tf.Tensor1D, bb as tf.Tensor1D, 0), c)),
    )([x, w, b]);
    expect(maxAbsDiff(dx.dataSync(), [0, 0])).toBeLessThan(1e-6);
    expect(Array.from(dw.dataSync())).toEqual([-1, 0]);
    expect(Array.from(db.dataSync())).toEqual([1, 0]);
    tf.dispose([x, w, b, y, c, dx, dw, db]);
  });

  it("value and gradients equal tfjs's autodiff of the composed ops on random data", () => {
    const x = tf.randomNormal([29, 13], 0, 2, 'float32', 1) as tf.Tensor2D;
    const w = tf.randomNormal([13], 1, 0.5, 'float32', 2) as tf.Tensor1D;
    const b = tf.randomNormal([13], 0, 1, 'float32', 3) as tf.Tensor1D;
    const up = tf.randomNormal([29, 13], 0, 1, 'float32', 4);
    const loss = (f: typeof layerNorm) => (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(tf.tanh(f(xx as tf.Tensor2D, ww as tf.Tensor1D, bb as tf.Tensor1D, 1e-5)), up));
    const yf = layerNorm(x, w, b, 1e-5);
    const yr = layerNormBuiltin(x, w, b, 1e-5);
    expect(maxAbsDiff(yf.dataSync(), yr.dataSync())).toBeLessThan(1e-5);
    const fast = tf.grads(loss(layerNorm))([x, w, b]);
    const ref = tf.grads(loss(layerNormBuiltin))([x, w, b]);
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(fast[i].dataSync(), ref[i].dataSync())).toBeLessThan(1e-4);
    tf.dispose([x, w, b, up, yf, yr, ...fast, ...ref]);
  });

  it('leaves no tensors behind', () => {
    const x = tf.randomNormal([8, 4]) as tf.Tensor2D;
    const w = tf.variable(tf.ones([4]));
    const b = tf.variable(tf.zeros([4]));
    const run = () => {
      const { value, grads } = tf.variableGrads(
        () =>
          tf.sum(tf.square(layerNorm(x, w as unknown as tf.Tensor1D, b as unknown as tf.Tensor1D, 1e-5))) as tf.Scalar,
      );
      tf.dispose([value, ...Object.values(grads)]);
    };
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) run();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b]);
  });
});
