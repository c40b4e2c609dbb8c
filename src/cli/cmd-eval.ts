/** `rhythmscope eval` — accuracy of a model on a built-in task (greedy, pass@1 at T, pass@k). */
import { InputError } from '../core/errors';
import { getTask, isTaskName, TASK_NAMES } from '../core/tasks/index';
import { evaluateTask, formatEvalTable, type EvalRow } from '../core/train/evaluate';
import { formatFlags, parseArgs, type FlagSpecs } from './args';
import { loadModelDir, note } from './common';

const FLAGS = {
  model: { type: 'string', value: 'DIR', required: true, help: 'model folder' },
  task: { type: 'string', choices: TASK_NAMES, required: true, help: 'task' },
  level: { type: 'ints', value: 'L[,L…]', default: '1' as unknown as string, help: 'difficulty level(s)' },
  n: { type: 'int', min: 1, default: 500, help: 'problems per level' },
  seed: { type: 'int', min: 0, default: 12345, help: 'problem seed (training draws never use this seed space)' },
  k: { type: 'int', min: 0, default: 8, help: 'samples per problem for pass@1 and pass@k (0 = greedy only)' },
  temperature: { type: 'number', min: 0, minExclusive: true, default: 1, help: 'sampling temperature for pass@1/pass@k' },
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
  const levels = Array.isArray(a.level) ? a.level : [Number(a.level)];
  const known = getTask(task).levels;
  for (const l of levels) {
    if (!known.includes(l)) throw new InputError(`level ${l} does not exist (levels: ${known.join(', ')})`, { field: '--level' });
  }
  const { model, tokenizer } = await loadModelDir(a.model!);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const rows: EvalRow[] = [];
    for (const level of levels) {
      let lastNote = 0;
      rows.push(await evaluateTask(model, tokenizer, {
        task, level, n: a.n!, seed: a.seed!, k: a.k!, temperature: a.temperature!, signal: controller.signal,
        onProgress: (done, total) => {
          if (Date.now() - lastNote > 5000) {
            note(`[eval] ${task} level ${level}: ${done}/${total} generations`);
            lastNote = Date.now();
          }
        },
      }));
      if (controller.signal.aborted) throw new InputError('interrupted', { field: 'eval' });
    }
    process.stdout.write(a.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatEvalTable(rows)}\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    model.dispose();
  }
}
