/**
 * BatchRhythmAccumulator against the plain-loop reference of testing/reference.ts (the definitions of
 * docs/method.md, no shared code), on both Node backends, with padding, a skipped row, the sink option and an
 * unbounded FAI horizon.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MapOptions } from './accumulator';
import { BatchRhythmAccumulator } from './batch-accumulator';
import { referenceHeadVectors } from './testing/reference';

/** mulberry32, local so the test's data does not depend on engine code. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One head's random causal map [N, N]; every third head puts most of its mass on key 0 (a sink). */
function causalHead(N: number, next: () => number, sinkHeavy: boolean): Float32Array {
  const m = new Float32Array(N * N);
  for (let t = 0; t < N; t++) {
    let z = 0;
    for (let s = 0; s <= t; s++) z += m[t * N + s] = Math.exp(3 * next()) * (sinkHeavy && s === 0 ? 30 : 1);
    for (let s = 0; s <= t; s++) m[t * N + s] /= z;
  }
  return m;
}

const close = (got: ArrayLike<number>, want: number[], tol: number) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got[i] - want[i]), `index ${i}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i])));
};

describe.each(['cpu', 'wasm'])('BatchRhythmAccumulator vs the plain-loop reference (%s)', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  const cases: [string, MapOptions][] = [
    ['paper defaults scaled down', { W: 3, H_lo: 2, H_hi: 5, sink: false }],
    ['sink on', { W: 4, H_lo: 1, H_hi: 7, sink: true }],
    ['H_hi = Infinity, H_lo = 0', { W: 10, H_lo: 0, H_hi: Infinity, sink: false }],
  ];

  it.each(cases)('%s', (_name, o) => {
    const next = rng(o.W * 31 + o.H_lo);
    const H = 2;
    const L = 2;
    const rows = [
      { seqLen: 13, promptLength: 4 },
      { seqLen: 7, promptLength: 0 },
      { seqLen: 10, promptLength: 9 },
      { seqLen: 16, promptLength: 3 },
    ];
    // maps[row][layer][head]
    const maps = rows.map((r) =>
      Array.from({ length: L }, () => Array.from({ length: H }, (_, h) => causalHead(r.seqLen, next, h === 1))),
    );
    const before = tf.memory().numTensors;
    const acc = new BatchRhythmAccumulator(rows, o, H);
    // Two batches: rows 0, (skipped), 1 padded to T = 14; rows 3, 2 padded to T = 17 (one wider than any row).
    for (const [members, T] of [
      [[0, -1, 1], 14],
      [[3, 2], 17],
    ] as [number[], number][]) {
      for (let l = 0; l < L; l++) {
        const batch = new Float32Array(members.length * H * T * T).fill(0.25); // padding: never part of a result
        members.forEach((i, j) => {
          if (i < 0) return;
          const N = rows[i].seqLen;
          for (let h = 0; h < H; h++) {
            for (let t = 0; t < N; t++) {
              const off = ((j * H + h) * T + t) * T;
              batch.fill(0, off, off + T); // causal: keys after t (and padding keys) carry nothing
              batch.set(maps[i][l][h].subarray(t * N, (t + 1) * N), off);
            }
          }
        });
        tf.tidy(() => acc.addLayer(l, tf.tensor4d(batch, [members.length, H, T, T]), members, T));
      }
    }
    const caches = acc.finish();
    expect(tf.memory().numTensors).toBe(before);
    rows.forEach((r, i) => {
      for (let l = 0; l < L; l++) {
        const got = caches[i].layers.get(l)!;
        const n = r.seqLen - r.promptLength;
        for (let h = 0; h < H; h++) {
          const want = referenceHeadVectors(maps[i][l][h], r.seqLen, r.promptLength, o);
          close([got.span[h]], [want.span], 1e-5);
          close(got.waad.subarray(h * n, (h + 1) * n), want.waad, 1e-5);
          close(got.fai.subarray(h * n, (h + 1) * n), want.fai, 1e-5);
        }
      }
    });
  });
});

describe('the reference itself, by hand', () => {
  it('3 tokens, prompt 1: span, WAAD, FAI and the sink', () => {
    // rows: t=0 [1]; t=1 [0.5, 0.5]; t=2 [0.2, 0.3, 0.5]
    const A = [1, 0, 0, 0.5, 0.5, 0, 0.2, 0.3, 0.5];
    const v = referenceHeadVectors(A, 3, 1, { W: 1, H_lo: 1, H_hi: 1, sink: false });
    // span: t=1: 0.5·1 = 0.5; t=2: 0.2·2 + 0.3·1 = 0.7 → (0.5 + 0.7)/2
    expect(v.span).toBeCloseTo(0.6, 12);
    // WAAD with W = 1: t=1: 0.5; t=2: 0.2·1 + 0.3·1 = 0.5
    expect(v.waad).toEqual([0.5, 0.5]);
    // FAI: s=1 → T = {2}: A[2][1] = 0.3; s=2 → T empty → 0
    expect(v.fai).toEqual([0.3, 0]);
    const sink = referenceHeadVectors(A, 3, 1, { W: 1, H_lo: 1, H_hi: 1, sink: true });
    // row 1 → [0, 1]; row 2 → [0, 0.375, 0.625]
    expect(sink.waad[0]).toBeCloseTo(0, 12);
    expect(sink.waad[1]).toBeCloseTo(0.375, 12);
    expect(sink.fai[0]).toBeCloseTo(0.375, 12);
  });
});
