import { describe, expect, it } from 'vitest';
import { LUT_SIZE, makeLut, MASKED_INDEX } from '../theme/scales';
import {
  classCounts,
  defaultLayersPerPage,
  formatSpan,
  galleryHeads,
  kvGroupSize,
  layerPages,
  thumbnailTile,
} from './heads';

const sel = {
  layers: [1, 2],
  heads: {
    local: [
      [1, 0],
      [2, 1],
    ] as [number, number][],
    global: [
      [2, 0],
      [2, 1],
    ] as [number, number][],
    span: [
      [1, 0, 1.5],
      [1, 1, 9],
      [2, 0, 30],
      [2, 1, 12],
    ] as [number, number, number][],
  },
};

describe('galleryHeads', () => {
  it('classes, spans and selected layers per (l, h)', () => {
    const g = galleryHeads(
      sel,
      3,
      2,
      new Map([
        [0, [4, 5]],
        [1, [99, 99]],
      ]),
    );
    expect(g.length).toBe(3);
    expect(g[0].map((x) => [x.cls, x.d, x.selectedLayer])).toEqual([
      ['neither', 4, false],
      ['neither', 5, false],
    ]);
    // the record's spans win over the cache's for the selected layers
    expect(g[1][0]).toEqual({
      layer: 1,
      head: 0,
      d: 1.5,
      cls: 'local',
      alsoGlobal: false,
      selectedLayer: true,
      receiver: false,
      kvGroup: 0,
    });
    expect(g[2][0].cls).toBe('global');
    expect(g[2][1]).toMatchObject({ cls: 'local', alsoGlobal: true });
    expect(classCounts(g)).toEqual({ local: 2, global: 2, neither: 3 });
  });
  it('unknown spans are null and print as a dash', () => {
    const g = galleryHeads(sel, 3, 2);
    expect(g[0][0].d).toBeNull();
    expect(formatSpan(null)).toBe('–');
    expect(formatSpan(123.4)).toBe('123');
    expect(formatSpan(12.34)).toBe('12.3');
    expect(formatSpan(1.234)).toBe('1.23');
    expect(formatSpan(12.34, true)).toBe('12');
    expect(formatSpan(9.96, true)).toBe('10');
    expect(formatSpan(1.234, true)).toBe('1.2');
  });
});

describe('thumbnailTile', () => {
  it('nearest resampling keeps the diagonal cells and masks only future cells (plain loop reference)', () => {
    const lut = makeLut('cividis');
    const s = 4,
      side = 3;
    const data = new Float32Array(s * s);
    for (let r = 0; r < s; r++) for (let c = 0; c <= r; c++) data[r * s + c] = 1 + r * s + c;
    const tile = thumbnailTile({ size: s, data }, 0, lut, 'linear', side);
    const src = [0, 2, 3]; // floor((i + 0.5) · 4 / 3)
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++) {
        const r = src[y],
          c = src[x];
        const idx = c > r ? MASKED_INDEX : Math.round((data[r * s + c] / 16) * (LUT_SIZE - 1));
        expect(Array.from(tile.slice((y * side + x) * 4, (y * side + x) * 4 + 4))).toEqual(
          Array.from(lut.slice(idx * 4, idx * 4 + 4)),
        );
      }
  });
});

describe('thumbnailTile at the thumbnail size', () => {
  it('scales each head to its own max and masks the upper triangle', () => {
    const lut = makeLut('viridis');
    // two heads of a 2×2 thumbnail; head 1 = head 0 × 10 → identical pixels
    const data = Float32Array.from([0.5, 0, 0.25, 0.5, 5, 0, 2.5, 5]);
    const a = thumbnailTile({ size: 2, data }, 0, lut, 'linear', 2);
    const b = thumbnailTile({ size: 2, data }, 1, lut, 'linear', 2);
    expect(Array.from(a)).toEqual(Array.from(b));
    const px = (i: number) => Array.from(a.slice(i * 4, i * 4 + 4));
    expect(px(1)).toEqual(Array.from(lut.slice(MASKED_INDEX * 4, MASKED_INDEX * 4 + 4)));
    expect(px(0)).toEqual(Array.from(lut.slice((LUT_SIZE - 1) * 4, LUT_SIZE * 4))); // the head's max → top colour
    expect(px(2)).toEqual(Array.from(lut.slice(127 * 4, 128 * 4))); // 0.25 of [0, 0.5] → the middle colour
    const log = thumbnailTile({ size: 2, data }, 0, lut, 'log', 2); // log domain [0.25, 0.5]: 0.25 → bottom colour
    expect(Array.from(log.slice(8, 12))).toEqual(Array.from(lut.slice(0, 4)));
  });
});

describe('receivers, key/value groups and layer pages', () => {
  it('receiver heads are marked; kv group = ⌊h / (H / H_kv)⌋ only when H_kv < H divides H', () => {
    const g = galleryHeads({ ...sel, heads: { ...sel.heads, receiver: [[2, 1]] } }, 3, 4, undefined, 2);
    expect(g[2][1].receiver).toBe(true);
    expect(g[2][0].receiver).toBe(false);
    expect(g[0].map((x) => x.kvGroup)).toEqual([0, 0, 1, 1]);
    expect(
      galleryHeads(sel, 3, 4)
        .at(0)!
        .map((x) => x.kvGroup),
    ).toEqual([0, 1, 2, 3]);
    expect([kvGroupSize(16, 8), kvGroupSize(16, 16), kvGroupSize(16), kvGroupSize(12, 5), kvGroupSize(32, 1)]).toEqual([
      2, 1, 1, 1, 32,
    ]);
  });
  it('pages of 8 layers above 12 layers; a 28-layer model has 4 pages', () => {
    expect(defaultLayersPerPage(12)).toBe(12);
    expect(defaultLayersPerPage(28)).toBe(8);
    expect(layerPages(28, 8)).toEqual([
      [0, 8],
      [8, 16],
      [16, 24],
      [24, 28],
    ]);
    expect(layerPages(3, 12)).toEqual([[0, 3]]);
    expect(layerPages(0, 8)).toEqual([[0, 0]]);
  });
});
