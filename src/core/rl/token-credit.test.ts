import { describe, expect, it } from 'vitest';
import type { AnalysisRecord } from '../rhythm/record';
import { amplifiedCount, tokenAdvantages } from './credit';
import { needsAttention, parseStrategy, resolveRlOptions } from './options';
import {
  combineCredit,
  entropyMinorityMask,
  groupStd,
  hicraCredit,
  signedGamma,
  strategicGramMask,
  tempoTerms,
} from './token-credit';

const record = {
  anchor: [false, true, false, true],
  gamma: {
    uniform: [1, 1, 1, 1],
    local_chunk: [1.5, 1, 1, 1],
    global_anchor: [1, 1.5, 1, 1.5],
    coupled: [1, 1.25, 1.25, 1.5],
    random: [1, 1, 1.5, 1.5],
  },
} as unknown as AnalysisRecord;

describe('combineCredit: Ã_t = γ_t·Â + b_t', () => {
  it('multiplies and adds per token; absent parts are γ = 1, b = 0', () => {
    expect(combineCredit(2, 3, { gamma: [1, 0.5, 0], add: [0, 1, -1] })).toEqual([2, 2, -1]);
    expect(combineCredit(-1, 2)).toEqual([-1, -1]);
    expect(combineCredit(1, 2, { add: [0.25, 0] })).toEqual([1.25, 1]);
  });
  it('rejects arrays of the wrong length', () => {
    expect(() => combineCredit(1, 3, { gamma: [1, 1] })).toThrow(/2 γ values for 3 tokens/);
    expect(() => combineCredit(1, 1, { add: [1, 1] })).toThrow(/2 additive terms for 1 tokens/);
  });
});

describe('TEMPO prefix-tree terms', () => {
  // Tree: A = 1 2 3 (R 1), B = 1 2 4 (R 0), C = 1 5 6 (R 0). Root V = 1/3; node "1 2" V = 1/2; σ = √2/3 (population).
  const responses = [
    [1, 2, 3],
    [1, 2, 4],
    [1, 5, 6],
  ];
  const rewards = [1, 0, 0];
  const s = Math.sqrt(2) / 3;
  it('is zero where no response branches, (V(child) − V(parent))/σ at branch points', () => {
    expect(groupStd(rewards)).toBeCloseTo(s, 12);
    const t = tempoTerms(responses, rewards);
    const want = [
      [0, (1 / 2 - 1 / 3) / s, (1 - 1 / 2) / s],
      [0, (1 / 2 - 1 / 3) / s, (0 - 1 / 2) / s],
      [0, (0 - 1 / 3) / s, 0], // C is alone after its second token: no branching, no term
    ];
    t.forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(want[i][j], 12)));
    expect(t[0][1]).toBeCloseTo(1 / (2 * Math.SQRT2), 12);
    expect(t[2][1]).toBeCloseTo(-1 / Math.SQRT2, 12);
  });
  it('A_ij = (R_i − μ + V(s_{j+1}) − V(s_j))/σ through tokenAdvantages', () => {
    const t = tempoTerms(responses, rewards);
    const adv = (1 - 1 / 3) / s; // Â of A = √2
    const a = tokenAdvantages('tempo', adv, 3, undefined, 0.2, 'v2', { tempo: t[0] });
    expect(a[2]).toBeCloseTo((1 - 1 / 3 + 1 - 1 / 2) / s, 12); // 7/(2√2)
    expect(a[0]).toBeCloseTo(Math.SQRT2, 12);
  });
  it('equal rewards or identical responses give zeros; different lengths are fine', () => {
    expect(
      tempoTerms(
        [
          [1, 2],
          [1, 3],
        ],
        [1, 1],
      ),
    ).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(
      tempoTerms(
        [
          [1, 2],
          [1, 2],
        ],
        [1, 0],
      ),
    ).toEqual([
      [0, 0],
      [0, 0],
    ]);
    // σ = 1/2; A stops after "1" (a branch too): B's second token moves V from 1/2 to 0, term −1.
    expect(tempoTerms([[1], [1, 2]], [1, 0])).toEqual([[0], [0, -1]]);
    expect(() => tempoTerms([[1]], [1, 0])).toThrow(/1 responses, 2 rewards/);
  });
  it('is the only strategy whose zero-Â row can carry credit', () => {
    expect(tokenAdvantages('tempo', 0, 2, undefined, 0.2, 'v2', { tempo: [0, 0.5] })).toEqual([0, 0.5]);
    expect(() => tokenAdvantages('tempo', 1, 2, undefined, 0.2)).toThrow(/prefix-tree/);
  });
});

