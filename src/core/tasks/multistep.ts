/**
 * Multi-step arithmetic evaluated one operation per line.
 *   prompt:   "(12+7)*3-5=?\n"
 *   solution: "12+7=19\n19*3=57\n57-5=52\nA:52"
 * Steps follow the expression tree in post-order (left subtree, right subtree, node), the order a
 * person evaluates it. Generated expressions use + - * with every intermediate in 0..999.
 */
import { makeResult, splitCompletion } from './completion';
import { bin, evaluate, formatExpr, num, parseExpr, type Expr, type Op } from './expr';
import type { Rng } from './prng';
import type { Problem, TaskSpec, VerifyOptions, VerifyResult } from './types';

interface LevelSpec {
  ops: number;
  max: number;
}
const LEVELS: Record<number, LevelSpec> = {
  1: { ops: 2, max: 9 },
  2: { ops: 3, max: 20 },
  3: { ops: 4, max: 30 },
  4: { ops: 5, max: 50 },
};
export const MULTISTEP_LEVELS = [1, 2, 3, 4] as const;
const MAX_INTERMEDIATE = 999;

/** Post-order steps and value of an integer +,-,* tree. */
export function multistepSteps(e: Expr): { steps: string[]; value: bigint } {
  if (e.kind === 'num') return { steps: [], value: e.value };
  const l = multistepSteps(e.left);
  const r = multistepSteps(e.right);
  const value =
    e.op === '+'
      ? l.value + r.value
      : e.op === '-'
        ? l.value - r.value
        : e.op === '*'
          ? l.value * r.value
          : l.value / r.value;
  return { steps: [...l.steps, ...r.steps, `${l.value}${e.op}${r.value}=${value}`], value };
}

/** A random tree with `ops` operators, or undefined if the drawn ops break the 0..999 rule. */
function randomTree(rng: Rng, ops: number, max: number): { expr: Expr; value: number } | undefined {
  if (ops === 0) {
    const v = rng.int(1, max);
    return { expr: num(v), value: v };
  }
  const leftOps = rng.int(0, ops - 1);
  const l = randomTree(rng, leftOps, max);
  const r = randomTree(rng, ops - 1 - leftOps, max);
  if (!l || !r) return undefined;
  const candidates: [Op, number][] = [
    ['+', l.value + r.value],
    ['-', l.value - r.value],
    ['*', l.value * r.value],
  ];
  const ok = candidates.filter(([, v]) => v >= 0 && v <= MAX_INTERMEDIATE);
  if (ok.length === 0) return undefined;
  const [op, value] = rng.pick(ok);
  return { expr: bin(op, l.expr, r.expr), value };
}

export function makeMultistepProblem(expr: Expr, level: number): Problem {
  const { steps, value } = multistepSteps(expr);
  return {
    task: 'multistep',
    level,
    prompt: `${formatExpr(expr)}=?\n`,
    solution: [...steps, `A:${value}`].join('\n'),
    answer: String(value),
  };
}

function generate(rng: Rng, level: number): Problem {
  const spec = LEVELS[level] ?? LEVELS[1];
  for (;;) {
    const t = randomTree(rng, spec.ops, spec.max);
    if (t) return makeMultistepProblem(t.expr, level);
  }
}

const PROMPT_RE = /^([0-9+\-*/()]{1,120})=\?\n?$/;
const STEP_RE = /^\d{1,9}[-+*/]\d{1,9}=-?\d{1,12}$/;
const ANSWER_RE = /^-?\d{1,30}$/;

function verify(prompt: string, completion: string, opts?: VerifyOptions): VerifyResult {
  const m = typeof prompt === 'string' ? PROMPT_RE.exec(prompt) : null;
  const parsed = m ? parseExpr(m[1]) : undefined;
  const value = parsed?.ok ? evaluate(parsed.expr) : undefined;
  if (!value || value.den !== 1n) return makeResult(false, false, undefined, 'prompt is not a multistep problem', opts);
  const parts = splitCompletion(completion);
  if (parts.answer === undefined) return makeResult(false, false, undefined, parts.error, opts);
  const answerOk = ANSWER_RE.test(parts.answer);
  const formatOk =
    answerOk && parts.trailing === 0 && parts.steps.length > 0 && parts.steps.every((s) => STEP_RE.test(s));
  if (!answerOk) return makeResult(false, false, parts.answer, 'answer is not an integer', opts);
  return makeResult(BigInt(parts.answer) === value.num, formatOk, parts.answer, 'wrong answer', opts);
}

export const multistepTask: TaskSpec = {
  name: 'multistep',
  levels: MULTISTEP_LEVELS,
  describeLevel: (level) => {
    const s = LEVELS[level] ?? LEVELS[1];
    return `${s.ops} operations (+ - *), operands 1..${s.max}`;
  },
  generate,
  verify,
};
