import { describe, expect, it } from 'vitest';
import { displayToken, tokenLabel } from './display';

describe('displayToken', () => {
  it('makes whitespace visible and marks it escaped', () => {
    expect(displayToken(' the')).toEqual({
      text: '␣the',
      parts: [
        { text: '␣', escaped: true },
        { text: 'the', escaped: false },
      ],
      escaped: true,
      newline: false,
    });
    expect(displayToken('\n\n').text).toBe('↵↵');
    expect(displayToken('\n').newline).toBe(true);
    expect(displayToken('\t\r\u00a0').text).toBe('⇥␍⍽');
  });

  it('keeps ordinary text (including markup) unchanged, as text', () => {
    const t = '<b>&amp;</b>';
    expect(displayToken(t)).toEqual({ text: t, parts: [{ text: t, escaped: false }], escaped: false, newline: false });
    expect(displayToken('<img src=x onerror=alert(1)>').text).toBe('<img␣src=x␣onerror=alert(1)>');
    expect(displayToken('é字🙂').text).toBe('é字🙂');
  });

  it('shows control characters and the empty token', () => {
    expect(displayToken('\u0000\u001b').text).toBe('␀␛');
    expect(displayToken('\u0085').text).toBe('\\x85');
    expect(displayToken('')).toMatchObject({ text: '∅', escaped: true });
  });

  it('labels are single-line and cut with an ellipsis', () => {
    expect(tokenLabel(' hello\nworld', 8)).toBe('␣hello↵…');
    expect(tokenLabel('abc', 8)).toBe('abc');
    expect(tokenLabel('🙂🙂🙂', 2)).toBe('🙂…');
  });
});
