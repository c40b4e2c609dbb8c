import { describe, expect, it } from 'vitest';
import { argmax, mulberry32, sampleToken, samplingDistribution, validateSampling } from './sampling';

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
