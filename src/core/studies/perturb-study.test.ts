import { describe, expect, it } from 'vitest';
import { perturbSummary, type PerturbSequence } from './perturb-run';
import { perturbCsv } from './perturb-study';

const seq = (
  index: number,
  j_top: number | null,
  j_bottom: number | null,
  j_random: number | null,
): PerturbSequence => ({
  index,
  j_top,
  j_bottom,
  j_random,
  top: [],
  bottom: [],
  random: [],
  eligible: 10 + index,
});

describe('perturbCsv', () => {
  it('one row per sequence and an `all` row with the totals', () => {
    // J_top < J_bottom in sequence 0 only; sequence 2 has no bottom set (not compared), sequence 1 ties.
    const out = perturbSummary([seq(0, 0.2, 0.6, 0.4), seq(1, 0.5, 0.5, null), seq(2, 0.8, null, 0.3)], {}, {});
    expect(out.compared).toBe(2);
    expect(out.p_top_lower).toBe(0.5);
    const lines = perturbCsv(out, ['1+2=?', 'a, "b"']).trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe(
      'sequence,label,eligible,j_top,j_bottom,j_random,top_lower,p_top_lower,p_ci_low,p_ci_high,compared',
    );
    expect(lines[1]).toBe('0,1+2=?,10,0.2,0.6,0.4,true,,,,');
    expect(lines[2]).toBe('1,"a, ""b""",11,0.5,0.5,,false,,,,');
    expect(lines[3]).toBe('2,,12,0.8,,0.3,,,,,');
    // means: top (0.2+0.5+0.8)/3 = 0.5, bottom (0.6+0.5)/2 = 0.55, random (0.4+0.3)/2 = 0.35
    const all = lines[4].split(',');
    expect(all.slice(0, 3)).toEqual(['all', '3 sequences', '33']);
    expect(Number(all[3])).toBeCloseTo(0.5, 12);
    expect(Number(all[4])).toBeCloseTo(0.55, 12);
    expect(Number(all[5])).toBeCloseTo(0.35, 12);
    expect(all[7]).toBe('0.5');
    // Wilson 95% for 1 of 2 (z² = 3.8415): centre (0.5 + z²/4)/(1 + z²/2) = 0.5, half-width
    // z·√(0.25/2 + z²/16)/(1 + z²/2) = 1.96·0.6042/2.9207 = 0.4055
    expect(Number(all[8])).toBeCloseTo(out.p_top_lower_ci![0], 12);
    expect(Number(all[8])).toBeCloseTo(0.0945, 3);
    expect(Number(all[9])).toBeCloseTo(0.9055, 3);
    expect(all[10]).toBe('2');
  });
});
