/**
 * Countdown (TinyZero style): combine every given number exactly once with + - * / to reach the target.
 *   prompt:   "3,5,7=22?\n"
 *   solution: "3*5=15\n15+7=22\nA:3*5+7"
 * Steps combine two available values into a new one (all intermediates positive integers, as in the
 * game); the "A:" line is the whole expression. The verifier checks only the "A:" expression: parsed by
 * our own recursive-descent parser, literals must be exactly the given multiset, evaluated exactly.
 */
import { makeResult, splitCompletion } from './completion';
import { bin, evaluate, formatExpr, literals, num, parseExpr, type Expr, type Op } from './expr';
import type { Rng } from './prng';
import { equalsInt } from './rational';
import type { Problem, TaskSpec, VerifyOptions, VerifyResult } from './types';

interface LevelSpec {
  count: number;
  max: number;
  targetMin: number;
  targetMax: number;
}
const LEVELS: Record<number, LevelSpec> = {
  1: { count: 3, max: 9, targetMin: 10, targetMax: 60 },
  2: { count: 3, max: 25, targetMin: 10, targetMax: 99 },
  3: { count: 4, max: 20, targetMin: 10, targetMax: 99 },
  4: { count: 4, max: 50, targetMin: 10, targetMax: 200 },
};
export const COUNTDOWN_LEVELS = [1, 2, 3, 4] as const;

interface Node {
  value: number;
  expr: Expr;
  steps: string[];
}

/**
 * Depth-first search over "pick two values, combine, recurse" in a fixed order (pairs i<j, then
 * + * - /, the larger value first for - and /). Calls visit(node) for every full combination; stops when
 * visit returns true. Deterministic, so the first solution found is the reference solution.
 */
function search(nodes: Node[], visit: (n: Node) => boolean): boolean {
  if (nodes.length === 1) return visit(nodes[0]);
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const [x, y] = nodes[i].value >= nodes[j].value ? [nodes[i], nodes[j]] : [nodes[j], nodes[i]];
      const rest = nodes.filter((_, k) => k !== i && k !== j);
      const options: [Op, number][] = [
        ['+', x.value + y.value],
        ['*', x.value * y.value],
      ];
      if (x.value > y.value) options.push(['-', x.value - y.value]);
      if (y.value > 1 && x.value % y.value === 0) options.push(['/', x.value / y.value]);
      for (const [op, value] of options) {
        const node: Node = {
          value,
          expr: bin(op, x.expr, y.expr),
          steps: [...x.steps, ...y.steps, `${x.value}${op}${y.value}=${value}`],
        };
        if (search([...rest, node], visit)) return true;
      }
    }
  }
  return false;
}

const leaves = (values: number[]): Node[] => values.map((v) => ({ value: v, expr: num(v), steps: [] }));

/** A reference solution for the instance, or undefined when none exists (with positive integer steps). */
export function solveCountdown(numbers: number[], target: number): { steps: string[]; expression: string } | undefined {
  let found: Node | undefined;
  search(leaves(numbers), (n) => {
    if (n.value !== target) return false;
    found = n;
    return true;
  });
  return found && { steps: found.steps, expression: formatExpr(found.expr) };
}

export function makeCountdownProblem(numbers: number[], target: number, level: number): Problem | undefined {
  const sol = solveCountdown(numbers, target);
  if (!sol) return undefined;
  return {
    task: 'countdown',
    level,
    prompt: `${numbers.join(',')}=${target}?\n`,
    solution: [...sol.steps, `A:${sol.expression}`].join('\n'),
    answer: sol.expression,
  };
}

function generate(rng: Rng, level: number): Problem {
  const spec = LEVELS[level] ?? LEVELS[1];
  for (;;) {
    const numbers = Array.from({ length: spec.count }, () => rng.int(1, spec.max));
    // Every reachable target in range, in sorted order, so the choice depends only on the rng.
    const reachable = new Set<number>();
    search(leaves(numbers), (n) => {
      if (n.value >= spec.targetMin && n.value <= spec.targetMax) reachable.add(n.value);
      return false;
    });
    if (reachable.size === 0) continue;
    const target = rng.pick([...reachable].sort((a, b) => a - b));
    return makeCountdownProblem(numbers, target, level)!;
  }
}

const PROMPT_RE = /^(\d{1,6}(?:,\d{1,6}){1,5})=(\d{1,9})\?\n?$/;
const STEP_RE = /^\d{1,9}[-+*/]\d{1,9}=\d{1,12}$/;

function sameMultiset(a: bigint[], b: bigint[]): boolean {
  if (a.length !== b.length) return false;
  const sa = a.map(String).sort();
  const sb = b.map(String).sort();
  return sa.every((v, i) => v === sb[i]);
}

function verify(prompt: string, completion: string, opts?: VerifyOptions): VerifyResult {
  const m = typeof prompt === 'string' ? PROMPT_RE.exec(prompt) : null;
  if (!m) return makeResult(false, false, undefined, 'prompt is not a countdown problem', opts);
  const numbers = m[1].split(',').map((s) => BigInt(s));
  const target = BigInt(m[2]);
  const parts = splitCompletion(completion);
  if (parts.answer === undefined) return makeResult(false, false, undefined, parts.error, opts);
  const parsed = parseExpr(parts.answer);
  const formatOk = parsed.ok && parts.trailing === 0 && parts.steps.every((s) => STEP_RE.test(s));
  if (!parsed.ok) return makeResult(false, false, parts.answer, `bad expression: ${parsed.error}`, opts);
  // Multiset first: it rejects huge or foreign literals before any arithmetic happens.
  if (!sameMultiset(literals(parsed.expr), numbers)) {
    return makeResult(false, formatOk, parts.answer, 'does not use each given number exactly once', opts);
  }
  const value = evaluate(parsed.expr);
  if (!value) return makeResult(false, formatOk, parts.answer, 'division by zero', opts);
  return makeResult(equalsInt(value, target), formatOk, parts.answer, 'wrong value', opts);
}

export const countdownTask: TaskSpec = {
  name: 'countdown',
  levels: COUNTDOWN_LEVELS,
  describeLevel: (level) => {
    const s = LEVELS[level] ?? LEVELS[1];
    return `${s.count} numbers in 1..${s.max}, target ${s.targetMin}..${s.targetMax}`;
  },
  generate,
  verify,
};
