/** `rhythmscope eval` — accuracy of a model on a built-in task (greedy, pass@1 at T, pass@k). */
import { InputError } from '../core/errors';
import { getTask, isTaskName, TASK_NAMES } from '../core/tasks/index';
import type { Tokenizer } from '../core/tokenizer/types';
import { loadCheckpoint } from '../core/train/checkpoint';
import {
  batchedGenerator,
  evaluateTask,
  formatEvalTable,
  runtimeGenerator,
  type EvalRow,
  type Generator,
} from '../core/train/evaluate';
import { createPolicy } from '../core/train/policy';
import { formatFlags, parseArgs, type FlagSpecs } from './args';
import { loadModelDir, note, openModel } from './common';

const FLAGS = {
  model: { type: 'string', value: 'DIR', required: true, help: 'model folder, or a .zip of one' },
  task: { type: 'string', choices: TASK_NAMES, required: true, help: 'task' },
  level: { type: 'ints', value: 'L[,L…]', help: 'difficulty level(s) (default 1)' },
  n: { type: 'int', min: 1, default: 500, help: 'problems per level' },
  seed: { type: 'int', min: 0, default: 12345, help: 'problem seed (training draws never use this seed space)' },
  k: { type: 'int', min: 0, default: 8, help: 'samples per problem for pass@1 and pass@k (0 = greedy only)' },
  temperature: {
    type: 'number',
    min: 0,
    minExclusive: true,
    default: 1,
    help: 'sampling temperature for pass@1/pass@k',
  },
  'n-sampled': { type: 'int', min: 0, help: 'problems (the first ones) that get k samples (default n)' },
  engine: {
    type: 'string',
    choices: ['batched', 'runtime'],
    default: 'batched',
    help: 'batched lockstep KV-cache decoder (any family; needs an end token) or the runtime generate() one by one',
  },
  'batch-size': { type: 'int', min: 1, default: 256, help: 'sequences per batch (batched engine)' },
  json: { type: 'boolean', help: 'print the rows as JSON instead of a table' },
} as const satisfies FlagSpecs;

export const help = `Evaluate a model on a built-in task: greedy accuracy, pass@1 and pass@k at temperature T
Usage: rhythmscope eval --model DIR --task ${TASK_NAMES.join('|')} --level L --n 500 --seed S [--k 8]

Problems come from the task's seeded generator; answers are checked by its verifier (reward 1 for a correct
final answer). Generation is greedy for "greedy", sampled at --temperature for pass@1/pass@k (KV cache).

Options:
${formatFlags(FLAGS)}`;

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, FLAGS, 'eval');
  const task = a.task!;
  if (!isTaskName(task)) throw new InputError(`unknown task "${task}"`, { field: '--task' });
  const levels = a.level ?? [1];
  const known = getTask(task).levels;
  for (const l of levels) {
    if (!known.includes(l))
      throw new InputError(`level ${l} does not exist (levels: ${known.join(', ')})`, { field: '--level' });
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let gen: Generator;
  let tokenizer: Tokenizer;
  let dispose: () => void;
  if (a.engine === 'batched') {
    const ck = await loadCheckpoint(await openModel(a.model!));
    const model = createPolicy(ck.config, ck.weights);
    gen = batchedGenerator(model, ck.tokenizer.eosId, a['batch-size']!);
    tokenizer = ck.tokenizer;
    dispose = () => model.dispose();
  } else {
    const loaded = await loadModelDir(a.model!);
    gen = runtimeGenerator(loaded.model, loaded.tokenizer.eosId, controller.signal);
    tokenizer = loaded.tokenizer;
    dispose = () => loaded.model.dispose();
  }
  try {
    const rows: EvalRow[] = [];
    for (const level of levels) {
      let lastNote = 0;
      rows.push(
        await evaluateTask(gen, tokenizer, {
          task,
          level,
          n: a.n!,
          nSampled: a['n-sampled'],
          seed: a.seed!,
          k: a.k!,
          temperature: a.temperature!,
          onProgress: (done, total) => {
            if (Date.now() - lastNote > 5000) {
              note(`[eval] ${task} level ${level}: ${done}/${total} generations`);
              lastNote = Date.now();
            }
          },
        }),
      );
      if (controller.signal.aborted) throw new InputError('interrupted', { field: 'eval' });
    }
    process.stdout.write(a.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatEvalTable(rows)}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    dispose();
  }
}
