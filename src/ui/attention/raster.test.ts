import { describe, expect, it } from 'vitest';
import { LUT_SIZE, makeLut, MASKED_INDEX, makeNormalizer, lutIndex } from '../theme/scales';
import {
  cellAt,
  indexPyramid,
  meanMaps,
  packRgba,
  poolIndices,
  pyramidLevel,
  quantizeMap,
  renderView,
  visibleRange,
} from './raster';

function randomCausal(n: number, seed = 1): Float32Array {
  let x = seed;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const m = new Float32Array(n * n);
  for (let t = 0; t < n; t++) {
    let sum = 0;
    for (let s = 0; s <= t; s++) sum += m[t * n + s] = rnd() ** 4;
    for (let s = 0; s <= t; s++) m[t * n + s] /= sum;
  }
  return m;
}

describe('quantizeMap', () => {
  it('hand-computed 2×2: masks the upper triangle and maps the domain ends', () => {
    // rows: t=0 [1, -], t=1 [0.25, 0.75]; linear domain [0, 1]
    const q = quantizeMap([1, 0, 0.25, 0.75], 2, 'linear', [0, 1]);
    expect(Array.from(q)).toEqual([
      LUT_SIZE - 1,
      MASKED_INDEX,
      Math.round(0.25 * (LUT_SIZE - 1)),
      Math.round(0.75 * (LUT_SIZE - 1)),
    ]);
  });
  it('log: one decade below the top of [1e-2, 1] is the middle colour', () => {
    const q = quantizeMap([1, 0, 0.1, 0.9], 2, 'log', [1e-2, 1]);
    expect(q[2]).toBe(lutIndex(0.5));
  });
  it.each([
    ['log', [1e-4, 1]],
    ['log', [0, 0.5]],
    ['linear', [0.01, 0.2]],
    ['sqrt', [0, 0.3]],
  ] as const)('matches a plain per-cell loop on a random map (%s %j)', (mode, domain) => {
    const n = 37;
    const m = randomCausal(n);
    m[5 * n + 2] = NaN;
    const q = quantizeMap(m, n, mode, [domain[0], domain[1]]);
    const norm = makeNormalizer(mode, [domain[0], domain[1]]);
    for (let t = 0; t < n; t++)
      for (let s = 0; s < n; s++) {
        expect(q[t * n + s]).toBe(s > t ? MASKED_INDEX : Math.round(norm(m[t * n + s]) * (LUT_SIZE - 1)));
      }
  });
  it('rejects a wrongly sized map', () => {
    expect(() => quantizeMap([1, 2, 3], 2, 'linear', [0, 1])).toThrow(/expected 2×2/);
  });
});

describe('renderView', () => {
  const lut = makeLut('viridis');
  it('k = 1, no offset: pixel (x, y) is cell (y, x)', () => {
    const n = 5;
    const q = quantizeMap(randomCausal(n), n, 'linear', [0, 1]);
    const out = new Uint8ClampedArray(n * n * 4);
    renderView(q, n, lut, { x: 0, y: 0, k: 1 }, n, n, out);
    for (let i = 0; i < n * n; i++) for (let c = 0; c < 4; c++) expect(out[i * 4 + c]).toBe(lut[q[i] * 4 + c]);
  });
  it('zoomed and panned window equals a plain nearest-cell loop, background outside', () => {
    const n = 50;
    const q = quantizeMap(randomCausal(n, 7), n, 'sqrt', [0, 1]);
    const view = { x: -37.3, y: 12.5, k: 2.7 };
    const w = 90,
      h = 70;
    const out = new Uint8ClampedArray(w * h * 4);
    const bg = packRgba(1, 2, 3, 255);
    renderView(q, n, lut, view, w, h, out, bg);
    for (let py = 0; py < h; py++)
      for (let px = 0; px < w; px++) {
        const col = Math.floor((px + 0.5 - view.x) / view.k);
        const row = Math.floor((py + 0.5 - view.y) / view.k);
        const inside = col >= 0 && col < n && row >= 0 && row < n;
        const expected = inside
          ? Array.from(lut.slice(q[row * n + col] * 4, q[row * n + col] * 4 + 4))
          : [1, 2, 3, 255];
        expect(Array.from(out.slice((py * w + px) * 4, (py * w + px) * 4 + 4))).toEqual(expected);
      }
  });
  it('strips of rows (the view shifted up by the strip start) tile the full render exactly', () => {
    // The heatmap draws its canvas in 64-row strips across frames; a strip of a short last height included.
    const n = 40;
    const q = quantizeMap(randomCausal(n, 3), n, 'log', [1e-3, 1]);
    const view = { x: -5.5, y: 7.25, k: 3.3 };
    const w = 60,
      h = 150,
      strip = 64;
    const full = new Uint8ClampedArray(w * h * 4);
    renderView(q, n, lut, view, w, h, full, 7);
    const tiled = new Uint8ClampedArray(w * h * 4);
    for (let row = 0; row < h; row += strip) {
      const rows = Math.min(strip, h - row);
      const part = new Uint8ClampedArray(w * rows * 4);
      renderView(q, n, lut, { ...view, y: view.y - row }, w, rows, part, 7);
      tiled.set(part, row * w * 4);
    }
    expect(Array.from(tiled)).toEqual(Array.from(full));
    // a wrong shift would not tile: the second strip drawn unshifted differs from the full render's rows
    const unshifted = new Uint8ClampedArray(w * strip * 4);
    renderView(q, n, lut, view, w, strip, unshifted, 7);
    expect(Array.from(unshifted)).not.toEqual(Array.from(full.slice(strip * w * 4, 2 * strip * w * 4)));
  });
});

