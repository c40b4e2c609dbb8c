/**
 * The panel's five charts as one paper figure (pure SVG string, Node-tested): a title, one panel per metric with
 * axes, ticks and labels, the runs as lines (colour = strategy, dash = seed, as on screen) and a legend in the
 * sixth cell, on white. The PNG export rasterises this same SVG (src/ui/figures/export.ts).
 */
import { scaleLinear } from 'd3';
import { svgDocument, textEl } from '../figures/svg';
import { buildSeries, extents, METRICS, type RunData, type Series } from './series';

const PANEL_W = 340;
const PANEL_H = 240;
const COLS = 3;
const TITLE_H = 40;
const M = { top: 26, right: 16, bottom: 42, left: 58 };

const f1 = (v: number) => Number(v.toFixed(1));

function tick(t: number): string {
  if (t === 0) return '0';
  const a = Math.abs(t);
  return a >= 1000 || a < 0.001 ? t.toExponential(0) : String(Number(t.toPrecision(3)));
}

function panelSvg(x0: number, y0: number, title: string, xLabel: string, yLabel: string, series: Series[]): string {
  const w = PANEL_W - M.left - M.right;
  const h = PANEL_H - M.top - M.bottom;
  const ext = extents(series);
  const x = scaleLinear()
    .domain(ext?.x ?? [0, 1])
    .range([0, w]);
  const y = scaleLinear()
    .domain(ext?.y ?? [0, 1])
    .range([h, 0])
    .nice();
  const ox = x0 + M.left;
  const oy = y0 + M.top;
  const out: string[] = [
    textEl(x0 + PANEL_W / 2, y0 + 16, title, 'font-size="13" font-weight="bold" text-anchor="middle" fill="#111"'),
  ];
  for (const t of y.ticks(4)) {
    const ty = f1(oy + y(t));
    out.push(
      `<line x1="${ox}" x2="${ox + w}" y1="${ty}" y2="${ty}" stroke="#e3e6ea"/>`,
      textEl(ox - 6, ty + 3.5, tick(t), 'font-size="10" text-anchor="end" fill="#333"'),
    );
  }
  for (const t of x.ticks(Math.max(2, Math.floor(w / 60))).filter(Number.isInteger)) {
    const tx = f1(ox + x(t));
    out.push(
      `<line x1="${tx}" x2="${tx}" y1="${oy + h}" y2="${oy + h + 4}" stroke="#333"/>`,
      textEl(tx, oy + h + 15, tick(t), 'font-size="10" text-anchor="middle" fill="#333"'),
    );
  }
  out.push(`<path d="M${ox},${oy}V${oy + h}H${ox + w}" fill="none" stroke="#333"/>`);
  out.push(textEl(ox + w / 2, oy + h + 32, xLabel, 'font-size="11" text-anchor="middle" fill="#111"'));
  out.push(
    textEl(
      x0 + 14,
      oy + h / 2,
      yLabel,
      `font-size="11" text-anchor="middle" fill="#111" transform="rotate(-90 ${x0 + 14} ${f1(oy + h / 2)})"`,
    ),
  );
  const drawn = series.filter((s) => s.points.length > 0);
  drawn.forEach((s, i) => {
    const pts = s.points.map(([px, py]) => `${f1(ox + x(px))},${f1(oy + y(py))}`);
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    // Earlier lines are wider (as on screen), so identical runs still show every colour.
    const width = f1(1.8 + (2 * (drawn.length - 1 - i)) / Math.max(1, drawn.length - 1));
    out.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="${width}"${dash}/>`);
    if (s.points.length <= 60)
      out.push(
        ...pts.map((p) => `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="2.2" fill="${s.color}"/>`),
      );
  });
  if (series.every((s) => s.points.length === 0))
    out.push(textEl(ox + w / 2, oy + h / 2, 'no data', 'font-size="11" text-anchor="middle" fill="#999"'));
  return out.join('\n');
}

function legendSvg(x0: number, y0: number, series: Series[]): string {
  const out = [
    textEl(x0 + 20, y0 + 24, 'runs (colour = strategy, dash = seed)', 'font-size="12" font-weight="bold" fill="#111"'),
  ];
  series.forEach((s, i) => {
    const y = y0 + 46 + i * 20;
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    out.push(
      `<line x1="${x0 + 20}" x2="${x0 + 52}" y1="${y - 4}" y2="${y - 4}" stroke="${s.color}" stroke-width="2.5"${dash}/>`,
      textEl(x0 + 60, y, s.label, 'font-size="12" fill="#111"'),
    );
  });
  return out.join('\n');
}

/** Width × height: 3 columns × 2 rows of panels under the title (1020 × 520; the legend grows with the runs). */
export function trainFigureSvg(runs: RunData[], title: string): string {
  const legendRows = Math.max(0, runs.length - 8);
  const width = COLS * PANEL_W;
  const height = TITLE_H + 2 * PANEL_H + legendRows * 20;
  const parts = [textEl(width / 2, 26, title, 'font-size="16" font-weight="bold" text-anchor="middle" fill="#111"')];
  METRICS.forEach((m, i) => {
    parts.push(
      `<g data-metric="${m.id}">`,
      panelSvg(
        (i % COLS) * PANEL_W,
        TITLE_H + Math.floor(i / COLS) * PANEL_H,
        m.title,
        'step',
        m.yLabel,
        buildSeries(runs, m.id),
      ),
      '</g>',
    );
  });
  parts.push(
    legendSvg(
      (METRICS.length % COLS) * PANEL_W,
      TITLE_H + Math.floor(METRICS.length / COLS) * PANEL_H,
      buildSeries(runs, 'reward'),
    ),
  );
  return svgDocument(width, height, parts.join('\n') + '\n', title);
}
