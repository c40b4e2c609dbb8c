/**
 * `rhythmscope rl`: GRPO fine-tuning with attention-weighted credit on a built-in task (Node; the app runs the
 * same src/core/rl code in a Web Worker). One JSON line per step to --out (docs/rl.md).
 */
import { appendFileSync, unlinkSync } from 'node:fs';
import { InputError } from '../core/errors';
import { writeFileAtomic } from '../core/io/node-atomic';
import { RL_STRATEGIES, resolveRlOptions, type RlOptions } from '../core/rl/options';
import { RlRun } from '../core/rl/run';
import { loadPolicy } from '../core/rl/load-policy';
import { TASK_NAMES } from '../core/tasks/index';
import { checkpointFiles } from '../core/train/checkpoint';
import { writeCheckpointDir } from '../core/train/checkpoint-node';
import { registerGradientsNode } from '../core/train/gradients-node';
import { formatFlags, parseArgs, type FlagSpecs, type ParsedFlags } from './args';
import { checkOutputPath, note, openModel } from './common';

/** Flags shared with `rhythmscope experiment` (everything but model, strategy, seed and output). */
export const RUN_FLAGS = {
  task: { type: 'string', choices: TASK_NAMES, required: true, help: 'verifiable task' },
  level: { type: 'int', required: true, help: 'task level (1..4)' },
  steps: { type: 'int', default: 100, help: 'RL steps (one batch of rollouts each)' },
  prompts: { type: 'int', default: 16, help: 'prompts per step' },
  group: { type: 'int', default: 8, help: 'sampled responses per prompt (G ≥ 2)' },
  temperature: { type: 'number', value: 'T', default: 1, help: 'rollout sampling temperature (> 0)' },
  'max-tokens': { type: 'int', default: 96, help: 'new tokens per response at most' },
  lr: { type: 'number', value: 'X', default: 1e-4, help: 'Adam learning rate (constant)' },
  'clip-norm': { type: 'number', value: 'C', default: 1, help: 'global gradient-norm clip (0 = off)' },
  'clip-eps': { type: 'number', value: 'E', default: 0.2, help: 'PPO clip ε' },
  'micro-batches': {
    type: 'int',
    default: 2,
    help: 'gradient steps per batch (rows split into this many micro-batches)',
  },
  epochs: { type: 'int', default: 1, help: 'passes over each batch' },
  'kl-coef': { type: 'number', value: 'B', default: 0, help: 'k3 KL to the starting model (0 = off, as the paper)' },
  'entropy-coef': { type: 'number', value: 'C', default: 0, help: 'entropy bonus (0 = off, as the paper)' },
  'format-credit': { type: 'number', value: 'R', default: 0, help: 'reward of a well-formed wrong answer' },
  'eval-problems': { type: 'int', default: 64, help: 'held-out problems for greedy accuracy (0 = none)' },
  'eval-every': { type: 'int', default: 10, help: 'evaluate every N steps and after the last' },
  'attention-pass': {
    type: 'string',
    choices: ['needed', 'always'],
    default: 'needed',
    help: 'attention pass only for rows with Â ≠ 0 (needed) or for all rows',
  },
  'old-logprobs': {
    type: 'string',
    choices: ['recompute', 'rollout'],
    default: 'recompute',
    help: 'π_old from a recomputed forward (exact ratio 1) or the sampler (saves a forward)',
  },
  'zero-advantage-rows': {
    type: 'string',
    choices: ['drop', 'keep'],
    default: 'drop',
    help: 'leave rows with Â = 0 out of the update (no gradient without KL/entropy terms)',
  },
  'credit-sign': {
    type: 'string',
    choices: ['v2', 'v1'],
    default: 'v2',
    help: 'signs of Â the γ strategies and hicra shape: both (v2) or only Â ≥ 0 (v1)',
  },
  'planning-set': {
    type: 'string',
    choices: ['anchor', 'grams'],
    default: 'anchor',
    help: "hicra's planning tokens: rhythm anchors or the batch's strategic 3–5-grams",
  },
  'capo-penalty': {
    type: 'number',
    value: 'X',
    default: 1,
    help: 'capo: extra −X on the tokens of a wrong step (> 0)',
  },
  'pure-temperature': {
    type: 'number',
    value: 'T',
    default: 0.1,
    help: 'pure: temperature of the min-form step weights softmax(−r/T) (> 0)',
  },
  q: { type: 'number', help: 'rhythm: top-q fraction (default 0.4)' },
  'gamma-amp': { type: 'number', help: 'rhythm: γ_amp (default 1.5)' },
  alpha: { type: 'number', help: 'rhythm: coupled α (default 0.5)' },
  'hicra-coef': { type: 'number', help: 'rhythm: HICRA coefficient (default 0.2)' },
  window: { type: 'number', value: 'W', help: 'rhythm: WAAD window (default 10)' },
  'h-lo': { type: 'int', help: 'rhythm: FAI H_lo (default 10)' },
  'h-hi': { type: 'number', allowInf: true, help: 'rhythm: FAI H_hi (default 100; inf allowed)' },
} as const satisfies FlagSpecs;

