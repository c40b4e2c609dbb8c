/**
 * Which map the attention view shows: one kept (layer, head) map, or the mean of the local / global / receiver
 * heads (Ā_loc, Ā_glob). Pure: lists the choices the kept maps allow, resolves one to a map, and says in one
 * line what each map is (the picker's hover text).
 */
import type { HeadRef } from '../../core/rhythm';
import { meanMaps } from './raster';

export type HeadSet = 'local' | 'global' | 'receiver';
export type MapChoice = { kind: 'head'; layer: number; head: number } | { kind: 'mean'; set: HeadSet };
/** The head sets of an analysis record (receiver absent in records from older files). */
export interface HeadSets {
  local: HeadRef[];
  global: HeadRef[];
  receiver?: HeadRef[];
}

export interface ChoiceOption {
  /** Stable string for <select> values and URLs: "L3H7", "mean-local", "mean-global", "mean-receiver". */
  value: string;
  label: string;
  /** One line saying what the map is (hover text). */
  hint: string;
  choice: MapChoice;
}

/** What each head set reads, and which rhythm signal it feeds. */
const SET_HINTS: Record<HeadSet, string> = {
  local: 'short reach: they read the last few tokens, and WAAD is measured on them',
  global: 'long reach: FAI is measured on them, so their bright columns are the anchors',
  receiver: 'attention piled onto a few columns: the dashed “FAI other heads” of the rhythm chart',
};

/**
 * One line saying what a map is: a single head's own attention (and its role), or the mean over a head set.
 * Rows are query tokens t, columns the earlier tokens s they read.
 */
export function choiceHint(c: MapChoice, sets: HeadSets): string {
  if (c.kind === 'mean') {
    const n = sets[c.set]?.length ?? 0;
    return `Mean attention of the ${n} ${c.set} head${n === 1 ? '' : 's'} (${SET_HINTS[c.set]}).`;
  }
  const roles = (['local', 'global', 'receiver'] as const).filter((set) =>
    (sets[set] ?? []).some(([l, h]) => l === c.layer && h === c.head),
  );
  const role = roles.length > 0 ? `, one of the ${roles.join(' and ')} heads` : '';
  return `Layer ${c.layer}, head ${c.head} alone${role}: row t shows how token t spreads its attention over the tokens before it.`;
}

export function choiceValue(c: MapChoice): string {
  return c.kind === 'head' ? `L${c.layer}H${c.head}` : `mean-${c.set}`;
}

export function parseChoice(value: string): MapChoice | null {
  const m = /^L(\d+)H(\d+)$/.exec(value);
  if (m) return { kind: 'head', layer: Number(m[1]), head: Number(m[2]) };
  const set = /^mean-(local|global|receiver)$/.exec(value)?.[1] as HeadSet | undefined;
  return set ? { kind: 'mean', set } : null;
}

const key = (l: number, h: number) => `${l}:${h}`;

/** The means (when every head of the set has a kept map) first, then each kept head in (layer, head) order. */
export function mapChoices(heads: HeadSets, maps: Map<string, unknown>): ChoiceOption[] {
  const out: ChoiceOption[] = [];
  const option = (value: string, label: string, choice: MapChoice) =>
    out.push({ value, label, hint: choiceHint(choice, heads), choice });
  for (const set of ['local', 'global', 'receiver'] as const) {
    const list = heads[set] ?? [];
    if (list.length > 0 && list.every(([l, h]) => maps.has(key(l, h))))
      option(`mean-${set}`, `Mean of ${list.length} ${set} heads`, { kind: 'mean', set });
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
    option(`L${l}H${h}`, `Layer ${l} · head ${h}${role(l, h)}`, { kind: 'head', layer: l, head: h });
  return out;
}

/** The [n, n] map of a choice (a fresh mean for 'mean'), or null when the needed maps were not kept. */
export function resolveChoice(
  c: MapChoice,
  heads: HeadSets,
  maps: Map<string, Float32Array>,
  n: number,
): Float32Array | null {
  if (c.kind === 'head') return maps.get(key(c.layer, c.head)) ?? null;
  const list = (heads[c.set] ?? []).map(([l, h]) => maps.get(key(l, h)));
  if (list.length === 0 || list.some((m) => !m)) return null;
  return meanMaps(list as Float32Array[], n);
}
