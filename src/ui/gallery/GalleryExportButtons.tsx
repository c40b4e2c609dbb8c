/** SVG / PNG export of the whole head gallery as a paper figure. */
import type { Thumbnail } from '../../core/rhythm';
import { rgbaToDataUrl, SvgPngButtons } from '../figures';
import { galleryGeometry, galleryRasterSize, galleryToSvg, tileOrigin } from '../figures/gallery-svg';
import type { ScaleMode } from '../theme';
import { thumbnailTile, type GalleryHead } from './heads';

export interface GalleryExportProps {
  grid: GalleryHead[][];
  thumbnails: Map<number, Thumbnail>;
  lut: Uint8ClampedArray;
  mode: ScaleMode;
}

export function buildGalleryFigure({ grid, thumbnails, lut, mode }: GalleryExportProps): string {
  const L = grid.length,
    H = grid[0]?.length ?? 0;
  const tile = H > 16 ? 32 : H > 8 ? 48 : 64;
  const g = galleryGeometry(tile);
  const { width, height } = galleryRasterSize(g, L, H);
  const data = new Uint8ClampedArray(width * height * 4); // transparent except the thumbnails
  const px = new Uint8ClampedArray(tile * tile * 4);
  for (let l = 0; l < L; l++) {
    const thumb = thumbnails.get(l);
    if (!thumb) continue;
    for (let h = 0; h < H; h++) {
      thumbnailTile(thumb, h, lut, mode, tile, px);
      const [x0, y0] = tileOrigin(g, l, h);
      for (let y = 0; y < tile; y++)
        data.set(px.subarray(y * tile * 4, (y + 1) * tile * 4), ((y0 + y) * width + x0) * 4);
    }
  }
  return galleryToSvg(grid, g, rgbaToDataUrl(data, width, height), `Attention heads (${L} layers × ${H} heads)`);
}

export function GalleryExportButtons(p: GalleryExportProps) {
  return <SvgPngButtons build={() => buildGalleryFigure(p)} name="rhythmscope-heads" label="Export gallery figure" />;
}
