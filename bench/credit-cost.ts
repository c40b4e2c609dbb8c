/**
 * Cost of the credit schemes that need no attention pass, as a share of one RL step: the tasks' step checkers (alone,
 * and with the token mapping and the CAPO/PURE arithmetic) and TEMPO's prefix-tree terms, timed on a real step's
 * rollouts of the built-in model.
 *   npx tsx bench/credit-cost.ts [--model DIR] [--prompts 16 --group 8] [--steps 3] [--repeat 20]
 * For addition level 4 and Countdown level 1: the median wall time of a uniform GRPO step (after one warm-up) is the
 * denominator, the cheapest step there is, so each share is an upper bound; each credit computation is repeated
 * on the same rollouts and its median taken.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { openModelFiles } from '../src/core/io/node-files';
import { stepCredit } from '../src/core/rl/credit-steps';
import { loadPolicy } from '../src/core/rl/load-policy';
import { resolveRlOptions } from '../src/core/rl/options';
import { tempoTerms } from '../src/core/rl/token-credit';
import { RlTrainer } from '../src/core/rl/trainer';
import { checkSteps } from '../src/core/tasks/steps';
import { registerGradientsNode } from '../src/core/train/gradients-node';
import { median } from './stats';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function timeMs(repeat: number, f: () => void): number {
  f(); // warm the JIT
  const ms: number[] = [];
  for (let k = 0; k < repeat; k++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

export async function main(): Promise<void> {
  const model = flag('model', existsSync('public/models/rhythm-mini/config.json') ? 'public/models/rhythm-mini' : '');
  if (!model) throw new Error('no model: pass --model DIR (public/models/rhythm-mini is not there)');
  await registerGradientsNode();
  await tf.setBackend('wasm');
  const init = await loadPolicy(await openModelFiles(model));
  const steps = Number(flag('steps', '3'));
  const repeat = Number(flag('repeat', '20'));
  const rows: string[] = [];
  for (const [task, level] of [
    ['addition', 4],
    ['countdown', 1],
  ] as const) {
    const o = resolveRlOptions({
      task,
      level,
      strategy: 'uniform',
      prompts: Number(flag('prompts', '16')),
      group: Number(flag('group', '8')),
      steps: steps + 1,
      evalProblems: 0,
    });
    const trainer = new RlTrainer(init, o);
    const totals: number[] = [];
    for (let s = 0; s <= steps; s++) {
      const line = (await trainer.trainStep())!;
      if (s > 0) totals.push(line.time_ms.total);
    }
    const step = median(totals);
    // One more step's rollouts (not trained on) as the credit computations' input.
    const ro = (await trainer.rollout(trainer.problemsAt(trainer.step)))!;
    const G = o.group;
    const prompts = ro.responses.map((_, r) => ro.problems[Math.floor(r / G)].prompt);
    const tok = trainer.tokenizer;
    const eosId = tok.eosId!;
    const completions = ro.responses.map((ids) => tok.decode(ids[ids.length - 1] === eosId ? ids.slice(0, -1) : ids));
    const input = { task, prompts, responses: ro.responses, rewards: ro.rewards, group: G, eosId };
    const measured: [string, number][] = [
      ['step checker only', timeMs(repeat, () => completions.forEach((c, r) => checkSteps(task, prompts[r], c)))],
      ['capo (checker + token map + credit)', timeMs(repeat, () => stepCredit('capo', input, tok))],
      ['pure (checker + token map + credit)', timeMs(repeat, () => stepCredit('pure', input, tok))],
      [
        'tempo (prefix-tree terms)',
        timeMs(repeat, () => {
          for (let g = 0; g * G < ro.responses.length; g++)
            tempoTerms(ro.responses.slice(g * G, (g + 1) * G), ro.rewards.slice(g * G, (g + 1) * G));
        }),
      ],
    ];
    const meanLen = ro.responses.reduce((a, r) => a + r.length, 0) / ro.responses.length;
    console.log(
      `${task}:${level}: ${o.prompts} prompts × G ${G}, mean response ${meanLen.toFixed(1)} tokens; uniform step ${step.toFixed(0)} ms (median of ${steps})`,
    );
    for (const [name, ms] of measured)
      rows.push(`| ${task}:${level} | ${name} | ${ms.toFixed(2)} | ${((100 * ms) / step).toFixed(2)}% |`);
    rows.push(`| ${task}:${level} | uniform GRPO step (wall) | ${step.toFixed(0)} | 100% |`);
    trainer.dispose();
  }
  console.log(
    '\n| task | credit computation | median ms per step | share of the step (target ≤ 5%) |\n|---|---|---|---|',
  );
  for (const r of rows) console.log(r);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
