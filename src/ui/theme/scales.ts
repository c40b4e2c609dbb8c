/**
 * Colour scales shared by every view: colour-blind-safe sequential schemes (viridis family, cividis), a
 * diverging scheme for signed values, linear / sqrt / log normalisation, and a precomputed RGBA lookup table
 * so canvases can colour a million cells without calling d3 per cell. Pure: no DOM, runs in Node tests.
 */
import { interpolateCividis, interpolateInferno, interpolateMagma, interpolatePuOr, interpolateViridis } from 'd3';
import { color as parseColor } from 'd3';

export type SchemeName = 'viridis' | 'cividis' | 'magma' | 'inferno' | 'puor';
export type ScaleMode = 'linear' | 'sqrt' | 'log';

export interface SchemeInfo {
  name: SchemeName;
  label: string;
  /** Sequential schemes map low → dark; diverging ones are centred on the middle of the domain. */
  kind: 'sequential' | 'diverging';
  interpolate: (t: number) => string;
}

// PuOr (not RdBu / RdYlGn): its two arms stay distinct for deuteranopes and protanopes.
export const SCHEMES: Record<SchemeName, SchemeInfo> = {
  viridis: { name: 'viridis', label: 'Viridis', kind: 'sequential', interpolate: interpolateViridis },
  cividis: { name: 'cividis', label: 'Cividis', kind: 'sequential', interpolate: interpolateCividis },
  magma: { name: 'magma', label: 'Magma', kind: 'sequential', interpolate: interpolateMagma },
  inferno: { name: 'inferno', label: 'Inferno', kind: 'sequential', interpolate: interpolateInferno },
  puor: {
    name: 'puor',
    label: 'Purple–orange (diverging)',
    kind: 'diverging',
    interpolate: (t) => interpolatePuOr(1 - t),
  },
};
export const SCHEME_NAMES = Object.keys(SCHEMES) as SchemeName[];
export const SCALE_MODES: ScaleMode[] = ['linear', 'sqrt', 'log'];

export interface ColorScaleSpec {
  scheme: SchemeName;
  mode: ScaleMode;
  /** [min, max] of the value range. For 'log' both ends are clamped to ≥ logFloor. */
  domain: [number, number];
}

/** Smallest value a log scale shows; attention weights below it all get the bottom colour. */
export const DEFAULT_LOG_FLOOR = 1e-4;

/** A function value → t ∈ [0, 1] (clamped; NaN → 0). */
export function makeNormalizer(
  mode: ScaleMode,
  domain: [number, number],
  logFloor = DEFAULT_LOG_FLOOR,
): (v: number) => number {
  let [lo, hi] = domain;
  let f: (v: number) => number;
  if (mode === 'log') {
    lo = Math.max(lo, logFloor);
    hi = Math.max(hi, lo);
    f = (v) => Math.log(Math.max(v, lo));
  } else if (mode === 'sqrt') {
    lo = Math.max(lo, 0);
    hi = Math.max(hi, lo);
    f = (v) => Math.sqrt(Math.max(v, 0));
  } else {
    f = (v) => v;
  }
  const a = f(lo);
  const span = f(hi) - a;
  if (!(span > 0)) return (v) => (Number.isNaN(v) ? 0 : v > lo ? 1 : 0);
  return (v) => {
    if (Number.isNaN(v)) return 0;
    const t = (f(v) - a) / span;
    return t < 0 ? 0 : t > 1 ? 1 : t;
  };
}

/** Number of value colours in a LUT; one more slot (index LUT_SIZE) holds the "masked / no data" colour. */
export const LUT_SIZE = 255;
export const MASKED_INDEX = LUT_SIZE;
export const MASKED_RGBA: [number, number, number, number] = [238, 240, 244, 255];

