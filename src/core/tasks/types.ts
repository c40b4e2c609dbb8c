/** Shared types of the verifiable tasks (prompt/solution formats are documented in README.md). */
import type { Rng } from './prng';

export type TaskName = 'addition' | 'countdown' | 'multistep';
export const TASK_NAMES: readonly TaskName[] = ['addition', 'countdown', 'multistep'];

export interface Problem {
  task: TaskName;
  level: number;
  /** What the model is given, ending with "\n". */
  prompt: string;
  /** Reference completion: visible steps then the "A:..." line (no end token). */
  solution: string;
  /** The text after "A:" in the reference solution. */
  answer: string;
}

export interface VerifyOptions {
  /**
   * Reward given to a well-formed but wrong completion (all step lines match the task's step
   * grammar and the last line is "A:..."). Default 0: the reward is exactly 1 for a correct final
   * answer and 0 otherwise.
   */
  formatCredit?: number;
}

export interface VerifyResult {
  reward: number;
  correct: boolean;
  /** Every step line well-formed, exactly one final "A:" line, nothing after it. */
  formatOk: boolean;
  /** The text after "A:" when present. */
  answer?: string;
  /** Why it is not correct (for tables and debugging). */
  error?: string;
}

export interface TaskSpec {
  name: TaskName;
  levels: readonly number[];
  describeLevel(level: number): string;
  generate(rng: Rng, level: number): Problem;
  /** Verifies a completion against the problem stated in `prompt` (the prompt alone defines it). */
  verify(prompt: string, completion: string, opts?: VerifyOptions): VerifyResult;
}
