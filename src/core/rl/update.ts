/**
 * The policy update of one RL step: the batch split into micro-batches, log π_old computed for all of them
 * before any update (same shapes as the update's forward, so the first micro-step's ratio is exactly 1),
 * then per micro-batch one PPO-clip gradient step with Adam and global-norm clipping.
 * NaN guard: a non-finite loss or gradient norm restores the weights and Adam state of the step's start.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Adam } from '../train/adam';
import type { NamedArray } from '../train/gpt2-train';
import type { TrainablePolicy } from '../train/policy';
import { policyOutputs, sliceBatch, type PolicyBatch } from './batch';
import type { RlOptions } from './options';
import { ppoClipLoss, responseTokenMean } from './ppo';

export interface TestHooks {
  /** Tests only: return true to make the loss of (step, microStep) NaN. */
  corruptLoss?: (step: number, microStep: number) => boolean;
  /** Replaces the task verifier's reward (tests and custom rewards); must return a finite number. */
  reward?: (prompt: string, completion: string) => number;
}

export interface UpdateResult {
  loss: number;
  clipFraction: number;
  kl: number;
  /** Mean per-token entropy of the old policy on response tokens (token mean per response, then mean). */
  entropy: number;
  /** Pre-clip global gradient norm, mean over micro-steps. */
  gradNorm: number;
  /** max |ratio − 1| over response tokens on the first micro-step (0 by construction). */
  firstRatioDev: number;
  aborted: boolean;
  error?: string;
}

interface UpdateHost {
  readonly options: RlOptions;
  readonly policy: TrainablePolicy;
  readonly adam: Adam;
  readonly reference?: TrainablePolicy;
}

interface Chunk {
  batch: PolicyBatch;
  old: tf.Tensor2D;
  ref?: tf.Tensor2D;
  mask: tf.Tensor2D;
}

/** π_old of every micro-batch, computed before any update (and the mean response entropy under it). */
export interface OldPolicy {
  chunks: Chunk[];
  entropy: number;
}

/**
 * What the fused attention pass reads from the π_old forward: each layer's maps [b·H, T, T] and the per-position
 * entropies [b, T] of micro-batch rows [from, to) of the batch.
 */
export interface OldPolicyCapture {
  /** Runs inside the forward; `probs` is freed after it (do not keep it). */
  onLayer(layer: number, probs: tf.Tensor3D, from: number, to: number): void;
  onEntropy(entropy: Float32Array, from: number, to: number): void;
}

/**
 * log π_old of the batch's micro-batches with the same shapes as the update's forward (so the first micro-step's
 * ratio is exactly 1), or taken from the rollout when the batch carries it. `capture` reads the attention maps and
 * entropies of that same forward (recompute mode only).
 */
export function computeOldPolicy(host: UpdateHost, batch: PolicyBatch, capture?: OldPolicyCapture): OldPolicy {
  const o = host.options;
  const n = Math.min(o.microBatches, batch.B);
  const bounds = Array.from({ length: n + 1 }, (_, i) => Math.round((i * batch.B) / n));
  const chunks: Chunk[] = [];
  let entropySum = 0;
  for (let i = 0; i < n; i++) {
    const [from, to] = [bounds[i], bounds[i + 1]];
    const b = sliceBatch(batch, from, to);
    const mask = tf.tensor2d(b.mask, [b.B, b.T]);
    const { old, ent } = tf.tidy(() => {
      if (b.oldLogp)
        return {
          old: tf.tensor2d(b.oldLogp, [b.B, b.T]),
          ent: responseTokenMean(tf.tensor2d(b.oldEntropy!, [b.B, b.T]), mask),
        };
      const onAttention = capture && ((layer: number, probs: tf.Tensor3D) => capture.onLayer(layer, probs, from, to));
      const out = policyOutputs(host.policy, b, o.temperature, onAttention);
      if (capture) capture.onEntropy(out.entropy.dataSync() as Float32Array, from, to);
      return { old: out.logp, ent: responseTokenMean(out.entropy, mask) };
    });
    entropySum += ent.dataSync()[0] * b.B;
    ent.dispose();
    const ref = host.reference ? tf.tidy(() => policyOutputs(host.reference!, b, o.temperature).logp) : undefined;
    chunks.push({ batch: b, old, ref, mask });
  }
  return { chunks, entropy: entropySum / batch.B };
}

/** Frees π_old's tensors (ppoUpdate does it for the OldPolicy it is given). */
export function disposeOldPolicy(old: OldPolicy): void {
  for (const c of old.chunks) tf.dispose([c.old, c.mask, ...(c.ref ? [c.ref] : [])]);
}

