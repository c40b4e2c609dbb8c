/**
 * The linkage table (the paper's Table 2): does attention structure line up with itself and with entropy, beyond
 * chance? Three rows, each an observed share/mean and the exact expectation ("random") when the first metric's
 * peak positions are shuffled uniformly over the response. Each sequence yields numerator/denominator counts, so a
 * corpus pools them (all peaks together) while the per-sequence values stay available.
 */
import { InputError } from '../errors';
import { ceilFraction } from '../rhythm/options';
import { topCountMask } from '../rhythm/select';

export interface LinkageOptions {
  /** Peaks of a metric = its top ⌈q_peak·|R|⌉ response positions (ties to the earlier position). */
  q_peak: number;
  /** A FAI peak at s "follows" a WAAD peak when one lies in [s − k_link, s] (response positions only). */
  k_link: number;
}

export const DEFAULT_LINKAGE: Readonly<LinkageOptions> = Object.freeze({ q_peak: 0.2, k_link: 3 });

export function resolveLinkageOptions(partial: Partial<LinkageOptions> = {}): LinkageOptions {
  const o = { ...DEFAULT_LINKAGE, ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) };
  if (typeof o.q_peak !== 'number' || !(o.q_peak >= 0 && o.q_peak <= 1)) {
    throw new InputError(`option q_peak must be in [0, 1] (got ${o.q_peak})`, { field: 'q_peak' });
  }
  if (!Number.isInteger(o.k_link) || o.k_link < 0) {
    throw new InputError(`option k_link must be an integer ≥ 0 (got ${o.k_link})`, { field: 'k_link' });
  }
  return o;
}

export const LINKAGE_ROWS = ['entropy_at_waad_peaks', 'receiver_global_cooccurrence', 'fai_follows_waad'] as const;
export type LinkageRowName = (typeof LINKAGE_ROWS)[number];

/**
 * observed = num/den, random = randomNum/den; den = number of peak tokens the row averages over, and randomNum the
 * expected num under shuffled peaks. Pooling sums all three, so a corpus's random is the exact expectation of its
 * pooled observed value (each peak with its own sequence's chance), over the same peaks.
 */
export interface RowCounts {
  num: number;
  den: number;
  randomNum: number;
}

export interface LinkageRow {
  observed: number | null;
  random: number | null;
  /** (observed − random)/random; null when random is 0 or either is null. */
  lift: number | null;
}

export type LinkageCounts = Record<LinkageRowName, RowCounts | null>;
export type LinkageRows = Record<LinkageRowName, LinkageRow>;

/** Per-response metrics of one sequence (all of length |R|). `fai` is over the global heads. */
export interface LinkageInput {
  waad: ArrayLike<number>;
  fai: ArrayLike<number>;
  faiReceiver: ArrayLike<number>;
  entropy?: ArrayLike<number>;
}

/** Response indices of the top ⌈q·|R|⌉ values, ties to the earlier index, in increasing order. */
export function peakIndices(values: ArrayLike<number>, q: number): number[] {
  const mask = topCountMask(values, ceilFraction(q, values.length));
  const out: number[] = [];
  mask.forEach((m, i) => m && out.push(i));
  return out;
}

/**
 * P(a uniformly random n-subset of R hits a fixed window of m positions) = 1 − C(R−m, n)/C(R, n), computed as
 * 1 − Π_{j<n} (R−m−j)/(R−j) (no big binomials). n > R − m ⇒ 1.
 */
export function hitProbability(R: number, m: number, n: number): number {
  if (n <= 0 || m <= 0) return 0;
  if (n > R - m) return 1;
  let miss = 1;
  for (let j = 0; j < n; j++) miss *= (R - m - j) / (R - j);
  return 1 - miss;
}

/** The three rows' counts for one sequence (entropy row null without entropy). */
export function sequenceLinkage(seq: LinkageInput, options: Partial<LinkageOptions> = {}): LinkageCounts {
  const o = resolveLinkageOptions(options);
  const R = seq.waad.length;
  if (seq.fai.length !== R || seq.faiReceiver.length !== R || (seq.entropy && seq.entropy.length !== R)) {
    throw new InputError(
      `per-response arrays differ in length (waad ${R}, fai ${seq.fai.length}, fai_receiver ${seq.faiReceiver.length}${seq.entropy ? `, entropy ${seq.entropy.length}` : ''})`,
      { field: 'fai' },
    );
  }
  const pW = peakIndices(seq.waad, o.q_peak);
  const pF = peakIndices(seq.fai, o.q_peak);
  const pR = peakIndices(seq.faiReceiver, o.q_peak);

  let entropy: RowCounts | null = null;
  if (seq.entropy) {
    let all = 0;
    for (let i = 0; i < R; i++) all += seq.entropy[i];
    let atPeaks = 0;
    for (const i of pW) atPeaks += seq.entropy[i];
    // Shuffled peaks: each peak token's expected entropy is the response mean.
    entropy = { num: atPeaks, den: pW.length, randomNum: R ? (pW.length * all) / R : 0 };
  }

  const inF = new Set(pF);
  const both = pR.filter((i) => inF.has(i)).length;
  // Shuffled P_F: E|P_F ∩ P_R| = |P_R|·|P_F|/|R|.
  const cooccurrence: RowCounts = { num: both, den: pR.length, randomNum: R ? (pR.length * pF.length) / R : 0 };

  const isW = new Array<boolean>(R).fill(false);
  for (const i of pW) isW[i] = true;
  let hits = 0;
  let expected = 0;
  for (const s of pF) {
    const from = Math.max(0, s - o.k_link);
    let hit = false;
    for (let u = from; u <= s && !hit; u++) hit = isW[u];
    if (hit) hits++;
    expected += hitProbability(R, s - from + 1, pW.length);
  }
  const follows: RowCounts = { num: hits, den: pF.length, randomNum: expected };
  return { entropy_at_waad_peaks: entropy, receiver_global_cooccurrence: cooccurrence, fai_follows_waad: follows };
}

export function rowOf(c: RowCounts | null): LinkageRow {
  if (!c || c.den === 0) return { observed: null, random: null, lift: null };
  const observed = c.num / c.den;
  const random = c.randomNum / c.den;
  return { observed, random, lift: random === 0 ? null : (observed - random) / random };
}

export function rowsOf(c: LinkageCounts): LinkageRows {
  return Object.fromEntries(LINKAGE_ROWS.map((name) => [name, rowOf(c[name])])) as LinkageRows;
}

/** Sums numerators and denominators row by row (sequences without a row, e.g. no entropy, are skipped). */
export function poolCounts(list: Iterable<LinkageCounts>): LinkageCounts {
  const out: Record<string, RowCounts | null> = Object.fromEntries(LINKAGE_ROWS.map((n) => [n, null]));
  for (const c of list) {
    for (const name of LINKAGE_ROWS) {
      const x = c[name];
      if (!x) continue;
      const acc = (out[name] ??= { num: 0, den: 0, randomNum: 0 });
      acc.num += x.num;
      acc.den += x.den;
      acc.randomNum += x.randomNum;
    }
  }
  return out as LinkageCounts;
}
