import { describe, expect, it } from 'vitest';
import { evaluate, formatExpr, literals, parseExpr } from './expr';

function value(text: string): string {
  const p = parseExpr(text);
  if (!p.ok) return `error: ${p.error}`;
  const v = evaluate(p.expr);
  return v ? (v.den === 1n ? `${v.num}` : `${v.num}/${v.den}`) : 'div0';
}

describe('expression parser', () => {
  it('evaluates with precedence and parentheses, exactly', () => {
    expect(value('3*5+7')).toBe('22');
    expect(value('(12+7)*3-5')).toBe('52');
    expect(value('8-3-2')).toBe('3'); // left associative
    expect(value('8/(3-1)')).toBe('4');
    expect(value('1/3+1/6')).toBe('1/2'); // rationals, not floats
    expect(value('7/2*2')).toBe('7');
    expect(value(' 2 * ( 3 + 4 ) ')).toBe('14');
  });

  it('reports division by zero as a value, not a throw', () => {
    expect(value('1/0')).toBe('div0');
    expect(value('5/(3-3)')).toBe('div0');
  });

  it('rejects malformed and hostile input without throwing', () => {
    for (const bad of [
      '',
      '(',
      '(1+2',
      '1+2)',
      '1+',
      '+1',
      '-1',
      '1++2',
      '()',
      'constructor',
      '__proto__',
      '1+2;process.exit()',
      'this',
      '1e3',
      '0x10',
      '2**3',
      '1 2',
    ]) {
      const p = parseExpr(bad);
      expect(p.ok, bad).toBe(false);
    }
    expect(parseExpr('9'.repeat(400)).ok).toBe(false); // 400-digit literal
    expect(parseExpr('('.repeat(5000) + '1' + ')'.repeat(5000)).ok).toBe(false); // too long / too deep
    expect(parseExpr('1+'.repeat(5000) + '1').ok).toBe(false);
    expect(parseExpr('('.repeat(40) + '1' + ')'.repeat(40)).ok).toBe(false); // too deep even if short
  });

  it('lists literals and prints with minimal parentheses', () => {
    const p = parseExpr('(21+3)/2');
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(literals(p.expr)).toEqual([21n, 3n, 2n]);
    expect(formatExpr(p.expr)).toBe('(21+3)/2');
    for (const s of ['3*5+7', '8-(3-2)', '8/(4/2)', '2*(3+4)', '2*3*4', '(2+3)*(4-1)', '10-2+3']) {
      const q = parseExpr(s);
      expect(q.ok && formatExpr(q.expr)).toBe(s);
    }
  });
});
