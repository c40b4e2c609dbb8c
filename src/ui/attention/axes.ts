/**
 * Tick choice for token axes (pure): every visible token's text when cells are wide enough to read it,
 * else d3's nice position ticks, thinned to whole token indices.
 */
import { scaleLinear } from 'd3';
import { displayToken } from '../figures/text';

export interface TokenTick {
  /** Token position. */
  index: number;
  /** Centre of the cell in px along the axis. */
  px: number;
  label: string;
}

/** Cells at least this many px wide get their token text as a label. */
export const TOKEN_LABEL_MIN_PX = 11;

/**
 * Ticks for cells [first, last] where cell i spans [offset + i·cellPx, offset + (i+1)·cellPx).
 * `length` is the axis length in px (how many numeric ticks fit).
 */
export function tokenTicks(
  tokens: string[],
  first: number,
  last: number,
  offset: number,
  cellPx: number,
  length: number,
): TokenTick[] {
  if (last < first) return [];
  const centre = (i: number) => offset + (i + 0.5) * cellPx;
  if (cellPx >= TOKEN_LABEL_MIN_PX) {
    const out: TokenTick[] = [];
    for (let i = first; i <= last; i++) out.push({ index: i, px: centre(i), label: displayToken(tokens[i] ?? '', 10) });
    return out;
  }
  const scale = scaleLinear().domain([first, last]);
  const count = Math.max(2, Math.floor(length / 60));
  const seen = new Set<number>();
  const out: TokenTick[] = [];
  for (const v of scale.ticks(count)) {
    const i = Math.round(v);
    if (i < first || i > last || seen.has(i)) continue;
    seen.add(i);
    out.push({ index: i, px: centre(i), label: String(i) });
  }
  return out;
}
