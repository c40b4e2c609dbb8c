import { describe, expect, it } from 'vitest';
import { interpolateViridis, color } from 'd3';
import {
  autoDomain,
  colorOf,
  formatTick,
  lutIndex,
  LUT_SIZE,
  makeLut,
  makeNormalizer,
  MASKED_INDEX,
  MASKED_RGBA,
  scaleTicks,
  SCHEMES,
} from './scales';
import { HEAD_CLASS_COLORS, ROLE_COLORS, STRATEGY_COLORS } from './palette';

describe('makeNormalizer', () => {
  it('linear maps the domain onto [0,1] and clamps', () => {
    const n = makeNormalizer('linear', [2, 6]);
    expect(n(2)).toBe(0);
    expect(n(3)).toBeCloseTo(0.25, 12);
    expect(n(6)).toBe(1);
    expect(n(-10)).toBe(0);
    expect(n(100)).toBe(1);
    expect(n(NaN)).toBe(0);
  });
  it('log maps decades evenly (1e-3..1e-1: 1e-2 is the middle)', () => {
    const n = makeNormalizer('log', [1e-3, 1e-1]);
    expect(n(1e-2)).toBeCloseTo(0.5, 12);
    expect(n(1e-3)).toBeCloseTo(0, 12);
    expect(n(0)).toBe(0); // zero clamps to the floor instead of -Infinity
    expect(n(0.1)).toBeCloseTo(1, 12);
  });
  it('log clamps the domain to the floor', () => {
    const n = makeNormalizer('log', [0, 1], 1e-4);
    expect(n(1e-2)).toBeCloseTo(0.5, 12); // log10 range -4..0, -2 is the middle
  });
  it('sqrt: 0.25 of [0,1] is at 0.5', () => {
    expect(makeNormalizer('sqrt', [0, 1])(0.25)).toBeCloseTo(0.5, 12);
  });
  it('degenerate domain gives 0 / 1 without NaN', () => {
    const n = makeNormalizer('linear', [3, 3]);
    expect(n(3)).toBe(0);
    expect(n(4)).toBe(1);
  });
});

describe('makeLut', () => {
  it('has LUT_SIZE colours plus the masked slot, endpoints equal to d3', () => {
    const lut = makeLut('viridis');
    expect(lut.length).toBe((LUT_SIZE + 1) * 4);
    const first = color(interpolateViridis(0))!.rgb();
    const last = color(interpolateViridis(1))!.rgb();
    expect([lut[0], lut[1], lut[2], lut[3]]).toEqual([
      Math.round(first.r),
      Math.round(first.g),
      Math.round(first.b),
      255,
    ]);
    const e = (LUT_SIZE - 1) * 4;
    expect([lut[e], lut[e + 1], lut[e + 2]]).toEqual([Math.round(last.r), Math.round(last.g), Math.round(last.b)]);
    expect(Array.from(lut.slice(MASKED_INDEX * 4, MASKED_INDEX * 4 + 4))).toEqual(MASKED_RGBA);
    expect([lut[0], lut[1], lut[2]]).toEqual([0x44, 0x01, 0x54]); // viridis' known dark purple
  });
  it('every scheme is monotone in lightness or diverging, and all are distinct', () => {
    for (const s of Object.values(SCHEMES)) {
      const lut = makeLut(s.name);
      const lum = (i: number) => 0.2126 * lut[i * 4] + 0.7152 * lut[i * 4 + 1] + 0.0722 * lut[i * 4 + 2];
      if (s.kind === 'sequential') expect(lum(LUT_SIZE - 1)).toBeGreaterThan(lum(0) + 100);
      else expect(lum(127)).toBeGreaterThan(lum(0));
    }
  });
  it('lutIndex maps t to 0..LUT_SIZE-1', () => {
    expect(lutIndex(0)).toBe(0);
    expect(lutIndex(1)).toBe(LUT_SIZE - 1);
    expect(lutIndex(0.5)).toBe(127);
  });
});

describe('colorOf', () => {
  it('matches the interpolator at the normalised position', () => {
    const c = colorOf({ scheme: 'cividis', mode: 'linear', domain: [0, 2] });
    expect(c(1)).toBe(SCHEMES.cividis.interpolate(0.5));
  });
});

describe('autoDomain', () => {
  it('linear: min..max of finite values', () => {
    expect(autoDomain([3, NaN, -1, Infinity, 2], 'linear')).toEqual([-1, 3]);
  });
  it('log: smallest positive, but at most 4 decades below the max', () => {
    expect(autoDomain([0, 0.01, 0.5], 'log')).toEqual([0.01, 0.5]);
    expect(autoDomain([0, 1e-9, 1], 'log')).toEqual([1e-4, 1]);
  });
  it('diverging is symmetric, empty and constant inputs stay usable', () => {
    expect(autoDomain([-1, 3], 'linear', 'diverging')).toEqual([-3, 3]);
    expect(autoDomain([], 'linear')).toEqual([0, 1]);
    expect(autoDomain([5, 5], 'linear')).toEqual([0, 5]);
    expect(autoDomain([0, 0], 'log')).toEqual([1e-4, 1]);
  });
});

describe('ticks and labels', () => {
  it('log ticks are decades inside the domain', () => {
    expect(scaleTicks('log', [3e-4, 0.5])).toEqual([1e-3, 1e-2, 1e-1]);
    expect(scaleTicks('log', [1e-4, 1])).toEqual([1e-4, 1e-3, 1e-2, 1e-1, 1]);
  });
  it('log ticks use 1-2-5 steps inside a single decade and thin out many decades', () => {
    expect(scaleTicks('log', [0.0201, 0.9999])).toEqual([0.05, 0.1, 0.2, 0.5]);
    expect(scaleTicks('log', [1e-9, 1])).toEqual([1e-9, 1e-7, 1e-5, 1e-3, 1e-1]);
  });
  it('linear ticks are nice steps', () => {
    expect(scaleTicks('linear', [0, 1], 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(scaleTicks('linear', [0, 37], 4)).toEqual([0, 10, 20, 30]);
  });
  it('formatTick is compact', () => {
    expect(formatTick(0.001)).toBe('1e-3');
    expect(formatTick(0.005)).toBe('5e-3');
    expect(formatTick(0.25)).toBe('0.25');
    expect(formatTick(12)).toBe('12');
    expect(formatTick(0)).toBe('0');
  });
});

describe('palette', () => {
  it('every categorical colour parses and the classes differ', () => {
    for (const c of [
      ...Object.values(HEAD_CLASS_COLORS),
      ...Object.values(ROLE_COLORS),
      ...Object.values(STRATEGY_COLORS),
    ])
      expect(color(c), c).not.toBeNull();
    expect(new Set(Object.values(HEAD_CLASS_COLORS)).size).toBe(3);
    expect(new Set(Object.values(ROLE_COLORS)).size).toBe(4);
  });
});
