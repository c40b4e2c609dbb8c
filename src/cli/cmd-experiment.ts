/**
 * `rhythmscope experiment`: the strategy comparison. Runs strategies × seeds, each from the same starting model,
 * --jobs at a time in worker processes (./experiment-pool.ts; --jobs 1: one after another in this process, the same
 * logs), and writes to --out-dir:
 *   runs/<strategy>-seed<k>.jsonl   each run's log (a finished run found there is reused: the experiment resumes)
 *   summary.md, summary.csv         final held-out accuracy and reward AUC, mean ± 95% CI over seeds
 *   curves.csv, curves.svg          per-step curves (long CSV) and the plot
 *   experiment.json                 the exact command and options
 * The summary files are rewritten after every run, so an interrupted experiment still has a table; a run's log
 * is written (atomically) only once it has finished, so Ctrl-C leaves no partial run behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { InputError, isInputError } from '../core/errors';
import { writeFileAtomic } from '../core/io/node-atomic';
import { curvesCsv, summarize, summaryCsv, summaryMarkdown, type RunResult } from '../core/rl/experiment';
import { loadPolicy } from '../core/rl/load-policy';
import { parseStrategy, RL_STRATEGIES, type RlOptions, type RlStrategy } from '../core/rl/options';
import { comparisonSvg } from '../core/rl/plot';
import { RlRun } from '../core/rl/run';
import { parseRunLog, type RunLogLine } from '../core/rl/runlog';
import { registerGradientsNode } from '../core/train/gradients-node';
import { formatFlags, parseArgs, type FlagSpecs } from './args';
import { optionsFromFlags, RUN_FLAGS } from './cmd-rl';
import { note, openModel } from './common';
import { runPool, type RunDone } from './experiment-pool';

const FLAGS = {
  model: { type: 'string', value: 'DIR', required: true, help: 'starting model folder, or a .zip of one' },
  strategies: {
    type: 'string',
    value: 'LIST',
    default: 'uniform,local_chunk,global_anchor,coupled,random',
    help: `comma-separated (${RL_STRATEGIES.join(', ')})`,
  },
  seeds: { type: 'ints', value: 'N,N,…', default: '0,1,2', help: 'seeds' },
  jobs: {
    type: 'int',
    value: 'N',
    help: `runs at a time, one per worker process (default: the number of cores, here ${availableParallelism()}; 1 = in this process)`,
  },
  'out-dir': {
    type: 'string',
    value: 'DIR',
    required: true,
    help: 'output folder (created; finished runs in it are reused)',
  },
  ...RUN_FLAGS,
} as const satisfies FlagSpecs;

export const help = `Strategy comparison: strategies × seeds RL runs, table (mean ± 95% CI) and plot
Usage: rhythmscope experiment --model DIR --task T --level L --steps N --strategies a,b --seeds 0,1,2 --out-dir DIR

Options:
${formatFlags(FLAGS)}`;

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, FLAGS, 'experiment');
  const strategies = a.strategies!.split(',').map((s) => {
    try {
      return parseStrategy(s);
    } catch (e) {
      if (isInputError(e)) throw new InputError(e.reason, { field: '--strategies' });
      throw e;
    }
  });
  const seeds: number[] = Array.isArray(a.seeds) ? a.seeds : String(a.seeds).split(',').map(Number);
  if (new Set(strategies).size !== strategies.length)
    throw new InputError('a strategy is listed twice', { field: '--strategies' });
  if (seeds.length === 0 || new Set(seeds).size !== seeds.length)
    throw new InputError('give distinct seeds', { field: '--seeds' });
  // Seed-major order: an experiment stopped early still has every strategy on the first seeds.
  const plans = seeds.flatMap((seed) =>
    strategies.map((s) => ({ strategy: s, seed, options: optionsFromFlags(a, s, seed) })),
  );
  const dir = a['out-dir']!;
  mkdirSync(join(dir, 'runs'), { recursive: true });
  const init = await loadPolicy(await openModel(a.model!));
  await registerGradientsNode();
  await writeFileAtomic(
    join(dir, 'experiment.json'),
    JSON.stringify(
      {
        command: `rhythmscope experiment ${argv.join(' ')}`,
        model: a.model,
        strategies,
        seeds,
        options: plans[0].options,
        node: process.version,
      },
      null,
      2,
    ) + '\n',
  );

  const jobs = a.jobs ?? availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1) throw new InputError('must be a whole number ≥ 1', { field: '--jobs' });
  const done = new Map<number, RunResult>();
  const todo: number[] = [];
  for (const [i, p] of plans.entries()) {
    const r = reusedRun(dir, p);
    if (r) {
      done.set(i, r);
      note(`[experiment] ${i + 1}/${plans.length} ${p.strategy} seed ${p.seed}: reused ${runFile(dir, p)}`);
    } else todo.push(i);
  }
  const title = `${plans[0].options.task}:${plans[0].options.level}, ${plans[0].options.prompts} prompts × G ${plans[0].options.group}, ${plans[0].options.steps} steps`;
  // Outputs in plan order whatever order the runs finish in; one write at a time.
  let writing = Promise.resolve();
  const ordered = () => [...done].sort((x, y) => x[0] - y[0]).map(([, r]) => r);
  const finish = async (i: number, s: RunDone) => {
    const p = plans[i];
    const file = runFile(dir, p);
    await writeFileAtomic(file, s.lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    await writeFileAtomic(
      `${file}.meta.json`,
      JSON.stringify({
        initialAccuracy: s.initialAccuracy,
        finalAccuracy: s.finalAccuracy,
        nanAborts: s.nanAborts,
        options: p.options,
      }) + '\n',
    );
    done.set(i, { strategy: p.strategy, seed: p.seed, lines: s.lines, initialAccuracy: s.initialAccuracy });
    note(`[experiment] finished ${done.size}/${plans.length}: ${p.strategy} seed ${p.seed}`);
    writing = writing.then(() => writeOutputs(dir, ordered(), title));
    await writing;
  };
  const progress = (i: number, l: RunLogLine, who = '') => {
    if (l.step % 5 === 0 || l.heldout_accuracy !== undefined)
      note(
        `[experiment]   ${who}${plans[i].strategy} seed ${plans[i].seed} step ${l.step} reward ${l.mean_reward.toFixed(3)}${l.heldout_accuracy !== undefined ? ` held-out ${(100 * l.heldout_accuracy).toFixed(1)}%` : ''} ${(l.time_ms.total / 1000).toFixed(1)} s`,
      );
  };

  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    let aborted = false;
    if (jobs > 1 && todo.length > 1) {
      const backend = tf.getBackend() === 'cpu' ? 'cpu' : 'wasm';
      note(`[experiment] ${todo.length} runs on ${Math.min(jobs, todo.length)} worker processes (${backend})`);
      const res = await runPool(
        todo.map((i) => plans[i].options),
        {
          model: a.model!,
          backend,
          jobs,
          signal: controller.signal,
          onStart: (k, w) =>
            note(
              `[experiment] worker ${w}: ${todo[k] + 1}/${plans.length} ${plans[todo[k]].strategy} seed ${plans[todo[k]].seed}: ${plans[todo[k]].options.steps} steps`,
            ),
          onLine: (k, l) => progress(todo[k], l, `[${k}] `),
          onDone: (k, s) => finish(todo[k], s),
        },
      );
      aborted = res.aborted;
    } else {
      for (const i of todo) {
        const p = plans[i];
        note(`[experiment] ${i + 1}/${plans.length} ${p.strategy} seed ${p.seed}: ${p.options.steps} steps`);
        const rlRun = new RlRun(init, p.options);
        try {
          const s = await rlRun.run({ signal: controller.signal, onLine: (l) => progress(i, l) });
          if (s.aborted) {
            aborted = true;
            break;
          }
          await finish(i, s);
        } finally {
          rlRun.dispose();
        }
      }
    }
    if (aborted) {
      note('[experiment] interrupted; finished runs are kept and reused next time');
      return 130;
    }
    const results = ordered();
    await writeOutputs(dir, results, title);
    process.stdout.write(summaryMarkdown(summarize(results), results[0]?.initialAccuracy ?? null));
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

interface Plan {
  strategy: RlStrategy;
  seed: number;
  options: RlOptions;
}

const runFile = (dir: string, p: Plan) => join(dir, 'runs', `${p.strategy}-seed${p.seed}.jsonl`);

/** A finished run of this plan found in the folder (log with every step + its meta file), else null. */
function reusedRun(dir: string, p: Plan): RunResult | null {
  const file = runFile(dir, p);
  const meta = `${file}.meta.json`;
  if (!existsSync(file) || !existsSync(meta)) return null;
  const lines = parseRunLog(readFileSync(file, 'utf8'), file);
  if (lines.length !== p.options.steps) return null;
  return {
    strategy: p.strategy,
    seed: p.seed,
    lines,
    initialAccuracy: JSON.parse(readFileSync(meta, 'utf8')).initialAccuracy,
  };
}

async function writeOutputs(dir: string, results: RunResult[], title: string): Promise<void> {
  const rows = summarize(results);
  await writeFileAtomic(join(dir, 'summary.md'), summaryMarkdown(rows, results[0]?.initialAccuracy ?? null));
  await writeFileAtomic(join(dir, 'summary.csv'), summaryCsv(rows));
  await writeFileAtomic(join(dir, 'curves.csv'), curvesCsv(results));
  await writeFileAtomic(join(dir, 'curves.svg'), comparisonSvg(results, title));
}
