import { describe, expect, it } from 'vitest';
import {
  availableSignals,
  formatValue,
  luminance,
  normalize,
  signalColor,
  signalDomain,
  signalDomainFor,
  signalValues,
  textColorOn,
} from './signals';
import { roleCounts, rolesAt } from './roles';
import { smallRecord } from './testRecord';

describe('signals', () => {
  it('lists the record own signals, entropy ones only when known', () => {
    const ids = availableSignals(smallRecord()).map((s) => s.id);
    expect(ids).toEqual([
      'waad',
      'fai',
      'delta',
      'entropy',
      'gamma.uniform',
      'gamma.local_chunk',
      'gamma.global_anchor',
      'gamma.coupled',
      'gamma.random',
      'gamma.high_entropy',
    ]);
    const without = availableSignals(smallRecord(false)).map((s) => s.id);
    expect(without).not.toContain('entropy');
    expect(without).not.toContain('gamma.high_entropy');
    expect(without).toHaveLength(8);
  });

  it('reads values by id', () => {
    const r = smallRecord();
    expect(signalValues(r, 'fai')).toEqual([0.4, 0.1, 0.3, 0]);
    expect(signalValues(r, 'gamma.coupled')).toEqual([1.5, 1.25, 1.25, 1]);
    expect(signalValues(smallRecord(false), 'entropy')).toBeUndefined();
  });

  it('domain ignores non-finite values; constant and empty signals get a unit domain', () => {
    expect(signalDomain([3, NaN, -1, Infinity, 2])).toEqual([-1, 3]);
    expect(signalDomain([1, 1, 1])).toEqual([1, 2]);
    expect(signalDomain([])).toEqual([0, 1]);
  });

  it('γ domains span [1, γ_amp] so strategies compare; other signals use their own range', () => {
    const r = smallRecord();
    expect(signalDomainFor(r, 'gamma.uniform')).toEqual([1, 1.5]);
    expect(signalDomainFor(r, 'gamma.coupled')).toEqual([1, 1.5]);
    expect(signalDomainFor({ ...r, options: { ...r.options, gamma_amp: 2 } }, 'gamma.local_chunk')).toEqual([1, 2]);
    expect(signalDomainFor(r, 'waad')).toEqual([0, 2]);
  });

  it('normalizes by hand: (v − lo)/(hi − lo), clamped', () => {
    expect(normalize(1.5, [1, 3])).toBe(0.25);
    expect(normalize(5, [1, 3])).toBe(1);
    expect(normalize(0, [1, 3])).toBe(0);
    expect(normalize(NaN, [1, 3])).toBeNaN();
    // γ uniform is constant 1: maps to the low end, not NaN.
    expect(normalize(1, signalDomain([1, 1]))).toBe(0);
  });

  it('maps to viridis ends and to transparent for missing values', () => {
    expect(signalColor(0)).toBe('#440154');
    expect(signalColor(1)).toBe('#fde725');
    expect(signalColor(NaN)).toBe('transparent');
    expect(signalColor(0.5, () => 'red')).toBe('red');
  });

  it('picks the more contrasting text colour', () => {
    expect(luminance('#ffffff')).toBeCloseTo(1, 6);
    expect(luminance('#000000')).toBe(0);
    expect(textColorOn('rgb(68, 1, 84)')).toBe('#fff'); // dark purple
    expect(textColorOn('rgb(253, 231, 37)')).toBe('#111'); // yellow
    expect(textColorOn('transparent')).toBe('#111');
  });

  it('formats values compactly', () => {
    expect(formatValue(1.23456)).toBe('1.235');
    expect(formatValue(0)).toBe('0');
    expect(formatValue(2e-5)).toBe('2.00e-5');
    expect(formatValue(undefined)).toBe('–');
    expect(formatValue(Infinity)).toBe('Infinity');
  });
});

describe('roles', () => {
  it('counts |T_loc|, |T_glob|, |D|, |I(D)|', () => {
    expect(roleCounts(smallRecord())).toEqual({ preplan: 2, anchor: 2, dominated: 1, intro: 1 });
  });
  it('lists the roles of one token in legend order', () => {
    const r = smallRecord();
    expect(rolesAt(r, 0)).toEqual(['preplan', 'anchor']);
    expect(rolesAt(r, 2)).toEqual(['anchor', 'dominated']);
    expect(rolesAt(r, 3)).toEqual([]);
  });
});
