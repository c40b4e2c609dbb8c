/**
 * Per-token signals a view can colour by (WAAD, FAI, Δ, entropy, γ of a strategy), read from an
 * AnalysisRecord, and the colour mapping: value → [0, 1] over the signal's own range → a sequential,
 * colour-blind-safe scale (viridis by default), with a readable text colour on top.
 */
import { interpolateViridis, rgb } from 'd3';
import { STRATEGIES, type Strategy } from '../../core/rhythm/credit';
import type { AnalysisRecord } from '../../core/rhythm/record';
import { finiteExtent } from '../theme/scales';

export type SignalId = 'waad' | 'fai' | 'delta' | 'entropy' | `gamma.${Strategy}`;

export interface SignalDef {
  id: SignalId;
  label: string;
  /** One line for tooltips and the legend. */
  help: string;
}

const BASE: SignalDef[] = [
  { id: 'waad', label: 'WAAD', help: 'windowed average attention distance of the local heads' },
  { id: 'fai', label: 'FAI', help: 'future attention influence: how much later tokens attend here (global heads)' },
  { id: 'delta', label: 'Δ', help: '|WAAD_t − WAAD_t+1|' },
  { id: 'entropy', label: 'entropy', help: 'predictive entropy of the model at this token (nats)' },
];

export const STRATEGY_LABELS: Readonly<Record<Strategy, string>> = {
  uniform: 'uniform (GRPO)',
  local_chunk: 'local-chunk',
  global_anchor: 'global-anchor',
  coupled: 'coupled',
  random: 'random',
  high_entropy: 'high-entropy',
};

/** Signals the record actually has, in a stable order (entropy and high_entropy only when known). */
export function availableSignals(record: AnalysisRecord): SignalDef[] {
  const out = BASE.filter((s) => s.id !== 'entropy' || record.entropy !== undefined);
  for (const s of STRATEGIES) {
    if (record.gamma[s])
      out.push({
        id: `gamma.${s}`,
        label: `γ ${STRATEGY_LABELS[s]}`,
        help: `credit scale γ of the ${STRATEGY_LABELS[s]} strategy`,
      });
  }
  return out;
}

/** Per-response values of a signal, or undefined when the record lacks it. */
export function signalValues(record: AnalysisRecord, id: SignalId): number[] | undefined {
  if (id.startsWith('gamma.')) return record.gamma[id.slice(6) as Strategy];
  if (id === 'entropy') return record.entropy;
  return record[id as 'waad' | 'fai' | 'delta'];
}

/** [min, max] over the finite values; a constant or empty signal gets a unit-wide domain so it maps to 0. */
export function signalDomain(values: ArrayLike<number>): [number, number] {
  const extent = finiteExtent(values);
  if (!extent) return [0, 1];
  const [lo, hi] = extent;
  if (hi === lo) return [lo, lo + 1];
  return [lo, hi];
}

/**
 * Colour domain of a signal in a record: its own [min, max], except γ, which spans [1, max(γ_amp, largest γ)]
 * over every strategy so the strategies compare and a boosted token looks the same in each view.
 */
export function signalDomainFor(record: AnalysisRecord, id: SignalId): [number, number] {
  if (id.startsWith('gamma.')) return gammaDomain(record);
  return signalDomain(signalValues(record, id) ?? []);
}

/** Colour of one value of a signal: γ uses the credit view's colours (neutral at 1), others the plain scale. */
export function signalCellColor(
  id: SignalId,
  value: number,
  domain: [number, number],
  interpolate: Interpolator,
): string {
  return id.startsWith('gamma.')
    ? gammaColor(value, domain, interpolate)
    : signalColor(normalize(value, domain), interpolate);
}

/** (v − lo)/(hi − lo) clamped to [0, 1]; non-finite values give NaN (drawn as "no value"). */
export function normalize(v: number, [lo, hi]: [number, number]): number {
  if (!Number.isFinite(v)) return NaN;
  return Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
}

export type Interpolator = (t: number) => string;

/** Background colour for a normalized value; NaN → transparent. */
export function signalColor(t: number, interpolate: Interpolator = interpolateViridis): string {
  return Number.isNaN(t) ? 'transparent' : interpolate(t);
}

/** WCAG relative luminance of a CSS colour (0 = black, 1 = white). */
export function luminance(color: string): number {
  const c = rgb(color);
  const lin = (x: number) => {
    const s = x / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
}

/** Dark or light text, whichever contrasts more with the background (WCAG contrast ratio). */
export function textColorOn(background: string): '#111' | '#fff' {
  if (background === 'transparent') return '#111';
  const L = luminance(background);
  const onWhite = 1.05 / (L + 0.05);
  const onDark = (L + 0.05) / (luminance('#111') + 0.05);
  return onDark >= onWhite ? '#111' : '#fff';
}

/** Compact number for tooltips and cells: 4 significant digits, no exponent for ordinary sizes. */
export function formatValue(v: number | undefined | null): string {
  if (v === undefined || v === null) return '–';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}

/** Colour of "no boost" (γ = 1): a quiet neutral, so boosted tokens are the ink of the strip. */
export const GAMMA_NEUTRAL = '#eceef2';

/**
 * γ → cell colour. γ ≤ 1 is neutral; above 1 the scheme is read backwards, from 0.85 (light) towards 0.05 (dark)
 * at the top of the domain, so stronger credit is darker on a light page and 1.25 / 1.5 / 1.75 stay apart.
 */
export function gammaColor(g: number, [, hi]: [number, number], interpolate: (t: number) => string): string {
  if (!Number.isFinite(g)) return 'transparent';
  if (g <= 1) return GAMMA_NEUTRAL;
  const t = Math.min(1, (g - 1) / Math.max(hi - 1, 1e-12));
  return interpolate(0.85 - 0.8 * t);
}

/** The distinct γ values of a record (sorted) when there are few (a discrete legend), else null (use a gradient). */
export function distinctGammas(record: AnalysisRecord, max = 6): number[] | null {
  const seen = new Set<number>();
  for (const s of STRATEGIES)
    for (const g of record.gamma[s] ?? []) {
      seen.add(g);
      if (seen.size > max) return null;
    }
  return [...seen].sort((a, b) => a - b);
}

/** Colour domain of γ over every strategy of a record: [1, max(γ_amp, largest γ)] (coupled can exceed γ_amp). */
export function gammaDomain(record: AnalysisRecord): [number, number] {
  let hi = Math.max(1, record.options.gamma_amp);
  for (const s of STRATEGIES) for (const g of record.gamma[s] ?? []) if (Number.isFinite(g) && g > hi) hi = g;
  return [1, hi > 1 ? hi : 1.5];
}
