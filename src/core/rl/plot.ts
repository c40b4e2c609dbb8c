/**
 * A self-contained SVG of the comparison as small multiples: for each metric (mean reward per step, smoothed; held-out
 * greedy accuracy at the evaluated steps) one panel per strategy, with the baseline (uniform) drawn in grey in every
 * panel, means over seeds with 95% CI bands, one y-axis range per metric so panels compare. With eleven strategies a
 * single chart of overlapping bands cannot be read; small multiples can. Plain strings: runs in Node and browsers.
 */
import { meanCurve, type RunResult } from './experiment';
import type { RlStrategy } from './options';

const COLORS: Record<RlStrategy, string> = {
  uniform: '#444444',
  local_chunk: '#1f77b4',
  global_anchor: '#2ca02c',
  coupled: '#d62728',
  random: '#9467bd',
  high_entropy: '#ff7f0e',
  hicra: '#8c564b',
  tempo: '#17becf',
  entropy_minority: '#bcbd22',
  capo: '#e377c2',
  pure: '#393b79',
};
const BASELINE: RlStrategy = 'uniform';

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** Centered moving average over `w` points (edges use what exists). */
export function smooth(values: number[], w: number): number[] {
  const h = Math.floor(w / 2);
  return values.map((_, i) => {
    const part = values.slice(Math.max(0, i - h), i + h + 1);
    return part.reduce((a, b) => a + b, 0) / part.length;
  });
}

type Curve = { step: number; mean: number; ci: number }[];

interface Metric {
  title: string;
  curve: (s: RlStrategy) => Curve;
}

const PW = 170; // panel width
const PH = 110; // panel height
const GAP_X = 46;
const GAP_Y = 58;
const LEFT = 50;

export function comparisonSvg(results: RunResult[], title: string, opts: { smoothing?: number } = {}): string {
  const strategies = [...new Set(results.map((r) => r.strategy))];
  const runsOf = (s: RlStrategy) => results.filter((r) => r.strategy === s);
  const sm = opts.smoothing ?? 5;
  const metrics: Metric[] = [
    {
      title: `mean reward per step (moving average over ${sm} steps)`,
      curve: (s) => {
        const c = meanCurve(runsOf(s), (l) => l.mean_reward);
        const m = smooth(
          c.map((p) => p.mean),
          sm,
        );
        const ci = smooth(
          c.map((p) => (Number.isNaN(p.ci) ? 0 : p.ci)),
          sm,
        );
        return c.map((p, i) => ({ step: p.step, mean: m[i], ci: ci[i] }));
      },
    },
    {
      title: 'held-out greedy accuracy',
      curve: (s) => {
        const runs = runsOf(s);
        const start = runs[0]?.initialAccuracy;
        const c = meanCurve(runs, (l) => l.heldout_accuracy).map((p) => ({ ...p, ci: Number.isNaN(p.ci) ? 0 : p.ci }));
        return [...(start !== null && start !== undefined ? [{ step: 0, mean: start, ci: 0 }] : []), ...c];
      },
    },
  ];
  const hasBaseline = strategies.includes(BASELINE) && strategies.length > 1;
  const shown = hasBaseline ? strategies.filter((s) => s !== BASELINE) : strategies;
  const cols = Math.min(5, shown.length);
  const rows = Math.ceil(shown.length / cols);
  const sectionH = 34 + rows * (PH + GAP_Y);
  const W = LEFT + cols * (PW + GAP_X);
  const H = 70 + metrics.length * sectionH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`,
    `<text x="${W / 2}" y="42" text-anchor="middle" fill="#555">${esc(
      hasBaseline
        ? `each panel: one strategy (colour) against ${BASELINE} (grey); mean over seeds, band = 95% CI`
        : 'mean over seeds, band = 95% CI',
    )}</text>`,
  ];
  metrics.forEach((metric, mi) => {
    const y0 = 70 + mi * sectionH;
    const curves = new Map(strategies.map((s) => [s, metric.curve(s)]));
    const all = [...curves.values()].flat();
    const maxStep = Math.max(1, ...all.map((q) => q.step));
    const highest = Math.min(1, Math.max(0.05, ...all.map((q) => q.mean + q.ci)) * 1.05);
    const yStep = niceStep(highest, 4);
    const yMax = Math.min(1, Math.ceil(highest / yStep - 1e-9) * yStep); // the axis ends on a tick
    const xStep = niceStep(maxStep, 4, true);
    out.push(`<text x="${LEFT}" y="${y0 + 4}" font-size="13" font-weight="bold">${esc(metric.title)}</text>`);
    shown.forEach((s, i) => {
      const px = LEFT + (i % cols) * (PW + GAP_X);
      const py = y0 + 34 + Math.floor(i / cols) * (PH + GAP_Y);
      const x = (step: number) => px + (step / maxStep) * PW;
      const y = (v: number) => py + PH - (Math.max(0, Math.min(yMax, v)) / yMax) * PH;
      out.push(`<text x="${px + PW / 2}" y="${py - 6}" text-anchor="middle">${esc(s)} (n=${runsOf(s).length})</text>`);
      out.push(`<rect x="${px}" y="${py}" width="${PW}" height="${PH}" fill="none" stroke="#999"/>`);
      for (let v = 0; v <= yMax + 1e-9; v += yStep)
        out.push(
          `<line x1="${px - 3}" x2="${px}" y1="${y(v)}" y2="${y(v)}" stroke="#999"/><text x="${px - 5}" y="${y(v) + 4}" text-anchor="end">${(100 * v).toFixed(yStep < 0.01 ? 1 : 0)}%</text>`,
        );
      for (let st = 0; st <= maxStep; st += xStep)
        out.push(`<text x="${x(st)}" y="${py + PH + 14}" text-anchor="middle">${st}</text>`);
      out.push(`<text x="${px + PW / 2}" y="${py + PH + 28}" text-anchor="middle" fill="#555">step</text>`);
      const draw = (pts: Curve, color: string, width: number) => {
        if (pts.length === 0) return;
        const band = [
          ...pts.map((q) => `${x(q.step).toFixed(1)},${y(q.mean + q.ci).toFixed(1)}`),
          ...[...pts].reverse().map((q) => `${x(q.step).toFixed(1)},${y(q.mean - q.ci).toFixed(1)}`),
        ];
        out.push(`<polygon points="${band.join(' ')}" fill="${color}" fill-opacity="0.15" stroke="none"/>`);
        out.push(
          `<polyline points="${pts.map((q) => `${x(q.step).toFixed(1)},${y(q.mean).toFixed(1)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="${width}"/>`,
        );
      };
      if (hasBaseline) draw(curves.get(BASELINE)!, '#9a9a9a', 1.4);
      draw(curves.get(s)!, COLORS[s], 1.8);
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** A round tick step (1, 2, 2.5 or 5 × 10^k; integers only when `integer`) giving at most `maxTicks` intervals over [0, max]. */
export function niceStep(max: number, maxTicks: number, integer = false): number {
  const raw = max / maxTicks;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) {
    const step = m * p;
    if (step >= raw && (!integer || Number.isInteger(step))) return integer ? Math.max(1, step) : step;
  }
  return 10 * p;
}
