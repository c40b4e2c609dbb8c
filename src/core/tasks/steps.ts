/**
 * Rule-based step checkers: per scratchpad line of a completion, where the line is and whether the step is correct.
 * Each task judges its lines by its own scratchpad format (README.md). Hostile or malformed prompts and completions
 * never throw; an unreadable prompt marks every line wrong.
 */
import { additionSteps } from './addition';
import { parseExpr, type Op } from './expr';
import type { TaskName } from './types';

/** The scratchpad lines (before the first "A:" line), their character spans and whether each step is correct. */
export interface StepCheck {
  lines: string[];
  /** [start, end) of each line in the completion's characters (the line's own text, without its "\n"). */
  spans: [number, number][];
  correct: boolean[];
}

interface Lines {
  lines: string[];
  spans: [number, number][];
}

/** Lines before the answer line ("A:…") with their spans; a final empty line (the last step's "\n") is dropped. */
function splitScratchpad(completion: string): Lines {
  const text = typeof completion === 'string' ? completion : String(completion ?? '');
  const lines: string[] = [];
  const spans: [number, number][] = [];
  for (let start = 0; start <= text.length;) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(start, end);
    if (line.startsWith('A:')) break;
    lines.push(line);
    spans.push([start, end]);
    start = end + 1;
  }
  if (lines.length > 0 && lines[lines.length - 1] === '') {
    lines.pop();
    spans.pop();
  }
  return { lines, spans };
}

/** The lines of a completion before its answer line ("A:…"); the answer line and what follows are not steps. */
export function scratchpadLines(completion: string): string[] {
  return splitScratchpad(completion).lines;
}

/**
 * Addition ("a+b=?"): line k must be column k from the right, "d_a+d_b[+1]=digit cCarry", with the digit and the
 * carry of the true sum (and the incoming carry written as "+1"). Lines past the last column are wrong.
 */
export function checkAdditionSteps(prompt: string, completion: string): StepCheck {
  const { lines, spans } = splitScratchpad(completion);
  const m = /^(\d{1,64})\+(\d{1,64})=\?\n?$/.exec(String(prompt));
  const expected = m ? additionSteps(m[1], m[2]).steps : [];
  return { lines, spans, correct: lines.map((l, k) => k < expected.length && l === expected[k]) };
}

/** "x op y=z" with plain decimal operands (the scratchpad grammar of multistep and Countdown). */
const EQUATION_RE = /^(\d{1,12})([-+*/])(\d{1,12})=(-?\d{1,15})$/;

function parseEquation(line: string): { x: bigint; op: Op; y: bigint; z: bigint } | undefined {
  const m = line.length <= 64 ? EQUATION_RE.exec(line) : null;
  return m ? { x: BigInt(m[1]), op: m[2] as Op, y: BigInt(m[3]), z: BigInt(m[4]) } : undefined;
}

/** x op y when it is an integer (division only when exact and by a non-zero divisor). */
function apply(x: bigint, op: Op, y: bigint): bigint | undefined {
  if (op === '+') return x + y;
  if (op === '-') return x - y;
  if (op === '*') return x * y;
  return y !== 0n && x % y === 0n ? x / y : undefined;
}

/** A token of an expression being evaluated: a value or one of + - * / ( ). */
type Tok = bigint | string;

const PREC: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2 };

function tokenize(expr: string): Tok[] {
  return unwrap((expr.match(/\d+|[-+*/()]/g) ?? []).map((t) => (/\d/.test(t) ? BigInt(t) : t)));
}

/** "(v)" is just v. */
function unwrap(tokens: Tok[]): Tok[] {
  for (let i = 1; i + 1 < tokens.length;)
    if (tokens[i - 1] === '(' && typeof tokens[i] === 'bigint' && tokens[i + 1] === ')') {
      tokens.splice(i - 1, 3, tokens[i]);
      i = Math.max(1, i - 1);
    } else i++;
  return tokens;
}

/**
 * Whether "x op y" at tokens[i..i+2] may be evaluated first without changing the expression's value: the operator
 * on its left must bind less tightly, or be the same associative one (a+(b-c) = a+b-c, a*(b/c) = a*b/c); the one on
 * its right must not bind more tightly (left to right at equal precedence).
 */
