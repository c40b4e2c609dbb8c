/**
 * Predictive entropy per response token (lead's rule): token t was drawn from softmax(logits[t−1]), so its
 * entropy is that distribution's entropy in nats; a response token at position 0 (empty prompt) gets 0.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../errors';

/** Entropy (nats) of softmax(x) for one row, in float64: log Z − Σ p·x with a max shift for stability. */
export function softmaxEntropy(row: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < row.length; i++) m = Math.max(m, row[i]);
  let z = 0;
  let zx = 0;
  for (let i = 0; i < row.length; i++) {
    const e = Math.exp(row[i] - m);
    z += e;
    zx += e * (row[i] - m);
  }
  return Math.log(z) - zx / z;
}

/** Entropy of every response token from logits [N, V] (row-major). */
export function responseEntropy(logits: Float32Array, vocabSize: number, seqLen: number, promptLength: number): number[] {
  if (logits.length !== seqLen * vocabSize) {
    throw new InputError(`logits hold ${logits.length} values, expected ${seqLen}·${vocabSize}`, { field: 'logits' });
  }
  const out: number[] = [];
  for (let t = promptLength; t < seqLen; t++) {
    out.push(t === 0 ? 0 : softmaxEntropy(logits.subarray((t - 1) * vocabSize, t * vocabSize)));
  }
  return out;
}

/**
 * Same as responseEntropy, computed on the backend from logits [N, V] without copying them to JS
 * (at N = 1024, V = 50257 that copy would be 200 MB). float32 precision.
 */
export function responseEntropyFromTensor(logits: tf.Tensor2D, promptLength: number): number[] {
  const [N] = logits.shape;
  const from = Math.max(promptLength - 1, 0); // logits row of the first response token with t ≥ 1
  const rows = N - 1 - from; // rows from..N−2
  let values: number[] = [];
  if (rows > 0) {
    const h = tf.tidy(() => {
      const lp = tf.logSoftmax(tf.slice(logits, [from, 0], [rows, -1])); // [rows, V]
      return tf.neg(tf.sum(tf.mul(tf.exp(lp), lp), 1)); // [rows]
    });
    values = Array.from(h.dataSync());
    h.dispose();
  }
  return promptLength === 0 ? [0, ...values] : values;
}
