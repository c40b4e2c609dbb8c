import { describe, expect, it } from 'vitest';
import { hitProbability, peakIndices, poolCounts, rowsOf, sequenceLinkage, type LinkageInput } from './linkage';

const close = (x: number | null, y: number) => {
  expect(x).not.toBeNull();
  expect(x!).toBeCloseTo(y, 12);
};

describe('peaks', () => {
  it('top ⌈q·|R|⌉, ties to the earlier position, q = 0 → none', () => {
    expect(peakIndices([0, 5, 0, 0, 5], 0.4)).toEqual([1, 4]);
    expect(peakIndices([1, 1, 1, 1, 1], 0.4)).toEqual([0, 1]);
    expect(peakIndices([3, 1, 2], 0.2)).toEqual([0]); // ⌈0.6⌉ = 1
    expect(peakIndices([3, 1, 2], 0)).toEqual([]);
  });
});

describe('linkage rows (hand-computed)', () => {
  // |R| = 10, q_peak 0.2 -> 2 peaks each; k_link 3.
  const a: LinkageInput = {
    waad: [0, 5, 0, 0, 0, 0, 4, 0, 0, 0], // P_W = {1, 6}
    fai: [0, 0, 3, 0, 0, 0, 0, 0, 0, 2], // P_F = {2, 9}
    faiReceiver: [0, 0, 3, 0, 0, 7, 0, 0, 0, 0], // P_R = {5, 2}
    entropy: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  };
  const rows = rowsOf(sequenceLinkage(a));

  it('entropy at WAAD peaks vs the response mean', () => {
    // observed (2 + 7)/2 = 4.5, random = mean 1..10 = 5.5, lift = −1/5.5
    close(rows.entropy_at_waad_peaks.observed, 4.5);
    close(rows.entropy_at_waad_peaks.random, 5.5);
    close(rows.entropy_at_waad_peaks.lift, -1 / 5.5);
  });

  it('receiver & global FAI peaks co-occur', () => {
    // P_F ∩ P_R = {2}: 1/2; random |P_F|/|R| = 0.2; lift 1.5
    close(rows.receiver_global_cooccurrence.observed, 0.5);
    close(rows.receiver_global_cooccurrence.random, 0.2);
    close(rows.receiver_global_cooccurrence.lift, 1.5);
  });

  it('FAI peak follows or coincides with a WAAD peak (exact hypergeometric random)', () => {
    // s = 2: [0, 2] holds 1 ∈ P_W; s = 9: [6, 9] holds 6 -> observed 1
    // random: s = 2, m = 3: 1 − C(7,2)/C(10,2) = 1 − 21/45; s = 9, m = 4: 1 − C(6,2)/C(10,2) = 1 − 15/45 -> mean 0.6
    close(rows.fai_follows_waad.observed, 1);
    close(rows.fai_follows_waad.random, 0.6);
    close(rows.fai_follows_waad.lift, 0.4 / 0.6);
  });

  it('|R| < 5: one peak each', () => {
    const r = rowsOf(sequenceLinkage({ waad: [1, 0, 0], fai: [0, 0, 1], faiReceiver: [0, 0, 1], entropy: [3, 0, 0] }));
    expect(r.entropy_at_waad_peaks).toEqual({ observed: 3, random: 1, lift: 2 });
    close(r.receiver_global_cooccurrence.random, 1 / 3);
    close(r.receiver_global_cooccurrence.lift, 2);
    // window [−1, 2] ∩ R = all 3 positions: a random single WAAD peak always hits -> random 1, lift 0
    expect(r.fai_follows_waad).toEqual({ observed: 1, random: 1, lift: 0 });
  });

  it('k_link window at the response start is cut to the response', () => {
    // |R| = 5, one peak each: P_W = {4}, P_F = {0}; window [−3, 0] ∩ R = {0}: m = 1 -> random 1 − C(4,1)/C(5,1) = 0.2
    const r = rowsOf(sequenceLinkage({ waad: [0, 0, 0, 0, 9], fai: [5, 0, 0, 0, 0], faiReceiver: [5, 0, 0, 0, 0] }));
    expect(r.fai_follows_waad.observed).toBe(0);
    close(r.fai_follows_waad.random, 0.2);
    close(r.fai_follows_waad.lift, -1);
    expect(r.entropy_at_waad_peaks).toEqual({ observed: null, random: null, lift: null }); // no entropy (dumps)
  });

  it('all-equal metrics: peaks are the earliest positions', () => {
    const z = [0, 0, 0, 0, 0];
    const r = rowsOf(sequenceLinkage({ waad: z, fai: z, faiReceiver: z, entropy: [2, 2, 2, 2, 2] }, { q_peak: 0.4 }));
    expect(r.entropy_at_waad_peaks).toEqual({ observed: 2, random: 2, lift: 0 });
    // P_F = P_R = {0, 1}: 1 vs 2/5
    close(r.receiver_global_cooccurrence.lift, 1.5);
    // s = 0: m = 1 -> 1 − C(4,2)/C(5,2) = 0.4; s = 1: m = 2 -> 1 − C(3,2)/C(5,2) = 0.7; both hit
    close(r.fai_follows_waad.random, 0.55);
    close(r.fai_follows_waad.lift, 0.45 / 0.55);
  });

  it('no peaks (q_peak = 0) and zero random give nulls, never NaN', () => {
    const r = rowsOf(sequenceLinkage(a, { q_peak: 0 }));
    for (const row of Object.values(r)) expect(row).toEqual({ observed: null, random: null, lift: null });
    const zeroEntropy = rowsOf(sequenceLinkage({ ...a, entropy: new Array(10).fill(0) }));
    expect(zeroEntropy.entropy_at_waad_peaks).toEqual({ observed: 0, random: 0, lift: null });
    expect(rowsOf(poolCounts([])).fai_follows_waad).toEqual({ observed: null, random: null, lift: null });
  });

  it('pooling sums numerators and denominators over all peaks', () => {
    const b: LinkageInput = { waad: [1, 0, 0], fai: [0, 0, 1], faiReceiver: [0, 0, 1], entropy: [3, 0, 0] };
    const noEntropy: LinkageInput = { waad: [0, 0, 0, 0, 9], fai: [5, 0, 0, 0, 0], faiReceiver: [5, 0, 0, 0, 0] };
    const pooled = rowsOf(poolCounts([a, b, noEntropy].map((s) => sequenceLinkage(s))));
    // entropy: (2 + 7 + 3) / 3 = 4 against (2·5.5 + 1·1) / 3 = 4 (the dump-like sequence has no entropy row)
    close(pooled.entropy_at_waad_peaks.observed, 4);
    close(pooled.entropy_at_waad_peaks.random, 4);
    // co-occurrence: (1 + 1 + 1) / (2 + 1 + 1) against (2·2/10 + 1·1/3 + 1·1/5) / 4
    close(pooled.receiver_global_cooccurrence.observed, 0.75);
    close(pooled.receiver_global_cooccurrence.random, (0.4 + 1 / 3 + 0.2) / 4);
    // follows: (2 + 1 + 0) / 4 against (1.2 + 1 + 0.2) / 4
    close(pooled.fai_follows_waad.observed, 0.75);
    close(pooled.fai_follows_waad.random, 0.6);
  });
});

