/**
 * The one character vocabulary of the built-in model, covering every task format plus "<eos>".
 * Written as char_vocab.json in the tokenizer engineer's format: id = index in `tokens`.
 */
import { EOS_TOKEN } from './completion';

export const TASK_TOKENS: readonly string[] = [
  EOS_TOKEN,
  '\n',
  ' ',
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  '+',
  '-',
  '*',
  '/',
  '(',
  ')',
  '=',
  '?',
  ',',
  ':',
  'A',
  'c',
];
export const EOS_ID = 0;

export function taskVocabJson(): string {
  return JSON.stringify({ type: 'char', tokens: TASK_TOKENS, eos_token: EOS_TOKEN }, null, 1) + '\n';
}

const ID_OF = new Map(TASK_TOKENS.map((t, i) => [t, i]));

/** Encode task text (single characters only; "<eos>" is appended by the caller). Throws on a foreign char. */
export function encodeTaskText(text: string): number[] {
  const ids: number[] = [];
  for (const ch of text) {
    const id = ID_OF.get(ch);
    if (id === undefined) throw new Error(`character ${JSON.stringify(ch)} is not in the task vocabulary`);
    ids.push(id);
  }
  return ids;
}

export function decodeTaskIds(ids: readonly number[]): string {
  return ids.map((i) => TASK_TOKENS[i] ?? '').join('');
}
