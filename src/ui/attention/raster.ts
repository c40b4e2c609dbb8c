/**
 * Pure raster kernels for the attention heatmap (no DOM; tested in Node).
 * A map is quantised once into LUT indices (one byte per cell, the causal upper triangle = MASKED_INDEX),
 * then every redraw only copies LUT colours for the visible window at screen resolution: no log, no d3 per pixel.
 */
import { DEFAULT_LOG_FLOOR, LUT_SIZE, MASKED_INDEX, type ScaleMode } from '../theme/scales';

/**
 * Quantises a row-major [n, n] map (row = query t, column = key s) to LUT indices; s > t is masked.
 * causal = false quantises every cell (for maps that are not attention-shaped). Same result as lutIndex(makeNormalizer(mode, domain)(v)) per cell, with the transform inlined per mode
 * (a closure call per cell is 5–10× slower at a million cells).
 */
export function quantizeMap(
  map: ArrayLike<number>,
  n: number,
  mode: ScaleMode,
  domain: [number, number],
  out = new Uint8Array(n * n),
  causal = true,
): Uint8Array {
  if (map.length !== n * n) throw new Error(`map has ${map.length} values, expected ${n}×${n}`);
  let lo = domain[0],
    hi = domain[1];
  if (mode === 'log') {
    lo = Math.max(lo, DEFAULT_LOG_FLOOR);
    hi = Math.max(hi, lo);
  }
  if (mode === 'sqrt') {
    lo = Math.max(lo, 0);
    hi = Math.max(hi, lo);
  }
  const f = mode === 'log' ? Math.log : mode === 'sqrt' ? Math.sqrt : (v: number) => v;
  const a = f(lo);
  const span = f(hi) - a;
  const top = LUT_SIZE - 1;
  const scale = span > 0 ? top / span : 0;
  for (let t = 0; t < n; t++) {
    const base = t * n;
    const last = causal ? t : n - 1;
    for (let s = 0; s <= last; s++) {
      const v = map[base + s];
      let x: number;
      if (span > 0) {
        // Clamp to the domain first so log/sqrt never see values below it (or NaN: comparisons fail → lo).
        const c = v > lo ? (v < hi ? v : hi) : lo;
        x = ((mode === 'log' ? Math.log(c) : mode === 'sqrt' ? Math.sqrt(c) : c) - a) * scale;
      } else x = v > lo ? top : 0;
      out[base + s] = (x + 0.5) | 0;
    }
    if (causal) out.fill(MASKED_INDEX, base + t + 1, base + n);
  }
  return out;
}

/** Viewport of the map on screen: cell (row, col) covers x ∈ [x + col·k, x + (col+1)·k), same for y. */
export interface View {
  x: number;
  y: number;
  /** Device pixels per cell. */
  k: number;
}

/**
 * Fills a width × height RGBA buffer with the visible part of the map (nearest cell per device pixel);
 * pixels outside the map get `background`. Cost O(width·height), independent of n.
 */
export function renderView(
  indices: Uint8Array,
  n: number,
  lut: Uint8ClampedArray,
  view: View,
  width: number,
  height: number,
  out: Uint8ClampedArray,
  background = 0,
): void {
  if (out.length !== width * height * 4) throw new Error('output buffer size does not match width × height');
  const lut32 = new Uint32Array(lut.buffer, lut.byteOffset, lut.byteLength >> 2);
  const out32 = new Uint32Array(out.buffer, out.byteOffset, width * height);
  const colOf = new Int32Array(width);
  for (let px = 0; px < width; px++) {
    const c = Math.floor((px + 0.5 - view.x) / view.k);
    colOf[px] = c >= 0 && c < n ? c : -1;
  }
  let prevRow = -2;
  for (let py = 0; py < height; py++) {
    const r = Math.floor((py + 0.5 - view.y) / view.k);
    const rowOut = py * width;
    if (r < 0 || r >= n) {
      out32.fill(background, rowOut, rowOut + width);
      prevRow = -2;
      continue;
    }
    if (r === prevRow) {
      // Zoomed in: this pixel row shows the same cells as the one above, copy it.
      out32.copyWithin(rowOut, rowOut - width, rowOut);
      continue;
    }
    prevRow = r;
    const rowIn = r * n;
    for (let px = 0; px < width; px++) {
      const c = colOf[px];
      out32[rowOut + px] = c < 0 ? background : lut32[indices[rowIn + c]];
    }
  }
}

/** Packs an RGBA colour into the platform-endian uint32 that renderView writes (for `background`). */
export function packRgba(r: number, g: number, b: number, a = 255): number {
  const px = new Uint8ClampedArray([r, g, b, a]);
  return new Uint32Array(px.buffer)[0];
}

/** Element-wise mean of several [n, n] maps (the "mean of the local / global heads" map). */
export function meanMaps(maps: ArrayLike<number>[], n: number): Float32Array {
  if (maps.length === 0) throw new Error('meanMaps needs at least one map');
  const out = new Float32Array(n * n);
  for (const m of maps) {
    if (m.length !== n * n) throw new Error(`map has ${m.length} values, expected ${n}×${n}`);
    for (let i = 0; i < out.length; i++) out[i] += m[i];
  }
  const inv = 1 / maps.length;
  for (let i = 0; i < out.length; i++) out[i] *= inv;
  return out;
}

/** The cell under a device-pixel position, or null outside the map. */
export function cellAt(view: View, n: number, px: number, py: number): { query: number; key: number } | null {
  const key = Math.floor((px - view.x) / view.k);
  const query = Math.floor((py - view.y) / view.k);
  if (key < 0 || key >= n || query < 0 || query >= n) return null;
  return { query, key };
}

/** Range of cells [first, last] visible along one axis of `length` px. */
export function visibleRange(offset: number, k: number, length: number, n: number): [number, number] {
  const first = Math.max(0, Math.floor(-offset / k));
  const last = Math.min(n - 1, Math.ceil((length - offset) / k) - 1);
  return [first, last];
}

/**
 * 2×2 max-pool of LUT indices (a cell is masked only when all four are): zoomed out, more than one cell
 * falls on a device pixel, and sampling one of them would drop thin peaks (anchor columns). The max of
 * indices is the index of the max value because LUT indices grow with the value.
 */
export function poolIndices(indices: Uint8Array, n: number): { indices: Uint8Array; n: number } {
  const m = Math.ceil(n / 2);
  const out = new Uint8Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let best = -1;
      for (let di = 0; di < 2; di++) {
        const r = 2 * i + di;
        if (r >= n) continue;
        for (let dj = 0; dj < 2; dj++) {
          const c = 2 * j + dj;
          if (c >= n) continue;
          const v = indices[r * n + c];
          if (v !== MASKED_INDEX && v > best) best = v;
        }
      }
      out[i * m + j] = best < 0 ? MASKED_INDEX : best;
    }
  }
  return { indices: out, n: m };
}

/** Pooled levels: level 0 is the map itself, each next level halves the side, down to ≤ minSide cells. */
export function indexPyramid(indices: Uint8Array, n: number, minSide: number): { indices: Uint8Array; n: number }[] {
  const levels = [{ indices, n }];
  while (levels[levels.length - 1].n > minSide) {
    const prev = levels[levels.length - 1];
    levels.push(poolIndices(prev.indices, prev.n));
  }
  return levels;
}

/** Level to draw at `devicePxPerCell` (pool until a pooled cell covers at least one device pixel). */
export function pyramidLevel(devicePxPerCell: number, levels: number): number {
  let level = 0;
  while (level < levels - 1 && devicePxPerCell * 2 ** level < 1) level++;
  return level;
}
