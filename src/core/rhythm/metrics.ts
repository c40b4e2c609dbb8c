/**
 * Metrics from cached per-head vectors (no maps): head split, WAAD/FAI as head means, Δ and the token roles
 * of method.md §3 (preplan, anchor, dominated, intro), plus the linkage summary.
 */
import { InputError } from '../errors';
import type { HeadCache } from './accumulator';
import type { HeadRef, RhythmOptions } from './options';
import { argmaxRange, median, selectLayers, splitHeads, tieTolerance, topQMask, type HeadSpan } from './select';

export interface HeadSelection {
  layers: number[];
  local: HeadRef[];
  global: HeadRef[];
  /** Every selected head with its span, in (layer, head) order. */
  spans: HeadSpan[];
}

/** Layers and the local/global split (or the pinned `heads` option) for one sequence. */
export function selectHeads(cache: HeadCache, numLayers: number, opts: RhythmOptions): HeadSelection {
  const layers = selectLayers(numLayers, opts.layers);
  const spans: HeadSpan[] = [];
  for (const l of layers) {
    const v = cache.layers.get(l);
    if (!v)
      throw new InputError(
        `layer ${l} is selected but its attention is missing (have ${[...cache.layers.keys()].join(', ') || 'none'})`,
        { field: `attn.L${l}` },
      );
    for (let h = 0; h < cache.numHeads; h++) spans.push({ layer: l, head: h, d: v.span[h] });
  }
  if (opts.heads) {
    for (const [l, h] of [...opts.heads.local, ...opts.heads.global]) {
      if (!cache.layers.has(l) || h >= cache.numHeads) {
        throw new InputError(
          `pinned head [${l}, ${h}] is not in the attention (layers ${[...cache.layers.keys()].join(', ')}, ${cache.numHeads} heads)`,
          {
            field: 'heads',
          },
        );
      }
    }
    return { layers, local: opts.heads.local, global: opts.heads.global, spans };
  }
  const split = splitHeads(spans, opts.headFraction);
  return { layers, local: split.local, global: split.global, spans };
}

/** Plain mean over the given heads of a per-head response vector ('waad' or 'fai'). */
export function headMean(cache: HeadCache, heads: HeadRef[], which: 'waad' | 'fai'): number[] {
  const r = cache.seqLen - cache.promptLength;
  const out = new Array<number>(r).fill(0);
  for (const [l, h] of heads) {
    const v = cache.layers.get(l)![which];
    for (let i = 0; i < r; i++) out[i] += v[h * r + i];
  }
  return out.map((x) => x / heads.length);
}

export interface Roles {
  delta: number[];
  preplan: boolean[];
  anchor: boolean[];
  dominated: boolean[];
  intro: boolean[];
  /** For each dominated anchor (response index), its intro token's response index; -1 elsewhere. */
  introOf: number[];
  tau_waad: number;
  tau_delta: number;
}

/**
 * Roles over response indices i = 0..|R|−1 (position t = prompt_length + i). Since [t−k, t−1] ∩ R only holds
 * response positions, the look-back is over response indices max(0, i−k)..i−1; empty ⇒ not dominated.
 */
export function rhythmRoles(
  waad: ArrayLike<number>,
  fai: ArrayLike<number>,
  opts: Pick<RhythmOptions, 'q' | 'k' | 'tau_waad' | 'tau_delta'>,
): Roles {
  const r = waad.length;
  const delta = new Array<number>(r);
  for (let i = 0; i < r; i++) delta[i] = i + 1 < r ? Math.abs(waad[i] - waad[i + 1]) : 0; // Δ at the last token = 0
  const preplan = topQMask(delta, opts.q);
  const anchor = topQMask(fai, opts.q);
  const tau_waad = opts.tau_waad === 'median' ? median(waad) : opts.tau_waad;
  let tau_delta: number;
  if (opts.tau_delta === 'min-preplan') {
    tau_delta = Infinity;
    for (let i = 0; i < r; i++) if (preplan[i]) tau_delta = Math.min(tau_delta, delta[i]);
  } else tau_delta = opts.tau_delta;
  const tolW = tieTolerance(waad);
  const tolD = tieTolerance(delta);
  const dominated = new Array<boolean>(r).fill(false);
  const intro = new Array<boolean>(r).fill(false);
  const introOf = new Array<number>(r).fill(-1);
  for (let i = 0; i < r; i++) {
    if (!anchor[i] || waad[i] > tau_waad + tolW) continue;
    const u = argmaxRange(delta, i - opts.k, i - 1, tolD);
    if (u < 0 || delta[u] < tau_delta - tolD) continue;
    dominated[i] = true;
    intro[u] = true;
    introOf[i] = u;
  }
  return { delta, preplan, anchor, dominated, intro, introOf, tau_waad, tau_delta };
}

export interface Linkage {
  k: number;
  /** Anchors with a preplan token u ∈ [t−k, t] ∩ R. */
  anchors_near_preplan: number;
  anchors: number;
  /** anchors_near_preplan / anchors. */
  anchor_preplan_share: number;
  /** Mean entropy at preplan tokens and at the other response tokens (absent without entropy; null if a set is empty). */
  entropy_preplan?: number | null;
  entropy_other?: number | null;
}

/** Linkage summary (lead's definition): do anchors follow preplan tokens, and are preplan tokens high-entropy? */
export function linkage(roles: Roles, k: number, entropy?: ArrayLike<number>): Linkage {
  const r = roles.anchor.length;
  let anchors = 0;
  let near = 0;
  for (let i = 0; i < r; i++) {
    if (!roles.anchor[i]) continue;
    anchors++;
    for (let u = Math.max(0, i - k); u <= i; u++) {
      if (roles.preplan[u]) {
        near++;
        break;
      }
    }
  }
  const out: Linkage = { k, anchors_near_preplan: near, anchors, anchor_preplan_share: anchors ? near / anchors : 0 };
  if (entropy) {
    const mean = (pick: boolean) => {
      let sum = 0;
      let n = 0;
      for (let i = 0; i < r; i++) if (roles.preplan[i] === pick) ((sum += entropy[i]), n++);
      return n ? sum / n : null;
    };
    out.entropy_preplan = mean(true);
    out.entropy_other = mean(false);
  }
  return out;
}
