import { describe, expect, it } from 'vitest';
import { holm, incompleteBeta, pairedTTestP, tTwoSided } from './experiment-stats';

describe('paired t-test and Holm, by hand', () => {
  it('incompleteBeta: closed forms', () => {
    // I_x(1, 1) = x; I_x(2, 1) = x²; I_x(1, 2) = 1 − (1 − x)²
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(incompleteBeta(0.3, 2, 1)).toBeCloseTo(0.09, 12);
    expect(incompleteBeta(0.3, 1, 2)).toBeCloseTo(0.51, 12);
    // I_x(1/2, 1/2) = (2/π) asin √x
    expect(incompleteBeta(0.25, 0.5, 0.5)).toBeCloseTo((2 / Math.PI) * Math.asin(0.5), 10);
    expect(incompleteBeta(0, 2, 3)).toBe(0);
    expect(incompleteBeta(1, 2, 3)).toBe(1);
  });
  it('tTwoSided: df 1 (Cauchy), df 2 closed form, large df near the normal', () => {
    // df 1: P(|T| ≥ t) = 1 − 2·atan(t)/π; t = 1 → 0.5, t = 3 → 0.204833
    expect(tTwoSided(1, 1)).toBeCloseTo(0.5, 10);
    expect(tTwoSided(3, 1)).toBeCloseTo(1 - (2 * Math.atan(3)) / Math.PI, 10);
    // df 2: P(|T| ≥ t) = 1 − t/√(2 + t²); t = 2 → 1 − 2/√6 = 0.183503
    expect(tTwoSided(2, 2)).toBeCloseTo(1 - 2 / Math.sqrt(6), 10);
    expect(tTwoSided(-2, 2)).toBeCloseTo(1 - 2 / Math.sqrt(6), 10);
    // The table's 95% quantiles give p = 0.05: t(9) = 2.262, t(29) = 2.045
    expect(tTwoSided(2.262, 9)).toBeCloseTo(0.05, 3);
    expect(tTwoSided(2.045, 29)).toBeCloseTo(0.05, 3);
    expect(tTwoSided(1.959964, 1e6)).toBeCloseTo(0.05, 4);
    expect(tTwoSided(0, 5)).toBe(1);
  });
  it('pairedTTestP: t = mean / (s/√n) with n − 1 df; degenerate cases', () => {
    // 0.1, 0.2: mean 0.15, s = 0.0707, t = 3, df 1 → 0.204833
    expect(pairedTTestP([0.1, 0.2])).toBeCloseTo(1 - (2 * Math.atan(3)) / Math.PI, 10);
    // 1, 2, 3: mean 2, s = 1, t = 2√3 = 3.4641, df 2 → 1 − t/√(2 + t²) = 1 − 3.4641/√14 = 0.074180
    expect(pairedTTestP([1, 2, 3])).toBeCloseTo(1 - (2 * Math.sqrt(3)) / Math.sqrt(14), 10);
    expect(pairedTTestP([0.5])).toBeNaN();
    expect(pairedTTestP([])).toBeNaN();
    expect(pairedTTestP([0, 0, 0])).toBe(1);
    expect(pairedTTestP([0.2, 0.2])).toBe(0);
  });
  it('holm: step-down multipliers m − k + 1 with a running maximum, input order kept', () => {
    // sorted 0.01, 0.03, 0.04 → 3·0.01 = 0.03, 2·0.03 = 0.06, max(0.06, 1·0.04) = 0.06
    expect(holm([0.01, 0.04, 0.03])).toEqual([
      expect.closeTo(0.03, 12),
      expect.closeTo(0.06, 12),
      expect.closeTo(0.06, 12),
    ]);
    // capped at 1; NaN (no test) is not counted: m = 2
    expect(holm([0.6, NaN, 0.2])).toEqual([expect.closeTo(0.6, 12), NaN, expect.closeTo(0.4, 12)]);
    expect(holm([0.7, 0.8])).toEqual([1, 1]);
    expect(holm([])).toEqual([]);
  });
});
