/**
 * Pure SVG builders for paper figures (strings; no DOM): document wrapper, colour legend, heatmap with token
 * axes. Every piece of text goes through escapeXml. Styles are inline attributes so the file renders the
 * same in a browser, Inkscape or LaTeX (svg → pdf) without our CSS.
 */
import { formatTick, makeNormalizer, scaleTicks, SCHEMES, type ColorScaleSpec } from '../theme/scales';
import { escapeXml } from './text';

export const FONT = 'Helvetica, Arial, sans-serif';
export const MONO = 'DejaVu Sans Mono, Menlo, Consolas, monospace';
const n2 = (v: number) => Number(v.toFixed(2));

export function svgDocument(width: number, height: number, body: string, title?: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${n2(width)}" height="${n2(height)}" viewBox="0 0 ${n2(width)} ${n2(height)}" font-family="${FONT}">\n` +
    (title ? `<title>${escapeXml(title)}</title>\n` : '') +
    `<rect width="100%" height="100%" fill="#ffffff"/>\n${body}</svg>\n`
  );
}

export function textEl(x: number, y: number, text: string, attrs = ''): string {
  return `<text x="${n2(x)}" y="${n2(y)}"${attrs ? ' ' + attrs : ''}>${escapeXml(text)}</text>`;
}

/** Vertical colour bar with ticks at (x, y), `length` tall; the id must be unique in the document. */
export function legendSvg(
  spec: ColorScaleSpec,
  x: number,
  y: number,
  length: number,
  title: string,
  id = 'legend',
): string {
  const interp = SCHEMES[spec.scheme].interpolate;
  const stops = Array.from({ length: 33 }, (_, i) => i / 32)
    .map((t) => `<stop offset="${n2(t)}" stop-color="${interp(t)}"/>`)
    .join('');
  const norm = makeNormalizer(spec.mode, spec.domain);
  const w = 12;
  const ticks = scaleTicks(spec.mode, spec.domain, 5)
    .map((v) => {
      const ty = y + (1 - norm(v)) * length;
      return (
        `<line x1="${x + w}" x2="${x + w + 3}" y1="${n2(ty)}" y2="${n2(ty)}" stroke="#333"/>` +
        textEl(x + w + 5, ty + 3.5, formatTick(v), 'font-size="10" fill="#333"')
      );
    })
    .join('');
  return (
    `<defs><linearGradient id="${id}" x1="0" y1="1" x2="0" y2="0">${stops}</linearGradient></defs>` +
    `<rect x="${x}" y="${y}" width="${w}" height="${length}" fill="url(#${id})" stroke="#555" stroke-width="0.5"/>${ticks}` +
    textEl(
      x - 6,
      y + length / 2,
      `${title}${spec.mode === 'linear' ? '' : ` (${spec.mode})`}`,
      `font-size="11" fill="#222" text-anchor="middle" transform="rotate(-90 ${n2(x - 6)} ${n2(y + length / 2)})"`,
    )
  );
}
