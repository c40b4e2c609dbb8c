/**
 * Credit strategies (method.md §4): γ per response token for each strategy, GRPO advantages for a group,
 * and shaped advantages Ã = γ·Â (plus HICRA-style Â + c·|Â| on anchors).
 */
import { mulberry32 } from '../random';
import { ceilFraction, type RhythmOptions } from './options';

export { mulberry32 };
import type { Roles } from './metrics';
import { topQMask } from './select';

export const STRATEGIES = ['uniform', 'local_chunk', 'global_anchor', 'coupled', 'random', 'high_entropy'] as const;
export type Strategy = (typeof STRATEGIES)[number];
export type Gammas = Partial<Record<Strategy, number[]>> &
  Record<'uniform' | 'local_chunk' | 'global_anchor' | 'coupled' | 'random', number[]>;

/**
 * Exactly `count` distinct indices of 0..n−1, by a partial Fisher–Yates shuffle: for i = 0..count−1,
 * j = i + ⌊rand()·(n−i)⌋, swap(i, j); the first `count` entries are chosen. Returned as a mask.
 */
export function randomMask(n: number, count: number, seed: number): boolean[] {
  const rand = mulberry32(seed);
  const idx = Array.from({ length: n }, (_, i) => i);
  const mask = new Array<boolean>(n).fill(false);
  for (let i = 0; i < Math.min(count, n); i++) {
    const j = i + Math.floor(rand() * (n - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
    mask[idx[i]] = true;
  }
  return mask;
}

const boost = (mask: boolean[], g: number) => mask.map((m) => (m ? g : 1));

/** γ arrays over the response for every strategy; `high_entropy` only when entropy is given. */
export function creditGammas(
  roles: Roles,
  opts: Pick<RhythmOptions, 'q' | 'alpha' | 'gamma_amp' | 'seed'>,
  entropy?: ArrayLike<number>,
): Gammas {
  const r = roles.anchor.length;
  const g = opts.gamma_amp - 1;
  const coupled = new Array<number>(r);
  for (let i = 0; i < r; i++) {
    // The three terms add: a token can be an intro token and an (undominated or dominated) anchor at once.
    coupled[i] =
      1 +
      (roles.anchor[i] && !roles.dominated[i] ? g : 0) +
      (roles.dominated[i] ? (1 - opts.alpha) * g : 0) +
      (roles.intro[i] ? opts.alpha * g : 0);
  }
  const gammas: Gammas = {
    uniform: new Array<number>(r).fill(1),
    local_chunk: boost(roles.preplan, opts.gamma_amp),
    global_anchor: boost(roles.anchor, opts.gamma_amp),
    coupled,
    random: boost(randomMask(r, ceilFraction(opts.q, r), opts.seed), opts.gamma_amp),
  };
  if (entropy) gammas.high_entropy = boost(topQMask(entropy, opts.q), opts.gamma_amp);
  return gammas;
}

/**
 * GRPO advantages Â_i = (r_i − mean r)/std r, population std (ddof 0) by default or sample std (ddof 1).
 * A single response, equal rewards or a (numerically) zero std give all zeros, never NaN.
 */
export function grpoAdvantages(rewards: number[], std: 'population' | 'sample' = 'population'): number[] {
  const n = rewards.length;
  if (n < 2 || rewards.every((x) => x === rewards[0])) return new Array<number>(n).fill(0);
  const mean = rewards.reduce((a, b) => a + b, 0) / n;
  const ss = rewards.reduce((a, b) => a + (b - mean) * (b - mean), 0);
  const sd = Math.sqrt(ss / (std === 'sample' ? n - 1 : n));
  const scale = Math.max(...rewards.map(Math.abs), 1);
  if (!(sd > 1e-12 * scale)) return new Array<number>(n).fill(0);
  return rewards.map((x) => (x - mean) / sd);
}

export type ShapedAdvantage = Partial<Record<Strategy | 'hicra', number[]>>;

/** Ã = γ·Â for every strategy in `gammas`, and `hicra`: Â + coef·|Â| on anchors, Â elsewhere. */
export function shapeAdvantage(
  advantage: number,
  gammas: Gammas,
  anchor: boolean[],
  hicraCoef: number,
): ShapedAdvantage {
  const out: ShapedAdvantage = {};
  for (const s of STRATEGIES) {
    const g = gammas[s];
    if (g) out[s] = g.map((x) => x * advantage);
  }
  out.hicra = anchor.map((a) => (a ? advantage + hicraCoef * Math.abs(advantage) : advantage));
  return out;
}
