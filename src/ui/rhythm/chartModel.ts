/**
 * Pure geometry of the rhythm chart: which values go in which panel, role markers, and the conversions between
 * pixels and token positions used by hover and the brush. x is the absolute position t (prompt_length..N−1)
 * so the chart links with the other views.
 */
import type { AnalysisRecord } from '../../core/rhythm/record';
import { finiteExtent } from '../theme/scales';
import type { RoleId } from '../tokens/roles';

export type Panel = 'waad' | 'fai';

export interface RolePoint {
  role: RoleId;
  panel: Panel;
  t: number;
  value: number;
}

/**
 * Role markers, each on the curve that defines it: preplan and intro tokens come from Δ of WAAD (WAAD panel),
 * anchors and dominated anchors from FAI (FAI panel).
 */
export function rolePoints(record: AnalysisRecord): RolePoint[] {
  const p = record.prompt_length;
  const out: RolePoint[] = [];
  const add = (role: RoleId, panel: Panel) => {
    record[role].forEach((on, i) => {
      if (on) out.push({ role, panel, t: p + i, value: record[panel][i] });
    });
  };
  add('preplan', 'waad');
  add('intro', 'waad');
  add('anchor', 'fai');
  add('dominated', 'fai');
  return out;
}

/**
 * [lo, hi] of a panel's y axis: the data range with 8% padding (10% headroom on top for markers), never below 0
 * (both metrics are ≥ 0). Not forced to 0: WAAD often lives in a narrow band near W, where its sawtooth is.
 */
export function yDomain(values: ArrayLike<number>): [number, number] {
  const extent = finiteExtent(values);
  if (!extent) return [0, 1];
  const [lo, hi] = extent;
  const range = hi - lo || Math.abs(hi) || 1;
  return [Math.max(0, lo - 0.08 * range), hi + 0.1 * range];
}

/** x offsets of legend entries laid out in a row: each entry's width is its symbol plus its label (≈ px per char). */
export function legendOffsets(labels: string[], symbolWidth = 22, charWidth = 6.6, gap = 14): number[] {
  const out: number[] = [];
  let x = 0;
  for (const label of labels) {
    out.push(x);
    x += symbolWidth + label.length * charWidth + gap;
  }
  return out;
}

/** Legend entries laid out in rows no wider than maxWidth: each entry's x offset and row. */
export function legendLayout(
  labels: string[],
  maxWidth: number,
  symbolWidth = 22,
  charWidth = 6.6,
  gap = 14,
): { x: number; row: number }[] {
  const out: { x: number; row: number }[] = [];
  let x = 0,
    row = 0;
  for (const label of labels) {
    const w = symbolWidth + label.length * charWidth;
    if (x > 0 && x + w > maxWidth) {
      row += 1;
      x = 0;
    }
    out.push({ x, row });
    x += w + gap;
  }
  return out;
}

/** x domain of the response: positions p..N−1, widened by half a step so end points are not on the frame. */
export function xDomain(record: Pick<AnalysisRecord, 'prompt_length' | 'tokens'>): [number, number] {
  return [record.prompt_length - 0.5, record.tokens.length - 0.5];
}

/** A position from a pixel x through an inverse scale, rounded and clamped to the response. */
export function nearestPosition(x: number, invert: (x: number) => number, first: number, last: number): number {
  return Math.max(first, Math.min(last, Math.round(invert(x))));
}

/**
 * Brushed pixel range → inclusive span of positions whose centre lies inside it, or null when none does.
 */
export function brushSpan(
  x0: number,
  x1: number,
  invert: (x: number) => number,
  first: number,
  last: number,
): [number, number] | null {
  const a = Math.max(first, Math.ceil(invert(Math.min(x0, x1)) - 1e-9));
  const b = Math.min(last, Math.floor(invert(Math.max(x0, x1)) + 1e-9));
  return a <= b ? [a, b] : null;
}

/** Token labels on the x axis only when they can be read: at most `max` response tokens. */
export function showTokenLabels(responseLength: number, width: number, minPx = 11): boolean {
  return responseLength > 0 && width / responseLength >= minPx;
}

/** Marker area (px²) for the room each token gets: full size from 8 px per token, shrinking to 10 px² when crowded. */
export function markerArea(pxPerToken: number): number {
  return Math.max(10, Math.min(52, 6.5 * pxPerToken));
}

/** The chart's margins, px: legend above, y-axis titles on the left, the gap between the two panels. */
export const MARGIN = { top: 30, right: 16, left: 64, gap: 18 };
