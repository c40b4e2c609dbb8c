/**
 * The head gallery as a standalone SVG figure: one embedded raster holding every thumbnail (drawn by the
 * caller with galleryRaster's geometry), layer / head labels, class rings, span captions and a class legend.
 */
import type { GalleryHead } from '../gallery/heads';
import { HEAD_CLASS_COLORS, type HeadClass } from '../theme/palette';
import { svgDocument, textEl } from './svg';

/** A head as the gallery view describes it (class, span, layer selection). */
export type GalleryFigureHead = GalleryHead;

export interface GalleryGeometry {
  /** Thumbnail side in px. */
  tile: number;
  gapX: number;
  gapY: number;
  left: number;
  top: number;
}

/** Thumbnail placement shared by the raster (canvas) and the SVG. */
export function galleryGeometry(tile: number): GalleryGeometry {
  return { tile, gapX: 8, gapY: 20, left: 44, top: 40 };
}

export function tileOrigin(g: GalleryGeometry, layer: number, head: number): [number, number] {
  return [g.left + head * (g.tile + g.gapX), g.top + layer * (g.tile + g.gapY)];
}

/** Size of the raster the caller draws (thumbnails at tileOrigin, the rest transparent). */
export function galleryRasterSize(
  g: GalleryGeometry,
  numLayers: number,
  numHeads: number,
): { width: number; height: number } {
  return { width: g.left + numHeads * (g.tile + g.gapX), height: g.top + numLayers * (g.tile + g.gapY) };
}

const fmt = (d: number | null) =>
  d === null || !Number.isFinite(d) ? '–' : d >= 100 ? d.toFixed(0) : d >= 10 ? d.toFixed(1) : d.toFixed(2);

export function galleryToSvg(
  grid: GalleryFigureHead[][],
  g: GalleryGeometry,
  imageHref: string,
  title = 'Attention heads',
): string {
  const L = grid.length,
    H = grid[0]?.length ?? 0;
  const { width, height } = galleryRasterSize(g, L, H);
  const W = Math.max(width + 12, 420),
    Ht = height + 30;
  const parts: string[] = [textEl(g.left, 16, title, 'font-size="13" font-weight="bold" fill="#111"')];
  // Class legend under the grid.
  const ly = height + 8;
  let lx = g.left;
  for (const c of ['local', 'global'] as HeadClass[]) {
    parts.push(
      `<rect x="${lx}" y="${ly}" width="10" height="10" fill="none" stroke="${HEAD_CLASS_COLORS[c]}" stroke-width="2"/>`,
    );
    parts.push(textEl(lx + 14, ly + 9, `${c} head`, 'font-size="10.5" fill="#333"'));
    lx += 80;
  }
  parts.push(`<rect x="${lx}" y="${ly}" width="14" height="10" fill="#e8edfb"/>`);
  parts.push(textEl(lx + 18, ly + 9, 'selected layers · number = span d', 'font-size="10.5" fill="#333"'));
  for (let l = 0; l < L; l++) {
    const [, y] = tileOrigin(g, l, 0);
    if (grid[l][0]?.selectedLayer)
      parts.push(`<rect x="2" y="${y - 4}" width="${width + 6}" height="${g.tile + g.gapY - 2}" fill="#e8edfb"/>`);
    parts.push(textEl(g.left - 8, y + g.tile / 2 + 4, `L${l}`, 'font-size="10" fill="#444" text-anchor="end"'));
  }
  for (let h = 0; h < H; h++) {
    const [x] = tileOrigin(g, 0, h);
    parts.push(textEl(x + g.tile / 2, g.top - 6, `h${h}`, 'font-size="10" fill="#666" text-anchor="middle"'));
  }
  parts.push(
    `<image x="0" y="0" width="${width}" height="${height}" style="image-rendering:pixelated" href="${imageHref}" xlink:href="${imageHref}"/>`,
  );
  for (const row of grid)
    for (const c of row) {
      const [x, y] = tileOrigin(g, c.layer, c.head);
      if (c.cls !== 'neither')
        parts.push(
          `<rect x="${x - 1.5}" y="${y - 1.5}" width="${g.tile + 3}" height="${g.tile + 3}" fill="none" stroke="${HEAD_CLASS_COLORS[c.cls]}" stroke-width="2"${c.alsoGlobal ? ` stroke-dasharray="4 2"` : ''}/>`,
        );
      const tag = c.cls === 'local' ? (c.alsoGlobal ? 'L+G ' : 'L ') : c.cls === 'global' ? 'G ' : '';
      parts.push(
        textEl(
          x + g.tile,
          y + g.tile + 12,
          `${tag}${fmt(c.d)}`,
          `font-size="9" text-anchor="end" fill="${c.cls === 'neither' ? '#666' : HEAD_CLASS_COLORS[c.cls]}"`,
        ),
      );
    }
  return svgDocument(W, Ht, parts.join('\n') + '\n', title);
}
