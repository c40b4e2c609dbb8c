/** Verifiable tasks: seeded generators, prompt formats, verifiers. See README.md for the formats. */
import { additionTask } from './addition';
import { countdownTask } from './countdown';
import { multistepTask } from './multistep';
import { mixSeed, Rng } from './prng';
import type { Problem, TaskName, TaskSpec, VerifyOptions, VerifyResult } from './types';
import { TASK_NAMES } from './types';

export * from './types';
export { Rng, mixSeed } from './prng';
export { EOS_TOKEN, splitCompletion } from './completion';
export { TASK_TOKENS, EOS_ID, taskVocabJson, encodeTaskText, decodeTaskIds } from './vocab';
export { parseExpr, evaluate, formatExpr, literals } from './expr';
export { solveCountdown } from './countdown';

export const TASKS: Record<TaskName, TaskSpec> = {
  addition: additionTask,
  countdown: countdownTask,
  multistep: multistepTask,
};

export function isTaskName(name: string): name is TaskName {
  return (TASK_NAMES as readonly string[]).includes(name);
}

export function getTask(name: string): TaskSpec {
  if (!isTaskName(name)) throw new Error(`unknown task "${name}" (expected one of ${TASK_NAMES.join(', ')})`);
  return TASKS[name];
}

/** Problem i of (task, level, seed): depends only on those four values, never on call order. */
export function generateProblem(task: TaskName, level: number, seed: number, index: number): Problem {
  return TASKS[task].generate(new Rng(mixSeed(seed, index)), level);
}

export function generateProblems(task: TaskName, level: number, n: number, seed: number): Problem[] {
  return Array.from({ length: n }, (_, i) => generateProblem(task, level, seed, i));
}

export function verifyCompletion(
  task: TaskName,
  prompt: string,
  completion: string,
  opts?: VerifyOptions,
): VerifyResult {
  return TASKS[task].verify(prompt, completion, opts);
}

/** Which task a prompt belongs to (the formats are mutually distinguishable), or undefined. */
export function detectTask(prompt: string): TaskName | undefined {
  if (/^\d+(,\d+)+=\d+\?\n?$/.test(prompt)) return 'countdown';
  if (/^\d+\+\d+=\?\n?$/.test(prompt)) return 'addition';
  if (/^[0-9+\-*/()]+=\?\n?$/.test(prompt)) return 'multistep';
  return undefined;
}
