import { describe, expect, it } from 'vitest';
import {
  argmax,
  mulberry32,
  sampleToken,
  samplingDistribution,
  tokenLogits,
  validateSampling,
  withTokenCount,
} from './sampling';

describe('mulberry32', () => {
  it('reproduces the reference sequence for seed 1 and stays in [0, 1)', () => {
    // First outputs for seed 1 of the widely published one-line JS mulberry32 (bryc's PRNG collection),
    // run separately; pinned so any change to the algorithm is caught.
    const r = mulberry32(1);
    const first = [r(), r(), r()];
    expect(first.map((v) => Math.round(v * 4294967296))).toEqual([2693262067, 11749833, 2265367787]);
    const r2 = mulberry32(1);
    expect([r2(), r2(), r2()]).toEqual(first);
    const r3 = mulberry32(99);
    for (let i = 0; i < 1000; i++) {
      const v = r3();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });
});

describe('sampling', () => {
  const logits = new Float32Array([1, 3, 2, 3, 0]); // ids 1 and 3 tie at the top

  it('argmax breaks ties to the lower id', () => {
    expect(argmax(logits)).toBe(1);
  });

  it('temperature softmax by hand', () => {
    // T = 1: weights e^(l-3): [e^-2, 1, e^-1, 1, e^-3]
    const z = Math.exp(-2) + 1 + Math.exp(-1) + 1 + Math.exp(-3);
    const { ids, probs } = samplingDistribution(logits, { temperature: 1 });
    expect(ids).toEqual([1, 3, 2, 0, 4]);
    expect(probs[0]).toBeCloseTo(1 / z, 12);
    expect(probs[2]).toBeCloseTo(Math.exp(-1) / z, 12);
    // T = 2 halves the logit gaps: p(2) / p(1) = e^(-1/2)
    const t2 = samplingDistribution(logits, { temperature: 2 });
    expect(t2.probs[2] / t2.probs[0]).toBeCloseTo(Math.exp(-0.5), 12);
  });

  it('top-k keeps the k most likely, renormalised', () => {
    const { ids, probs } = samplingDistribution(logits, { temperature: 1, topK: 3 });
    expect(ids).toEqual([1, 3, 2]);
    const z = 2 + Math.exp(-1);
    expect(probs).toEqual([1 / z, 1 / z, Math.exp(-1) / z].map((p) => expect.closeTo(p, 12)));
  });

  it('top-p keeps the smallest prefix reaching p', () => {
    // probs sorted: 0.3837, 0.3837, 0.1412, 0.0519, 0.0191 -> p = 0.5 needs 2, p = 0.8 needs 3
    expect(samplingDistribution(logits, { temperature: 1, topP: 0.5 }).ids).toEqual([1, 3]);
    expect(samplingDistribution(logits, { temperature: 1, topP: 0.8 }).ids).toEqual([1, 3, 2]);
    expect(samplingDistribution(logits, { temperature: 1, topP: 1e-9 }).ids).toEqual([1]);
  });

  it('greedy, top-k = 1 and tiny top-p all pick the argmax', () => {
    const rng = mulberry32(5);
    const l = new Float32Array([0.1, -2, 4.5, 4.4, 0]);
    for (let i = 0; i < 20; i++) {
      expect(sampleToken(l, {}, rng)).toBe(2);
      expect(sampleToken(l, { temperature: 1.5, topK: 1 }, rng)).toBe(2);
      expect(sampleToken(l, { temperature: 1.5, topP: 1e-6 }, rng)).toBe(2);
    }
  });

  it('draws match the distribution (fast and sorted paths)', () => {
    const l = new Float32Array([Math.log(0.5), Math.log(0.3), Math.log(0.2)]);
    for (const opts of [{ temperature: 1 }, { temperature: 1, topK: 3 }]) {
      const rng = mulberry32(11);
      const counts = [0, 0, 0];
      for (let i = 0; i < 20000; i++) counts[sampleToken(l, opts, rng)]++;
      expect(counts[0] / 20000).toBeCloseTo(0.5, 1);
      expect(counts[1] / 20000).toBeCloseTo(0.3, 1);
      expect(counts[2] / 20000).toBeCloseTo(0.2, 1);
    }
  });

  it('validates options, naming the field', () => {
    expect(() => validateSampling({ temperature: -1 })).toThrow(/field "temperature"/);
    expect(() => validateSampling({ topK: 0 })).toThrow(/field "topK"/);
    expect(() => validateSampling({ topP: 1.5 })).toThrow(/field "topP"/);
    expect(() => validateSampling({ topP: 0 })).toThrow(/field "topP"/);
  });
});

describe('padded vocabulary mask (tokenCount)', () => {
  // 3 ids with a token, 2 padded ids with the highest logits.
  const logits = new Float32Array([1, 2, 0, 7, 6]);

  it('masks the ids past the token count: same ids, the padded ones gone', () => {
    const m = tokenLogits(logits, 3);
    expect([...m]).toEqual([1, 2, 0]);
    expect(tokenLogits(logits, undefined)).toBe(logits);
    expect(tokenLogits(logits, 5)).toBe(logits);
    expect(() => tokenLogits(logits, 0)).toThrow(/tokenCount/);
  });

  it('greedy and every sampling path pick only ids with a token', () => {
    expect(argmax(logits)).toBe(3); // unmasked, a padded id would win
    expect(sampleToken(logits, { tokenCount: 3 }, mulberry32(1))).toBe(1);
    expect(sampleToken(logits, { temperature: 0 }, mulberry32(1))).toBe(3);
    const paths = [{ temperature: 1 }, { temperature: 2, topK: 4 }, { temperature: 1, topP: 0.999 }];
    for (const p of paths) {
      const rng = mulberry32(7);
      for (let i = 0; i < 500; i++) expect(sampleToken(logits, { ...p, tokenCount: 3 }, rng)).toBeLessThan(3);
    }
    // u at the top of [0, 1): the last real id in either walk (id order; by decreasing probability), never 3 or 4.
    expect(sampleToken(logits, { temperature: 1, tokenCount: 3 }, () => 0.9999999999)).toBe(2);
    expect(sampleToken(logits, { temperature: 1, topK: 5, tokenCount: 3 }, () => 0.9999999999)).toBe(2);
  });

  it('the masked distribution by hand: softmax over ids 0..2 only', () => {
    // T = 1, ids 0..2: weights e^(l − 2) = [e^-1, 1, e^-2], Z = 1 + e^-1 + e^-2 = 1.503214724
    const { ids, probs } = samplingDistribution(tokenLogits(logits, 3), { temperature: 1 });
    expect(ids).toEqual([1, 0, 2]);
    expect(probs[0]).toBeCloseTo(1 / 1.503214724, 8);
    expect(probs[1]).toBeCloseTo(Math.exp(-1) / 1.503214724, 8);
    expect(probs[2]).toBeCloseTo(Math.exp(-2) / 1.503214724, 8);
    // Empirical frequencies of the fast path agree (0.6652, 0.2447, 0.0900).
    const rng = mulberry32(3);
    const n = 20000;
    const counts = [0, 0, 0];
    for (let i = 0; i < n; i++) counts[sampleToken(logits, { temperature: 1, tokenCount: 3 }, rng)]++;
    expect(counts[1] / n).toBeCloseTo(0.6652, 1);
    expect(counts[2] / n).toBeCloseTo(0.09, 1);
  });

  it('withTokenCount sets token_count only for a padded vocabulary', () => {
    expect(withTokenCount({ vocab_size: 10 }, 8)).toEqual({ vocab_size: 10, token_count: 8 });
    const full = { vocab_size: 8 };
    expect(withTokenCount(full, 8)).toBe(full);
  });
});
