import { describe, expect, it } from 'vitest';
import { isInputError } from '../errors';
import { ceilFraction, DEFAULT_OPTIONS, needsMaps, optionForFlag, optionsFromFlags, resolveOptions } from './options';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('ceilFraction', () => {
  it('is the mathematical ceiling despite float error', () => {
    // In JS 0.3·10 happens to be exactly 3, but these products overshoot their integer:
    expect(0.07 * 100).toBeGreaterThan(7); // 7.000000000000001
    expect(ceilFraction(0.07, 100)).toBe(7);
    expect(0.14 * 50).toBeGreaterThan(7);
    expect(ceilFraction(0.14, 50)).toBe(7);
    expect(0.28 * 175).toBeGreaterThan(49); // 49.00000000000001
    expect(ceilFraction(0.28, 175)).toBe(49);
    expect(ceilFraction(0.3, 10)).toBe(3);
    expect(ceilFraction(0.4, 5)).toBe(2); // 2 exactly
    expect(ceilFraction(0.4, 7)).toBe(3); // 2.8 -> 3
    expect(ceilFraction(0.4, 1)).toBe(1); // 0.4 -> 1
    expect(ceilFraction(0.3, 12)).toBe(4); // 3.6 -> 4
    expect(ceilFraction(1, 9)).toBe(9);
    expect(ceilFraction(0.3, 0)).toBe(0);
    expect(ceilFraction(0.1, 3)).toBe(1); // 0.30000000000000004 -> 1 (not an integer: a true ceiling)
  });
});

describe('resolveOptions', () => {
  it('fills the documented defaults', () => {
    const o = resolveOptions();
    expect(o).toEqual({ ...DEFAULT_OPTIONS });
    expect(o).toMatchObject({
      W: 10,
      H_lo: 10,
      H_hi: 100,
      q: 0.4,
      k: 3,
      headFraction: 0.3,
      alpha: 0.5,
      gamma_amp: 1.5,
    });
    expect(o).toMatchObject({
      sink: false,
      seed: 0,
      hicraCoef: 0.2,
      advantageStd: 'population',
      layers: 'middle-third',
    });
    expect(o).toMatchObject({ tau_waad: 'median', tau_delta: 'min-preplan' });
  });

  it('accepts Infinity spellings for H_hi and sorts explicit layers', () => {
    expect(resolveOptions({ H_hi: Infinity }).H_hi).toBe(Infinity);
    expect(resolveOptions({ H_hi: 'Infinity' } as never).H_hi).toBe(Infinity);
    expect(resolveOptions({ H_hi: null } as never).H_hi).toBe(Infinity);
    expect(resolveOptions({ layers: [3, 1, 3] }).layers).toEqual([1, 3]);
    expect(resolveOptions({ tau_waad: 0.5, tau_delta: 2 })).toMatchObject({ tau_waad: 0.5, tau_delta: 2 });
  });

  it('names the unknown option', () => {
    const e = errorOf(() => resolveOptions({ window: 10 } as never));
    expect(isInputError(e)).toBe(true);
    expect(e.message).toContain('window');
  });

  const bad: [string, unknown, string][] = [
    ['q', 0, '(0, 1]'],
    ['q', 1.5, '(0, 1]'],
    ['q', NaN, '(0, 1]'],
    ['W', 0.5, '≥ 1'],
    ['H_lo', -1, '≥ 0'],
    ['H_lo', 200, 'H_hi'],
    ['H_hi', -3, '≥ 0'],
    ['headFraction', 0, '(0, 1]'],
    ['headFraction', 1.01, '(0, 1]'],
    ['k', 0, '≥ 1'],
    ['k', 1.5, 'integer'],
    ['alpha', -0.1, '[0, 1]'],
    ['alpha', 2, '[0, 1]'],
    ['gamma_amp', 0.9, '≥ 1'],
    ['gamma_amp', NaN, '≥ 1'],
    ['seed', 0.5, 'integer'],
    ['hicraCoef', -1, '≥ 0'],
    ['sink', 'yes', 'true or false'],
    ['layers', 'middle', 'middle-third'],
    ['layers', [-1], 'middle-third'],
    ['tau_waad', 'mean', 'median'],
    ['tau_delta', 'max', 'min-preplan'],
    ['advantageStd', 'ddof1', 'population'],
    ['heads', { local: [[0, 0]] }, 'heads.global'],
  ];
  it.each(bad)('rejects %s = %j naming the option and range', (name, value, range) => {
    const e = errorOf(() => resolveOptions({ [name]: value } as never));
    expect(isInputError(e)).toBe(true);
    expect(e.message).toContain(name.startsWith('heads') ? 'heads' : name);
    expect(e.message).toContain(range);
  });
});

describe('needsMaps', () => {
  it('is true exactly for W, H_lo, H_hi, sink', () => {
    expect(needsMaps({}, { q: 0.2, k: 5, alpha: 0.1, layers: 'all', headFraction: 0.5, seed: 3 })).toBe(false);
    expect(needsMaps({}, { W: 10 })).toBe(false); // default value: no change
    expect(needsMaps({}, { W: 5 })).toBe(true);
    expect(needsMaps({ H_lo: 3 }, {})).toBe(true);
    expect(needsMaps({}, { H_hi: Infinity })).toBe(true);
    expect(needsMaps({}, { sink: true })).toBe(true);
  });
});

describe('optionsFromFlags', () => {
  it('parses kebab-case flags and option names', () => {
    const o = optionsFromFlags({
      window: '5',
      'h-lo': '2',
      'h-hi': 'inf',
      q: '0.25',
      sink: 'true',
      layers: '1,3',
      'tau-waad': 'median',
      'tau-delta': '0.5',
      'advantage-std': 'sample',
      'head-fraction': '0.5',
    });
    expect(o).toMatchObject({
      W: 5,
      H_lo: 2,
      H_hi: Infinity,
      q: 0.25,
      sink: true,
      layers: [1, 3],
      tau_waad: 'median',
      tau_delta: 0.5,
      advantageStd: 'sample',
      headFraction: 0.5,
    });
    expect(optionsFromFlags({ gamma_amp: '2', heads: '{"local":[[0,1]],"global":[[2,0]]}' })).toMatchObject({
      gamma_amp: 2,
      heads: { local: [[0, 1]], global: [[2, 0]] },
    });
    expect(optionForFlag('--gamma-amp')).toBe('gamma_amp');
  });
  it('rejects unknown flags and bad values with the option named', () => {
    expect(() => optionsFromFlags({ 'no-such': '1' })).toThrow(/no-such/);
    expect(() => optionsFromFlags({ q: 'abc' })).toThrow(/option q must be in \(0, 1\]/);
    expect(() => optionsFromFlags({ window: '' })).toThrow(/option W/);
    expect(() => optionsFromFlags({ layers: '1,,2' })).toThrow(/layers/);
    expect(() => optionsFromFlags({ sink: 'maybe' })).toThrow(/sink/);
    expect(() => optionsFromFlags({ heads: '[oops' })).toThrow(/heads/);
  });
});
