/**
 * RL step time by phase (rollout, attention pass, metrics, update) on a model folder, wasm in Node.
 *   npx tsx bench/rl.ts [--model DIR] [--task addition --level 4] [--prompts 16 --group 8] [--steps 4]
 *     [--attention-pass needed|always] [--old-logprobs recompute|rollout] [--part steps|throughput]
 *     [--jobs N --tp-strategies a,b --tp-seeds 0,1 --tp-steps 10 --tp-prompts 8 --tp-group 8]
 * Default model: public/models/rhythm-mini if present; default step: the target, 16 prompts × G 8 at
 * addition level 4 (the level with headroom that the comparison trains on) with the trainer's defaults
 * (attention pass for rows with a nonzero advantage, fused into the π_old forward). `--attention-pass always`
 * analyses every row (the paper's cost setting) so its share is measured even when rewards are flat. Reports wall and process CPU time
 * (the machine is shared: CPU time is the steadier number), medians over the measured steps after one warm-up.
 * Then the experiment throughput, serial vs the worker-process pool (./rl-throughput.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { cpuMs, median } from './stats';
import { existsSync } from 'node:fs';
import { openModelFiles } from '../src/core/io/node-files';
import { loadPolicy } from '../src/core/rl/load-policy';
import { resolveRlOptions, type RlStrategy } from '../src/core/rl/options';
import { RlTrainer } from '../src/core/rl/trainer';
import { registerGradientsNode } from '../src/core/train/gradients-node';
import { fastBatchMatMulActive } from '../src/core/kernels/batch-matmul';
import { benchThroughput } from './rl-throughput';

/** `--name value` (bench/rl.ts run directly) or `--name=value` (through npm run bench, which takes bare words as names). */
function flag(name: string, fallback: string): string {
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (eq) return eq.slice(name.length + 3);
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

export async function benchRl(): Promise<void> {
  const model = flag('model', existsSync('public/models/rhythm-mini/config.json') ? 'public/models/rhythm-mini' : '');
  if (!model) throw new Error('no model: pass --model DIR (public/models/rhythm-mini is not there yet)');
  await registerGradientsNode();
  await tf.setBackend('wasm');
  const part = flag('part', 'all');
  if (part !== 'throughput') await benchSteps(model);
  if (part !== 'steps') await benchThroughput(model, flag);
}

/** Step time by phase. */
async function benchSteps(model: string): Promise<void> {
  const init = await loadPolicy(await openModelFiles(model));
  const steps = Number(flag('steps', '4'));
  const options = resolveRlOptions({
    task: flag('task', 'addition'),
    level: Number(flag('level', '4')),
    strategy: flag('strategy', 'coupled') as RlStrategy,
    prompts: Number(flag('prompts', '16')),
    group: Number(flag('group', '8')),
    steps: steps + 1,
    attentionPass: flag('attention-pass', 'needed') as 'always' | 'needed',
    evalProblems: 0,
    oldLogProbs: flag('old-logprobs', 'recompute') as 'recompute' | 'rollout',
  });
  const trainer = new RlTrainer(init, options);
  const c = init.config;
  console.log(
    `model ${model}: ${c.n_layer} layers × ${c.n_head} heads × ${c.n_embd}, ${trainer.policy.numParams} params; backend ${tf.getBackend()}, SIMD attention kernel ${fastBatchMatMulActive() ? 'on' : 'OFF'}`,
  );
  console.log(
    `step = ${options.prompts} prompts × G ${options.group} on ${options.task}:${options.level}, strategy ${options.strategy}, ${options.microBatches} micro-batches, π_old ${options.oldLogProbs}`,
  );
  const rows: {
    total: number;
    cpu: number;
    rollout: number;
    attention: number;
    metrics: number;
    update: number;
    len: number;
  }[] = [];
  for (let s = 0; s <= steps; s++) {
    const c0 = cpuMs();
    const line = (await trainer.trainStep())!;
    const cpu = cpuMs() - c0;
    const t = line.time_ms;
    console.log(
      `step ${s}${s === 0 ? ' (warm-up)' : ''}: total ${t.total.toFixed(0)} ms (cpu ${cpu.toFixed(0)}) | rollout ${t.rollout.toFixed(0)} | attention ${t.attention.toFixed(0)} | metrics ${t.metrics.toFixed(0)} | update ${t.update.toFixed(0)} | mean length ${line.mean_length.toFixed(1)} | analyzed rows ${line.analyzed_rows}`,
    );
    if (s > 0)
      rows.push({
        total: t.total,
        cpu,
        rollout: t.rollout,
        attention: t.attention,
        metrics: t.metrics,
        update: t.update,
        len: line.mean_length,
      });
  }
  const m = (k: keyof (typeof rows)[number]) => median(rows.map((r) => r[k]));
  const total = m('total');
  console.log('\n| phase | median ms | share of step |\n|---|---|---|');
  for (const k of ['rollout', 'attention', 'metrics', 'update'] as const)
    console.log(`| ${k} | ${m(k).toFixed(0)} | ${((100 * m(k)) / total).toFixed(1)}% |`);
  console.log(`| step (wall) | ${total.toFixed(0)} | |\n| step (process CPU) | ${m('cpu').toFixed(0)} | |`);
  console.log(
    `attention pass + credit: ${((100 * (m('attention') + m('metrics'))) / total).toFixed(1)}% of the step (target ≤ 10%); step ${(total / 1000).toFixed(2)} s wall, ${(m('cpu') / 1000).toFixed(2)} s CPU (target < 3 s)`,
  );
  trainer.dispose();
}

if (import.meta.url === `file://${process.argv[1]}`) await benchRl();
