/** Splitting a completion into step lines and the final "A:" line, shared by every verifier. */
import type { VerifyOptions, VerifyResult } from './types';

export const EOS_TOKEN = '<eos>';
/** Completions longer than this are judged malformed without further work (the formats need < 160). */
export const MAX_COMPLETION_CHARS = 2000;

export interface SplitCompletion {
  steps: string[];
  answer?: string;
  /** Lines after the first "A:" line (should be none). */
  trailing: number;
  error?: string;
}

export function splitCompletion(completion: string): SplitCompletion {
  if (typeof completion !== 'string') return { steps: [], trailing: 0, error: 'not a string' };
  const eos = completion.indexOf(EOS_TOKEN);
  let text = eos >= 0 ? completion.slice(0, eos) : completion;
  if (text.length > MAX_COMPLETION_CHARS) return { steps: [], trailing: 0, error: 'completion too long' };
  if (text.endsWith('\n')) text = text.slice(0, -1);
  const lines = text.split('\n');
  const idx = lines.findIndex((l) => l.startsWith('A:'));
  if (idx < 0) return { steps: lines, trailing: 0, error: 'no "A:" line' };
  return { steps: lines.slice(0, idx), answer: lines[idx].slice(2), trailing: lines.length - idx - 1 };
}

/** Builds the result from correctness and format checks, applying the partial-credit option. */
export function makeResult(
  correct: boolean,
  formatOk: boolean,
  answer: string | undefined,
  error: string | undefined,
  opts: VerifyOptions = {},
): VerifyResult {
  const credit = opts.formatCredit ?? 0;
  const reward = correct ? 1 : formatOk ? credit : 0;
  return { reward, correct, formatOk, answer, error: correct ? undefined : error };
}
