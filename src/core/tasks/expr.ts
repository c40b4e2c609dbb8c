/**
 * A small arithmetic expression language shared by the task verifiers and generators:
 *   expr   := term (('+' | '-') term)*
 *   term   := factor (('*' | '/') factor)*
 *   factor := NUMBER | '(' expr ')'
 * Non-negative integer literals only (no unary minus); spaces allowed between tokens. Parsed by recursive descent
 * with hard limits on length, nesting depth and literal size, so hostile input (huge numbers,
 * 10 000 characters, deep parentheses, "constructor") fails fast with an error value — never a
 * throw, never eval/Function. Evaluation is exact (BigInt rationals).
 */
import { add, div, mul, rat, sub, type Rational } from './rational';

export type Op = '+' | '-' | '*' | '/';
export type Expr = { kind: 'num'; value: bigint } | { kind: 'bin'; op: Op; left: Expr; right: Expr };

export interface ParseLimits {
  maxLength: number;
  maxDepth: number;
  maxDigits: number;
}
export const DEFAULT_LIMITS: ParseLimits = { maxLength: 200, maxDepth: 32, maxDigits: 24 };

export type ParseResult = { ok: true; expr: Expr } | { ok: false; error: string };

export function parseExpr(text: string, limits: ParseLimits = DEFAULT_LIMITS): ParseResult {
  if (typeof text !== 'string') return { ok: false, error: 'not a string' };
  if (text.length > limits.maxLength)
    return { ok: false, error: `expression longer than ${limits.maxLength} characters` };
  const src = text;
  let pos = 0;
  // Spaces may separate tokens but never split a number ("1 2" is an error).
  const skipSpaces = (): void => {
    while (src[pos] === ' ') pos++;
  };
  let failure: string | undefined;
  const fail = (msg: string): undefined => {
    failure ??= `${msg} at ${pos}`;
    return undefined;
  };

  const parseFactor = (depth: number): Expr | undefined => {
    if (depth > limits.maxDepth) return fail('nesting too deep');
    skipSpaces();
    const c = src[pos];
    if (c === '(') {
      pos++;
      const inner = parseSum(depth + 1);
      if (!inner) return undefined;
      if (src[pos] !== ')') return fail("expected ')'");
      pos++;
      skipSpaces();
      return inner;
    }
    const start = pos;
    while (pos < src.length && src.charCodeAt(pos) >= 48 && src.charCodeAt(pos) <= 57) pos++;
    if (pos === start) return fail(c === undefined ? 'unexpected end' : `unexpected '${c}'`);
    if (pos - start > limits.maxDigits) return fail('number too long');
    const digits = src.slice(start, pos);
    skipSpaces();
    return { kind: 'num', value: BigInt(digits) };
  };

  const parseProduct = (depth: number): Expr | undefined => {
    let left = parseFactor(depth);
    while (left && (src[pos] === '*' || src[pos] === '/')) {
      const op = src[pos++] as Op;
      const right = parseFactor(depth);
      if (!right) return undefined;
      left = { kind: 'bin', op, left, right };
    }
    return left;
  };

  function parseSum(depth: number): Expr | undefined {
    let left = parseProduct(depth);
    while (left && (src[pos] === '+' || src[pos] === '-')) {
      const op = src[pos++] as Op;
      const right = parseProduct(depth);
      if (!right) return undefined;
      left = { kind: 'bin', op, left, right };
    }
    return left;
  }

  const expr = parseSum(0);
  if (!expr) return { ok: false, error: failure ?? 'parse error' };
  if (pos !== src.length) return { ok: false, error: `unexpected '${src[pos]}' at ${pos}` };
  return { ok: true, expr };
}

/** Exact value, or undefined on division by zero. */
export function evaluate(e: Expr): Rational | undefined {
  if (e.kind === 'num') return rat(e.value);
  const l = evaluate(e.left);
  const r = evaluate(e.right);
  if (!l || !r) return undefined;
  switch (e.op) {
    case '+':
      return add(l, r);
    case '-':
      return sub(l, r);
    case '*':
      return mul(l, r);
    case '/':
      return div(l, r);
  }
}

/** The integer literals in left-to-right order. */
export function literals(e: Expr, out: bigint[] = []): bigint[] {
  if (e.kind === 'num') out.push(e.value);
  else {
    literals(e.left, out);
    literals(e.right, out);
  }
  return out;
}

const PREC: Record<Op, number> = { '+': 1, '-': 1, '*': 2, '/': 2 };

/** Print with the fewest parentheses that keep the same tree value. */
export function formatExpr(e: Expr): string {
  if (e.kind === 'num') return e.value.toString();
  const p = PREC[e.op];
  const side = (child: Expr, isRight: boolean): string => {
    const s = formatExpr(child);
    if (child.kind === 'num') return s;
    const cp = PREC[child.op];
    // Right operand of '-' or '/' needs parentheses at equal precedence: a-(b+c), a/(b*c).
    const needs = cp < p || (isRight && cp === p && (e.op === '-' || e.op === '/'));
    return needs ? `(${s})` : s;
  };
  return `${side(e.left, false)}${e.op}${side(e.right, true)}`;
}

export const num = (v: number | bigint): Expr => ({ kind: 'num', value: BigInt(v) });
export const bin = (op: Op, left: Expr, right: Expr): Expr => ({ kind: 'bin', op, left, right });
