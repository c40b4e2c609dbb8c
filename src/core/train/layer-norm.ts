/**
 * LayerNorm over the last axis of x [M, D] with a hand-written gradient that stays on tfjs-wasm's fast paths.
 * tfjs's autodiff of the composed ops reduces the affine gradients over axis 0 (Sum over rows), which tfjs-wasm
 * runs as a transpose plus a reduction; here those sums are 2-D matMuls with a row of ones.
 *   ŷ = (x − μ)·r, r = 1/√(var + ε);  y = ŷ·w + b
 *   dx = r·(g − mean(g) − ŷ·mean(g·ŷ)) with g = dy·w;  dw = Σ_rows dy·ŷ;  db = Σ_rows dy
 */
import * as tf from '@tensorflow/tfjs-core';

/** Σ over rows of a [M, N] tensor as a [N] vector: ones[1, M] · a (a plain 2-D matMul). */
export function sumRows(a: tf.Tensor2D): tf.Tensor1D {
  const [M, N] = a.shape;
  return tf.reshape(tf.matMul(tf.ones([1, M]), a), [N]); // [1, N] -> [N]
}

type LayerNormFn = (x: tf.Tensor2D, w: tf.Tensor1D, b: tf.Tensor1D) => tf.Tensor2D;
const cache = new Map<number, LayerNormFn>();

function makeLayerNorm(eps: number): LayerNormFn {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const xc = tf.sub(x, tf.mean(x, 1, true)); // [M, D]
    const r = tf.rsqrt(tf.add(tf.mean(tf.mul(xc, xc), 1, true), eps)); // [M, 1]
    const yHat = tf.mul(xc, r); // [M, D]
    save([yHat, r, w]);
    return {
      value: tf.add(tf.mul(yHat, w), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [yh, rs, ws] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const dy2 = dy as tf.Tensor2D;
        const g = tf.mul(dy2, ws); // [M, D]
        const dx = tf.mul(rs, tf.sub(tf.sub(g, tf.mean(g, 1, true)), tf.mul(yh, tf.mean(tf.mul(g, yh), 1, true))));
        return [dx, sumRows(tf.mul(dy2, yh) as tf.Tensor2D), sumRows(dy2)];
      },
    };
  });
  return f as unknown as LayerNormFn;
}

/** LayerNorm of x [M, D] with weight w [D] and bias b [D]; differentiable in all three, fast gradient. */
export function layerNorm(x: tf.Tensor2D, w: tf.Tensor1D, b: tf.Tensor1D, eps: number): tf.Tensor2D {
  let f = cache.get(eps);
  if (!f) cache.set(eps, (f = makeLayerNorm(eps)));
  return f(x, w, b);
}

/** The same function composed of tfjs ops, with tfjs's own gradient (the inference runtime's LayerNorm): the reference
 * for tests and measurements. */
export { layerNorm as layerNormBuiltin } from '../model/ops';
