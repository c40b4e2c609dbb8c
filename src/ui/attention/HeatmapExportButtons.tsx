/** SVG / PNG export of the heatmap's visible window as a paper figure (axes, legend, token labels). */
import type { ColorScaleSpec } from '../theme';
import { heatmapToSvg, rgbaToDataUrl, slug, SvgPngButtons, usesRects } from '../figures';
import { renderView } from './raster';

export interface HeatmapExportProps {
  map: Float32Array;
  indices: Uint8Array;
  lut: Uint8ClampedArray;
  tokens: string[];
  promptLength: number;
  title: string;
  spec: ColorScaleSpec;
  rows: [number, number];
  cols: [number, number];
}

/** Builds the figure SVG for the window rows × cols (raster embedded when the window is large). */
export function buildHeatmapFigure(p: HeatmapExportProps): string {
  const n = p.tokens.length;
  let imageHref: string | undefined;
  if (!usesRects(p.rows, p.cols)) {
    const nr = p.rows[1] - p.rows[0] + 1,
      nc = p.cols[1] - p.cols[0] + 1;
    // Integer upscale so each cell is a crisp k×k block even where viewers smooth images.
    const k = Math.max(1, Math.min(4, Math.floor(960 / Math.max(nr, nc))));
    const data = new Uint8ClampedArray(nc * k * nr * k * 4);
    renderView(p.indices, n, p.lut, { x: -p.cols[0] * k, y: -p.rows[0] * k, k }, nc * k, nr * k, data);
    imageHref = rgbaToDataUrl(data, nc * k, nr * k);
  }
  const full = p.rows[0] === 0 && p.cols[0] === 0 && p.rows[1] === n - 1 && p.cols[1] === n - 1;
  const title = full ? p.title : `${p.title} (queries ${p.rows[0]}–${p.rows[1]}, keys ${p.cols[0]}–${p.cols[1]})`;
  return heatmapToSvg({
    map: p.map,
    n,
    tokens: p.tokens,
    promptLength: p.promptLength,
    spec: p.spec,
    title,
    rows: p.rows,
    cols: p.cols,
    imageHref,
  });
}

export function HeatmapExportButtons(p: HeatmapExportProps) {
  return (
    <SvgPngButtons
      build={() => buildHeatmapFigure(p)}
      name={`rhythmscope-${slug(p.title)}`}
      label="Export figure"
      what="the visible window"
    />
  );
}
