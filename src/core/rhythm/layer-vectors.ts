/**
 * One layer's rhythm vectors from attention maps, for one row (./accumulator.ts) or a padded batch of rows
 * (./batch-accumulator.ts): the single place where span, WAAD and FAI are computed from the maps and the weight
 * matrices of rhythmWeights (./accumulator.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchMatMul } from '../kernels/batch-matmul';

/** Weights of layerVectors, each broadcastable against maps [R, H, T, T] (per row, or one for all rows). */
export interface LayerWeights {
  win: tf.Tensor; // [R or 1, 1, T, T] or [T, T]: min(t − s, W) on response rows
  fai: tf.Tensor; // same shape: 1/|T(s)| where t ∈ T(s)
  basis: tf.Tensor2D; // [T, 3]: (1, s, [s = 0])
  tIndex: tf.Tensor; // [R or 1, 1, T] or [1, T]: t on response rows, 0 elsewhere
  response: tf.Tensor; // same shape: 1 on response rows
  responseLength: tf.Tensor | number; // |R|, broadcastable to [R, 1, 1]
  pick: tf.Tensor2D[]; // three [3, 1] one-hot columns
}

/**
 * One layer's per-head vectors for R rows of maps [R, H, T, T]: [R, H, 1 + 2T] = span, WAAD rows, FAI columns.
 * No tf.slice anywhere: on tfjs-wasm a slice is an element-by-element copy that costs more than all the metrics
 * (54 ms for one [256, 256] block). Columns are picked with tiny matMuls, response positions by the weights.
 * Shared by RhythmAccumulator (R = 1) and BatchRhythmAccumulator (./batch-accumulator.ts).
 */
export function layerVectors(maps: tf.Tensor4D, w: LayerWeights, sink: boolean): tf.Tensor3D {
  const [R, H, T] = maps.shape;
  return tf.tidy(() => {
    const moments = tf.matMul(tf.reshape(maps, [R * H * T, T]), w.basis); // [R·H·T, 3]: row sum, Σ s·A, A[t][0]
    const part = (i: number) => tf.reshape(tf.matMul(moments, w.pick[i]), [R, H, T]); // [R·H·T, 1] -> [R, H, T]
    let rowSum = part(0);
    const keyMoment = part(1);
    // Sink: row t is divided by 1 − A[t][0] (column 0 is already zero in win/fai; s = 0 adds nothing to Σ s·A);
    // a row with all its mass on key 0 gets scale 0, i.e. becomes zeros.
    let scale: tf.Tensor3D; // [R, H, T]
    if (sink) {
      const a0 = part(2);
      const denom = tf.sub(1, a0);
      scale = tf.where(tf.greater(denom, 0), tf.div(1, tf.maximum(denom, 1e-30)), tf.zerosLike(denom)) as tf.Tensor3D;
      rowSum = tf.sub(rowSum, a0);
    } else scale = tf.ones([R, H, T]);
    // Σ_s A[t][s]·(t−s) = t·rowsum − Σ_s s·A[t][s] on response rows, 0 on prompt rows
    const distRows = tf.mul(tf.sub(tf.mul(w.tIndex, rowSum), tf.mul(w.response, keyMoment)), scale); // [R, H, T]
    const span = tf.div(tf.sum(distRows, 2, true), w.responseLength); // [R, H, 1]
    const waadRows = tf.mul(tf.sum(tf.mul(maps, w.win), 3), scale); // [R, H, T]
    // FAI: column sums of scale·(A⊙F) per head, a batched [1, T]·[T, T] product (tf.sum over axis 2 would
    // transpose the maps first).
    const masked = tf.reshape(tf.mul(maps, w.fai), [R * H, T, T]) as tf.Tensor3D; // [R·H, T, T]
    const faiCols = batchMatMul(tf.reshape(scale, [R * H, 1, T]) as tf.Tensor3D, masked); // [R·H, 1, T]
    return tf.concat([span, waadRows, tf.reshape(faiCols, [R, H, T])], 2) as tf.Tensor3D; // [R, H, 1 + 2T]
  });
}
