import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { RhythmAccumulator, type AccumulatorOptions, type HeadCache } from './accumulator';
import { mulberry32 } from './credit';

// Hand example, N = 4, prompt_length 1 (R = {1, 2, 3}), one head.
const HAND = [
  [1, 0, 0, 0],
  [0.5, 0.5, 0, 0],
  [0.25, 0.25, 0.5, 0],
  [0.5, 0, 0.25, 0.25],
];

function run(maps: number[][][], opts: AccumulatorOptions, layer = 0): HeadCache {
  const acc = new RhythmAccumulator(opts);
  const N = opts.seqLen;
  acc.addLayerData(layer, Float32Array.from(maps.flat(2)), maps.length);
  expect(maps[0].length).toBe(N);
  return acc.finish();
}

/** Random causal row-stochastic maps [H][N][N], some rows peaked, some with exact zeros. */
function randomMaps(H: number, N: number, rand: () => number): number[][][] {
  return Array.from({ length: H }, () =>
    Array.from({ length: N }, (_, t) => {
      const row: number[] = [];
      for (let s = 0; s < N; s++) row.push(s <= t && rand() >= 0.2 ? rand() ** 3 : 0);
      if (!row.some((x) => x > 0)) row[t] = 1;
      const sum = row.reduce((a, b) => a + b, 0);
      return row.map((x) => x / sum);
    }),
  );
}

/** Plain-JS reference straight from method.md, in float64, from one full map. */
function reference(A: number[][], p: number, o: { W: number; H_lo: number; H_hi: number; sink: boolean }) {
  const N = A.length;
  const M = A.map((row) => {
    if (!o.sink) return row;
    const denom = 1 - row[0];
    return row.map((x, s) => (s === 0 || denom <= 0 ? 0 : x / denom));
  });
  let spanSum = 0;
  const waad: number[] = [];
  const fai: number[] = [];
  for (let t = p; t < N; t++) {
    let w = 0;
    for (let s = 0; s <= t; s++) {
      spanSum += M[t][s] * (t - s);
      w += M[t][s] * Math.min(t - s, o.W);
    }
    waad.push(w);
  }
  for (let s = p; s < N; s++) {
    const T: number[] = [];
    for (let t = p; t < N; t++) if (s + o.H_lo <= t && t <= Math.min(N - 1, s + o.H_hi)) T.push(t);
    fai.push(T.length ? T.reduce((a, t) => a + M[t][s], 0) / T.length : 0);
  }
  return { span: spanSum / (N - p), waad, fai };
}

function expectClose(actual: ArrayLike<number>, expected: number[], digits = 5) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], digits);
}

