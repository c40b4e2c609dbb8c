/**
 * The training batch of one RL step and the policy's log-probs on it.
 * Rows are prompt ⊕ response, right-padded (GPT2Train's positions start at 0 in every row); input t predicts
 * target t+1; the mask is 1 exactly where the target is a response token (the end token included).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TrainablePolicy } from '../train/policy';

export interface PolicyBatch {
  B: number;
  /** Columns: longest row length − 1. */
  T: number;
  ids: Int32Array; // [B, T]
  targets: Int32Array; // [B, T]
  mask: Float32Array; // [B, T]
  /** Shaped advantage Ã of each target position, 0 at padding and prompt. */
  advantages: Float32Array; // [B, T]
  /** Rollout log-probs of the targets (0 at padding and prompt), when the update takes π_old from the rollout. */
  oldLogp?: Float32Array; // [B, T]
  /** Rollout entropies at the same positions. */
  oldEntropy?: Float32Array; // [B, T]
}

/**
 * rows[i] = prompt ⊕ response ids; advantages[i] = Ã per response token (length N_i − promptLengths[i]), or null to
 * fill them later with fillAdvantages. `fullColumns` makes T the longest row (its last input column has no target)
 * so the forward also sees each row's last token: the fused attention pass needs every row's full N×N map.
 */
export function makePolicyBatch(
  rows: number[][],
  promptLengths: number[],
  advantages: number[][] | null,
  padId: number,
  rollout?: { logprobs: number[][]; entropies: number[][] },
  fullColumns = false,
): PolicyBatch {
  const B = rows.length;
  const T = Math.max(...rows.map((r) => r.length)) - (fullColumns ? 0 : 1);
  const ids = new Int32Array(B * T).fill(padId);
  const targets = new Int32Array(B * T).fill(padId);
  const mask = new Float32Array(B * T);
  const oldLogp = rollout ? new Float32Array(B * T) : undefined;
  const oldEntropy = rollout ? new Float32Array(B * T) : undefined;
  rows.forEach((row, b) => {
    const p = promptLengths[b];
    if (p < 1) throw new Error(`row ${b}: the prompt must have at least one token`);
    ids.set(fullColumns ? row : row.slice(0, -1), b * T);
    for (let t = 0; t < row.length - 1; t++) {
      targets[b * T + t] = row[t + 1];
      if (t + 1 >= p) {
        mask[b * T + t] = 1;
        if (rollout) {
          oldLogp![b * T + t] = rollout.logprobs[b][t + 1 - p];
          oldEntropy![b * T + t] = rollout.entropies[b][t + 1 - p];
        }
      }
    }
  });
  const batch: PolicyBatch = {
    B,
    T,
    ids,
    targets,
    mask,
    advantages: new Float32Array(B * T),
    ...(rollout ? { oldLogp, oldEntropy } : {}),
  };
  if (advantages) fillAdvantages(batch, rows, promptLengths, advantages);
  return batch;
}

/** Writes Ã of every response token into the batch (in place: slices made by sliceBatch see it). */
export function fillAdvantages(
  batch: PolicyBatch,
  rows: number[][],
  promptLengths: number[],
  advantages: number[][],
): void {
  const T = batch.T;
  rows.forEach((row, b) => {
    const p = promptLengths[b];
    if (advantages[b].length !== row.length - p)
      throw new Error(`row ${b}: ${advantages[b].length} advantages for ${row.length - p} response tokens`);
    for (let t = p - 1; t < row.length - 1; t++) batch.advantages[b * T + t] = advantages[b][t + 1 - p];
  });
}

/** Rows [from, to) of a batch. */
export function sliceBatch(b: PolicyBatch, from: number, to: number): PolicyBatch {
  const T = b.T;
  return {
    B: to - from,
    T,
    ids: b.ids.subarray(from * T, to * T),
    targets: b.targets.subarray(from * T, to * T),
    mask: b.mask.subarray(from * T, to * T),
    advantages: b.advantages.subarray(from * T, to * T),
    ...(b.oldLogp
      ? { oldLogp: b.oldLogp.subarray(from * T, to * T), oldEntropy: b.oldEntropy!.subarray(from * T, to * T) }
      : {}),
  };
}

export interface PolicyOutputs {
  /** log π(target) at temperature τ, [B, T]. */
  logp: tf.Tensor2D;
  /** Entropy (nats) of the tempered next-token distribution, [B, T]. */
  entropy: tf.Tensor2D;
}

/**
 * Log-probs of the targets under softmax(logits/τ) — the distribution rollouts sampled from — and its entropy.
 * Differentiable (call inside variableGrads for the new policy, inside tidy for old/reference).
 */
export function policyOutputs(
  model: TrainablePolicy,
  b: PolicyBatch,
  temperature: number,
  onAttention?: (layer: number, probs: tf.Tensor3D) => void,
): PolicyOutputs {
  const V = model.config.vocab_size;
  const ids = tf.tensor2d(b.ids, [b.B, b.T], 'int32');
  const logits = model.forward(ids, onAttention); // [B*T, V]
  const lp = tf.logSoftmax(temperature === 1 ? logits : tf.div(logits, temperature)); // [B*T, V]
  // One-hot product rather than gather: gather has no gradient on wasm.
  // (cast, not oneHot's dtype argument: on wasm that fills a float32 tensor with int32 bits)
  const onehot = tf.cast(tf.oneHot(tf.tensor1d(b.targets, 'int32'), V), 'float32'); // [B*T, V]
  const logp = tf.reshape(tf.sum(tf.mul(lp, onehot), 1), [b.B, b.T]) as tf.Tensor2D; // [B, T]
  const entropy = tf.reshape(tf.neg(tf.sum(tf.mul(tf.exp(lp), lp), 1)), [b.B, b.T]) as tf.Tensor2D; // [B, T]
  return { logp, entropy };
}
