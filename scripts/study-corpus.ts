/**
 * Writes a study corpus: n task problems, each answered by the model (greedy unless --temperature), as the JSONL
 * that `rhythmscope study linkage|perturb --input` reads ({"prompt", "response", "reward"}; the response keeps its
 * end token so the analysis sees what the model produced).
 *   npx tsx scripts/study-corpus.ts --model public/models/rhythm-mini --task addition --level 4 --n 100 --seed 1 --out c.jsonl
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { writeFileAtomic } from '../src/core/io/node-atomic';
import { openModelFiles } from '../src/core/io/node-files';
import { generate } from '../src/core/model/generate';
import { loadModel } from '../src/core/model/load';
import { generateProblem, isTaskName, verifyCompletion } from '../src/core/tasks';

function flag(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? process.argv[i + 1] : undefined;
  if (v === undefined && fallback === undefined) throw new Error(`--${name} is required`);
  return v ?? fallback!;
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  const task = flag('task', 'addition');
  if (!isTaskName(task)) throw new Error(`unknown task ${task}`);
  const level = Number(flag('level', '1'));
  const n = Number(flag('n', '100'));
  const seed = Number(flag('seed', '1'));
  const temperature = Number(flag('temperature', '0'));
  const maxTokens = Number(flag('max-tokens', '160'));
  const { model, tokenizer } = await loadModel(await openModelFiles(flag('model', 'public/models/rhythm-mini')));
  const lines: string[] = [];
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const p = generateProblem(task, level, seed, i);
    const promptIds = tokenizer.encode(p.prompt);
    const out = await generate(model, promptIds, {
      maxTokens: Math.min(maxTokens, model.config.n_positions - promptIds.length),
      temperature,
      seed: seed + i,
      stopTokens: tokenizer.eosId !== undefined ? [tokenizer.eosId] : undefined,
    });
    const response = tokenizer.decode(out.ids);
    const reward = verifyCompletion(task, p.prompt, response).reward;
    correct += reward === 1 ? 1 : 0;
    lines.push(JSON.stringify({ prompt: p.prompt, response, reward }));
  }
  await writeFileAtomic(flag('out'), `${lines.join('\n')}\n`);
  process.stderr.write(
    `[study-corpus] ${n} ${task}:${level} problems (seed ${seed}, temperature ${temperature}): ${correct} correct -> ${flag('out')}\n`,
  );
  model.dispose();
}

void main();
