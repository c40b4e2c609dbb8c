/**
 * A heatmap as a standalone SVG figure: the cells (rects when the window is ≤ 128 × 128, else an embedded
 * raster image the caller rendered), token axes, prompt/response boundary, colour legend and title.
 */
import { colorOf, MASKED_RGBA, type ColorScaleSpec } from '../theme/scales';
import { tokenTicks } from '../attention/axes';
import { legendSvg, svgDocument, textEl, FONT, MONO } from './svg';

export const RECT_LIMIT = 128;

export interface HeatmapFigure {
  /** Row-major [n, n]; row = query, column = key; cells with key > query are masked (causal). */
  map: ArrayLike<number>;
  n: number;
  tokens: string[];
  promptLength: number;
  spec: ColorScaleSpec;
  title?: string;
  /** Inclusive window of rows (queries) and columns (keys); default the whole map. */
  rows?: [number, number];
  cols?: [number, number];
  /** Longest side of the plot in px (default 480). */
  plotSize?: number;
  /** Raster of the window (PNG data URL), required when the window exceeds RECT_LIMIT cells. */
  imageHref?: string;
  legendTitle?: string;
}

const MASKED_FILL = `rgb(${MASKED_RGBA[0]},${MASKED_RGBA[1]},${MASKED_RGBA[2]})`;

/** True when heatmapToSvg will draw rects (no raster needed). */
export function usesRects(rows: [number, number], cols: [number, number]): boolean {
  return rows[1] - rows[0] + 1 <= RECT_LIMIT && cols[1] - cols[0] + 1 <= RECT_LIMIT;
}

