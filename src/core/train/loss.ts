/** Masked next-token cross-entropy and teacher-forced accuracy. */
import * as tf from '@tensorflow/tfjs-core';

/** Mean over mask of −log softmax(logits)[target]; logits [M, V], targets [M] int32, mask [M]. */
export function maskedCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const V = logits.shape[1];
    const logp = tf.logSoftmax(logits); // [M, V]
    // One-hot product rather than gather: gather has no gradient on wasm.
    const picked = tf.sum(tf.mul(logp, tf.cast(tf.oneHot(targets, V), 'float32')), 1); // [M]
    return tf.div(tf.neg(tf.sum(tf.mul(picked, mask))), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  });
}

/**
 * Teacher-forced sequence accuracy: a row counts when argmax equals the target at every masked
 * position. For greedy decoding this is exactly "greedy output = reference solution", so it is a lower
 * bound on greedy task accuracy (another correct route, e.g. in Countdown, also scores there).
 */
export function sequenceAccuracy(
  logits: tf.Tensor2D,
  targets: Int32Array,
  mask: Float32Array,
  B: number,
  T: number,
): number {
  const predTensor = tf.argMax(logits, 1);
  const pred = predTensor.dataSync();
  predTensor.dispose();
  let correct = 0;
  for (let b = 0; b < B; b++) {
    let ok = true;
    for (let t = 0; t < T && ok; t++) {
      const i = b * T + t;
      if (mask[i] && pred[i] !== targets[i]) ok = false;
    }
    if (ok) correct++;
  }
  return correct / B;
}
