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
export function responseEntropy(
  logits: Float32Array,
  vocabSize: number,
  seqLen: number,
  promptLength: number,
): number[] {
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
  const h = entropyRows(logits);
  try {
    return responseEntropyFromRows(h, promptLength);
  } finally {
    h.dispose();
  }
}

/** responseEntropyFromTensor with a non-blocking read: the one to use on WebGPU, where synchronous reads break. */
export async function responseEntropyFromTensorAsync(logits: tf.Tensor2D, promptLength: number): Promise<number[]> {
  const h = entropyRows(logits);
  try {
    return await responseEntropyFromRowsAsync(h, promptLength);
  } finally {
    h.dispose();
  }
}

/**
 * Response entropy from the entropy of every row's distribution, [N] (CausalLM.headEntropy: the LM head reduced
 * tile by tile, no [N, V] logits). The caller keeps ownership of `rows`.
 */
export function responseEntropyFromRows(rows: tf.Tensor1D, promptLength: number): number[] {
  return responseRows(rows.dataSync(), promptLength);
}

/** responseEntropyFromRows with a non-blocking read (WebGPU). */
export async function responseEntropyFromRowsAsync(rows: tf.Tensor1D, promptLength: number): Promise<number[]> {
  return responseRows(await rows.data(), promptLength);
}

/** Entropy of every row of logits [N, V], as [N]. */
function entropyRows(logits: tf.Tensor2D): tf.Tensor1D {
  // Entropy of every row, then pick rows in JS: tf.slice of the [rows, V] block is an element-by-element copy on
  // tfjs-wasm (≈1 s at N = 256, V = 50257), far dearer than the few prompt rows computed for nothing.
  // H = log Z − Σ e·(x − m) / Z with e = exp(x − m): three [N, V] passes instead of logSoftmax's and exp·mul's five.
  return tf.tidy(() => {
    const shifted = tf.sub(logits, tf.max(logits, 1, true)); // [N, V]
    const e = tf.exp(shifted); // [N, V]
    const z = tf.sum(e, 1); // [N]
    return tf.sub(tf.log(z), tf.div(tf.sum(tf.mul(e, shifted), 1), z)); // [N]
  });
}

function responseRows(all: ArrayLike<number>, promptLength: number): number[] {
  const out: number[] = [];
  for (let t = promptLength; t < all.length; t++) out.push(t === 0 ? 0 : all[t - 1]); // token t was drawn from row t − 1
  return out;
}
