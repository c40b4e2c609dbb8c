/**
 * PPO-clip surrogate for GRPO with token-level (shaped) advantages.
 *
 * For response i with tokens t = 1..|o_i|, ratio r = exp(logp_new − logp_old) and advantage Ã_{i,t}:
 *   L = −(1/B) Σ_i (1/|o_i|) Σ_t min(r·Ã, clip(r, 1−ε, 1+ε)·Ã)      (token mean per response, then mean over responses)
 * Optional KL to a reference policy (k3 estimator, as GRPO uses): β·(exp(ref−new) − (ref−new) − 1) per token,
 * averaged the same way. The paper's setting is β = 0 (no KL, no entropy bonus).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface PpoInputs {
  /** log π_θ(o_t) of the sampled tokens, [B, T] (differentiable). */
  logpNew: tf.Tensor2D;
  /** log π_old(o_t), [B, T] (constant). */
  logpOld: tf.Tensor2D;
  /** Shaped advantages Ã = γ·Â per token, [B, T]; 0 at padding. */
  advantages: tf.Tensor2D;
  /** 1 for response tokens, 0 for padding, [B, T]. */
  mask: tf.Tensor2D;
  /** log π_ref(o_t), [B, T]; needed only when klCoef > 0. */
  logpRef?: tf.Tensor2D;
}

export interface PpoOptions {
  clipEps: number;
  klCoef?: number;
}

export interface PpoTerms {
  loss: tf.Scalar;
  /** Share of response tokens whose ratio was clipped (for monitoring; not differentiated). */
  clipFraction: tf.Scalar;
  /** Mean KL estimate (0 when klCoef is 0). */
  kl: tf.Scalar;
}

/** Token mean within each response, then mean over responses: [B, T] -> scalar. */
export function responseTokenMean(x: tf.Tensor2D, mask: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const perResponse = tf.div(tf.sum(tf.mul(x, mask), 1), tf.maximum(tf.sum(mask, 1), 1)); // [B]
    return tf.mean(perResponse) as tf.Scalar;
  });
}

export function ppoClipLoss(inp: PpoInputs, opts: PpoOptions): PpoTerms {
  const { clipEps } = opts;
  const klCoef = opts.klCoef ?? 0;
  return tf.tidy(() => {
    const ratio = tf.exp(tf.sub(inp.logpNew, inp.logpOld)); // [B, T]
    const unclipped = tf.mul(ratio, inp.advantages);
    const clipped = tf.mul(tf.clipByValue(ratio, 1 - clipEps, 1 + clipEps), inp.advantages);
    const surrogate = tf.minimum(unclipped, clipped) as tf.Tensor2D; // [B, T]
    let loss = tf.neg(responseTokenMean(surrogate, inp.mask));
    let kl: tf.Scalar = tf.scalar(0);
    if (klCoef > 0) {
      if (!inp.logpRef) throw new Error('ppoClipLoss: klCoef > 0 needs logpRef');
      const d = tf.sub(inp.logpRef, inp.logpNew); // [B, T]
      const k3 = tf.sub(tf.sub(tf.exp(d), d), 1) as tf.Tensor2D;
      kl = responseTokenMean(k3, inp.mask);
      loss = tf.add(loss, tf.mul(klCoef, kl));
    }
    // A token counts as clipped when the clipped branch is the one min() picked and it differs from the unclipped one.
    const isClipped = tf.cast(tf.greater(tf.abs(tf.sub(unclipped, surrogate)), 1e-12), 'float32');
    const clipFraction = tf.div(tf.sum(tf.mul(isClipped, inp.mask)), tf.maximum(tf.sum(inp.mask), 1)) as tf.Scalar;
    return { loss: loss as tf.Scalar, clipFraction, kl };
  });
}
