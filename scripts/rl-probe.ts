/**
 * Which task levels have RL headroom on a model: greedy held-out accuracy and sampled (τ = 1) accuracy per level.
 *   npx tsx scripts/rl-probe.ts --model DIR [--levels addition:1,addition:2] [--problems 32]
 * A useful level has sampled accuracy well inside (0, 1): groups then get non-zero advantages.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { openModelFiles } from '../src/core/io/node-files';
import { loadPolicy } from '../src/core/rl/load-policy';
import { resolveRlOptions } from '../src/core/rl/options';
import { RlTrainer } from '../src/core/rl/trainer';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
await tf.setBackend('wasm');
const init = await loadPolicy(await openModelFiles(arg('model', 'public/models/rhythm-mini')));
const n = Number(arg('problems', '32'));
for (const spec of arg('levels', 'addition:1,addition:2,multistep:1,countdown:1').split(',')) {
  const [task, level] = spec.split(':');
  const t = new RlTrainer(
    init,
    resolveRlOptions({ task, level: Number(level), evalProblems: n, prompts: Math.ceil(n / 4), group: 4, steps: 1 }),
  );
  const greedy = await t.evaluate();
  const ro = (await t.rollout(t.problemsAt(0)))!;
  const sampled = ro.verdicts.filter((v) => v.correct).length / ro.verdicts.length;
  const groupsWithSignal = ro.problems.filter((_, i) => new Set(ro.rewards.slice(i * 4, i * 4 + 4)).size > 1).length;
  console.log(
    `${spec}: greedy ${(100 * greedy!).toFixed(1)}% | sampled ${(100 * sampled).toFixed(1)}% | groups with signal ${groupsWithSignal}/${ro.problems.length}`,
  );
  t.dispose();
}
