import { describe, expect, it } from 'vitest';
import {
  candidateIds,
  choosePositions,
  contentSet,
  eligibleIndices,
  isContentText,
  jaccard,
  resolvePerturbOptions,
  wilsonInterval,
} from './perturb';

describe('content tokens (Unicode letters and digits)', () => {
  it('letters and digits of any script count; punctuation, whitespace and emoji do not', () => {
    for (const t of ['a', 'Z', 'é', 'ß', 'Ω', '汉', 'ж', '7', '٣', '½', ' x ', 'c1', '3,', '\tA'])
      expect(isContentText(t)).toBe(true);
    for (const t of ['', ' ', '\n', '\t', ',', '+', '=', '?', '(', '…', '—', '😀', '👍🏽', ' 🙂 ', '\u00a0'])
      expect(isContentText(t)).toBe(false);
  });

  it('sets hold trimmed texts with a letter or digit; an end token is judged by its text like any other', () => {
    const text = (id: number) => ['<eos>', ' 7', '7', '+', ' a ', 'a', '<|im_end|>', '</s>', '<>'][id];
    expect([...contentSet([1, 2, 3, 4, 5], text)].sort()).toEqual(['7', 'a']);
    expect([...contentSet([3, 8], text)]).toEqual([]);
    expect([...contentSet([3, 0, 6, 7], text)].sort()).toEqual(['</s>', '<eos>', '<|im_end|>']);
  });

  it('Jaccard, both empty = 1', () => {
    expect(jaccard(new Set(), new Set())).toBe(1);
    expect(jaccard(new Set(['a']), new Set())).toBe(0);
    expect(jaccard(new Set(['a', 'b']), new Set(['b', 'c']))).toBeCloseTo(1 / 3, 15);
    expect(jaccard(new Set(['a', 'b']), new Set(['b', 'a']))).toBe(1);
  });
});

describe('eligible positions and the three sets', () => {
  it('min_tail tokens after, non-empty T(s), t ≥ 1', () => {
    // N = 20, p = 5: tail 19 − t ≥ 5 -> t ≤ 14; t + 3 ≤ 19 -> t ≤ 16 -> t = 5..14
    expect(eligibleIndices(20, 5, 3, 5)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // H_lo = 10: t ≤ 9 -> indices 0..4
    expect(eligibleIndices(20, 5, 10, 5)).toEqual([0, 1, 2, 3, 4]);
    // empty prompt: position 0 has no p(· | o_<0)
    expect(eligibleIndices(8, 0, 1, 2)).toEqual([1, 2, 3, 4, 5]);
    expect(eligibleIndices(8, 6, 1, 2)).toEqual([]);
  });

  it('top/bottom by FAI with ties to the earlier position; random seeded and distinct', () => {
    const fai = [0.5, 0.9, 0.1, 0.9, 0.1, 0.3, 0.7, 0.2];
    const eligible = [1, 2, 3, 4, 5, 6];
    const c = choosePositions(fai, eligible, 2, 7, 0);
    expect(c.top).toEqual([1, 3]);
    expect(c.bottom).toEqual([2, 4]);
    expect(choosePositions(fai, eligible, 3, 7, 0).top).toEqual([1, 3, 6]);
    expect(choosePositions(fai, eligible, 3, 7, 0).bottom).toEqual([2, 4, 5]);
    expect(c.random).toHaveLength(2);
    expect(new Set(c.random).size).toBe(2);
    for (const i of c.random) expect(eligible).toContain(i);
    expect(choosePositions(fai, eligible, 2, 7, 0).random).toEqual(c.random);
    const seen = new Set<string>();
    for (let seed = 0; seed < 20; seed++) seen.add(choosePositions(fai, eligible, 2, seed, 0).random.join());
    expect(seen.size).toBeGreaterThan(3);
    expect(choosePositions(fai, [2], 3, 0, 0)).toEqual({ top: [2], bottom: [2], random: [2] });
  });

  it('candidates: top-k by logit without the original, ties to the lower id', () => {
    expect(candidateIds([0.1, 2, 2, 5, -1], 3, 3)).toEqual([1, 2, 0]);
    expect(candidateIds([0.1, 2, 2, 5, -1], 1, 2)).toEqual([3, 2]);
    expect(candidateIds([1, 1], 0, 3)).toEqual([1]);
  });
});

describe('statistics', () => {
  it('Wilson 95% interval', () => {
    // 0/10: upper = z²/(n + z²)
    const z2 = 1.959963984540054 ** 2;
    const [lo, hi] = wilsonInterval(0, 10)!;
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(z2 / (10 + z2), 12);
    const [a, b] = wilsonInterval(5, 10)!;
    expect(a + b).toBeCloseTo(1, 12); // symmetric about 0.5
    expect(a).toBeCloseTo(0.2365931, 6);
    // 61/70 (the paper's 87.14%)
    const [c, d] = wilsonInterval(61, 70)!;
    expect(c).toBeCloseTo(0.7731, 3);
    expect(d).toBeCloseTo(0.9311, 3);
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('options are checked', () => {
    expect(resolvePerturbOptions({})).toEqual({ k: 3, m: 3, min_tail: 5, seed: 0 });
    expect(() => resolvePerturbOptions({ k: 0 })).toThrow(/option k must be an integer ≥ 1/);
    expect(() => resolvePerturbOptions({ m: 1.5 })).toThrow(/option m/);
  });
});
