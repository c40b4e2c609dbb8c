/**
 * Multi-digit addition with a digit-by-digit scratchpad.
 *   prompt:   "347+85=?\n"
 *   solution: "7+5=2 c1\n4+8+1=3 c1\n3+0+1=4 c0\nA:432"
 * One line per column, least significant first: the two digits (the shorter operand padded with 0),
 * "+1" when a carry comes in, "=" the result digit, " c" the carry out. Then the sum.
 * Level L: both operands have exactly L+2 digits (1..4 = 3..6 digits), leading digit non-zero. Equal
 * lengths keep each column's digits at fixed prompt positions per level, which a small model learns far
 * faster; the verifier accepts any lengths (and the scratchpad pads the shorter operand with 0).
 */
import { makeResult, splitCompletion } from './completion';
import type { Rng } from './prng';
import type { Problem, TaskSpec, VerifyOptions, VerifyResult } from './types';

export const ADDITION_LEVELS = [1, 2, 3, 4] as const;
const digitsForLevel = (level: number): number => level + 2;

function randomDigits(rng: Rng, n: number): string {
  let s = String(rng.int(1, 9));
  for (let i = 1; i < n; i++) s += String(rng.int(0, 9));
  return s;
}

/** The scratchpad lines for a + b (decimal digit strings without signs). */
export function additionSteps(a: string, b: string): { steps: string[]; sum: string } {
  const n = Math.max(a.length, b.length);
  const pa = a.padStart(n, '0');
  const pb = b.padStart(n, '0');
  const steps: string[] = [];
  let carry = 0;
  let sum = '';
  for (let i = n - 1; i >= 0; i--) {
    const da = pa.charCodeAt(i) - 48;
    const db = pb.charCodeAt(i) - 48;
    const total = da + db + carry;
    steps.push(`${da}+${db}${carry ? '+1' : ''}=${total % 10} c${total >= 10 ? 1 : 0}`);
    sum = String(total % 10) + sum;
    carry = total >= 10 ? 1 : 0;
  }
  if (carry) sum = '1' + sum;
  return { steps, sum };
}

export function makeAdditionProblem(a: string, b: string, level: number): Problem {
  const { steps, sum } = additionSteps(a, b);
  return { task: 'addition', level, prompt: `${a}+${b}=?\n`, solution: [...steps, `A:${sum}`].join('\n'), answer: sum };
}

function generate(rng: Rng, level: number): Problem {
  const n = digitsForLevel(level);
  return makeAdditionProblem(randomDigits(rng, n), randomDigits(rng, n), level);
}

const PROMPT_RE = /^(\d{1,40})\+(\d{1,40})=\?\n?$/;
const STEP_RE = /^\d\+\d(\+1)?=\d c[01]$/;
const ANSWER_RE = /^\d{1,42}$/;

function verify(prompt: string, completion: string, opts?: VerifyOptions): VerifyResult {
  const m = typeof prompt === 'string' ? PROMPT_RE.exec(prompt) : null;
  if (!m) return makeResult(false, false, undefined, 'prompt is not an addition problem', opts);
  const parts = splitCompletion(completion);
  const formatOk =
    !parts.error &&
    parts.trailing === 0 &&
    parts.answer !== undefined &&
    ANSWER_RE.test(parts.answer) &&
    parts.steps.length === Math.max(m[1].length, m[2].length) &&
    parts.steps.every((s) => STEP_RE.test(s));
  if (parts.answer === undefined) return makeResult(false, formatOk, undefined, parts.error, opts);
  if (!ANSWER_RE.test(parts.answer)) return makeResult(false, formatOk, parts.answer, 'answer is not a number', opts);
  const correct = BigInt(parts.answer) === BigInt(m[1]) + BigInt(m[2]);
  return makeResult(correct, formatOk, parts.answer, 'wrong answer', opts);
}

export const additionTask: TaskSpec = {
  name: 'addition',
  levels: ADDITION_LEVELS,
  describeLevel: (level) => `${digitsForLevel(level)}-digit addition with a carry scratchpad`,
  generate,
  verify,
};
