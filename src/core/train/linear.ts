/**
 * Linear layer y = x·W + b with a hand-written gradient that stays on tfjs-wasm's fast path.
 * tfjs's own matMul gradient uses transposeA/transposeB products, which tfjs-wasm runs in a scalar loop
 * (~10x slower than its XNNPACK 2-D matMul). Here every product is a plain 2-D matMul of explicitly
 * transposed operands: dX = dY·Wᵀ, dW = Xᵀ·dY, db = Σ_rows dY (as ones·dY: a row sum is a transpose plus a
 * reduction on wasm).
 */
import * as tf from '@tensorflow/tfjs-core';
import { sumRows } from './layer-norm';

type LinearFn = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

let fastLinear: LinearFn | undefined;

function makeFastLinear(): LinearFn {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([x, w]);
    const y = tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b); // [M, N]
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as tf.Tensor2D[];
        const dy2 = dy as tf.Tensor2D;
        return [tf.matMul(dy2, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy2), sumRows(dy2)];
      },
    };
  });
  return f as unknown as LinearFn;
}

/** x [M, K] · W [K, N] + b [N] -> [M, N], differentiable in all three, fast gradient. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  fastLinear ??= makeFastLinear();
  return fastLinear(x, w, b);
}

let fastMatMul: ((x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D) | undefined;

/** x [M, K] · W [K, N] -> [M, N] with the same fast gradient (no bias). */
export function matMulFast(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  fastMatMul ??= tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([a, b]);
    return {
      value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [as, bs] = saved as tf.Tensor2D[];
        return [tf.matMul(dy as tf.Tensor2D, tf.transpose(bs)), tf.matMul(tf.transpose(as), dy as tf.Tensor2D)];
      },
    };
  }) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;
  return fastMatMul(x, w);
}

/** The same product with tfjs's built-in gradient (for the gradient check and the speed comparison). */
export function linearBuiltin(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return tf.add(tf.matMul(x, w), b);
}