describe('index pyramid', () => {
  it('2×2 max-pool ignores masked cells, odd sides round up', () => {
    const M = MASKED_INDEX;
    // 3×3: rows [5 M M] [7 2 M] [1 9 4]
    const p = poolIndices(Uint8Array.from([5, M, M, 7, 2, M, 1, 9, 4]), 3);
    expect(p.n).toBe(2);
    expect(Array.from(p.indices)).toEqual([7, M, 9, 4]);
  });
  it('pooled equals a plain max over each block of the original (random 100 map, level 3)', () => {
    const n = 100;
    const q = quantizeMap(randomCausal(n, 5), n, 'log', [1e-4, 1]);
    const levels = indexPyramid(q, n, 10);
    expect(levels.map((l) => l.n)).toEqual([100, 50, 25, 13, 7]);
    const L3 = levels[3];
    for (let i = 0; i < L3.n; i++)
      for (let j = 0; j < L3.n; j++) {
        let best = -1;
        for (let r = 8 * i; r < Math.min(n, 8 * i + 8); r++)
          for (let c = 8 * j; c < Math.min(n, 8 * j + 8); c++)
            if (q[r * n + c] !== MASKED_INDEX) best = Math.max(best, q[r * n + c]);
        expect(L3.indices[i * L3.n + j]).toBe(best < 0 ? MASKED_INDEX : best);
      }
  });
  it('pyramidLevel pools until a cell covers a device pixel', () => {
    expect(pyramidLevel(1.5, 5)).toBe(0);
    expect(pyramidLevel(0.5, 5)).toBe(1);
    expect(pyramidLevel(0.3, 5)).toBe(2);
    expect(pyramidLevel(0.01, 3)).toBe(2);
  });
});

describe('helpers', () => {
  it('meanMaps averages element-wise', () => {
    expect(
      Array.from(
        meanMaps(
          [
            [1, 0, 0.5, 0.5],
            [1, 0, 0, 1],
          ],
          2,
        ),
      ),
    ).toEqual([1, 0, 0.25, 0.75]);
    expect(() => meanMaps([], 2)).toThrow();
  });
  it('cellAt inverts the view', () => {
    expect(cellAt({ x: 10, y: 20, k: 4 }, 8, 10 + 4 * 3 + 1, 20 + 4 * 5 + 3)).toEqual({ query: 5, key: 3 });
    expect(cellAt({ x: 10, y: 20, k: 4 }, 8, 9, 25)).toBeNull();
  });
  it('visibleRange clips to the map', () => {
    expect(visibleRange(-40, 4, 100, 1000)).toEqual([10, 34]);
    expect(visibleRange(20, 4, 100, 10)).toEqual([0, 9]);
  });
});