/** RGBA table of (LUT_SIZE + 1) × 4 bytes: entry i < LUT_SIZE is the colour at t = i / (LUT_SIZE − 1). */
export function makeLut(scheme: SchemeName, masked: [number, number, number, number] = MASKED_RGBA): Uint8ClampedArray {
  const lut = new Uint8ClampedArray((LUT_SIZE + 1) * 4);
  const interp = SCHEMES[scheme].interpolate;
  for (let i = 0; i < LUT_SIZE; i++) {
    const c = parseColor(interp(i / (LUT_SIZE - 1)))!.rgb();
    lut[i * 4] = Math.round(c.r);
    lut[i * 4 + 1] = Math.round(c.g);
    lut[i * 4 + 2] = Math.round(c.b);
    lut[i * 4 + 3] = 255;
  }
  lut.set(masked, MASKED_INDEX * 4);
  return lut;
}

/** LUT index of a normalised t ∈ [0, 1]. */
export function lutIndex(t: number): number {
  return Math.round(t * (LUT_SIZE - 1));
}

/** CSS colour of a value under a spec (for SVG / React; canvases use makeLut). */
export function colorOf(spec: ColorScaleSpec, logFloor = DEFAULT_LOG_FLOOR): (v: number) => string {
  const norm = makeNormalizer(spec.mode, spec.domain, logFloor);
  const interp = SCHEMES[spec.scheme].interpolate;
  return (v) => interp(norm(v));
}

/** [min, max] over the finite values, or null when there are none. */
export function finiteExtent(values: ArrayLike<number>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? null : [lo, hi];
}

/**
 * A sensible domain for values (finite ones only). Log: [max(smallest positive, max·1e-4 , floor), max].
 * Diverging: symmetric around 0. Empty / constant input gives a non-degenerate range.
 */
export function autoDomain(
  values: ArrayLike<number>,
  mode: ScaleMode,
  kind: 'sequential' | 'diverging' = 'sequential',
  logFloor = DEFAULT_LOG_FLOOR,
): [number, number] {
  let lo = Infinity,
    hi = -Infinity,
    minPos = Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (v > 0 && v < minPos) minPos = v;
  }
  if (lo === Infinity) return mode === 'log' ? [logFloor, 1] : [0, 1];
  if (kind === 'diverging') {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return [-m, m];
  }
  if (mode === 'log') {
    if (!(hi > 0)) return [logFloor, 1];
    const bottom = Math.max(minPos, hi * 1e-4, logFloor);
    return bottom < hi ? [bottom, hi] : [hi / 10, hi];
  }
  if (lo === hi) return lo === 0 ? [0, 1] : lo > 0 ? [0, lo] : [lo, 0];
  return [lo, hi];
}

/** Tick values for a legend/axis of this scale: decades for log, ~count nice ticks otherwise. */
export function scaleTicks(mode: ScaleMode, domain: [number, number], count = 5): number[] {
  const [lo, hi] = domain;
  if (mode === 'log' && lo > 0 && hi > lo) {
    const e0 = Math.floor(Math.log10(lo) - 1e-9),
      e1 = Math.ceil(Math.log10(hi) + 1e-9);
    const inside = (v: number) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
    const decades: number[] = [];
    for (let e = e0; e <= e1; e++) if (inside(10 ** e)) decades.push(Number((10 ** e).toPrecision(12)));
    if (decades.length >= 2) return decades.length > 7 ? decades.filter((_, i) => i % 2 === 0) : decades; // many decades: every other one
    // Less than two decades in range: 1-2-5 steps.
    const out: number[] = [];
    for (let e = e0; e <= e1; e++)
      for (const m of [1, 2, 5]) {
        const v = Number((m * 10 ** e).toPrecision(12));
        if (inside(v)) out.push(v);
      }
    return out.length >= 2 ? out : [lo, hi];
  }
  if (!(hi > lo)) return [lo];
  const step = niceStep((hi - lo) / Math.max(1, count));
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** Compact tick label: 0.001 → "1e-3", 0.25 → "0.25", 12 → "12". */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 0.01 || a >= 1e5) {
    const e = Math.floor(Math.log10(a) + 1e-9);
    const m = v / 10 ** e;
    return Math.abs(Math.abs(m) - 1) < 1e-9 ? `${m < 0 ? '-' : ''}1e${e}` : `${Number(m.toFixed(2))}e${e}`;
  }
  return String(Number(v.toPrecision(3)));
}
