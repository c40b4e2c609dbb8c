import { describe, expect, it } from 'vitest';
import { amplifiedCount, tokenAdvantages } from './credit';
import { combineCredit } from './token-credit';
import { capoCredit, minFormWeights, pureCredit, type StepCredit, type StepTokens } from './token-credit-steps';

const tokens = (c: StepCredit, n: number) => combineCredit(c.advantage, n, { add: c.add });
const close = (got: number[], want: number[]) => {
  expect(got).toHaveLength(want.length);
  got.forEach((x, i) => expect(x, `token ${i}`).toBeCloseTo(want[i], 6));
};

describe('CAPO-style credit', () => {
  // Rewards 1, 0, 0. A: two correct steps; B: its second step wrong; C: its only step wrong.
  const steps: StepTokens[] = [
    { step: [0, 0, 1, -1], correct: [true, true] },
    { step: [0, 0, 1, -1], correct: [true, false] },
    { step: [0, -1], correct: [false] },
  ];
  it('penalises wrong-step tokens by 1, then normalises over all tokens of the group (hand-worked)', () => {
    // Token rewards: A 1 1 1 1 | B 0 0 −1 0 | C −1 0. Ten tokens: sum 2, μ = 0.2;
    // Σ(r − μ)² = 4·0.64 + 4·0.04 + 2·1.44 = 5.6, σ = √0.56 = 0.748331.
    // (1 − 0.2)/σ = 1.069045, (0 − 0.2)/σ = −0.267261, (−1 − 0.2)/σ = −1.603567.
    const c = capoCredit([1, 0, 0], steps);
    close(tokens(c[0], 4), [1.069045, 1.069045, 1.069045, 1.069045]);
    close(tokens(c[1], 4), [-0.267261, -0.267261, -1.603567, -0.267261]);
    close(tokens(c[2], 2), [-1.603567, -0.267261]);
    expect(c[1].advantage).toBeCloseTo(-0.267261, 6);
  });
  it('equal token rewards give exactly zero; a wrong step alone separates responses of equal reward', () => {
    const allRight = capoCredit([1, 1], [steps[0], steps[0]]);
    expect(allRight.flatMap((c) => tokens(c, 4))).toEqual(new Array(8).fill(0));
    // Rewards 0, 0: token rewards 0 0 0 0 | 0 0 −1 0; μ = −1/8, σ = √(7/64) = 0.330719.
    const c = capoCredit([0, 0], [steps[0], steps[1]]);
    close(tokens(c[0], 4), new Array(4).fill(0.125 / 0.330719));
    close(tokens(c[1], 4), [0.377964, 0.377964, -2.645751, 0.377964]);
  });
  it('rejects mismatched inputs', () => {
    expect(() => capoCredit([1], steps)).toThrow(/1 rewards, 3 rows/);
  });
});

describe('PURE-style credit', () => {
  it('min-form weights: softmax(−r/T)', () => {
    close(minFormWeights([1, 1, 1]), [1 / 3, 1 / 3, 1 / 3]);
    // T = 1: softmax(−1, 1) = (1/(1 + e²), e²/(1 + e²)).
    close(minFormWeights([1, -1], 1), [0.1192029, 0.8807971]);
    // T = 0.1: the wrong step takes almost all the weight, e^−20 ≈ 2·10⁻⁹ is left for the right one.
    expect(minFormWeights([1, -1])[1]).toBeCloseTo(1, 8);
    expect(minFormWeights([])).toEqual([]);
  });
  it('return-to-go of the weighted step rewards plus the outcome, minus the RLOO baseline (hand-worked)', () => {
    // A (R = 1): steps right, right on tokens 0–1 and 2–3, answer token 4. w = (½, ½): +0.5 at tokens 1 and 3;
    //   process return-to-go 1, 1, 0.5, 0.5, 0; full return G₀ = 1 + 1 = 2.
    // B (R = 0): right, wrong. w ≈ (0, 1): ≈ −1 at token 3; return-to-go −1, −1, −1, −1, 0; G₀ = −1.
    // C (R = 1): no steps; G₀ = 1.
    // Baselines (mean G₀ of the others): A (−1 + 1)/2 = 0, B (2 + 1)/2 = 1.5, C (2 − 1)/2 = 0.5.
    const c = pureCredit(
      [1, 0, 1],
      [
        { step: [0, 0, 1, 1, -1], correct: [true, true] },
        { step: [0, 0, 1, 1, -1], correct: [true, false] },
        { step: [-1, -1], correct: [] },
      ],
    );
    close(tokens(c[0], 5), [2, 2, 1.5, 1.5, 1]);
    close(tokens(c[1], 5), [-2.5, -2.5, -2.5, -2.5, -1.5]);
    close(tokens(c[2], 2), [0.5, 0.5]);
  });
  it('is deterministic and needs two responses', () => {
    const s: StepTokens[] = [
      { step: [0, 1], correct: [false, true] },
      { step: [0], correct: [true] },
    ];
    expect(pureCredit([0, 1], s)).toEqual(pureCredit([0, 1], s));
    expect(() => pureCredit([1], [s[0]])).toThrow(/two responses/);
  });
});

describe('tokenAdvantages for the step-verified strategies', () => {
  it('uses the row term in place of Â (even when Â = 0) plus the per-token terms; needs them', () => {
    const steps = { advantage: 0.5, add: [0, -1, 0] };
    for (const s of ['capo', 'pure'] as const) {
      expect(tokenAdvantages(s, 0, 3, undefined, 0.2, 'v2', { steps })).toEqual([0.5, -0.5, 0.5]);
      expect(() => tokenAdvantages(s, 1, 3, undefined, 0.2)).toThrow(/step-verified/);
      expect(amplifiedCount(s, undefined, { steps, wrongStepTokens: 1 })).toBe(1);
    }
  });
});
