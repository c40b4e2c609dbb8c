/**
 * Selection rules of method.md §1 and §3: which layers, the local/global head split, top-q sets,
 * median and argmax — with the project's documented tie-breaks.
 *
 * Near-ties: the per-head vectors come from float32 sums (~1e-7 relative error), so two values that are
 * equal mathematically may differ in the last bits. Values within TIE_REL_TOL × (largest |value| of the
 * vector) are treated as equal, and the tie-break rule (earlier position / lower layer, head) decides.
 */
import { InputError } from '../errors';
import { ceilFraction, type HeadRef, type LayerChoice } from './options';

export const TIE_REL_TOL = 1e-6;

/** Absolute tolerance for comparing values of one vector. */
export function tieTolerance(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return TIE_REL_TOL * m;
}

/**
 * Paper's layer rule: lo = ⌊L/3⌋, hi = ⌊2L/3⌋, layer_i = lo + ⌊i·(hi−lo)/4 + 1/2⌋ for i = 0..4 (computed in
 * integers as ⌊(2·i·(hi−lo) + 4)/8⌋), duplicates removed; if hi − lo + 1 ≤ 5 every layer lo..hi; if L < 3 all layers.
 */
export function middleThirdLayers(L: number): number[] {
  if (!Number.isInteger(L) || L < 1)
    throw new InputError(`number of layers must be an integer ≥ 1 (got ${L})`, { field: 'num_layers' });
  if (L < 3) return Array.from({ length: L }, (_, i) => i);
  const lo = Math.floor(L / 3);
  const hi = Math.floor((2 * L) / 3);
  if (hi - lo + 1 <= 5) return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  const out: number[] = [];
  for (let i = 0; i <= 4; i++) {
    const layer = lo + Math.floor((2 * i * (hi - lo) + 4) / 8);
    if (!out.includes(layer)) out.push(layer);
  }
  return out;
}

/** Resolves the `layers` option for a model with L layers; explicit lists are checked against L. */
export function selectLayers(L: number, choice: LayerChoice): number[] {
  if (choice === 'middle-third') return middleThirdLayers(L);
  if (choice === 'all') return Array.from({ length: L }, (_, i) => i);
  for (const l of choice) {
    if (!Number.isInteger(l) || l < 0 || l >= L) {
      throw new InputError(`option layers: layer ${l} is out of range 0..${L - 1}`, { field: 'layers' });
    }
  }
  return [...new Set(choice)].sort((a, b) => a - b);
}

export interface HeadSpan {
  layer: number;
  head: number;
  /** Mean attention distance over response rows (method.md §1.2). */
  d: number;
}

/**
 * Sort the M heads by (d, layer, head) ascending, n = ⌈headFraction·M⌉: the first n are local, the last n global
 * (they overlap when 2n > M). Returned in that sorted order.
 */
export function splitHeads(
  spans: HeadSpan[],
  headFraction: number,
): { local: HeadRef[]; global: HeadRef[]; sorted: HeadSpan[] } {
  const tol = tieTolerance(spans.map((s) => s.d));
  const sorted = [...spans].sort((a, b) => {
    if (Math.abs(a.d - b.d) > tol) return a.d - b.d;
    return a.layer - b.layer || a.head - b.head;
  });
  const n = ceilFraction(headFraction, sorted.length);
  const ref = (s: HeadSpan): HeadRef => [s.layer, s.head];
  return { local: sorted.slice(0, n).map(ref), global: sorted.slice(sorted.length - n).map(ref), sorted };
}

/**
 * Indices of the `count` largest values, ties (within tolerance) broken by the earlier index.
 * Returns a boolean mask of values.length.
 */
export function topCountMask(values: ArrayLike<number>, count: number): boolean[] {
  const tol = tieTolerance(values);
  const idx = Array.from({ length: values.length }, (_, i) => i);
  idx.sort((a, b) => {
    const va = values[a];
    const vb = values[b];
    if (Math.abs(va - vb) > tol) return vb - va;
    return a - b;
  });
  const mask = new Array<boolean>(values.length).fill(false);
  for (let i = 0; i < Math.min(count, idx.length); i++) mask[idx[i]] = true;
  return mask;
}

/** Top q of the values: the ⌈q·n⌉ largest, ties to the earlier position. */
export function topQMask(values: ArrayLike<number>, q: number): boolean[] {
  return topCountMask(values, ceilFraction(q, values.length));
}

/** Median; the mean of the two middle values for an even count. NaN for an empty list. */
export function median(values: ArrayLike<number>): number {
  const v = Array.from(values).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Index of the largest value in [from, to] (inclusive), ties (within `tol`) to the earlier index; -1 if empty. */
export function argmaxRange(values: ArrayLike<number>, from: number, to: number, tol: number): number {
  let best = -1;
  for (let i = Math.max(0, from); i <= to && i < values.length; i++) {
    if (best < 0 || values[i] > values[best] + tol) best = i;
  }
  return best;
}
