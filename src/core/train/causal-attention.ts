/**
 * The core of causal self-attention, softmax(q·kᵀ·scale + mask)·v on [BH, T, hd], with a hand-written gradient.
 * tfjs's matMul gradient uses transposeA/transposeB products, which tfjs-wasm runs in its slowest loop; here every
 * product is a plain batched matMul of explicitly transposed operands (3-D transposes are cheap on wasm):
 *   P = softmax(S), S = q·kᵀ·c + mask, o = P·v
 *   dv = Pᵀ·do;  dP = do·vᵀ;  dS = P ⊙ (dP − rowsum(dP ⊙ P))·c;  dq = dS·k;  dk = dSᵀ·q
 */
import * as tf from '@tensorflow/tfjs-core';

type AttentionFn = (q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D) => tf.Tensor3D;

const swap = (t: tf.Tensor): tf.Tensor3D => tf.transpose(t, [0, 2, 1]) as tf.Tensor3D; // [BH, a, b] -> [BH, b, a]

/**
 * A function (q, k, v) -> o for one sequence length: `mask` [T, T] is additive (0 allowed, −1e9 masked), `scale`
 * is 1/√hd. Differentiable in q, k and v. `onProbs` sees the attention probabilities [BH, T, T] of the forward
 * (the RL attention pass reads them from the π_old forward; do not keep the tensor).
 */
export function makeCausalAttention(mask: tf.Tensor2D, scale: number, onProbs?: (probs: tf.Tensor3D) => void): AttentionFn {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [q, k, v, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
    const scores = tf.add(tf.mul(tf.matMul(q, swap(k)), scale), mask); // [BH, T, T]
    const p = tf.softmax(scores) as tf.Tensor3D; // [BH, T, T]
    onProbs?.(p);
    save([q, k, v, p]);
    return {
      value: tf.matMul(p, v), // [BH, T, hd]
      gradFunc: (dOut: tf.Tensor, saved: tf.Tensor[]) => {
        const [qs, ks, vs, ps] = saved as tf.Tensor3D[];
        const dO = dOut as tf.Tensor3D;
        const dV = tf.matMul(swap(ps), dO); // [BH, T, hd]
        const dP = tf.matMul(dO, swap(vs)); // [BH, T, T]
        const dS = tf.mul(tf.mul(ps, tf.sub(dP, tf.sum(tf.mul(dP, ps), 2, true))), scale); // [BH, T, T]
        return [tf.matMul(dS, ks), tf.matMul(swap(dS), qs), dV];
      },
    };
  });
  return f as unknown as AttentionFn;
}

/** The same function with tfjs's own gradient (the reference for tests and measurements). */
export function causalAttentionBuiltin(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, mask: tf.Tensor2D, scale: number,
  onProbs?: (probs: tf.Tensor3D) => void): tf.Tensor3D {
  const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), scale), mask); // [BH, T, T]
  const p = tf.softmax(scores) as tf.Tensor3D; // [BH, T, T]
  onProbs?.(p);
  return tf.matMul(p, v);
}
