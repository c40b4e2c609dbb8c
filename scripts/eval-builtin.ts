/**
 * Evaluates the built-in model on every task and level and writes the numbers its card quotes:
 *   npx tsx scripts/eval-builtin.ts [--model public/models/rhythm-mini] [--n 100] [--n-sampled 32] [--k 8]
 *       [--seed 12345] [--out public/models/rhythm-mini/eval.json] [--levels addition:1,countdown:2,...]
 * Greedy accuracy on n problems; pass@1 (T=1) and pass@k on the first n-sampled of them; batched decoder.
 * Also scores which attention heads look at the aligned operand digits in scratchpad addition.
 */
import { writeFile } from 'node:fs/promises';
import { initNodeBackend } from '../src/core/backend/node';
import { filesFromDir } from '../src/core/io/node-files';
import { loadModel } from '../src/core/model/load';
import { generateProblems, TASKS, TASK_NAMES, type TaskName } from '../src/core/tasks/index';
import { loadCheckpoint } from '../src/core/train/checkpoint';
import { batchedGenerator, evaluateTask, formatEvalTable, type EvalRow } from '../src/core/train/evaluate';
import { createPolicy } from '../src/core/train/policy';
import { operandHeadScores } from '../src/core/train/operand-heads';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const dir = flag('model', 'public/models/rhythm-mini');
const n = Number(flag('n', '100'));
const nSampled = Number(flag('n-sampled', '32'));
const k = Number(flag('k', '8'));
const seed = Number(flag('seed', '12345'));
const out = flag('out', `${dir}/eval.json`);
const levelsArg = flag('levels', '');
const headProblems = Number(flag('head-problems', '40'));

const report = await initNodeBackend('wasm');
const ck = await loadCheckpoint(filesFromDir(dir));
const model = createPolicy(ck.config, ck.weights);
const gen = batchedGenerator(model, ck.tokenizer.eosId, 256);
const pairs: [TaskName, number][] = levelsArg
  ? levelsArg.split(',').map((s) => [s.split(':')[0] as TaskName, Number(s.split(':')[1])])
  : TASK_NAMES.flatMap((t) => TASKS[t].levels.map((l): [TaskName, number] => [t, l]));
const rows: EvalRow[] = [];
const t0 = Date.now();
for (const [task, level] of pairs) {
  const row = await evaluateTask(gen, ck.tokenizer, { task, level, n, nSampled, seed, k, temperature: 1 });
  rows.push(row);
  // Written after every level so an interrupted evaluation still leaves its rows.
  await writeFile(
    out,
    JSON.stringify({ model: dir, seed, n, n_sampled: nSampled, k, temperature: 1, partial: true, rows }, null, 2) +
      '\n',
  );
  console.error(
    `${task} ${level}: greedy ${(100 * row.greedy).toFixed(1)}% pass@1 ${(100 * row.pass1).toFixed(1)}% pass@${k} ${(100 * row.passK).toFixed(1)}% (${row.seconds.toFixed(0)} s)`,
  );
}
model.dispose();

// Operand-tracking heads, through the inference runtime (its forward reports attention).
const loaded = await loadModel(filesFromDir(dir));
const heads = operandHeadScores(loaded.model, loaded.tokenizer, generateProblems('addition', 1, headProblems, seed));
loaded.model.dispose();

const result = {
  model: dir,
  backend: report.name,
  node: process.version,
  seed,
  n,
  n_sampled: nSampled,
  k,
  temperature: 1,
  seconds: Math.round((Date.now() - t0) / 1000),
  date: new Date().toISOString(),
  rows,
  operand_heads: { problems: headProblems, task: 'addition', level: 1, scores: heads },
};
await writeFile(out, JSON.stringify(result, null, 2) + '\n');
console.log(formatEvalTable(rows));
console.log('\nheads by mean attention on the aligned operand digit (a | b | both):');
for (const h of heads.slice(0, 6))
  console.log(`  L${h.layer}H${h.head}: ${h.a.toFixed(3)} | ${h.b.toFixed(3)} | ${h.both.toFixed(3)}`);
