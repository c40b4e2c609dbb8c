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
 * Rhythm accumulators for a set of rows, fed from batched attention maps of any padded width, then one analysis
 * record per row. Used by the separate attention pass (below) and by the fused pass that reads the maps from the
 * update's π_old forward (trainer.ts).
 */
export class CreditAnalyzer {
  private readonly accs: RhythmAccumulator[];
  private readonly entropy: number[][];

  constructor(readonly rows: CreditRow[], private readonly rhythm: Partial<RhythmOptions>, private readonly numHeads: number,
    private readonly numLayers: number) {
    const opts = resolveOptions(rhythm);
    this.accs = rows.map((row) => new RhythmAccumulator({ seqLen: row.ids.length, promptLength: row.promptLength, W: opts.W, H_lo: opts.H_lo, H_hi: opts.H_hi, sink: opts.sink }));
    this.entropy = rows.map(() => []);
  }

  /**
   * One layer's maps `all` [R, H, T, T] (row-major) of a batch whose row j is analyzer row members[j] (−1: not
   * analyzed). Each row's first N×N block is its map: causal attention makes right padding invisible to it.
   */
  addLayer(layer: number, all: Float32Array, members: number[], T: number): void {
    const H = this.numHeads;
    members.forEach((i, j) => {
      if (i < 0) return;
      const N = this.rows[i].ids.length;
      if (N > T) throw new Error(`CreditAnalyzer: row ${i} has ${N} tokens but the batch only ${T} columns`);
      const base = j * H * T * T;
      if (N === T) {
        this.accs[i].addLayerData(layer, all.subarray(base, base + H * T * T), H);
        return;
      }
      const crop = new Float32Array(H * N * N); // [H, N, N]
      for (let h = 0; h < H; h++) {
        for (let q = 0; q < N; q++) crop.set(all.subarray(base + (h * T + q) * T, base + (h * T + q) * T + N), (h * N + q) * N);
      }
      this.accs[i].addLayerData(layer, crop, H);
    });
  }

  /** Row i's per-position entropies `h` (position t predicts token t + 1), from index `offset` of `h`. */
  setEntropy(i: number, h: ArrayLike<number>, offset: number): void {
    const row = this.rows[i];
    const out: number[] = [];
    // Response token t was drawn from the distribution at position t − 1.
    for (let t = row.promptLength; t < row.ids.length; t++) out.push(t === 0 ? 0 : h[offset + t - 1]);
    this.entropy[i] = out;
  }

  /** Head selection, roles and γ of every row (frees the accumulators). */
  finish(): AnalysisRecord[] {
    try {
      const caches = this.accs.map((a) => a.finish());
      return this.rows.map((row, i) =>
        analyzeCache(caches[i], { tokens: row.tokens, tokenIds: row.ids, numLayers: this.numLayers, entropy: this.entropy[i] }, { ...this.rhythm, seed: row.seed }));
    } finally {
      this.dispose();
    }
  }

  dispose(): void {
    for (const a of this.accs) a.dispose();
  }
}

/**
 * Runs a separate attention pass for `rows` (any lengths) and returns one analysis record per row. Entropies are
 * those of softmax(logits/τ), the distribution the rollout sampled from.
 * Rows are grouped by length and each group runs as one batched forward of exactly that length, so a row's
 * maps are a contiguous [1, H, N, N] block.
 */
export function attentionCredit(model: BatchedGpt2, rows: CreditRow[], rhythm: Partial<RhythmOptions>, temperature = 1): CreditPass {
  if (rows.length === 0) return { records: [], attentionMs: 0, metricsMs: 0 };
  const t0 = performance.now();
  const analyzer = new CreditAnalyzer(rows, rhythm, model.config.n_head, model.config.n_layer);
  const byLength = new Map<number, number[]>();
  rows.forEach((row, i) => byLength.set(row.ids.length, [...(byLength.get(row.ids.length) ?? []), i]));
  try {
    for (const [N, members] of byLength) {
      const R = members.length;
      const ids = new Int32Array(R * N);
      members.forEach((i, r) => ids.set(rows[i].ids, r * N));
      // One read of each layer's maps (a tf.slice per row would read the whole tensor back each time on wasm).
      const logits = model.forwardAll(ids, R, N, (layer, probs) => analyzer.addLayer(layer, probs.dataSync() as Float32Array, members, N)); // [R*N, V]
      const ent = tf.tidy(() => {
        const lp = tf.logSoftmax(temperature === 1 ? logits : tf.div(logits, temperature)); // [R*N, V]
        return tf.neg(tf.sum(tf.mul(tf.exp(lp), lp), 1)); // [R*N]
      });
      logits.dispose();
      const h = ent.dataSync();
      ent.dispose();
      members.forEach((i, r) => analyzer.setEntropy(i, h, r * N));
    }
  } catch (e) {
    analyzer.dispose();
    throw e;
  }
  const t1 = performance.now();
  const records = analyzer.finish();
  return { records, attentionMs: t1 - t0, metricsMs: performance.now() - t1 };
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
