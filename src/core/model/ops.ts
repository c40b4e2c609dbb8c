/**
 * The elementwise and normalisation maths of the decoder, shared by inference (decoder.ts), training and the
 * tests' references. Every function works on 2-D [rows, width] activations unless it says otherwise.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from './types';

/** Additive mask value for keys a query must not see: exp() of it underflows to exactly 0. */
export const MASKED = -1e9;

/** The additive causal mask [S, S], row-major: 0 on and below the diagonal, MASKED above. */
export function causalMaskData(S: number): Float32Array {
  const data = new Float32Array(S * S);
  for (let t = 0; t < S; t++) for (let s = t + 1; s < S; s++) data[t * S + s] = MASKED;
  return data;
}

/** x . W + b as one fused kernel (the bias add rides along in XNNPACK; no transpose flags). */
export function linear(x: tf.Tensor2D, weight: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor2D {
  return (bias ? tf.fused.matMul({ a: x, b: weight, bias }) : tf.matMul(x, weight)) as tf.Tensor2D;
}

/** LayerNorm over the last axis: (x - mean) / sqrt(var + eps) * weight + bias. */
export function layerNorm(x: tf.Tensor2D, weight: tf.Tensor1D, bias: tf.Tensor1D, eps: number): tf.Tensor2D {
  const mean = tf.mean(x, -1, true); // [M, 1]
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.mul(centered, centered), -1, true); // [M, 1]
  return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, eps))), weight), bias) as tf.Tensor2D;
}

/** RMSNorm over the last axis (any rank): x / sqrt(mean(x²) + eps) * weight, in float32 like transformers. */
export function rmsNorm<T extends tf.Tensor>(x: T, weight: tf.Tensor, eps: number): T {
  const meanSquare = tf.mean(tf.mul(x, x), -1, true); // [..., 1]
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(meanSquare, eps))), weight) as T;
}

const GELU_C1 = 2 * Math.sqrt(2 / Math.PI);
const GELU_C2 = 2 * Math.sqrt(2 / Math.PI) * 0.044715;

/**
 * The MLP activation elementwise on z. gelu_new / gelu_pytorch_tanh: 0.5 z (1 + tanh(√(2/π) (z + 0.044715 z³)))
 * == z · sigmoid(z (C1 + C2 z²)), since 0.5 (1 + tanh(u)) = sigmoid(2u): the same function in 5 ops instead of 9
 * (z·z, not pow: wasm speed). silu: z · sigmoid(z).
 */
export function mlpActivation(z: tf.Tensor2D, fn: Activation): tf.Tensor2D {
  switch (fn) {
    case 'relu':
      return tf.relu(z);
    case 'silu':
      return tf.mul(z, tf.sigmoid(z));
    case 'gelu':
      return tf.mul(tf.mul(z, 0.5), tf.add(tf.erf(tf.mul(z, Math.SQRT1_2)), 1)) as tf.Tensor2D;
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
      return tf.mul(z, tf.sigmoid(tf.mul(z, tf.add(tf.mul(tf.mul(z, z), GELU_C2), GELU_C1)))) as tf.Tensor2D;
    default: // configs come from JSON: the parsers refuse others, this guards every other way in
      throw new Error(`unsupported activation ${JSON.stringify(fn)}`);
  }
}

/**
 * Rotary tables for the given positions, [M, 1, hd] each, in the rotate-half layout: frequency i covers columns i and
 * i + hd/2. `sin` carries the rotate-half sign (−sin on the first half), so rope(x) = x·cos + swapHalves(x)·sin.
 * Angles in float64 then rounded (transformers forms them in float32; the difference is far below the tolerances).
 * `factor` multiplies both tables (YaRN's attention temperature: it scales q and k alike).
 */
export function ropeTables(
  invFreq: Float64Array,
  positions: number[],
  factor = 1,
): { cos: tf.Tensor3D; sin: tf.Tensor3D } {
  const half = invFreq.length;
  const hd = 2 * half;
  const M = positions.length;
  const cos = new Float32Array(M * hd);
  const sin = new Float32Array(M * hd);
  for (let m = 0; m < M; m++) {
    for (let i = 0; i < half; i++) {
      const angle = positions[m] * invFreq[i];
      const c = factor * Math.cos(angle);
      const s = factor * Math.sin(angle);
      cos[m * hd + i] = c;
      cos[m * hd + half + i] = c;
      sin[m * hd + i] = -s;
      sin[m * hd + half + i] = s;
    }
  }
  return { cos: tf.tensor3d(cos, [M, 1, hd]), sin: tf.tensor3d(sin, [M, 1, hd]) };
}

/** RoPE on x [M, heads, hd] with tables from ropeTables (rows of x = positions of the tables). */
export function applyRope(x: tf.Tensor3D, cos: tf.Tensor3D, sin: tf.Tensor3D): tf.Tensor3D {
  const [M, n, hd] = x.shape;
  const half = hd / 2;
  const x1 = tf.slice(x, [0, 0, 0], [M, n, half]); // [M, n, hd/2]
  const x2 = tf.slice(x, [0, 0, half], [M, n, half]);
  const swapped = tf.concat([x2, x1], 2); // [M, n, hd]
  return tf.add(tf.mul(x, cos), tf.mul(swapped, sin)) as tf.Tensor3D;
}
