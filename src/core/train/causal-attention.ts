/**
 * The core of causal self-attention, softmax(q·kᵀ·scale + mask)·v on [BH, T, hd], with a hand-written gradient.
 * Every product goes through ../kernels/batch-matmul.ts, which on wasm is a SIMD kernel that skips the
 * causally-zero half (tfjs-wasm runs rank-3 matMuls in a scalar loop, ~10× slower) and elsewhere is tf.matMul:
 *   P = softmax(S), S = q·kᵀ·c + mask, o = P·v                 (S only on and below the diagonal; P lower)
 *   dv = Pᵀ·do;  dP = do·vᵀ;  G = P ⊙ (dP − rowsum(dP ⊙ P));  dq = G·k·c;  dk = Gᵀ·q·c
 * (dS = G·c; the scale c is folded into the products.) Only kᵀ and vᵀ, [BH, hd, T], are transposed explicitly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchMatMul, LOWER_A, LOWER_OUT, TRANSPOSE_A, UPPER_A } from '../kernels/batch-matmul';

type AttentionFn = (q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D) => tf.Tensor3D;

const swap = (t: tf.Tensor): tf.Tensor3D => tf.transpose(t, [0, 2, 1]) as tf.Tensor3D; // [BH, a, b] -> [BH, b, a]

/**
 * A function (q, k, v) -> o for one sequence length: `mask` [T, T] is additive (0 allowed, −1e9 masked), masks
 * everything above the diagonal and never the diagonal itself — every query sees at least itself, so P is exactly 0
 * above the diagonal, which the products rely on (a fully masked row would be uniform over all T keys and come
 * out wrong). GPT2Train's causal mask is exactly that. `scale` is 1/√hd. Differentiable in q, k and v. `onProbs` sees the
 * attention probabilities [BH, T, T] of the forward (the RL attention pass reads them from the π_old forward;
 * do not keep the tensor).
 */
export function makeCausalAttention(
  mask: tf.Tensor2D,
  scale: number,
  onProbs?: (probs: tf.Tensor3D) => void,
): AttentionFn {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [q, k, v, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
    const scores = tf.add(batchMatMul(q, swap(k), { mode: LOWER_OUT, alpha: scale }), mask); // [BH, T, T]
    const p = tf.softmax(scores) as tf.Tensor3D; // [BH, T, T], zero above the diagonal
    onProbs?.(p);
    save([q, k, v, p]);
    return {
      value: batchMatMul(p, v, { mode: LOWER_A }), // [BH, T, hd]
      gradFunc: (dOut: tf.Tensor, saved: tf.Tensor[]) => {
        const [qs, ks, vs, ps] = saved as tf.Tensor3D[];
        const dO = dOut as tf.Tensor3D;
        const dV = batchMatMul(ps, dO, { mode: TRANSPOSE_A | UPPER_A }); // Pᵀ·dO, [BH, T, hd]
        const dP = batchMatMul(dO, swap(vs), { mode: LOWER_OUT }); // [BH, T, T]; above the diagonal P = 0
        const g = tf.mul(ps, tf.sub(dP, tf.sum(tf.mul(dP, ps), 2, true))) as tf.Tensor3D; // [BH, T, T], lower
        const dQ = batchMatMul(g, ks, { mode: LOWER_A, alpha: scale }); // [BH, T, hd]
        const dK = batchMatMul(g, qs, { mode: TRANSPOSE_A | UPPER_A, alpha: scale }); // Gᵀ·q, [BH, T, hd]
        return [dQ, dK, dV];
      },
    };
  });
  return f as unknown as AttentionFn;
}

/** The same function with tfjs's own gradient (the reference for tests and measurements). */
export function causalAttentionBuiltin(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  mask: tf.Tensor2D,
  scale: number,
  onProbs?: (probs: tf.Tensor3D) => void,
): tf.Tensor3D {
  const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), scale), mask); // [BH, T, T]
  const p = tf.softmax(scores) as tf.Tensor3D; // [BH, T, T]
  onProbs?.(p);
  return tf.matMul(p, v);
}
