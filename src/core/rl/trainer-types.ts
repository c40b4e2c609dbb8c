/** The RL trainer's public data types: its starting point, resume state and one step's rollouts. */
import type { ModelConfig } from '../model/types';
import type { Problem, VerifyResult } from '../tasks/index';
import type { Tokenizer } from '../tokenizer/types';
import type { NamedArray } from '../train/gpt2-train';

export interface PolicyInit {
  config: ModelConfig;
  /** HF names (with or without "transformer."), tied head. */
  weights: NamedArray[];
  tokenizer: Tokenizer;
}

/**
 * Where a resumed run starts: the state an uninterrupted run had after `step` steps (weights come in PolicyInit).
 * Problems and sampling seeds depend only on seed and step, so the continuation equals the uninterrupted run.
 */
export interface TrainerResume {
  /** RL steps done. */
  step: number;
  /** Adam's moments as `m.<param>` / `v.<param>` (HF names), from `adam.stateArrays()`. */
  optimizer: NamedArray[];
  /** Adam updates applied so far (micro-steps, not RL steps): the bias correction depends on it. */
  adamStep: number;
  /** The original run's starting weights: the KL reference, required when klCoef > 0. */
  reference?: NamedArray[];
}

/** Everything a resume needs, taken between steps. */
export interface TrainerCheckpoint {
  step: number;
  adamStep: number;
  weights: NamedArray[];
  optimizer: NamedArray[];
}

/** Seed of the held-out problems: fixed, so every run of an experiment is scored on the same problems. */
export const EVAL_SEED = 20260;

export interface Rollout {
  problems: Problem[];
  /** prompt ids per prompt. */
  promptIds: number[][];
  /** Row r = sample r % G of prompt ⌊r / G⌋. */
  responses: number[][];
  rewards: number[];
  verdicts: VerifyResult[];
  /** Sampler log-probs and entropies per response token. */
  logprobs: number[][];
  entropies: number[][];
}