describe.each(['cpu', 'wasm'])('accumulator on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('span d and WAAD with clipping at W (hand-computed)', () => {
    const c = run([HAND], { seqLen: 4, promptLength: 1, W: 2 });
    const v = c.layers.get(0)!;
    // d: t=1: 0.5·1 = 0.5; t=2: 0.25·2 + 0.25·1 = 0.75; t=3: 0.5·3 + 0.25·1 = 1.75; mean = 3/3 = 1
    expectClose(v.span, [1]);
    // W = 2: t=1: 0.5·1 = 0.5; t=2: 0.25·2 + 0.25·1 = 0.75; t=3: 0.5·min(3,2) + 0.25·1 = 1.25
    expectClose(v.waad, [0.5, 0.75, 1.25]);
    // W = 10: t=3 unclipped: 0.5·3 + 0.25·1 = 1.75
    expectClose(run([HAND], { seqLen: 4, promptLength: 1, W: 10 }).layers.get(0)!.waad, [0.5, 0.75, 1.75]);
  });

  it('FAI with empty T(s) and with H_hi = ∞ (hand-computed)', () => {
    // H_lo = H_hi = 1: T(1) = {2} -> A[2][1] = 0.25; T(2) = {3} -> A[3][2] = 0.25; T(3) = ∅ -> 0
    expectClose(run([HAND], { seqLen: 4, promptLength: 1, H_lo: 1, H_hi: 1 }).layers.get(0)!.fai, [0.25, 0.25, 0]);
    // H_lo = 1, H_hi = ∞: T(1) = {2, 3} -> (0.25 + 0)/2; T(2) = {3} -> 0.25; T(3) = ∅ -> 0
    expectClose(
      run([HAND], { seqLen: 4, promptLength: 1, H_lo: 1, H_hi: Infinity }).layers.get(0)!.fai,
      [0.125, 0.25, 0],
    );
    // H_lo = 0, H_hi = ∞: T(1) = {1,2,3}: (0.5+0.25+0)/3; T(2) = {2,3}: (0.5+0.25)/2; T(3) = {3}: 0.25
    expectClose(
      run([HAND], { seqLen: 4, promptLength: 1, H_lo: 0, H_hi: Infinity }).layers.get(0)!.fai,
      [0.25, 0.375, 0.25],
    );
    // defaults (H_lo = 10): every T(s) empty -> zeros
    expectClose(run([HAND], { seqLen: 4, promptLength: 1 }).layers.get(0)!.fai, [0, 0, 0]);
  });

  it('sink: key 0 excluded, rows renormalized by 1 − A[t][0] (hand-computed)', () => {
    // row1 / 0.5 -> [0, 1, 0, 0]; row2 / 0.75 -> [0, 1/3, 2/3, 0]; row3 / 0.5 -> [0, 0, 0.5, 0.5]
    const v = run([HAND], { seqLen: 4, promptLength: 1, sink: true, H_lo: 0, H_hi: Infinity }).layers.get(0)!;
    // d = (0 + 1/3·1 + 0.5·1) / 3 = 5/18
    expectClose(v.span, [5 / 18]);
    expectClose(v.waad, [0, 1 / 3, 0.5]);
    // FAI: s=1: (1 + 1/3 + 0)/3 = 4/9; s=2: (2/3 + 0.5)/2 = 7/12; s=3: 0.5
    expectClose(v.fai, [4 / 9, 7 / 12, 0.5]);
    // prompt_length 0: row 0 has all its mass on key 0 -> zeros; FAI of key 0 is 0 (excluded)
    const z = run([HAND], { seqLen: 4, promptLength: 0, sink: true, H_lo: 0, H_hi: Infinity }).layers.get(0)!;
    expectClose(z.waad, [0, 0, 1 / 3, 0.5]);
    expect(z.fai[0]).toBe(0);
    // d = (0 + 0 + 1/3 + 0.5) / 4
    expectClose(z.span, [(1 / 3 + 0.5) / 4]);
  });

  it('streaming == plain-JS reference on random maps (several L, H, N, prompt lengths, options)', () => {
    const rand = mulberry32(7);
    const cases = [
      { L: 1, H: 1, N: 1, p: 0, o: { W: 10, H_lo: 0, H_hi: 100, sink: false } },
      { L: 2, H: 3, N: 5, p: 2, o: { W: 2, H_lo: 1, H_hi: 2, sink: false } },
      { L: 3, H: 2, N: 8, p: 0, o: { W: 3, H_lo: 2, H_hi: Infinity, sink: true } },
      { L: 2, H: 4, N: 17, p: 5, o: { W: 10, H_lo: 3, H_hi: 6, sink: true } },
      { L: 1, H: 2, N: 30, p: 29, o: { W: 10, H_lo: 10, H_hi: 100, sink: false } },
    ];
    for (const { L, H, N, p, o } of cases) {
      const acc = new RhythmAccumulator({ seqLen: N, promptLength: p, ...o });
      const all = Array.from({ length: L }, () => randomMaps(H, N, rand));
      all.forEach((maps, l) => acc.addLayerData(l, Float32Array.from(maps.flat(2)), H));
      const c = acc.finish();
      expect([...c.layers.keys()]).toEqual(Array.from({ length: L }, (_, l) => l));
      const r = N - p;
      all.forEach((maps, l) => {
        const v = c.layers.get(l)!;
        maps.forEach((A, h) => {
          const ref = reference(A, p, o);
          expect(v.span[h]).toBeCloseTo(ref.span, 4);
          expectClose(v.waad.subarray(h * r, (h + 1) * r), ref.waad);
          expectClose(v.fai.subarray(h * r, (h + 1) * r), ref.fai);
        });
      });
    }
  });

  it('works as onAttention inside a tidy and leaks no tensors over repeated runs', () => {
    const rand = mulberry32(3);
    const maps = [randomMaps(2, 6, rand), randomMaps(2, 6, rand)];
    const once = () => {
      const acc = new RhythmAccumulator({ seqLen: 6, promptLength: 2, thumbnailSize: 4, keepMaps: [[1, 0]] });
      maps.forEach((m, l) => tf.tidy(() => acc.onAttention(l, tf.tensor3d(m.flat(2), [2, 6, 6]))));
      return acc.finish();
    };
    once(); // warm-up (backends may cache constants)
    const before = tf.memory().numTensors;
    let c!: HeadCache;
    for (let i = 0; i < 5; i++) c = once();
    expect(tf.memory().numTensors).toBe(before);
    const ref = reference(maps[1][1], 2, { W: 10, H_lo: 10, H_hi: 100, sink: false });
    expectClose(c.layers.get(1)!.waad.subarray(4, 8), ref.waad);
    expectClose(c.maps.get('1:0')!, maps[1][0].flat());
    expect(c.thumbnails.get(0)!.size).toBe(3); // N = 6, size 4 -> blocks of 2, 3 cells
  });

  it('thumbnails are block maxima of the raw map (padding past N)', () => {
    const rand = mulberry32(11);
    const maps = randomMaps(2, 5, rand);
    const acc = new RhythmAccumulator({ seqLen: 5, promptLength: 1, thumbnailSize: 2 });
    acc.addLayerData(0, Float32Array.from(maps.flat(2)), 2);
    const t = acc.finish().thumbnails.get(0)!;
    // N = 5, size 2 -> block ⌈5/2⌉ = 3, cells ⌈5/3⌉ = 2
    expect(t.size).toBe(2);
    for (let h = 0; h < 2; h++)
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 2; j++) {
          let m = 0;
          for (let a = 3 * i; a < Math.min(5, 3 * i + 3); a++)
            for (let b = 3 * j; b < Math.min(5, 3 * j + 3); b++) m = Math.max(m, maps[h][a][b]);
          expect(t.data[h * 4 + i * 2 + j]).toBeCloseTo(m, 6);
        }
  });

  it('rejects bad shapes, head counts, repeated layers and empty responses', () => {
    expect(() => new RhythmAccumulator({ seqLen: 4, promptLength: 4 })).toThrow(/prompt_length/);
    const acc = new RhythmAccumulator({ seqLen: 4, promptLength: 1 });
    expect(() => acc.addLayerData(0, new Float32Array(15), 1)).toThrow(/attn\.L0/);
    acc.addLayerData(0, Float32Array.from(HAND.flat()), 1);
    expect(() => acc.addLayerData(0, Float32Array.from(HAND.flat()), 1)).toThrow(/given twice/);
    expect(() => acc.addLayerData(1, new Float32Array(32), 2)).toThrow(/2 heads/);
    acc.dispose();
  });
});
