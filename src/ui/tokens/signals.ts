/**
 * Per-token signals a view can colour by (WAAD, FAI, Δ, entropy, γ of a strategy), read from an
 * AnalysisRecord, and the colour mapping: value → [0, 1] over the signal's own range → a sequential,
 * colour-blind-safe scale (viridis by default), with a readable text colour on top.
 */
import { interpolateViridis, rgb } from 'd3';
import { STRATEGIES, type Strategy } from '../../core/rhythm/credit';
import type { AnalysisRecord } from '../../core/rhythm/record';

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
    if (record.gamma[s]) out.push({ id: `gamma.${s}`, label: `γ ${STRATEGY_LABELS[s]}`, help: `credit scale γ of the ${STRATEGY_LABELS[s]} strategy` });
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
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  if (hi === lo) return [lo, lo + 1];
  return [lo, hi];
}

/**
 * Colour domain of a signal in a record: its own [min, max], except γ, which always spans [1, γ_amp] (or wider)
 * so the strategies' strips are comparable and a boosted token looks the same in each.
 */
export function signalDomainFor(record: AnalysisRecord, id: SignalId): [number, number] {
  const values = signalValues(record, id) ?? [];
  const [lo, hi] = signalDomain(values);
  if (!id.startsWith('gamma.')) return [lo, hi];
  const amp = record.options.gamma_amp;
  const top = Math.max(amp > 1 ? amp : 1.5, ...values.filter(Number.isFinite));
  return [Math.min(1, lo), top];
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