const FLAGS = {
  model: {
    type: 'string',
    value: 'DIR',
    required: true,
    help: 'model folder (config.json, model.safetensors, char_vocab.json), or a .zip of one',
  },
  strategy: {
    type: 'string',
    default: 'uniform',
    help: `credit strategy: ${RL_STRATEGIES.join(', ')} (kebab case accepted; capo and pure also read the task's step checker)`,
  },
  seed: { type: 'int', default: 0, help: 'seed of problems, sampling and the random strategy' },
  out: { type: 'string', value: 'FILE', required: true, help: 'run log, one JSON line per step (.jsonl)' },
  save: { type: 'string', value: 'DIR', help: 'write the fine-tuned model there (HF layout)' },
  ...RUN_FLAGS,
} as const satisfies FlagSpecs;

export const help = `GRPO fine-tuning with per-token credit (uniform, local-chunk, global-anchor, coupled, random, high-entropy, hicra, tempo, entropy-minority)
Usage: rhythmscope rl --model DIR --task T --level L --strategy S --steps N --group G --seed K --out run.jsonl

Writes one JSON line per step (step, mean_reward, heldout_accuracy when evaluated, mean_length, entropy,
amplified_share, clip_fraction, time_ms per phase; see docs/rl.md). Ctrl-C stops after the current step and
keeps the lines so far in FILE.partial.

Options:
${formatFlags(FLAGS)}`;

type RunFlags = ParsedFlags<typeof RUN_FLAGS>;

/** RlOptions from parsed flags; every range check is resolveRlOptions's (InputError naming the field). */
export function optionsFromFlags(a: RunFlags, strategy: string, seed: number): RlOptions {
  const rhythm: Record<string, unknown> = {};
  const map: [keyof RunFlags, string][] = [
    ['q', 'q'],
    ['gamma-amp', 'gamma_amp'],
    ['alpha', 'alpha'],
    ['hicra-coef', 'hicraCoef'],
    ['window', 'W'],
    ['h-lo', 'H_lo'],
    ['h-hi', 'H_hi'],
  ];
  for (const [flag, key] of map) if (a[flag] !== undefined) rhythm[key] = a[flag];
  const withFlag = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof InputError && e.where.field) {
        const flag = e.where.field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        throw new InputError(e.reason, { field: `--${flag}` });
      }
      throw e;
    }
  };
  return withFlag(() =>
    resolveRlOptions({
      task: a.task!,
      level: a.level!,
      strategy: strategy as RlOptions['strategy'],
      seed,
      steps: a.steps,
      prompts: a.prompts,
      group: a.group,
      temperature: a.temperature,
      maxTokens: a['max-tokens'],
      lr: a.lr,
      clipNorm: a['clip-norm'],
      clipEps: a['clip-eps'],
      microBatches: a['micro-batches'],
      epochs: a.epochs,
      klCoef: a['kl-coef'],
      entropyCoef: a['entropy-coef'],
      formatCredit: a['format-credit'],
      evalProblems: a['eval-problems'],
      evalEvery: a['eval-every'],
      attentionPass: a['attention-pass'] as RlOptions['attentionPass'],
      oldLogProbs: a['old-logprobs'] as RlOptions['oldLogProbs'],
      zeroAdvantageRows: a['zero-advantage-rows'] as RlOptions['zeroAdvantageRows'],
      rhythm,
      creditSign: a['credit-sign'] as RlOptions['creditSign'],
      planningSet: a['planning-set'] as RlOptions['planningSet'],
      capoPenalty: a['capo-penalty'],
      pureTemperature: a['pure-temperature'],
    }),
  );
}

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, FLAGS, 'rl');
  const options = optionsFromFlags(a, a.strategy!, a.seed!);
  await checkOutputPath(a.out!);
  const init = await loadPolicy(await openModel(a.model!));
  await registerGradientsNode();
  const partial = `${a.out}.partial`;
  const lines: string[] = [];
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const run = new RlRun(init, options);
  try {
    appendFileSync(partial, '', { flag: 'w' });
    note(
      `[rl] ${options.task}:${options.level} strategy ${options.strategy} seed ${options.seed}: ${options.steps} steps × ${options.prompts} prompts × G ${options.group}`,
    );
    const summary = await run.run({
      signal: controller.signal,
      onLine: (line) => {
        const text = JSON.stringify(line);
        lines.push(text);
        appendFileSync(partial, `${text}\n`);
        const acc =
          line.heldout_accuracy !== undefined ? ` | held-out ${(100 * line.heldout_accuracy).toFixed(1)}%` : '';
        note(
          `[rl] step ${line.step}/${options.steps} | reward ${line.mean_reward.toFixed(3)}${acc} | len ${line.mean_length.toFixed(1)} | amp ${line.amplified_share.toFixed(2)} | clip ${line.clip_fraction.toFixed(3)} | ${(line.time_ms.total / 1000).toFixed(2)} s${line.nan_abort ? ' | NaN: update skipped' : ''}`,
        );
      },
    });
    if (summary.aborted) {
      note(`[rl] stopped after ${summary.steps} steps; lines so far in ${partial}`);
      return 130;
    }
    await writeFileAtomic(a.out!, lines.map((l) => `${l}\n`).join(''));
    unlinkSync(partial);
    note(
      `[rl] held-out accuracy ${fmt(summary.initialAccuracy)} → ${fmt(summary.finalAccuracy)}; ${summary.nanAborts} NaN aborts; log ${a.out}`,
    );
    if (a.save) {
      await writeCheckpointDir(a.save, checkpointFiles(init.config, run.trainer.weights(), init.tokenizerFiles));
      note(`[rl] fine-tuned model written to ${a.save}`);
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    run.dispose();
  }
}

const fmt = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);
