/**
 * Chart data: one line per run for a run-log metric, coloured by strategy (Okabe–Ito, src/ui/theme) and dashed by
 * seed, so a comparison reads as "colour = strategy, dash = seed". Held-out accuracy has a step-0 point (the
 * starting model) when it is known.
 */
import type { RunLogLine } from '../../core/rl/runlog';
import { STRATEGY_COLORS } from '../theme/palette';

export type TrainMetric = 'reward' | 'heldout' | 'length' | 'entropy' | 'clip';

export const METRICS: {
  id: TrainMetric;
  title: string;
  yLabel: string;
  value: (l: RunLogLine) => number | undefined;
}[] = [
  { id: 'reward', title: 'Mean reward', yLabel: 'reward', value: (l) => l.mean_reward },
  { id: 'heldout', title: 'Held-out accuracy', yLabel: 'accuracy', value: (l) => l.heldout_accuracy },
  { id: 'length', title: 'Response length', yLabel: 'tokens', value: (l) => l.mean_length },
  { id: 'entropy', title: 'Entropy', yLabel: 'nats / token', value: (l) => l.entropy },
  { id: 'clip', title: 'Clip fraction', yLabel: 'share of tokens', value: (l) => l.clip_fraction },
];

/** The data one chart line needs from a run. */
export interface RunData {
  key: string;
  strategy: string;
  seed: number;
  lines: RunLogLine[];
  /** Held-out accuracy of the starting model, when evaluated. */
  initialAccuracy?: number | null;
}

export interface Series {
  key: string;
  label: string;
  color: string;
  /** SVG stroke-dasharray ('' = solid). */
  dash: string;
  points: [number, number][];
}

/** Seed k of a comparison (by order of appearance) gets DASHES[k % n]. */
export const DASHES = ['', '6 3', '2 3', '8 3 2 3'];

export function strategyColor(strategy: string): string {
  return STRATEGY_COLORS[strategy] ?? '#5d6677';
}

export function buildSeries(runs: RunData[], metric: TrainMetric): Series[] {
  const m = METRICS.find((x) => x.id === metric);
  if (!m) throw new Error(`unknown metric ${metric}`);
  const seedOrder = [...new Set(runs.map((r) => r.seed))];
  return runs.map((r) => {
    const points: [number, number][] = [];
    if (metric === 'heldout' && typeof r.initialAccuracy === 'number') points.push([0, r.initialAccuracy]);
    for (const l of r.lines) {
      const v = m.value(l);
      if (typeof v === 'number' && Number.isFinite(v)) points.push([l.step, v]);
    }
    return {
      key: r.key,
      label: `${r.strategy} · seed ${r.seed}`,
      color: strategyColor(r.strategy),
      dash: DASHES[seedOrder.indexOf(r.seed) % DASHES.length],
      points,
    };
  });
}

/** [min, max] over every point's x and y, padded so a flat line is still drawn; null with no points. */
export function extents(series: Series[]): { x: [number, number]; y: [number, number] } | null {
  const pts = series.flatMap((s) => s.points);
  if (pts.length === 0) return null;
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const [x, y] of pts) {
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) {
    const pad = Math.abs(y0) * 0.1 || 0.5;
    // Metrics that are never negative (rates, lengths) keep a floor at 0.
    y0 = y0 >= 0 ? Math.max(0, y0 - pad) : y0 - pad;
    y1 += pad;
  }
  return { x: [x0, x1], y: [y0, y1] };
}

/** Largest |after − before| over the WAAD and FAI curves of a before/after pair (0: the model did not change). */
export function maxAbsChange(
  before: { waad: number[]; fai: number[] },
  after: { waad: number[]; fai: number[] },
): number {
  let m = 0;
  for (const k of ['waad', 'fai'] as const) {
    if (before[k].length !== after[k].length) return Infinity;
    before[k].forEach((v, i) => (m = Math.max(m, Math.abs(after[k][i] - v))));
  }
  return m;
}
