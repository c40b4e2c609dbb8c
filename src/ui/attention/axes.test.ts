import { describe, expect, it } from 'vitest';
import { tokenTicks } from './axes';
import { displayToken, escapeXml, slug } from '../figures/text';

describe('tokenTicks', () => {
  const tokens = ['a', ' ', 'b\n', 'c', 'd'];
  it('labels every visible token when cells are wide', () => {
    const t = tokenTicks(tokens, 1, 3, -20, 20, 60);
    expect(t).toEqual([
      { index: 1, px: 10, label: '␣' },
      { index: 2, px: 30, label: 'b↵' },
      { index: 3, px: 50, label: 'c' },
    ]);
  });
  it('uses numeric nice ticks for narrow cells', () => {
    const toks = Array.from({ length: 1000 }, (_, i) => `t${i}`);
    const t = tokenTicks(toks, 0, 999, 0, 0.5, 500);
    expect(t.map((x) => x.label)).toEqual(['0', '100', '200', '300', '400', '500', '600', '700', '800', '900']); // 500 px / 60 → 8 ticks → step 100
    expect(t[2].px).toBeCloseTo(100.25, 9); // (200 + 0.5) · 0.5
  });
  it('empty range gives no ticks', () => {
    expect(tokenTicks(tokens, 3, 2, 0, 20, 100)).toEqual([]);
  });
});

describe('token text', () => {
  it('makes whitespace and control characters visible and truncates', () => {
    expect(displayToken(' ')).toBe('␣');
    expect(displayToken('\u0001x')).toBe('\\x01x');
    expect(displayToken('')).toBe('∅');
    expect(displayToken('abcdefghij', 5)).toBe('abcd…');
  });
  it('escapeXml neutralises markup', () => {
    expect(escapeXml('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeXml(`"a" & 'b'`)).toBe('&quot;a&quot; &amp; &apos;b&apos;');
    expect(escapeXml('a\u0000b')).toBe('ab');
  });
  it('slug', () => {
    expect(slug('Layer 1 · head 2')).toBe('layer-1-head-2');
    expect(slug('***')).toBe('figure');
  });
});
