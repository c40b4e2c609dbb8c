/**
 * Token-level credit for a batch of rollouts:
 *   - the attention pass: one no-grad batched forward over prompt ⊕ response with attention capture (as the
 *     paper does), each row's [H, N_r, N_r] block fed to its own rhythm accumulator, then the rhythm engine's
 *     record (roles and γ of every strategy);
 *   - shaped advantages per token: Ã_t = γ_t·Â + b_t (token-credit.ts) for every strategy.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mapOptionsOf } from '../rhythm/accumulator';
import { BatchRhythmAccumulator } from '../rhythm/batch-accumulator';
import type { Strategy } from '../rhythm/credit';
import type { RhythmOptions } from '../rhythm/options';
import { analyzeCache, type AnalysisRecord } from '../rhythm/record';
import type { BatchedLM } from './batched';
import type { RlStrategy } from './options';
import { combineCredit, hicraCredit, signedGamma, type CreditSign } from './token-credit';
import type { StepCredit } from './token-credit-steps';

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
 * Rhythm accumulation for a set of rows, fed from batched attention maps of any padded width (one set of tensor
 * ops per layer for all rows: ../rhythm/batch-accumulator.ts), then one analysis record per row. Used by the
 * separate attention pass (below) and by the fused pass that reads the maps from the update's π_old forward
 * (trainer.ts).
 */
export class CreditAnalyzer {
  private readonly acc: BatchRhythmAccumulator;
  private readonly entropy: number[][];

  constructor(
    readonly rows: CreditRow[],
    private readonly rhythm: Partial<RhythmOptions>,
    numHeads: number,
    private readonly numLayers: number,
  ) {
    const rowShapes = rows.map((row) => ({ seqLen: row.ids.length, promptLength: row.promptLength }));
    this.acc = new BatchRhythmAccumulator(rowShapes, mapOptionsOf(rhythm), numHeads);
    this.entropy = rows.map(() => []);
  }

  /**
   * One layer's maps [R·H, T, T] or [R, H, T, T] of a batch whose row j is analyzer row members[j] (−1: not
   * analyzed). Each row's first N×N block is its map: causal attention makes right padding invisible to it.
   * Call inside the forward (the tensor is not kept).
   */
  addLayer(layer: number, probs: tf.Tensor, members: number[], T: number): void {
    this.acc.addLayer(layer, probs, members, T);
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
      const caches = this.acc.finish();
      return this.rows.map((row, i) =>
        analyzeCache(
          caches[i],
          { tokens: row.tokens, tokenIds: row.ids, numLayers: this.numLayers, entropy: this.entropy[i] },
          { ...this.rhythm, seed: row.seed },
        ),
      );
    } finally {
      this.dispose();
    }
  }

  dispose(): void {
    this.acc.dispose();
  }
}

/** Bytes of one layer's attention maps a chunk of the separate pass may hold (the read-back copy doubles it). */
const MAP_BUDGET_BYTES = 32 * 2 ** 20;

/**
 * Runs a separate attention pass for `rows` (any lengths) and returns one analysis record per row. Entropies are
 * those of softmax(logits/τ), the distribution the rollout sampled from.
 * Rows are sorted by length and run as few batched forwards as the map budget allows, each right-padded to its
 * longest row: attention is causal, so a row's first N×N block is its exact map whatever follows it (one forward
 * per distinct length, as before, paid the per-op overhead of a whole forward for every length).
 */
export function attentionCredit(
  model: BatchedLM,
  rows: CreditRow[],
  rhythm: Partial<RhythmOptions>,
  temperature = 1,
  mapBudgetBytes = MAP_BUDGET_BYTES,
): CreditPass {
  if (rows.length === 0) return { records: [], attentionMs: 0, metricsMs: 0 };
  const t0 = performance.now();
  const H = model.config.n_head;
  const analyzer = new CreditAnalyzer(rows, rhythm, H, model.config.n_layer);
  const order = rows.map((_, i) => i).sort((a, b) => rows[a].ids.length - rows[b].ids.length);
  try {
    for (let start = 0; start < order.length;) {
      // Grow the chunk while its maps [R, H, T, T] (T = its longest row, the last one: sorted) fit the budget.
      let end = start + 1;
      while (end < order.length && (end + 1 - start) * H * rows[order[end]].ids.length ** 2 * 4 <= mapBudgetBytes)
        end++;
      const members = order.slice(start, end);
      const R = members.length;
      const T = rows[members[R - 1]].ids.length;
      const ids = new Int32Array(R * T); // right padding with id 0: invisible to the row (causal)
      members.forEach((i, r) => ids.set(rows[i].ids, r * T));
      const logits = model.forwardAll(ids, R, T, (layer, probs) => analyzer.addLayer(layer, probs, members, T)); // [R*T, V]
      const ent = tf.tidy(() => {
        const lp = tf.logSoftmax(temperature === 1 ? logits : tf.div(logits, temperature)); // [R*T, V]
        return tf.neg(tf.sum(tf.mul(tf.exp(lp), lp), 1)); // [R*T]
      });
      logits.dispose();
      const h = ent.dataSync();
      ent.dispose();
      members.forEach((i, r) => analyzer.setEntropy(i, h, r * T));
      start = end;
    }
  } catch (e) {
    analyzer.dispose();
    throw e;
  }
  const t1 = performance.now();
  const records = analyzer.finish();
  return { records, attentionMs: t1 - t0, metricsMs: performance.now() - t1 };
}

