/**
 * The tasks' character vocabulary padded with unused letters to a model's vocab_size (tests): the random family
 * fixtures have 64 ids, and every id a model can sample must have text (checkVocabCovers).
 */
import { EOS_TOKEN, TASK_TOKENS } from '../../tasks/index';

export function paddedTaskVocab(size: number): string[] {
  const fill = [...'abdefghijklmnopqrstuvwxyzBCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&@[]^_{|}~'].filter(
    (ch) => !TASK_TOKENS.includes(ch),
  );
  if (size < TASK_TOKENS.length || size > TASK_TOKENS.length + fill.length)
    throw new Error(`paddedTaskVocab: size ${size} out of range`);
  return [...TASK_TOKENS, ...fill.slice(0, size - TASK_TOKENS.length)];
}

export function paddedTaskVocabJson(size: number): string {
  return JSON.stringify({ type: 'char', tokens: paddedTaskVocab(size), eos_token: EOS_TOKEN }) + '\n';
}
