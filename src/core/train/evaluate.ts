/**
 * Task evaluation of a language model: greedy accuracy, pass@1 at temperature 1, pass@k, mean length,
 * format-error rate. Generation goes through a Generator: the inference runtime's generate() (any model,
 * KV cache, one sequence at a time) or the batched lockstep decoder for our own checkpoints.
 */
import { InputError } from '../errors';
import { generate } from '../model/generate';
import type { CausalLM } from '../model/types';
import { generateProblems, mixSeed, verifyCompletion, type TaskName } from '../tasks/index';
import type { Tokenizer } from '../tokenizer/types';
import { BatchedLM, type WeightMap } from '../rl/batched';
import { sampleRows } from '../rl/rollout';
import type { ModelConfig } from '../model/types';

/** Continues every prompt; returns the new ids per row (end token included when it stopped the row). */
export type Generator = (
  prompts: number[][],
  temperature: number,
  seeds: number[],
  maxNewTokens: number,
) => Promise<number[][]>;

/** One sequence at a time through the inference runtime's generate() (KV cache). Works for any CausalLM. */
export function runtimeGenerator(model: CausalLM, stopId?: number, signal?: AbortSignal): Generator {
  return async (prompts, temperature, seeds, maxNewTokens) => {
    const out: number[][] = [];
    for (let i = 0; i < prompts.length; i++) {
      const maxTokens = Math.max(1, Math.min(maxNewTokens, model.config.n_positions - prompts[i].length));
      const res = await generate(model, prompts[i], {
        maxTokens,
        temperature,
        seed: seeds[i],
        stopTokens: stopId === undefined ? [] : [stopId],
        signal,
      });
      out.push(res.ids);
    }
    return out;
  };
}

/**
 * Many sequences at once through the model's batched KV-cache decoder (../rl/batched.ts, the same Decoder as
 * everything else); much faster for tiny models. Reads live weights (a GPT2Train's variables, or any HF-named map).
 */
export function batchedGenerator(
  model: { config: ModelConfig; vars: WeightMap },
  stopId: number | undefined,
  batchSize = 256,
): Generator {
  // The end token stops a row and pads finished ones; a tokenizer without one cannot drive the batched decoder.
  if (stopId === undefined)
    throw new InputError('the batched decoder needs an end token; the tokenizer has none', { field: 'eos_token' });
  const lm = new BatchedLM(model.config, model.vars);
  return async (prompts, temperature, seeds, maxNewTokens) => {
    const out: number[][] = [];
    for (let i = 0; i < prompts.length; i += batchSize) {
      const chunk = prompts.slice(i, i + batchSize);
      const res = await sampleRows(lm, chunk, {
        maxTokens: maxNewTokens,
        temperature,
        seeds: seeds.slice(i, i + batchSize),
        eosId: stopId,
      });
      out.push(...res.responses);
    }
    return out;
  };
}

export interface EvalOptions {
  task: TaskName;
  level: number;
  /** Problems for greedy accuracy. */
  n: number;
  /** Problems (the first ones) that also get k samples for pass@1 / pass@k; default n. */
  nSampled?: number;
  seed: number;
  /** Samples per problem for pass@1 / pass@k (0 = greedy only). */
  k: number;
  temperature: number;
  /** Cap on new tokens (the formats need < 160 characters in all). */
  maxTokens?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface EvalRow {
  task: TaskName;
  level: number;
  /** Problems behind greedy accuracy, mean length and format errors. */
  n: number;
  /** Problems behind pass@1 and pass@k. */
  nSampled: number;
  k: number;
  seed: number;
  temperature: number;
  /** Share of problems whose greedy completion is correct. */
  greedy: number;
  /** Mean over problems of (correct samples)/k at the temperature — the unbiased pass@1 estimate. */
  pass1: number;
  /** Share of problems with at least one correct sample among k. */
  passK: number;
  /** Mean tokens of the greedy completions (end token included). */
  meanLength: number;
  /** Share of greedy completions that are not well-formed (VerifyResult.formatOk false). */
  formatErrors: number;
  seconds: number;
}

export async function evaluateTask(gen: Generator, tokenizer: Tokenizer, o: EvalOptions): Promise<EvalRow> {
  const t0 = Date.now();
  const problems = generateProblems(o.task, o.level, o.n, o.seed);
  const prompts = problems.map((p) => tokenizer.encodePrompt(p.prompt));
  const maxNew = o.maxTokens ?? 160;
  const nSampled = Math.min(o.nSampled ?? o.n, o.n);
  const total = o.n + nSampled * o.k;
  let greedy = 0;
  let length = 0;
  let formatErrors = 0;
  const outs = await gen(
    prompts,
    0,
    prompts.map(() => 0),
    maxNew,
  );
  outs.forEach((ids, i) => {
    const r = verifyCompletion(o.task, problems[i].prompt, tokenizer.decode(ids));
    greedy += r.correct ? 1 : 0;
    formatErrors += r.formatOk ? 0 : 1;
    length += ids.length;
  });
  o.onProgress?.(o.n, total);
  let pass1 = 0;
  let passK = 0;
  if (o.k > 0 && nSampled > 0) {
    const rows = Array.from({ length: nSampled * o.k }, (_, j) => Math.floor(j / o.k));
    const samples = await gen(
      rows.map((i) => prompts[i]),
      o.temperature,
      rows.map((_, j) => mixSeed(o.seed, j)),
      maxNew,
    );
    const correct = new Array(nSampled).fill(0);
    samples.forEach((ids, j) => {
      if (verifyCompletion(o.task, problems[rows[j]].prompt, tokenizer.decode(ids)).correct) correct[rows[j]]++;
    });
    pass1 = correct.reduce((a, c) => a + c / o.k, 0) / nSampled;
    passK = correct.filter((c) => c > 0).length / nSampled;
    o.onProgress?.(total, total);
  }
  const n = Math.max(problems.length, 1);
  return {
    task: o.task,
    level: o.level,
    n: problems.length,
    nSampled: o.k ? nSampled : 0,
    k: o.k,
    seed: o.seed,
    temperature: o.temperature,
    greedy: greedy / n,
    pass1: o.k ? pass1 : NaN,
    passK: o.k ? passK : NaN,
    meanLength: length / n,
    formatErrors: formatErrors / n,
    seconds: (Date.now() - t0) / 1000,
  };
}

const pct = (x: number): string => (Number.isNaN(x) ? '–' : `${(100 * x).toFixed(1)}%`);

/** Markdown table of evaluation rows. */
export function formatEvalTable(rows: EvalRow[]): string {
  const k = rows[0]?.k ?? 8;
  const T = rows[0]?.temperature ?? 1;
  const head = `| task | level | n (greedy) | greedy acc | n (sampled) | pass@1 (T=${T}) | pass@${k} | mean length | format errors |\n|---|---|---|---|---|---|---|---|---|`;
  const body = rows.map(
    (r) =>
      `| ${r.task} | ${r.level} | ${r.n} | ${pct(r.greedy)} | ${r.nSampled} | ${pct(r.pass1)} | ${pct(r.passK)} | ${r.meanLength.toFixed(1)} | ${pct(r.formatErrors)} |`,
  );
  return [head, ...body].join('\n');
}