/**
 * The PPO-clip update on `batch`. Its advantages are read now, so a caller may fill them after computeOldPolicy.
 * Takes ownership of `prepared` (computed here when absent).
 */
export function ppoUpdate(
  host: UpdateHost,
  batch: PolicyBatch,
  step: number,
  hooks: TestHooks = {},
  prepared?: OldPolicy,
): UpdateResult {
  const o = host.options;
  const oldPolicy = prepared ?? computeOldPolicy(host, batch);
  const chunks = oldPolicy.chunks;
  const entropy = oldPolicy.entropy;
  const advs = chunks.map((c) => tf.tensor2d(c.batch.advantages, [c.batch.B, c.batch.T]));
  const snapshot = snapshotState(host);
  const vars = [...host.policy.vars.values()];
  let lossSum = 0;
  let clipSum = 0;
  let klSum = 0;
  let normSum = 0;
  let micro = 0;
  let firstRatioDev = 0;
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      for (const [ci, c] of chunks.entries()) {
        let clipT: tf.Scalar | undefined;
        let klT: tf.Scalar | undefined;
        let devT: tf.Scalar | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const out = policyOutputs(host.policy, c.batch, o.temperature);
          const terms = ppoClipLoss(
            { logpNew: out.logp, logpOld: c.old, advantages: advs[ci], mask: c.mask, logpRef: c.ref },
            { clipEps: o.clipEps, klCoef: o.klCoef },
          );
          clipT = tf.keep(terms.clipFraction);
          klT = tf.keep(terms.kl);
          if (micro === 0)
            devT = tf.keep(tf.max(tf.mul(tf.abs(tf.sub(tf.exp(tf.sub(out.logp, c.old)), 1)), c.mask)) as tf.Scalar);
          let loss = terms.loss;
          if (o.entropyCoef > 0) loss = tf.sub(loss, tf.mul(o.entropyCoef, responseTokenMean(out.entropy, c.mask)));
          if (hooks.corruptLoss?.(step, micro)) loss = tf.mul(loss, NaN);
          return loss as tf.Scalar;
        }, vars);
        const byName = new Map<string, tf.Tensor>();
        for (const [varName, g] of Object.entries(grads)) byName.set(host.policy.hfName(varName), g);
        const lossValue = value.dataSync()[0];
        const norm = globalNorm([...byName.values()]);
        const clip = clipT!.dataSync()[0];
        const kl = klT!.dataSync()[0];
        if (devT) firstRatioDev = devT.dataSync()[0];
        tf.dispose([value, clipT!, klT!, ...(devT ? [devT] : [])]);
        if (!Number.isFinite(lossValue) || !Number.isFinite(norm)) {
          tf.dispose(Object.values(grads));
          restoreState(host, snapshot);
          return {
            loss: lossValue,
            clipFraction: clip,
            kl,
            entropy,
            gradNorm: norm,
            firstRatioDev,
            aborted: true,
            error: `non-finite ${Number.isFinite(lossValue) ? 'gradient norm' : 'loss'} at micro-step ${micro}; update skipped, weights of the step's start kept`,
          };
        }
        host.adam.apply(host.policy.vars, byName);
        tf.dispose(Object.values(grads));
        lossSum += lossValue;
        clipSum += clip;
        klSum += kl;
        normSum += norm;
        micro++;
      }
    }
    return {
      loss: lossSum / micro,
      clipFraction: clipSum / micro,
      kl: klSum / micro,
      entropy,
      gradNorm: normSum / micro,
      firstRatioDev,
      aborted: false,
    };
  } finally {
    disposeOldPolicy(oldPolicy);
    tf.dispose(advs);
    tf.dispose(snapshot.weights);
  }
}

function globalNorm(grads: tf.Tensor[]): number {
  const t = tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.mul(g, g))))));
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

interface Snapshot {
  weights: tf.Tensor[];
  names: string[];
  adam: NamedArray[];
  adamStep: number;
}

/** Device copies of the weights (cheap) and the optimizer moments (read back: only tiny models train here). */
function snapshotState(host: UpdateHost): Snapshot {
  const names = [...host.policy.vars.keys()];
  return {
    names,
    weights: names.map((k) => tf.clone(host.policy.vars.get(k)!)),
    adam: host.adam.stateArrays().map((a) => ({ ...a, data: a.data.slice() })),
    adamStep: host.adam.step,
  };
}

function restoreState(host: UpdateHost, s: Snapshot): void {
  s.names.forEach((k, i) => host.policy.vars.get(k)!.assign(s.weights[i]));
  host.adam.loadState(s.adam, s.adamStep);
}
