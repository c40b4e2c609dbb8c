/**
 * Which map the attention view shows: one kept (layer, head) map, or the mean of the local / global heads
 * (Ā_loc, Ā_glob of method.md §1.4). Pure: lists the choices the kept maps allow and resolves one to a map.
 */
import type { HeadRef } from '../../core/rhythm';
import { meanMaps } from './raster';

export type MapChoice = { kind: 'head'; layer: number; head: number } | { kind: 'mean'; set: 'local' | 'global' };

export interface ChoiceOption {
  /** Stable string for <select> values and URLs: "L3H7", "mean-local", "mean-global". */
  value: string;
  label: string;
  choice: MapChoice;
}

export function choiceValue(c: MapChoice): string {
  return c.kind === 'head' ? `L${c.layer}H${c.head}` : `mean-${c.set}`;
}

export function parseChoice(value: string): MapChoice | null {
  const m = /^L(\d+)H(\d+)$/.exec(value);
  if (m) return { kind: 'head', layer: Number(m[1]), head: Number(m[2]) };
  if (value === 'mean-local' || value === 'mean-global')
    return { kind: 'mean', set: value === 'mean-local' ? 'local' : 'global' };
  return null;
}

const key = (l: number, h: number) => `${l}:${h}`;

/** The means (when every head of the set has a kept map) first, then each kept head in (layer, head) order. */
export function mapChoices(heads: { local: HeadRef[]; global: HeadRef[] }, maps: Map<string, unknown>): ChoiceOption[] {
  const out: ChoiceOption[] = [];
  for (const set of ['local', 'global'] as const) {
    const list = heads[set];
    if (list.length > 0 && list.every(([l, h]) => maps.has(key(l, h)))) {
      out.push({ value: `mean-${set}`, label: `Mean of ${list.length} ${set} heads`, choice: { kind: 'mean', set } });
    }
  }
  const role = (l: number, h: number) => {
    const isL = heads.local.some(([a, b]) => a === l && b === h);
    const isG = heads.global.some(([a, b]) => a === l && b === h);
    return isL && isG ? ' (local, global)' : isL ? ' (local)' : isG ? ' (global)' : '';
  };
  const kept = [...maps.keys()]
    .map((k) => k.split(':').map(Number) as [number, number])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (const [l, h] of kept)
    out.push({
      value: `L${l}H${h}`,
      label: `Layer ${l} · head ${h}${role(l, h)}`,
      choice: { kind: 'head', layer: l, head: h },
    });
  return out;
}

/** The [n, n] map of a choice (a fresh mean for 'mean'), or null when the needed maps were not kept. */
export function resolveChoice(
  c: MapChoice,
  heads: { local: HeadRef[]; global: HeadRef[] },
  maps: Map<string, Float32Array>,
  n: number,
): Float32Array | null {
  if (c.kind === 'head') return maps.get(key(c.layer, c.head)) ?? null;
  const list = heads[c.set].map(([l, h]) => maps.get(key(l, h)));
  if (list.length === 0 || list.some((m) => !m)) return null;
  return meanMaps(list as Float32Array[], n);
}
