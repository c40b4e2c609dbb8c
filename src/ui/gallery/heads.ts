/**
 * Pure data for the head gallery: each head's class (local / global / neither, from the record's head
 * selection), its span d, and its thumbnail coloured through the shared LUT.
 */
import type { AnalysisRecord, Thumbnail } from '../../core/rhythm';
import type { HeadClass } from '../theme/palette';
import { autoDomain, MASKED_INDEX, type ScaleMode } from '../theme/scales';
import { quantizeMap, renderView } from '../attention/raster';

export interface GalleryHead {
  layer: number;
  head: number;
  /** Span d(l,h) (mean attention distance over response rows); null when unknown. */
  d: number | null;
  cls: HeadClass;
  /** For tiny head counts a head can be both local and global (method.md §1.3). */
  alsoGlobal: boolean;
  /** Its layer is one of the record's selected (candidate) layers. */
  selectedLayer: boolean;
  /** One of the record's receiver heads (largest kurtosis of their own FAI). */
  receiver?: boolean;
  /** Index of the key/value head it reads under grouped-query attention (= head without grouping). */
  kvGroup?: number;
}

export type HeadSelection = Pick<AnalysisRecord, 'heads' | 'layers'>;

/** Query heads per key/value head: H / H_kv when the model groups its heads (H_kv < H divides H), else 1. */
export function kvGroupSize(numHeads: number, numKvHeads?: number): number {
  return numKvHeads && numKvHeads > 0 && numKvHeads < numHeads && numHeads % numKvHeads === 0
    ? numHeads / numKvHeads
    : 1;
}

/**
 * [L][H] grid of heads. `spans` (layer → [H]) fills d for heads outside the selected layers; `numKvHeads` (when
 * smaller than H) gives each head its key/value group ⌊h / (H / H_kv)⌋.
 */
export function galleryHeads(
  sel: HeadSelection,
  numLayers: number,
  numHeads: number,
  spans?: Map<number, ArrayLike<number>>,
  numKvHeads?: number,
): GalleryHead[][] {
  const key = (l: number, h: number) => l * numHeads + h;
  const local = new Set(sel.heads.local.map(([l, h]) => key(l, h)));
  const global = new Set(sel.heads.global.map(([l, h]) => key(l, h)));
  const receiver = new Set((sel.heads.receiver ?? []).map(([l, h]) => key(l, h)));
  const group = kvGroupSize(numHeads, numKvHeads);
  const d = new Map<number, number>();
  for (const [l, row] of spans ?? []) for (let h = 0; h < row.length; h++) d.set(key(l, h), row[h]);
  for (const [l, h, span] of sel.heads.span) d.set(key(l, h), span);
  const layers = new Set(sel.layers);
  return Array.from({ length: numLayers }, (_, l) =>
    Array.from({ length: numHeads }, (_, h) => {
      const k = key(l, h);
      const isLocal = local.has(k),
        isGlobal = global.has(k);
      return {
        layer: l,
        head: h,
        d: d.get(k) ?? null,
        cls: isLocal ? 'local' : isGlobal ? 'global' : 'neither',
        alsoGlobal: isLocal && isGlobal,
        selectedLayer: layers.has(l),
        receiver: receiver.has(k),
        kvGroup: Math.floor(h / group),
      } satisfies GalleryHead;
    }),
  );
}

/** Counts per class (a head in both sets counts in both). */
export function classCounts(grid: GalleryHead[][]): Record<HeadClass, number> {
  const c: Record<HeadClass, number> = { local: 0, global: 0, neither: 0 };
  for (const row of grid)
    for (const g of row) {
      c[g.cls]++;
      if (g.alsoGlobal) c.global++;
    }
  return c;
}

/** Layer pages [start, end) of at most `perPage` layers (one page holding everything when perPage ≥ L). */
export function layerPages(numLayers: number, perPage: number): [number, number][] {
  const size = Math.max(1, perPage);
  const out: [number, number][] = [];
  for (let start = 0; start < numLayers; start += size) out.push([start, Math.min(numLayers, start + size)]);
  return out.length ? out : [[0, 0]];
}

/** Layers per page: all of them up to 12 layers, else 8 (so a 28-layer × 16-head model shows 128 heads at a time). */
export function defaultLayersPerPage(numLayers: number): number {
  return numLayers <= 12 ? Math.max(numLayers, 1) : 8;
}

/** Span for a caption; `compact` (small cells) keeps at most 3 characters. */
export function formatSpan(d: number | null, compact = false): string {
  if (d === null || !Number.isFinite(d)) return '–';
  if (compact) return d >= 9.95 ? d.toFixed(0) : d.toFixed(1);
  return d >= 100 ? d.toFixed(0) : d >= 10 ? d.toFixed(1) : d.toFixed(2);
}

/**
 * Head h's thumbnail resampled (nearest) to side × side pixels, for drawing at display resolution.
 * Only the sampled cells are quantised (a 36×32-head gallery samples ~1.3k of each head's 4k cells).
 */
export function thumbnailTile(
  thumb: Thumbnail,
  head: number,
  lut: Uint8ClampedArray,
  mode: ScaleMode,
  side: number,
  out: Uint8ClampedArray = new Uint8ClampedArray(side * side * 4),
): Uint8ClampedArray {
  const s = thumb.size;
  const cells = thumb.data.subarray(head * s * s, (head + 1) * s * s);
  // Linear/sqrt start at 0 (no attention); log spans the head's own positive range.
  const [lo, hi] = autoDomain(cells, mode);
  const domain: [number, number] = mode === 'log' ? [lo, hi] : [0, Math.max(hi, 1e-12)];
  const src = new Int32Array(side);
  for (let i = 0; i < side; i++) src[i] = Math.min(s - 1, Math.floor(((i + 0.5) * s) / side));
  // Gather the sampled cells into a side × side map; future cells (column > row) become NaN → masked below.
  const sampled = new Float32Array(side * side);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) sampled[y * side + x] = src[x] > src[y] ? NaN : cells[src[y] * s + src[x]];
  const indices = quantizeMap(sampled, side, mode, domain, undefined, false);
  for (let i = 0; i < indices.length; i++) if (Number.isNaN(sampled[i])) indices[i] = MASKED_INDEX;
  renderView(indices, side, lut, { x: 0, y: 0, k: 1 }, side, side, out);
  return out;
}
