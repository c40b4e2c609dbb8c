import { describe, expect, it } from 'vitest';
import type { HeadCache, LayerVectors } from './accumulator';
import { excessKurtosis, measuredFaiIndices, receiverHeads } from './receiver';
import { analyzeCache } from './record';

describe('excessKurtosis (population moments)', () => {
  it('hand cases', () => {
    // [0,0,0,4]: mean 1, deviations −1,−1,−1,3 -> m2 = 12/4 = 3, m4 = 84/4 = 21, κ = 21/9 − 3 = −2/3
    expect(excessKurtosis([0, 0, 0, 4])).toBeCloseTo(-2 / 3, 12);
    // [1,2,3,4]: deviations ±1.5, ±0.5 -> m2 = 1.25, m4 = 2.5625, κ = 2.5625/1.5625 − 3 = −1.36
    expect(excessKurtosis([1, 2, 3, 4])).toBeCloseTo(-1.36, 12);
    // one spike among many zeros is heavy-tailed: [0×9, 10]: mean 1, m2 = (9·1 + 81)/10 = 9, m4 = (9 + 6561)/10 = 657
    expect(excessKurtosis([0, 0, 0, 0, 0, 0, 0, 0, 0, 10])).toBeCloseTo(657 / 81 - 3, 12);
  });
  it('m2 = 0 (constant, single value, empty) gives −Infinity', () => {
    expect(excessKurtosis([5, 5, 5])).toBe(-Infinity);
    expect(excessKurtosis([2])).toBe(-Infinity);
    expect(excessKurtosis([])).toBe(-Infinity);
  });
});

/** A cache with given per-head FAI vectors (WAAD zero, spans = head index + 10·layer). */
function cacheOf(N: number, p: number, H_lo: number, fai: Record<number, number[][]>): HeadCache {
  const r = N - p;
  const layers = new Map<number, LayerVectors>();
  for (const [l, heads] of Object.entries(fai)) {
    layers.set(Number(l), {
      span: Float32Array.from(heads.map((_, h) => h + 10 * Number(l))),
      waad: new Float32Array(heads.length * r).map((_, i) => i % 3),
      fai: Float32Array.from(heads.flat()),
    });
  }
  return {
    seqLen: N,
    promptLength: p,
    numHeads: fai[0].length,
    layers,
    mapOptions: { W: 10, H_lo, H_hi: 100, sink: false },
    thumbnails: new Map(),
    maps: new Map(),
  };
}

describe('receiver heads', () => {
  // N = 6, p = 1: response positions 1..5 (indices 0..4); H_lo = 1 -> T(s) non-empty iff s ≤ 4 -> indices 0..3.
  const cache = cacheOf(6, 1, 1, {
    0: [
      [0, 0, 0, 4, 100], // κ([0,0,0,4]) = −2/3; the 100 at index 4 has an empty T(s) and is left out
      [1, 2, 3, 4, 0], // κ = −1.36
    ],
    1: [
      [0, 0, 0, 4, 7], // −2/3 again: ties with (0,0), which comes first
      [5, 5, 5, 5, 1], // constant over the measured positions: −∞
    ],
  });
  const all: [number, number][] = [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ];

  it('measured positions leave out empty T(s); sink drops key 0', () => {
    expect(measuredFaiIndices(cache)).toEqual([0, 1, 2, 3]);
    expect(
      measuredFaiIndices({ seqLen: 4, promptLength: 0, mapOptions: { W: 1, H_lo: 2, H_hi: 3, sink: true } }),
    ).toEqual([1]);
    expect(
      measuredFaiIndices({ seqLen: 4, promptLength: 2, mapOptions: { W: 1, H_lo: 5, H_hi: 5, sink: false } }),
    ).toEqual([]);
  });

  it('largest κ first, ties by (layer, head), −∞ last', () => {
    const choice = receiverHeads(cache, all, 2);
    expect(choice.heads).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(receiverHeads(cache, all, 4).heads).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    expect(choice.kurtosis.map(([l, h, k]) => [l, h, Number(k.toFixed(6))])).toEqual([
      [0, 0, Number((-2 / 3).toFixed(6))],
      [0, 1, -1.36],
      [1, 0, Number((-2 / 3).toFixed(6))],
      [1, 1, -Infinity],
    ]);
  });

  it('−∞ ties go to the lower (layer, head)', () => {
    const flat = cacheOf(4, 0, 0, {
      0: [
        [1, 1, 1, 1],
        [2, 2, 2, 2],
      ],
      1: [
        [3, 3, 3, 3],
        [0, 0, 0, 0],
      ],
    });
    expect(
      receiverHeads(
        flat,
        [
          [1, 1],
          [0, 1],
          [1, 0],
          [0, 0],
        ],
        3,
      ).heads,
    ).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
    ]);
  });

  it('in the record: receiver heads, FAI_recv and the faiHeads option', () => {
    const tokens = ['p', 'a', 'b', 'c', 'd', 'e'];
    // 2 layers × 2 heads, layers 'all' -> M = 4, n = ⌈0.3·4⌉ = 2 receivers: (0,0), (1,0)
    const rec = analyzeCache(cache, { tokens, numLayers: 2 }, { layers: 'all' });
    expect(rec.heads.receiver).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(rec.heads.kurtosis?.[3]).toEqual([1, 1, null]);
    // FAI_recv = mean of the two heads' FAI: ([0,0,0,4,100] + [0,0,0,4,7]) / 2
    expect(rec.fai_receiver).toEqual([0, 0, 0, 4, 53.5]);
    // global heads = the two largest spans: (1,0) d=10, (1,1) d=11 -> FAI_glob = ([0,0,0,4,7] + [5,5,5,5,1]) / 2
    expect(rec.fai).toEqual([2.5, 2.5, 2.5, 4.5, 4]);
    expect(rec.fai_global).toBeUndefined();
    const recv = analyzeCache(cache, { tokens, numLayers: 2 }, { layers: 'all', faiHeads: 'receiver' });
    expect(recv.fai).toEqual(rec.fai_receiver);
    expect(recv.fai_global).toEqual(rec.fai);
    expect(recv.options.faiHeads).toBe('receiver');
    expect(recv.anchor).toEqual([false, false, false, true, true]); // top ⌈0.4·5⌉ = 2 of FAI_recv
  });
});
