/**
 * Experiment throughput: the same small comparison (strategies × seeds) run one after another in this process and
 * then by the experiment's worker-process pool (src/cli/experiment-pool.ts, --jobs = the cores), in runs per hour.
 * The pool's time includes starting its workers (tsx, wasm, model load), as `rhythmscope experiment` pays it.
 * The machine may be shared: the load average before and after is printed beside the numbers. 8 runs (2 strategies
 * × 4 seeds) of 10 steps of 8 prompts × G 8: a worker's start (tsx, the wasm module, gradients, the model) and its
 * first, slower steps are paid once per worker, and with fewer runs per worker they would be most of the gap.
 */
import * as tf from '@tensorflow/tfjs-core';
import { availableParallelism, loadavg } from 'node:os';
import { runPool } from '../src/cli/experiment-pool';
import { openModelFiles } from '../src/core/io/node-files';
import { loadPolicy } from '../src/core/rl/load-policy';
import { resolveRlOptions, type RlStrategy } from '../src/core/rl/options';
import { RlRun } from '../src/core/rl/run';

export async function benchThroughput(model: string, flag: (name: string, fallback: string) => string): Promise<void> {
  const strategies = flag('tp-strategies', 'uniform,coupled').split(',') as RlStrategy[];
  const seeds = flag('tp-seeds', '0,1,2,3').split(',').map(Number);
  const steps = Number(flag('tp-steps', '10'));
  const options = strategies.flatMap((strategy) =>
    seeds.map((seed) =>
      resolveRlOptions({
        task: flag('task', 'addition'),
        level: Number(flag('level', '4')),
        strategy,
        seed,
        steps,
        prompts: Number(flag('tp-prompts', '8')),
        group: Number(flag('tp-group', '8')),
        evalProblems: 0,
      }),
    ),
  );
  const jobs = Number(flag('jobs', String(availableParallelism())));
  const load0 = loadavg();
  const o = options[0];
  console.log(
    `\nthroughput: ${options.length} runs (${strategies.join(', ')} × seeds ${seeds.join(',')}), ${steps} steps of ${o.prompts} prompts × G ${o.group} on ${o.task}:${o.level}, ${tf.getBackend()}; ${availableParallelism()} cores; load average ${load0.map((x) => x.toFixed(2)).join(' ')}`,
  );
  const init = await loadPolicy(await openModelFiles(model));
  const s0 = performance.now();
  const serialLines: string[] = [];
  for (const opt of options) {
    const run = new RlRun(init, opt);
    try {
      serialLines.push(JSON.stringify((await run.run()).lines.map(({ time_ms: _t, ...l }) => l)));
    } finally {
      run.dispose();
    }
  }
  const serialS = (performance.now() - s0) / 1000;
  const p0 = performance.now();
  const parallelLines: string[] = [];
  // Each worker's start: from the fork to its first step's line, less the step itself.
  const startS: number[] = [];
  const workerOf = new Map<number, number>();
  await runPool(options, {
    model,
    backend: tf.getBackend() === 'cpu' ? 'cpu' : 'wasm',
    jobs,
    signal: new AbortController().signal,
    onStart: (i, w) => void workerOf.set(i, w),
    onLine: (i, line) => {
      const w = workerOf.get(i)!;
      startS[w] ??= (performance.now() - p0 - line.time_ms.total) / 1000;
    },
    onDone: async (i, d) => void (parallelLines[i] = JSON.stringify(d.lines.map(({ time_ms: _t, ...l }) => l))),
  });
  const parallelS = (performance.now() - p0) / 1000;
  const load1 = loadavg();
  const same = serialLines.every((l, i) => l === parallelLines[i]);
  const perHour = (s: number) => ((options.length * 3600) / s).toFixed(0);
  console.log('\n| mode | wall s | runs per hour |\n|---|---|---|');
  console.log(`| serial (one process) | ${serialS.toFixed(1)} | ${perHour(serialS)} |`);
  console.log(`| parallel (--jobs ${jobs}) | ${parallelS.toFixed(1)} | ${perHour(parallelS)} |`);
  console.log(`worker start (fork → first step, less the step): ${startS.map((x) => x.toFixed(1)).join(', ')} s`);
  console.log(
    `speed-up ${(serialS / parallelS).toFixed(2)}× (target ≥ 1.8× on 2 cores); run logs identical: ${same ? 'yes' : 'NO'}; load average after ${load1.map((x) => x.toFixed(2)).join(' ')}`,
  );
}
