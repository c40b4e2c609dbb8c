import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import './gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { linear, linearBuiltin, matMulFast } from './linear';
import { maxAbsDiff } from '../testing/numeric';

describe.each(['cpu', 'wasm'])('fast linear on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('matches a hand-computed product and gradient', () => {
    // x = [[1, 2]], W = [[1, 0, 2], [0, 1, 3]], b = [1, 1, 1]: y = [2, 3, 9].
    const x = tf.tensor2d([[1, 2]]);
    const w = tf.tensor2d([
      [1, 0, 2],
      [0, 1, 3],
    ]);
    const b = tf.tensor1d([1, 1, 1]);
    expect(Array.from(linear(x, w, b).dataSync())).toEqual([2, 3, 9]);
    // L = sum(y · c) with c = [1, 2, 3]: dL/dx = W·c = [7, 11]; dL/dW = xᵀ·c; dL/db = c.
    const c = tf.tensor2d([[1, 2, 3]]);
    const g = tf.grads((xx, ww, bb) =>
      tf.sum(tf.mul(linear(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D), c)),
    );
    const [dx, dw, db] = g([x, w, b]);
    expect(Array.from(dx.dataSync())).toEqual([7, 11]);
    expect(Array.from(dw.dataSync())).toEqual([1, 2, 3, 2, 4, 6]);
    expect(Array.from(db.dataSync())).toEqual([1, 2, 3]);
    tf.dispose([x, w, b, c, dx, dw, db]);
  });

  it("gradients equal tfjs's own matMul gradient on random data", () => {
    const x = tf.randomNormal([37, 19], 0, 1, 'float32', 1) as tf.Tensor2D;
    const w = tf.randomNormal([19, 23], 0, 1, 'float32', 2) as tf.Tensor2D;
    const b = tf.randomNormal([23], 0, 1, 'float32', 3) as tf.Tensor1D;
    const up = tf.randomNormal([37, 23], 0, 1, 'float32', 4);
    const loss = (f: typeof linear) => (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(tf.tanh(f(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D)), up));
    const fast = tf.grads(loss(linear))([x, w, b]);
    const ref = tf.grads(loss(linearBuiltin))([x, w, b]);
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(fast[i].dataSync(), ref[i].dataSync())).toBeLessThan(1e-4);
    const gm = tf.grads((xx: tf.Tensor, ww: tf.Tensor) =>
      tf.sum(tf.mul(matMulFast(xx as tf.Tensor2D, ww as tf.Tensor2D), tf.slice(up, [0, 0], [37, 23]))),
    )([x, w]);
    const gr = tf.grads((xx: tf.Tensor, ww: tf.Tensor) =>
      tf.sum(tf.mul(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), tf.slice(up, [0, 0], [37, 23]))),
    )([x, w]);
    for (let i = 0; i < 2; i++) expect(maxAbsDiff(gm[i].dataSync(), gr[i].dataSync())).toBeLessThan(1e-4);
    tf.dispose([x, w, b, up, ...fast, ...ref, ...gm, ...gr]);
  });

  it('leaves no tensors behind', () => {
    const x = tf.randomNormal([8, 4]) as tf.Tensor2D;
    const w = tf.variable(tf.randomNormal([4, 3]));
    const b = tf.variable(tf.zeros([3]));
    const run = () => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(linear(x, w as unknown as tf.Tensor2D, b as unknown as tf.Tensor1D)) as tf.Scalar,
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
