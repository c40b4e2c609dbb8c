/**
 * The perturbation test (the paper's Table 1): force other tokens at high-FAI and at low-FAI response positions,
 * let the model continue greedily, and measure how much of the rest of the reasoning changes (Jaccard of
 * content-token sets). Pure pieces here; perturb-run.ts drives the model.
 */
import { InputError } from '../errors';
import { mulberry32 } from '../random';
import { topCountMask } from '../rhythm/select';
import { mixSeed } from '../tasks/prng';

export interface PerturbOptions {
  /** Forced alternatives per position (top-k by probability, the original token excluded). */
  k: number;
  /** Positions per set (top, bottom, random). */
  m: number;
  /** Tokens that must follow an eligible position. */
  min_tail: number;
  /** Seed of the random positions (sequence i uses mixSeed(seed, i)). */
  seed: number;
}

export const DEFAULT_PERTURB: Readonly<PerturbOptions> = Object.freeze({ k: 3, m: 3, min_tail: 5, seed: 0 });

export function resolvePerturbOptions(partial: Partial<PerturbOptions> = {}): PerturbOptions {
  const o = {
    ...DEFAULT_PERTURB,
    ...Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)),
  } as PerturbOptions;
  const int = (name: keyof PerturbOptions, min: number) => {
    if (!Number.isInteger(o[name]) || o[name] < min)
      throw new InputError(`option ${name} must be an integer ≥ ${min} (got ${o[name]})`, { field: name });
  };
  int('k', 1);
  int('m', 1);
  int('min_tail', 0);
  if (!Number.isInteger(o.seed))
    throw new InputError(`option seed must be an integer (got ${o.seed})`, { field: 'seed' });
  return o;
}

/** A content token: its text, trimmed, holds a letter or a digit (Unicode classes L and N). */
export function isContentText(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text.trim());
}

/**
 * S(x): the set of trimmed content-token texts of ids. Special tokens are judged by their text like any other, so an
 * end token kept at the close of a continuation ("<|im_end|>", "<eos>") is content, as the definition reads.
 */
export function contentSet(ids: number[], text: (id: number) => string): Set<string> {
  const out = new Set<string>();
  for (const id of ids) {
    const t = text(id).trim();
    if (isContentText(t)) out.add(t);
  }
  return out;
}

/** |A ∩ B| / |A ∪ B|; both empty ⇒ 1. */
export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return both / (a.size + b.size - both);
}

/**
 * Response indices i (position t = p + i) that can be perturbed: at least min_tail tokens after t, a non-empty
 * FAI window (t + H_lo ≤ N − 1, so FAI is measured) and t ≥ 1 (there is a distribution p(· | o_<t)).
 */
export function eligibleIndices(N: number, p: number, H_lo: number, minTail: number): number[] {
  const out: number[] = [];
  for (let t = Math.max(p, 1); t < N; t++) if (N - 1 - t >= minTail && t + H_lo <= N - 1) out.push(t - p);
  return out;
}

export interface ChosenPositions {
  top: number[];
  bottom: number[];
  random: number[];
}

/**
 * Top-m and bottom-m eligible indices by FAI (ties to the earlier position) and m seeded random eligible indices
 * (partial Fisher–Yates with mulberry32(mixSeed(seed, sequence))). Fewer when fewer are eligible.
 */
export function choosePositions(
  fai: ArrayLike<number>,
  eligible: number[],
  m: number,
  seed: number,
  sequence: number,
): ChosenPositions {
  const values = eligible.map((i) => fai[i]);
  const pick = (mask: boolean[]) => eligible.filter((_, j) => mask[j]);
  const top = pick(topCountMask(values, m));
  const bottom = pick(
    topCountMask(
      values.map((v) => -v),
      m,
    ),
  );
  const order = [...eligible];
  const rand = mulberry32(mixSeed(seed, sequence));
  const n = Math.min(m, order.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rand() * (order.length - i));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return { top, bottom, random: order.slice(0, n).sort((a, b) => a - b) };
}

/** The k most probable ids of a logits row, the original id excluded, ties to the lower id. */
export function candidateIds(logits: ArrayLike<number>, original: number, k: number): number[] {
  const ids = Array.from({ length: logits.length }, (_, i) => i).filter((i) => i !== original);
  ids.sort((a, b) => logits[b] - logits[a] || a - b);
  return ids.slice(0, k);
}

/** 95% Wilson score interval of a proportion x/n; null for n = 0. */
export function wilsonInterval(x: number, n: number, z = 1.959963984540054): [number, number] | null {
  if (n === 0) return null;
  const p = x / n;
  const z2 = z * z;
  const center = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return [Math.max(0, center - half), Math.min(1, center + half)];
}

export const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
