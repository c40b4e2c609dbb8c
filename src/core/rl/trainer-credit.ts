/**
 * The credit side of one RL step (trainer.ts runs the loop): GRPO advantages per group, the batch-level credit
 * inputs (TEMPO, entropy minority, strategic grams, step-verified credit), which rows the attention pass analyses
 * and which the update keeps, and the per-token advantages Ã of every row.
 */
import type { AnalysisRecord } from '../rhythm/record';
import { grpoAdvantages } from '../rhythm/credit';
import type { Tokenizer } from '../tokenizer/types';
import { amplifiedCount, tokenAdvantages, type RowCredit } from './credit';
import { stepCredit } from './credit-steps';
import { needsAttention, type RlOptions } from './options';
import { entropyMinorityMask, strategicGramMask, tempoTerms } from './token-credit';
import type { Rollout } from './trainer-types';

type Std = 'population' | 'sample';

/** GRPO advantages per group of G rows; all-equal rewards give exactly 0. */
export function groupAdvantages(rewards: number[], G: number, std: Std): number[] {
  const adv: number[] = [];
  for (let i = 0; i * G < rewards.length; i++) adv.push(...grpoAdvantages(rewards.slice(i * G, (i + 1) * G), std));
  return adv;
}

/**
 * The credit inputs computed from the whole step's rollouts: TEMPO and step-verified credit per group, entropy
 * minority and strategic grams per batch.
 */
export function batchCredit(o: RlOptions, ro: Rollout, std: Std, tokenizer: Tokenizer, eosId: number): RowCredit[] {
  const G = o.group;
  const out: RowCredit[] = ro.responses.map(() => ({}));
  if (o.strategy === 'tempo') {
    for (let i = 0; i < ro.problems.length; i++) {
      const terms = tempoTerms(ro.responses.slice(i * G, (i + 1) * G), ro.rewards.slice(i * G, (i + 1) * G), std);
      terms.forEach((t, j) => (out[i * G + j].tempo = t));
    }
  } else if (o.strategy === 'entropy_minority') {
    entropyMinorityMask(ro.entropies, 0.2).forEach((m, r) => (out[r].minority = m));
  } else if (o.strategy === 'hicra' && o.planningSet === 'grams') {
    strategicGramMask(ro.responses, 0.2).forEach((m, r) => (out[r].planning = m));
  } else if (o.strategy === 'capo' || o.strategy === 'pure') {
    const prompts = ro.responses.map((_, r) => ro.problems[Math.floor(r / G)].prompt);
    const rows = { task: o.task, prompts, responses: ro.responses, rewards: ro.rewards, group: G, eosId };
    const { credit, wrongTokens } = stepCredit(o.strategy, rows, tokenizer, std, o);
    credit.forEach((c, r) => {
      out[r].steps = c;
      out[r].wrongStepTokens = wrongTokens[r];
    });
  }
  return out;
}

/** Which rows the attention pass analyses and which the update uses. */
export interface RowSelection {
  /** Rows whose credit needs the attention pass. */
  want: boolean[];
  /** Rows the update uses, in order. */
  keep: number[];
  /** Rows analysed from the update's own π_old forward (a subsequence of keep). */
  fused: number[];
  fusedSet: Set<number>;
  /** Rows analysed by a separate forward. */
  separate: number[];
}

/**
 * Rows with Â = 0 carry no gradient without a KL or entropy term and are dropped (see zeroAdvantageRows), unless
 * their credit has a term of its own (TEMPO, the step-verified strategies). Rows both analysed and updated take
 * their maps from the update's π_old forward (same weights, same tokens), so the attention pass costs no forward of
 * its own; other analysed rows get one.
 */
export function selectRows(o: RlOptions, adv: number[], rowCredit: RowCredit[]): RowSelection {
  const nonZero = (xs: ArrayLike<number> | undefined) =>
    xs !== undefined && Array.prototype.some.call(xs, (x) => x !== 0);
  const hasSignal = (r: number) => {
    const c = rowCredit[r];
    return (
      adv[r] !== 0 || nonZero(c.tempo) || (c.steps !== undefined && (c.steps.advantage !== 0 || nonZero(c.steps.add)))
    );
  };
  const want = adv.map((a) => needsAttention(o.strategy, o.planningSet) && (o.attentionPass === 'always' || a !== 0));
  const keepAll = o.zeroAdvantageRows === 'keep' || o.klCoef > 0 || o.entropyCoef > 0;
  const keep = adv.flatMap((_, r) => (keepAll || hasSignal(r) ? [r] : []));
  const fuse = o.oldLogProbs === 'recompute';
  const fused = fuse ? keep.filter((r) => want[r]) : [];
  const fusedSet = new Set(fused);
  const separate = want.flatMap((w, r) => (w && !fusedSet.has(r) ? [r] : []));
  return { want, keep, fused, fusedSet, separate };
}

/** Ã per response token of every row, with the run log's counts. */
export function rowTokenAdvantages(
  o: RlOptions,
  responses: number[][],
  adv: number[],
  records: Map<number, AnalysisRecord>,
  rowCredit: RowCredit[],
  hicraCoef: number,
): { tokenAdv: number[][]; amplified: number; responseTokens: number } {
  const tokenAdv = responses.map((resp, r) =>
    tokenAdvantages(o.strategy, adv[r], resp.length, records.get(r), hicraCoef, o.creditSign, rowCredit[r]),
  );
  let amplified = 0;
  let responseTokens = 0;
  responses.forEach((resp, r) => {
    responseTokens += resp.length;
    amplified += amplifiedCount(o.strategy, records.get(r), rowCredit[r]);
  });
  return { tokenAdv, amplified, responseTokens };
}

export function countZeroGroups(adv: number[], G: number): number {
  let n = 0;
  for (let i = 0; i < adv.length; i += G) if (adv.slice(i, i + G).every((a) => a === 0)) n++;
  return n;
}

/** Token mean within each response, then mean over responses. */
export function meanTokenMean(perToken: number[][]): number {
  const rows = perToken.filter((x) => x.length > 0);
  return rows.reduce((a, x) => a + x.reduce((b, y) => b + y, 0) / x.length, 0) / Math.max(rows.length, 1);
}