/** Every n-subset of 0..R−1. */
function subsets(R: number, n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  const rec = (start: number, acc: number[]) => {
    if (acc.length === n) return void out.push([...acc]);
    for (let i = start; i < R; i++) rec(i + 1, [...acc, i]);
  };
  rec(0, []);
  return out;
}

const indicator = (R: number, set: number[]) => Array.from({ length: R }, (_, i) => (set.includes(i) ? 1 : 0));

describe('random baselines = the mean over every placement of the first metric’s peaks (brute force)', () => {
  for (const [R, n, k] of [
    [5, 2, 3],
    [7, 3, 1],
    [8, 2, 3],
    [6, 4, 0],
    [4, 1, 5],
  ]) {
    it(`|R| = ${R}, ${n} peaks, k_link = ${k}`, () => {
      const q = n / R;
      const entropy = Array.from({ length: R }, (_, i) => (i * 7) % 5);
      const fixed = indicator(R, R > 5 ? [1, R - 1] : [0, 2].slice(0, n)); // P_F (and P_R) held fixed
      const expected = rowsOf(
        sequenceLinkage({ waad: fixed, fai: fixed, faiReceiver: fixed, entropy }, { q_peak: q, k_link: k }),
      );
      const all = subsets(R, n);
      let follows = 0;
      let entropyMean = 0;
      let cooccur = 0;
      for (const set of all) {
        const shuffled = indicator(R, set);
        // follows and entropy shuffle P_W; co-occurrence shuffles P_F against a fixed P_R
        const w = rowsOf(
          sequenceLinkage({ waad: shuffled, fai: fixed, faiReceiver: fixed, entropy }, { q_peak: q, k_link: k }),
        );
        const f = rowsOf(
          sequenceLinkage({ waad: fixed, fai: shuffled, faiReceiver: fixed, entropy }, { q_peak: q, k_link: k }),
        );
        follows += w.fai_follows_waad.observed!;
        entropyMean += w.entropy_at_waad_peaks.observed!;
        cooccur += f.receiver_global_cooccurrence.observed!;
      }
      close(expected.fai_follows_waad.random, follows / all.length);
      close(expected.entropy_at_waad_peaks.random, entropyMean / all.length);
      close(expected.receiver_global_cooccurrence.random, cooccur / all.length);
    });
  }

  it('hitProbability edge cases', () => {
    expect(hitProbability(10, 0, 3)).toBe(0);
    expect(hitProbability(10, 4, 0)).toBe(0);
    expect(hitProbability(5, 3, 3)).toBe(1); // only 2 positions outside the window
    expect(hitProbability(10, 1, 1)).toBeCloseTo(0.1, 15);
  });
});
