import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { RhythmAccumulator, type MapOptions } from './accumulator';
import { BatchRhythmAccumulator } from './batch-accumulator';
import { maxAbsDiff } from '../testing/numeric';
import { Rng } from '../tasks/prng';

/** A random causal attention map [H, N, N] (rows sum to 1 over keys ≤ t), sometimes with a heavy key 0. */
function causalMap(H: number, N: number, rng: Rng): Float32Array {
  const m = new Float32Array(H * N * N);
  for (let h = 0; h < H; h++) {
    for (let t = 0; t < N; t++) {
      let z = 0;
      for (let s = 0; s <= t; s++)
        z += m[(h * N + t) * N + s] = Math.exp(3 * rng.next()) * (s === 0 && h === 0 ? 20 : 1);
      for (let s = 0; s <= t; s++) m[(h * N + t) * N + s] /= z;
    }
  }
  return m;
}

describe.each(['cpu', 'wasm'])('BatchRhythmAccumulator on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it.each([false, true])(
    'equals the per-row accumulator on padded batches (sink %s), rows split over two batches',
    (sink) => {
      const rng = new Rng(sink ? 2 : 1);
      const H = 3;
      const o: MapOptions = { W: 4, H_lo: 2, H_hi: 6, sink };
      const rows = [
        { seqLen: 17, promptLength: 5 },
        { seqLen: 9, promptLength: 2 },
        { seqLen: 12, promptLength: 11 },
        { seqLen: 20, promptLength: 1 },
      ];
      const maps = rows.map((r) => [0, 1].map(() => causalMap(H, r.seqLen, rng))); // two layers per row
      const before = tf.memory().numTensors;
      const acc = new BatchRhythmAccumulator(rows, o, H);
      // Batch A: rows 1, 0 and a skipped row, T = 18 (wider than any); batch B: rows 3, 2, T = 20.
      for (const [members, T] of [
        [[1, -1, 0], 18],
        [[3, 2], 20],
      ] as [number[], number][]) {
        for (let layer = 0; layer < 2; layer++) {
          const all = new Float32Array(members.length * H * T * T).fill(0.5); // padding rows: garbage, never read
          members.forEach((i, j) => {
            if (i < 0) return;
            const N = rows[i].seqLen;
            for (let h = 0; h < H; h++)
              for (let t = 0; t < N; t++) {
                for (let s = 0; s < T; s++)
                  all[((j * H + h) * T + t) * T + s] = s < N ? maps[i][layer][(h * N + t) * N + s] : 0; // causal: no mass beyond t
              }
          });
          tf.tidy(() => acc.addLayer(layer, tf.tensor4d(all, [members.length, H, T, T]), members, T));
        }
      }
      const caches = acc.finish();
      expect(tf.memory().numTensors).toBe(before);
      rows.forEach((row, i) => {
        const ref = new RhythmAccumulator({ ...row, ...o });
        maps[i].forEach((m, layer) => ref.addLayerData(layer, m, H));
        const want = ref.finish();
        expect(caches[i].layers.size).toBe(2);
        for (const layer of [0, 1]) {
          const got = caches[i].layers.get(layer)!;
          const exp = want.layers.get(layer)!;
          expect(maxAbsDiff(got.span, exp.span), `row ${i} span`).toBeLessThan(1e-4);
          expect(maxAbsDiff(got.waad, exp.waad), `row ${i} waad`).toBeLessThan(1e-5);
          expect(maxAbsDiff(got.fai, exp.fai), `row ${i} fai`).toBeLessThan(1e-5);
        }
        expect(caches[i]).toMatchObject({
          seqLen: row.seqLen,
          promptLength: row.promptLength,
          numHeads: H,
          mapOptions: o,
        });
      });
    },
  );

  it('refuses a row without response tokens, naming it', () => {
    expect(
      () =>
        new BatchRhythmAccumulator(
          [
            { seqLen: 4, promptLength: 1 },
            { seqLen: 3, promptLength: 3 },
          ],
          { W: 1, H_lo: 1, H_hi: 1, sink: false },
          1,
        ),
    ).toThrow(/row 1: prompt length 3 must be in 0..2/);
  });

  it('hand-computed: one head, N = 3, prompt 1, W = 1, H_lo = H_hi = 1', () => {
    // A = [[1, 0, 0], [0.5, 0.5, 0], [0.2, 0.3, 0.5]]; response rows t = 1, 2.
    // waad[t] = Σ_s A[t][s]·min(t − s, 1): t = 1: 0.5; t = 2: 0.2 + 0.3 = 0.5.
    // span = mean over t of Σ_s A[t][s]·(t − s): t = 1: 0.5; t = 2: 0.4 + 0.3 = 0.7 -> 0.6.
    // fai[s] = mean of A[t][s] over t = s + 1 (t ≤ 2): s = 1: A[2][1] = 0.3; s = 2: no t -> 0.
    const acc = new BatchRhythmAccumulator(
      [{ seqLen: 3, promptLength: 1 }],
      { W: 1, H_lo: 1, H_hi: 1, sink: false },
      1,
    );
    const T = 4; // one padding column and row
    const m = [1, 0, 0, 0, 0.5, 0.5, 0, 0, 0.2, 0.3, 0.5, 0, 0.25, 0.25, 0.25, 0.25];
    tf.tidy(() => acc.addLayer(0, tf.tensor3d(m, [1, T, T]), [0], T));
    const v = acc.finish()[0].layers.get(0)!;
    expect(v.span[0]).toBeCloseTo(0.6, 6);
    expect(maxAbsDiff(v.waad, [0.5, 0.5])).toBeLessThan(1e-6);
    expect(maxAbsDiff(v.fai, [0.3, 0])).toBeLessThan(1e-6);
  });
});
