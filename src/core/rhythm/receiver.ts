/**
 * Receiver heads (Bogdan et al. 2025, "Thought Anchors"): heads whose attention from later tokens piles up on a
 * few response positions. Per selected head, its own FAI vector v over the response (positions with an empty
 * future window T(s) left out); the heads with the most heavy-tailed v (largest excess kurtosis) are the receivers,
 * and FAI_recv is the plain mean of their per-head FAI — computed from the HeadCache, no maps needed.
 */
import type { HeadCache } from './accumulator';
import type { HeadRef } from './options';
import { tieTolerance } from './select';

/**
 * Excess kurtosis κ = m4/m2² − 3 with population central moments (divide by the count). m2 = 0 (constant
 * values, or fewer than one value) ⇒ −Infinity, so such a head is never chosen before a spread-out one.
 */
export function excessKurtosis(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return -Infinity;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - mean;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m4 /= n;
  if (m2 === 0) return -Infinity;
  return m4 / (m2 * m2) - 3;
}

/**
 * Response indices i (position s = prompt_length + i) whose FAI is measured: T(s) = {t : s + H_lo ≤ t ≤ N−1, …}
 * is non-empty iff s + H_lo ≤ N − 1. With the sink option on, key 0 is excluded everywhere, so s = 0 is left out too.
 */
export function measuredFaiIndices(cache: Pick<HeadCache, 'seqLen' | 'promptLength' | 'mapOptions'>): number[] {
  const { seqLen: N, promptLength: p } = cache;
  const out: number[] = [];
  for (let s = p; s < N; s++) {
    if (s + cache.mapOptions.H_lo > N - 1) break;
    if (cache.mapOptions.sink && s === 0) continue;
    out.push(s - p);
  }
  return out;
}

export interface ReceiverChoice {
  /** The n receiver heads, largest κ first (ties by layer, then head). */
  heads: HeadRef[];
  /** κ of every candidate head, in the candidates' order: [layer, head, κ]. */
  kurtosis: [number, number, number][];
}

/**
 * The `count` candidate heads with the largest κ of their per-head FAI; ties (within the rhythm engine's
 * near-tie tolerance, see select.ts) go to the lower (layer, head). −Infinity ties with −Infinity.
 */
export function receiverHeads(cache: HeadCache, candidates: HeadRef[], count: number): ReceiverChoice {
  const r = cache.seqLen - cache.promptLength;
  const measured = measuredFaiIndices(cache);
  const scored = candidates.map(([l, h]) => {
    const fai = cache.layers.get(l)!.fai;
    const v = measured.map((i) => fai[h * r + i]);
    return { l, h, k: excessKurtosis(v) };
  });
  const tol = tieTolerance(scored.map((s) => s.k).filter(Number.isFinite));
  const sorted = [...scored].sort((a, b) => {
    const equal = a.k === b.k || (Number.isFinite(a.k) && Number.isFinite(b.k) && Math.abs(a.k - b.k) <= tol);
    if (!equal) return b.k - a.k;
    return a.l - b.l || a.h - b.h;
  });
  return {
    heads: sorted.slice(0, Math.min(count, sorted.length)).map((s) => [s.l, s.h] as HeadRef),
    kurtosis: scored.map((s) => [s.l, s.h, s.k]),
  };
}
