/**
 * Rule-based step checkers: per scratchpad line of a completion, whether the step is correct. Hostile or malformed
 * prompts and completions never throw; an unreadable prompt marks every line wrong.
 */
import { additionSteps } from './addition';

/** The scratchpad lines (before the first "A:" line) and whether each is correct. */
export interface StepCheck {
  lines: string[];
  correct: boolean[];
}

/** The lines of a completion before its answer line ("A:…"); the answer line and what follows are not steps. */
export function scratchpadLines(completion: string): string[] {
  const lines = String(completion).split('\n');
  const end = lines.findIndex((l) => l.startsWith('A:'));
  return (end < 0 ? lines : lines.slice(0, end)).filter((l, i, all) => l !== '' || i < all.length - 1);
}

/**
 * Addition ("a+b=?"): line k must be column k from the right, "d_a+d_b[+1]=digit cCarry", with the digit and the
 * carry of the true sum (and the incoming carry written as "+1"). Lines past the last column are wrong.
 */
export function checkAdditionSteps(prompt: string, completion: string): StepCheck {
  const lines = scratchpadLines(completion);
  const m = /^(\d{1,64})\+(\d{1,64})=\?\n?$/.exec(String(prompt));
  const expected = m ? additionSteps(m[1], m[2]).steps : [];
  return { lines, correct: lines.map((l, k) => k < expected.length && l === expected[k]) };
}