function contractible(tokens: Tok[], i: number, op: string): boolean {
  const left = tokens[i - 1];
  const right = tokens[i + 3];
  const leftOk =
    left === undefined ||
    left === '(' ||
    PREC[left as string] < PREC[op] ||
    (PREC[left as string] === PREC[op] && (left === '+' || left === '*'));
  const rightOk = right === undefined || right === ')' || PREC[right as string] <= PREC[op];
  return leftOk && rightOk;
}

/**
 * Multistep ("(12+7)*3-5=?"): each line "x op y=z" must evaluate one operation of the expression as it stands
 * after the earlier correct lines, z the exact result: "x op y" must appear in it (y op x for + and *) where
 * evaluating it first keeps the expression's value (precedence, parentheses, left to right; regrouping a chain of
 * + and - or of * and / is allowed), and the expression then has z in its place. Any order the expression allows
 * is accepted; a wrong line computes nothing, so lines built on its value are wrong too.
 */
export function checkMultistepSteps(prompt: string, completion: string): StepCheck {
  const { lines, spans } = splitScratchpad(completion);
  const m = /^([0-9+\-*/()]{1,120})=\?\n?$/.exec(String(prompt));
  const tokens: Tok[] = m && parseExpr(m[1]).ok ? tokenize(m[1]) : [];
  const correct = lines.map((line) => {
    const eq = parseEquation(line);
    if (!eq || apply(eq.x, eq.op, eq.y) !== eq.z) return false;
    const commutes = eq.op === '+' || eq.op === '*';
    for (let i = 0; i + 2 < tokens.length; i++) {
      const [a, o, b] = [tokens[i], tokens[i + 1], tokens[i + 2]];
      if (o !== eq.op || typeof a !== 'bigint' || typeof b !== 'bigint') continue;
      if (!((a === eq.x && b === eq.y) || (commutes && a === eq.y && b === eq.x))) continue;
      if (!contractible(tokens, i, eq.op)) continue;
      tokens.splice(i, 3, eq.z);
      unwrap(tokens);
      return true;
    }
    return false;
  });
  return { lines, spans, correct };
}

/**
 * Countdown ("3,5,7=22?"): each line "x op y=z" must combine two values still available — the given numbers, each
 * usable once, and results of earlier correct lines — into a positive integer z = x op y (exact division). A correct
 * line uses up x and y and makes z available; a wrong line changes nothing. The line that leaves a single value must
 * reach the target, and lines after that have nothing left to combine.
 */
export function checkCountdownSteps(prompt: string, completion: string): StepCheck {
  const { lines, spans } = splitScratchpad(completion);
  const m = /^(\d{1,6}(?:,\d{1,6}){1,5})=(\d{1,9})\?\n?$/.exec(String(prompt));
  const pool: bigint[] = m ? m[1].split(',').map((s) => BigInt(s)) : [];
  const target = m ? BigInt(m[2]) : -1n;
  const take = (v: bigint, from: bigint[]): boolean => {
    const i = from.indexOf(v);
    if (i >= 0) from.splice(i, 1);
    return i >= 0;
  };
  const correct = lines.map((line) => {
    const eq = parseEquation(line);
    if (!eq || pool.length < 2) return false;
    const rest = [...pool];
    if (!take(eq.x, rest) || !take(eq.y, rest)) return false;
    const z = apply(eq.x, eq.op, eq.y);
    if (z === undefined || z <= 0n || z !== eq.z) return false;
    if (rest.length === 0 && z !== target) return false;
    pool.splice(0, pool.length, ...rest, z);
    return true;
  });
  return { lines, spans, correct };
}

const CHECKERS: Record<TaskName, (prompt: string, completion: string) => StepCheck> = {
  addition: checkAdditionSteps,
  countdown: checkCountdownSteps,
  multistep: checkMultistepSteps,
};

/** The task's step checker on one completion (an unknown task marks every line wrong). */
export function checkSteps(task: TaskName, prompt: string, completion: string): StepCheck {
  const check = CHECKERS[task];
  if (check) return check(prompt, completion);
  const { lines, spans } = splitScratchpad(completion);
  return { lines, spans, correct: lines.map(() => false) };
}
