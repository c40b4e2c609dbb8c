import { describe, expect, it } from 'vitest';
import { corpusCsv, histogram, type CorpusSequence } from './corpus';

describe('corpus summary pieces', () => {
  it('histogram: equal bins over [min, max], the max in the last bin, mean', () => {
    const h = histogram([0, 1, 2, 3, 4], 4);
    expect(h).toEqual({ min: 0, max: 4, counts: [1, 1, 1, 2], n: 5, mean: 2 });
    expect(histogram([2, 2], 3).counts).toEqual([2, 0, 0]);
    expect(histogram([], 2)).toEqual({ min: 0, max: 0, counts: [0, 0], n: 0, mean: null });
  });

  it('CSV: one row per sequence, quoted labels, empty for null', () => {
    const row = { observed: 0.5, random: 0.25, lift: 1 };
    const none = { observed: null, random: null, lift: null };
    const seq: CorpusSequence = {
      index: 0,
      label: '12+3=?, "x"',
      promptIds: [1],
      responseIds: [2, 3],
      N: 3,
      R: 2,
      roles: { preplan: 1, anchor: 1, dominated: 0, intro: 0 },
      receiver: [[0, 1]],
      linkage: { entropy_at_waad_peaks: none, receiver_global_cooccurrence: row, fai_follows_waad: row },
    };
    const lines = corpusCsv([seq]).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'index,label,N,R,preplan,anchor,dominated,intro,reward,entropy_at_waad_peaks_observed,entropy_at_waad_peaks_random,entropy_at_waad_peaks_lift,receiver_global_cooccurrence_observed,receiver_global_cooccurrence_random,receiver_global_cooccurrence_lift,fai_follows_waad_observed,fai_follows_waad_random,fai_follows_waad_lift',
    );
    expect(lines[1]).toBe('0,"12+3=?, ""x""",3,2,1,1,0,0,,,,,0.5,0.25,1,0.5,0.25,1');
  });
});
