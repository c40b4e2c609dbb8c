import { describe, expect, it } from 'vitest';
import { galleryGeometry, galleryRasterSize, galleryToSvg, tileOrigin, type GalleryFigureHead } from './gallery-svg';
import { xmlProblem } from './xml-check';
import { HEAD_CLASS_COLORS } from '../theme/palette';

const head = (
  layer: number,
  h: number,
  cls: GalleryFigureHead['cls'],
  d: number | null,
  selectedLayer = false,
): GalleryFigureHead => ({ layer, head: h, d, cls, alsoGlobal: false, selectedLayer });

describe('gallery figure', () => {
  const g = galleryGeometry(32);
  it('geometry: tile (l, h) at left + h·(tile+gapX), top + l·(tile+gapY)', () => {
    expect(tileOrigin(g, 2, 3)).toEqual([44 + 3 * 40, 40 + 2 * 52]);
    expect(galleryRasterSize(g, 2, 3)).toEqual({ width: 44 + 3 * 40, height: 40 + 2 * 52 });
  });
  it('is well-formed, rings local/global heads in their colours, captions span d, highlights selected layers', () => {
    const grid = [
      [head(0, 0, 'local', 1.234), head(0, 1, 'neither', null)],
      [head(1, 0, 'global', 123.4, true), head(1, 1, 'neither', 12.34, true)],
    ];
    const svg = galleryToSvg(grid, g, 'data:image/png;base64,AAAA', 'Heads <of> "model"');
    expect(xmlProblem(svg)).toBeNull();
    expect(svg).toContain('Heads &lt;of&gt; &quot;model&quot;');
    expect(svg.match(new RegExp(`stroke="${HEAD_CLASS_COLORS.local}" stroke-width="2"/>`, 'g'))?.length).toBe(2); // legend + head (0,0)
    expect(svg).toContain('>L 1.23</text>');
    expect(svg).toContain('>G 123</text>');
    expect(svg).toContain('>12.3</text>');
    expect(svg).toContain('>–</text>');
    expect(svg.match(/fill="#e8edfb"/g)?.length).toBe(2); // legend swatch + layer 1
  });
});
