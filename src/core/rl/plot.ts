/**
 * A self-contained SVG of the comparison: mean reward per step (smoothed, mean over seeds, 95% CI band) and
 * held-out accuracy at the evaluated steps, one colour per strategy. Plain strings: runs in Node and browsers.
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
  pure: '#7f7f7f',
};

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** Centered moving average over `w` points (edges use what exists). */
export function smooth(values: number[], w: number): number[] {
  const h = Math.floor(w / 2);
  return values.map((_, i) => {
    const part = values.slice(Math.max(0, i - h), i + h + 1);
    return part.reduce((a, b) => a + b, 0) / part.length;
  });
}

interface Panel {
  title: string;
  x0: number;
  series: { strategy: RlStrategy; pts: { step: number; mean: number; ci: number }[] }[];
}

export function comparisonSvg(results: RunResult[], title: string, opts: { smoothing?: number } = {}): string {
  const W = 960;
  const H = 400;
  const pw = 400;
  const ph = 280;
  const top = 60;
  const strategies = [...new Set(results.map((r) => r.strategy))];
  const runsOf = (s: RlStrategy) => results.filter((r) => r.strategy === s);
  const sm = opts.smoothing ?? 5;
  const panels: Panel[] = [
    {
      title: `mean reward per step (moving average over ${sm} steps)`,
      x0: 60,
      series: strategies.map((s) => {
        const c = meanCurve(runsOf(s), (l) => l.mean_reward);
        const m = smooth(
          c.map((p) => p.mean),
          sm,
        );
        const ci = smooth(
          c.map((p) => (Number.isNaN(p.ci) ? 0 : p.ci)),
          sm,
        );
        return { strategy: s, pts: c.map((p, i) => ({ step: p.step, mean: m[i], ci: ci[i] })) };
      }),
    },
    {
      title: 'held-out greedy accuracy',
      x0: 540,
      series: strategies.map((s) => {
        const runs = runsOf(s);
        const start = runs[0]?.initialAccuracy;
        const c = meanCurve(runs, (l) => l.heldout_accuracy);
        return {
          strategy: s,
          pts: [...(start !== null && start !== undefined ? [{ step: 0, mean: start, ci: 0 }] : []), ...c],
        };
      }),
    },
  ];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`,
  ];
  for (const p of panels) {
    const all = p.series.flatMap((s) => s.pts);
    const maxStep = Math.max(1, ...all.map((q) => q.step));
    const highest = Math.min(1, Math.max(0.05, ...all.map((q) => q.mean + q.ci)) * 1.05);
    const yStep = niceStep(highest, 5);
    const yMax = Math.min(1, Math.ceil(highest / yStep - 1e-9) * yStep); // the axis ends on a tick
    const xStep = niceStep(maxStep, 4, true);
    const x = (step: number) => p.x0 + (step / maxStep) * pw;
    const y = (v: number) => top + ph - (Math.max(0, Math.min(yMax, v)) / yMax) * ph;
    out.push(`<text x="${p.x0 + pw / 2}" y="${top - 10}" text-anchor="middle">${esc(p.title)}</text>`);
    out.push(`<rect x="${p.x0}" y="${top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
    for (let v = 0; v <= yMax + 1e-9; v += yStep) {
      out.push(
        `<line x1="${p.x0 - 4}" x2="${p.x0}" y1="${y(v)}" y2="${y(v)}" stroke="#999"/><text x="${p.x0 - 6}" y="${y(v) + 4}" text-anchor="end">${(100 * v).toFixed(yStep < 0.01 ? 1 : 0)}%</text>`,
      );
    }
    for (let s = 0; s <= maxStep; s += xStep)
      out.push(`<text x="${x(s)}" y="${top + ph + 16}" text-anchor="middle">${s}</text>`);
    out.push(`<text x="${p.x0 + pw / 2}" y="${top + ph + 32}" text-anchor="middle">step</text>`);
    for (const s of p.series) {
      if (s.pts.length === 0) continue;
      const band = [
        ...s.pts.map((q) => `${x(q.step).toFixed(1)},${y(q.mean + q.ci).toFixed(1)}`),
        ...[...s.pts].reverse().map((q) => `${x(q.step).toFixed(1)},${y(q.mean - q.ci).toFixed(1)}`),
      ];
      out.push(`<polygon points="${band.join(' ')}" fill="${COLORS[s.strategy]}" fill-opacity="0.12" stroke="none"/>`);
      out.push(
        `<polyline points="${s.pts.map((q) => `${x(q.step).toFixed(1)},${y(q.mean).toFixed(1)}`).join(' ')}" fill="none" stroke="${COLORS[s.strategy]}" stroke-width="1.8"/>`,
      );
    }
  }
  strategies.forEach((s, i) => {
    const lx = 60 + i * Math.min(175, 880 / strategies.length);
    out.push(
      `<line x1="${lx}" x2="${lx + 20}" y1="${H - 14}" y2="${H - 14}" stroke="${COLORS[s]}" stroke-width="3"/><text x="${lx + 25}" y="${H - 10}">${esc(s)} (n=${runsOf(s).length})</text>`,
    );
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
