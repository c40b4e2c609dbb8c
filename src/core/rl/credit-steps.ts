/**
 * From a rollout's responses to step-verified credit: each response's completion goes through its task's step
 * checker (../tasks/steps.ts), the checked lines are mapped onto response tokens, and the group's CAPO- or
 * PURE-style credit is computed (token-credit-steps.ts).
 */
import { checkSteps, type StepCheck } from '../tasks/steps';
import type { TaskName } from '../tasks/types';
import type { Tokenizer } from '../tokenizer/types';
import { capoCredit, pureCredit, type StepCredit, type StepTokens } from './token-credit-steps';

/**
 * Character offset where each token's text starts in decode(ids), plus the total length at the end (length n + 1).
 * Token texts are decoded one by one when they add up to the whole decode (character vocabularies, most BPE
 * tokens); otherwise the lengths of the decoded prefixes, made non-decreasing.
 */
export function tokenCharStarts(tokenizer: Pick<Tokenizer, 'decode'>, ids: number[]): number[] {
  const starts = [0];
  const pieces = ids.map((id) => tokenizer.decode([id]));
  if (pieces.join('') === tokenizer.decode(ids)) {
    for (const p of pieces) starts.push(starts[starts.length - 1] + p.length);
    return starts;
  }
  for (let t = 1; t <= ids.length; t++) starts.push(tokenizer.decode(ids.slice(0, t)).length);
  // A prefix that ends inside a character may decode longer than the next one ("\uFFFD\uFFFD" before "€").
  for (let t = ids.length - 1; t >= 0; t--) starts[t] = Math.min(starts[t], starts[t + 1]);
  return starts;
}

/**
 * The step of every response token: a token belongs to the line its first character falls in, a line counting
 * together with the "\n" that ends it; tokens of the answer line, after it, and the end token belong to none (−1).
 * `starts` are the body's token offsets (tokenCharStarts); `n` the response length (body plus a possible end token).
 */
export function stepOfTokens(check: StepCheck, starts: number[], n: number): StepTokens {
  const step = new Int32Array(n).fill(-1);
  let k = 0;
  for (let t = 0; t < Math.min(n, starts.length - 1); t++) {
    const c = starts[t];
    while (k < check.spans.length && c > check.spans[k][1]) k++; // span end + 1 is the line's "\n"
    if (k < check.spans.length && c >= check.spans[k][0]) step[t] = k;
  }
  return { step, correct: check.correct };
}

export type StepStrategy = 'capo' | 'pure';

export interface StepRows {
  task: TaskName;
  /** Prompt text of each row. */
  prompts: string[];
  /** Response ids of each row (a trailing end token allowed). */
  responses: number[][];
  rewards: number[];
  /** Rows per group (rows g·G … g·G + G − 1 share a prompt). */
  group: number;
  eosId: number;
}

/** Step-verified credit of every row, with each row's wrong-step token count (the run log's amplified share). */
export function stepCredit(
  strategy: StepStrategy,
  rows: StepRows,
  tokenizer: Pick<Tokenizer, 'decode'>,
  std: 'population' | 'sample' = 'population',
  params: { capoPenalty?: number; pureTemperature?: number } = {},
): { credit: StepCredit[]; wrongTokens: number[] } {
  const G = rows.group;
  const tokens = rows.responses.map((ids, r) => {
    const body = ids[ids.length - 1] === rows.eosId ? ids.slice(0, -1) : ids;
    const starts = tokenCharStarts(tokenizer, body);
    const completion = tokenizer.decode(body);
    return stepOfTokens(checkSteps(rows.task, rows.prompts[r], completion), starts, ids.length);
  });
  const credit: StepCredit[] = [];
  for (let g = 0; g * G < rows.responses.length; g++) {
    const steps = tokens.slice(g * G, (g + 1) * G);
    const rewards = rows.rewards.slice(g * G, (g + 1) * G);
    credit.push(
      ...(strategy === 'capo'
        ? capoCredit(rewards, steps, std, params.capoPenalty)
        : pureCredit(rewards, steps, params.pureTemperature)),
    );
  }
  const wrongTokens = tokens.map((s) => Array.from(s.step).filter((k) => k >= 0 && !s.correct[k]).length);
  return { credit, wrongTokens };
}