/** A row's batch-level credit inputs (computed from the whole step's rollouts, no attention pass). */
export interface RowCredit {
  /** TEMPO's additive terms (token-credit.ts tempoTerms). */
  tempo?: number[];
  /** HICRA's planning tokens when they come from strategic grams (otherwise the record's anchors). */
  planning?: boolean[];
  /** The entropy minority's mask (top-20% entropy tokens of the batch). */
  minority?: boolean[];
  /** CAPO- or PURE-style credit from the step checker (token-credit-steps.ts): Ã_t = advantage + add[t]. */
  steps?: StepCredit;
  /** Tokens of the row's wrong steps (step-verified strategies; the run log's amplified share). */
  wrongStepTokens?: number;
}

/**
 * Ã per response token for one row, all through Ã_t = γ_t·Â + b_t (token-credit.ts): γ·Â for the γ strategies,
 * Â + α·|Â| on planning tokens for `hicra`, Â + TEMPO's term for `tempo`, Â on the minority mask for
 * `entropy_minority`, Â everywhere for `uniform`; `capo` and `pure` replace Â by their own row term plus per-token
 * terms. `sign` v1 leaves Â < 0 unshaped (γ strategies and HICRA). A zero Â gives zeros for every strategy but TEMPO
 * and the step-verified ones (their terms can be non-zero where the row's reward is the mean).
 */
export function tokenAdvantages(
  strategy: RlStrategy,
  advantage: number,
  responseLength: number,
  record: AnalysisRecord | undefined,
  hicraCoef: number,
  sign: CreditSign = 'v2',
  row: RowCredit = {},
): number[] {
  const n = responseLength;
  if (strategy === 'tempo') {
    if (!row.tempo) throw new Error("tokenAdvantages: strategy tempo needs the group's prefix-tree terms");
    return combineCredit(advantage, n, { add: row.tempo });
  }
  if (strategy === 'capo' || strategy === 'pure') {
    if (!row.steps) throw new Error(`tokenAdvantages: strategy ${strategy} needs the group's step-verified credit`);
    return combineCredit(row.steps.advantage, n, { add: row.steps.add });
  }
  if (strategy === 'uniform' || advantage === 0) return new Array<number>(n).fill(advantage);
  if (strategy === 'entropy_minority') {
    if (!row.minority) throw new Error('tokenAdvantages: strategy entropy_minority needs the batch entropy mask');
    return combineCredit(advantage, n, { gamma: row.minority.map((m) => (m ? 1 : 0)) });
  }
  if (strategy === 'hicra' && row.planning)
    return combineCredit(advantage, n, hicraCredit(advantage, row.planning, hicraCoef, sign));
  if (!record) throw new Error(`tokenAdvantages: strategy ${strategy} needs the row's analysis record`);
  const values = strategy === 'hicra' ? record.anchor : record.gamma[strategy as Strategy];
  if (!values) throw new Error(`tokenAdvantages: no γ for strategy ${strategy} (high_entropy needs entropy)`);
  if (values.length !== n) throw new Error(`tokenAdvantages: ${values.length} values for ${n} response tokens`);
  const credit =
    strategy === 'hicra'
      ? hicraCredit(advantage, record.anchor, hicraCoef, sign)
      : signedGamma(advantage, values as number[], sign);
  return combineCredit(advantage, n, credit);
}

/**
 * Tokens the strategy singles out in one row, for the run log's amplified share: |Ã| > |Â| for the γ strategies,
 * planning tokens for HICRA, tokens with a positive TEMPO term, the tokens that keep a gradient for the minority,
 * the tokens of wrong steps for the step-verified strategies.
 */
export function amplifiedCount(strategy: RlStrategy, record: AnalysisRecord | undefined, row: RowCredit = {}): number {
  if (strategy === 'tempo') return row.tempo ? row.tempo.filter((x) => x > 0).length : 0;
  if (strategy === 'entropy_minority') return row.minority ? row.minority.filter(Boolean).length : 0;
  if (strategy === 'capo' || strategy === 'pure') return row.wrongStepTokens ?? 0;
  if (strategy === 'hicra' && row.planning) return row.planning.filter(Boolean).length;
  if (!record || strategy === 'uniform') return 0;
  if (strategy === 'hicra') return record.anchor.filter(Boolean).length;
  const g = record.gamma[strategy as Strategy];
  return g ? g.filter((x) => x > 1).length : 0;
}