export function heatmapToSvg(f: HeatmapFigure): string {
  const rows = f.rows ?? [0, f.n - 1];
  const cols = f.cols ?? [0, f.n - 1];
  const nr = rows[1] - rows[0] + 1;
  const nc = cols[1] - cols[0] + 1;
  if (nr < 1 || nc < 1 || rows[0] < 0 || cols[0] < 0 || rows[1] >= f.n || cols[1] >= f.n)
    throw new Error(`window rows ${rows} cols ${cols} is outside the ${f.n}×${f.n} map`);
  const rects = usesRects(rows, cols);
  if (!rects && !f.imageHref) throw new Error(`a ${nr}×${nc} window needs a raster image (imageHref)`);
  const plot = f.plotSize ?? 480;
  const cell = plot / Math.max(nr, nc);
  const pw = cell * nc,
    ph = cell * nr;
  const labelled = cell >= 9;
  // Margins sized to the longest tick label (≈ 5.6 px per 9 px monospace character; rotated 60° below).
  const yTicks = tokenTicks(f.tokens, rows[0], rows[1], -rows[0] * cell, cell, ph);
  const xTicks = tokenTicks(f.tokens, cols[0], cols[1], -cols[0] * cell, cell, pw);
  const longest = (ticks: { label: string }[]) => Math.max(1, ...ticks.map((t) => [...t.label].length));
  const charW = labelled ? 5.6 : 6;
  const left = 30 + longest(yTicks) * charW;
  const bottom = labelled ? 34 + longest(xTicks) * charW * 0.87 : 44;
  const m = { top: f.title ? 30 : 12, left, bottom, right: 80 };
  const W = m.left + pw + m.right,
    H = m.top + ph + m.bottom;
  const parts: string[] = [];
  if (f.title) parts.push(textEl(m.left, 18, f.title, 'font-size="13" font-weight="bold" fill="#111"'));
  parts.push(`<g transform="translate(${m.left},${m.top})">`);
  if (rects) {
    const color = colorOf(f.spec);
    parts.push(`<rect width="${pw}" height="${ph}" fill="${MASKED_FILL}"/>`);
    const cells: string[] = [];
    for (let t = rows[0]; t <= rows[1]; t++) {
      for (let s = cols[0]; s <= Math.min(cols[1], t); s++) {
        // Slight overlap (+0.02) hides hairline seams between adjacent rects in some renderers.
        cells.push(
          `<rect x="${r3((s - cols[0]) * cell)}" y="${r3((t - rows[0]) * cell)}" width="${r3(cell + 0.02)}" height="${r3(cell + 0.02)}" fill="${color(f.map[t * f.n + s])}"/>`,
        );
      }
    }
    parts.push(`<g shape-rendering="crispEdges">${cells.join('')}</g>`);
  } else {
    parts.push(
      `<image width="${r3(pw)}" height="${r3(ph)}" preserveAspectRatio="none" style="image-rendering:pixelated" image-rendering="optimizeSpeed" href="${f.imageHref}" xlink:href="${f.imageHref}"/>`,
    );
  }
  parts.push(`<rect width="${r3(pw)}" height="${r3(ph)}" fill="none" stroke="#444" stroke-width="0.75"/>`);
  // Prompt | response boundary: dashed white over a dark halo, visible on every colour of the scale.
  const p = f.promptLength;
  const line = (x1: number, y1: number, x2: number, y2: number) =>
    `<line x1="${r3(x1)}" y1="${r3(y1)}" x2="${r3(x2)}" y2="${r3(y2)}" stroke="#000" stroke-opacity="0.5" stroke-width="2.5"/>` +
    `<line x1="${r3(x1)}" y1="${r3(y1)}" x2="${r3(x2)}" y2="${r3(y2)}" stroke="#fff" stroke-width="1" stroke-dasharray="4 3"/>`;
  if (p > cols[0] && p <= cols[1]) parts.push(line((p - cols[0]) * cell, 0, (p - cols[0]) * cell, ph));
  if (p > rows[0] && p <= rows[1]) parts.push(line(0, (p - rows[0]) * cell, pw, (p - rows[0]) * cell));
  // Axes: token text when cells are wide enough, else positions.
  const tickAttrs = (i: number) =>
    `font-size="${labelled ? 9 : 10}" fill="${i < p ? '#777' : '#222'}"${labelled ? ` font-family="${MONO}"` : ''}`;
  for (const t of yTicks) {
    parts.push(`<line x1="0" x2="-3" y1="${r3(t.px)}" y2="${r3(t.px)}" stroke="#444"/>`);
    parts.push(textEl(-5, t.px + 3, t.label, `text-anchor="end" ${tickAttrs(t.index)}`));
  }
  for (const t of xTicks) {
    parts.push(`<line x1="${r3(t.px)}" x2="${r3(t.px)}" y1="${r3(ph)}" y2="${r3(ph + 3)}" stroke="#444"/>`);
    parts.push(
      labelled
        ? textEl(
            t.px + 3,
            ph + 6,
            t.label,
            `text-anchor="end" transform="rotate(-60 ${r3(t.px + 3)} ${r3(ph + 6)})" ${tickAttrs(t.index)}`,
          )
        : textEl(t.px, ph + 15, t.label, `text-anchor="middle" ${tickAttrs(t.index)}`),
    );
  }
  parts.push(textEl(pw / 2, ph + m.bottom - 8, 'key position s', 'font-size="11" fill="#222" text-anchor="middle"'));
  parts.push(
    textEl(
      -m.left + 12,
      ph / 2,
      'query position t',
      `font-size="11" fill="#222" text-anchor="middle" transform="rotate(-90 ${r3(-m.left + 12)} ${r3(ph / 2)})"`,
    ),
  );
  parts.push(`</g>`);
  const legendLen = Math.min(ph, 220);
  parts.push(
    `<g font-family="${FONT}">${legendSvg(f.spec, m.left + pw + 34, m.top + (ph - legendLen) / 2, legendLen, f.legendTitle ?? 'attention weight', 'heatmap-legend')}</g>`,
  );
  return svgDocument(W, H, parts.join('\n') + '\n', f.title);
}

function r3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