describe('high-entropy minority: the batch top 20% by entropy', () => {
  it('takes ⌈0.2·N⌉ tokens', () => {
    const m = entropyMinorityMask([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
    ]);
    expect(m).toEqual([
      [false, false, false, false, false],
      [false, false, false, true, true],
    ]);
  });
  it('ties at the threshold all count', () => {
    // N = 5, k = 1, threshold 0.9: both 0.9s are in.
    expect(
      entropyMinorityMask([
        [0.5, 0.9, 0.1],
        [0.9, 0.2],
      ]),
    ).toEqual([
      [false, true, false],
      [true, false],
    ]);
    expect(entropyMinorityMask([[], []])).toEqual([[], []]);
  });
  it('keeps Â only on masked tokens', () => {
    expect(tokenAdvantages('entropy_minority', -2, 3, undefined, 0.2, 'v2', { minority: [true, false, true] })).toEqual(
      [-2, 0, -2],
    );
    expect(amplifiedCount('entropy_minority', undefined, { minority: [true, false, true] })).toBe(2);
    expect(() => tokenAdvantages('entropy_minority', 1, 3, undefined, 0.2)).toThrow(/entropy mask/);
  });
});

describe('HICRA: Â + α|Â| on planning tokens', () => {
  it('anchor set (the record) and both signs (v2)', () => {
    expect(tokenAdvantages('hicra', 1, 4, record, 0.2)).toEqual([1, 1.2, 1, 1.2]);
    expect(tokenAdvantages('hicra', -1, 4, record, 0.2)).toEqual([-1, -0.8, -1, -0.8]);
  });
  it('v1 shapes only Â ≥ 0', () => {
    expect(tokenAdvantages('hicra', -1, 4, record, 0.2, 'v1')).toEqual([-1, -1, -1, -1]);
    expect(tokenAdvantages('hicra', 1, 4, record, 0.2, 'v1')).toEqual([1, 1.2, 1, 1.2]);
    expect(hicraCredit(-1, [true], 0.2, 'v1')).toEqual({});
  });
  it('strategic grams: document frequency of 3–5-grams, top 20%, in ≥ 2 responses', () => {
    // Distinct grams: 123 (df 2), 239, 1239, 238, 1238, 777, 7777 (df 1; 777 twice in one response still df 1).
    // k = ⌈0.2·7⌉ = 2, the 2nd count is 1 → threshold max(2, 1) = 2: only "1 2 3" is strategic.
    const m = strategicGramMask([
      [1, 2, 3, 9],
      [1, 2, 3, 8],
      [7, 7, 7, 7],
    ]);
    expect(m).toEqual([
      [true, true, true, false],
      [true, true, true, false],
      [false, false, false, false],
    ]);
    expect(strategicGramMask([[1, 2], []])).toEqual([[false, false], []]);
  });
  it('gram planning set replaces the anchors', () => {
    const planning = [true, true, false, false];
    expect(tokenAdvantages('hicra', 2, 4, undefined, 0.2, 'v2', { planning })).toEqual([2.4, 2.4, 2, 2]);
    expect(tokenAdvantages('hicra', -2, 4, undefined, 0.2, 'v2', { planning })).toEqual([-1.6, -1.6, -2, -2]);
    expect(amplifiedCount('hicra', undefined, { planning })).toBe(2);
  });
});

describe('sign option of the γ strategies', () => {
  it('v2 scales both signs, v1 leaves Â < 0 unshaped', () => {
    expect(tokenAdvantages('global_anchor', -2, 4, record, 0.2, 'v2')).toEqual([-2, -3, -2, -3]);
    expect(tokenAdvantages('global_anchor', -2, 4, record, 0.2, 'v1')).toEqual([-2, -2, -2, -2]);
    expect(tokenAdvantages('coupled', 2, 4, record, 0.2, 'v1')).toEqual([2, 2.5, 2.5, 3]);
    expect(signedGamma(-1, [2], 'v1')).toEqual({});
  });
});

describe('options', () => {
  it('names, aliases and which strategies need the attention pass', () => {
    expect(parseStrategy('TEMPO')).toBe('tempo');
    expect(parseStrategy('entropy-minority')).toBe('entropy_minority');
    expect(needsAttention('tempo')).toBe(false);
    expect(needsAttention('entropy_minority')).toBe(false);
    expect(needsAttention('hicra', 'anchor')).toBe(true);
    expect(needsAttention('hicra', 'grams')).toBe(false);
  });
  it('creditSign and planningSet are validated', () => {
    const base = { task: 'addition', level: 1 };
    expect(resolveRlOptions(base).creditSign).toBe('v2');
    expect(resolveRlOptions(base).planningSet).toBe('anchor');
    expect(() => resolveRlOptions({ ...base, creditSign: 'v3' as 'v1' })).toThrow(/creditSign must be 'v2' or 'v1'/);
    expect(() => resolveRlOptions({ ...base, planningSet: 'x' as 'grams' })).toThrow(/planningSet/);
  });
});
