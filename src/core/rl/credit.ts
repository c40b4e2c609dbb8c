/**
 * Token-level credit for a batch of rollouts:
 *   - the attention pass: one no-grad batched forward over prompt ⊕ response with attention capture (as the
 *     paper does), each row's [H, N_r, N_r] block fed to its own rhythm accumulator, then the rhythm engine's
 *     record (roles and γ of every strategy);
 *   - shaped advantages per token: Ã_t = γ_t·Â on both signs (v2), or HICRA-style Â + c·|Â| on anchors.
 */
import * as tf from '@tensorflow/tfjs-core';
import { RhythmAccumulator } from '../rhythm/accumulator';
import { shapeAdvantage, type Strategy } from '../rhythm/credit';
import { resolveOptions, type RhythmOptions } from '../rhythm/options';
import { analyzeCache, type AnalysisRecord } from '../rhythm/record';
import type { BatchedGpt2 } from './batched';
import type { RlStrategy } from './options';

export interface CreditRow {
  /** prompt ⊕ response ids. */
  ids: number[];
  promptLength: number;
  /** Display strings of the N tokens. */
  tokens: string[];
  /** Seed of the random control strategy for this row (so rows differ but runs repeat). */
  seed: number;
}

export interface CreditPass {
  records: AnalysisRecord[];
  /** Forward with capture and the accumulators (ms). */
  attentionMs: number;
  /** Head selection, roles and γ from the cached vectors (ms). */
  metricsMs: number;
}

/**
 * Runs the attention pass for `rows` (any lengths) and returns one analysis record per row.
 * Rows are grouped by length and each group runs as one batched forward of exactly that length, so a row's
 * maps are a contiguous [1, H, N, N] block (a strided crop is a per-element JS loop on tfjs-wasm).
 */
export function attentionCredit(model: BatchedGpt2, rows: CreditRow[], rhythm: Partial<RhythmOptions>): CreditPass {
  if (rows.length === 0) return { records: [], attentionMs: 0, metricsMs: 0 };
  const t0 = performance.now();
  const opts = resolveOptions(rhythm);
  const H = model.config.n_head;
  const accs = rows.map((row) => new RhythmAccumulator({ seqLen: row.ids.length, promptLength: row.promptLength, W: opts.W, H_lo: opts.H_lo, H_hi: opts.H_hi, sink: opts.sink }));
  const entropy: number[][] = rows.map(() => []);
  const byLength = new Map<number, number[]>();
  rows.forEach((row, i) => byLength.set(row.ids.length, [...(byLength.get(row.ids.length) ?? []), i]));
  try {
    for (const [N, members] of byLength) {
      const R = members.length;
      const ids = new Int32Array(R * N);
      members.forEach((i, r) => ids.set(rows[i].ids, r * N));
      const logits = model.forwardAll(ids, R, N, (layer, probs) => {
        // One read of the layer's maps, then each row's contiguous [H, N, N] block (a tf.slice per row would
        // read the whole tensor back each time on tfjs-wasm).
        const all = probs.dataSync() as Float32Array; // [R, H, N, N]
        members.forEach((i, r) => accs[i].addLayerData(layer, all.subarray(r * H * N * N, (r + 1) * H * N * N), H));
      }); // [R*N, V]
      const ent = tf.tidy(() => {
        const lp = tf.logSoftmax(logits); // [R*N, V]
        return tf.neg(tf.sum(tf.mul(tf.exp(lp), lp), 1)); // [R*N]
      });
      logits.dispose();
      const h = ent.dataSync();
      ent.dispose();
      // Response token t was drawn from the distribution at position t − 1.
      members.forEach((i, r) => {
        for (let t = rows[i].promptLength; t < N; t++) entropy[i].push(t === 0 ? 0 : h[r * N + t - 1]);
      });
    }
    const caches = accs.map((a) => a.finish());
    const t1 = performance.now();
    const records = rows.map((row, i) =>
      analyzeCache(caches[i], { tokens: row.tokens, tokenIds: row.ids, numLayers: model.config.n_layer, entropy: entropy[i] }, { ...rhythm, seed: row.seed }));
    return { records, attentionMs: t1 - t0, metricsMs: performance.now() - t1 };
  } finally {
    for (const a of accs) a.dispose();
  }
}

/**
 * Ã per response token for one row: γ·Â for the γ strategies, Â + hicraCoef·|Â| on anchors for `hicra`,
 * Â everywhere for `uniform`. A zero Â gives zeros whatever the strategy (no record needed then).
 */
export function tokenAdvantages(strategy: RlStrategy, advantage: number, responseLength: number,
  record: AnalysisRecord | undefined, hicraCoef: number): number[] {
  if (strategy === 'uniform' || advantage === 0) return new Array<number>(responseLength).fill(advantage);
  if (!record) throw new Error(`tokenAdvantages: strategy ${strategy} needs the row's analysis record`);
  const shaped = shapeAdvantage(advantage, record.gamma, record.anchor, hicraCoef);
  const out = strategy === 'hicra' ? shaped.hicra : shaped[strategy as Strategy];
  if (!out) throw new Error(`tokenAdvantages: no γ for strategy ${strategy} (high_entropy needs entropy)`);
  if (out.length !== responseLength) throw new Error(`tokenAdvantages: ${out.length} values for ${responseLength} response tokens`);
  return out;
}

/** Tokens the strategy amplifies (|Ã| > |Â|) in one row, for the run log's amplified share. */
export function amplifiedCount(strategy: RlStrategy, record: AnalysisRecord | undefined): number {
  if (!record || strategy === 'uniform') return 0;
  if (strategy === 'hicra') return record.anchor.filter(Boolean).length;
  const g = record.gamma[strategy as Strategy];
  return g ? g.filter((x) => x > 1).length : 0;
}
