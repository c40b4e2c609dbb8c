/**
 * The training worker's operation table, in the style of ./protocol.ts (same host and client machinery).
 * One `start` call trains a comparison (strategies × seeds, one run after another, each from the same starting
 * model) and streams its run-log lines; `pause`, `resume`, `exportRun` and `beforeAfter` run beside it
 * (host option `immediate`); Cancel aborts the `start` call's signal.
 */
import type { BackendName, BackendReport } from '../core/backend/index';
import type { RlOptions } from '../core/rl/options';
import type { RunLogLine } from '../core/rl/runlog';

/**
 * The starting model's folder as bytes, any family: config.json, the weights (model.safetensors, or the index and
 * its shards) and the tokenizer's files (char_vocab.json, or tokenizer.json and its companions).
 */
export interface TrainModel {
  name: string;
  files: Record<string, ArrayBuffer>;
}

/** Options of every run, without the ones that vary across the comparison. */
export type SharedRlOptions = Omit<Partial<RlOptions>, 'strategy' | 'seed' | 'task' | 'level'> & {
  task: string;
  level: number;
};

export interface StartParams {
  model: TrainModel;
  options: SharedRlOptions;
  strategies: string[];
  seeds: number[];
  /** Send a checkpoint (model files) every this many steps (0 = only at the end of each run). */
  checkpointEvery?: number;
  /**
   * Continue one saved run instead (strategies and seeds are then ignored): `model` is that run's checkpoint
   * folder, with optimizer.safetensors (Adam's m.<name>, v.<name>).
   */
  resume?: ResumeParams;
  /** Tests only: wait this long after each step (e2e tests reload the page in the middle of a run). */
  stepDelayMs?: number;
}

/** A saved, unfinished run: its place in the comparison, full options and where it stopped. */
export interface ResumeParams {
  run: RunRef;
  options: RlOptions;
  /** RL steps done. */
  step: number;
  /** Adam updates done (micro-steps). */
  adamStep: number;
  /** The starting model's held-out accuracy, measured when the run began. */
  initialAccuracy: number | null;
}

/** One run of a comparison. `key` is `<strategy>-s<seed>`. */
export interface RunRef {
  index: number;
  key: string;
  strategy: RlOptions['strategy'];
  seed: number;
}

/** The fine-tuned model folder: config.json, model.safetensors (float32) and the starting folder's tokenizer files. */
export type ModelFolderBytes = Record<string, Uint8Array>;

export type TrainEvent =
  | { kind: 'plan'; runs: RunRef[]; steps: number; options: RlOptions[] }
  | { kind: 'run-start'; run: RunRef }
  /** The starting model's held-out accuracy (step 0), before the run's first step. */
  | { kind: 'run-evaluated'; run: RunRef; initialAccuracy: number | null }
  | { kind: 'line'; run: RunRef; line: RunLogLine }
  /**
   * Model files every `checkpointEvery` steps and at the end of a run (final). While the run is short of its
   * steps (also a cancelled run's final one) the files include optimizer.safetensors and `adamStep` is set, so
   * the run can be resumed.
   */
  | { kind: 'checkpoint'; run: RunRef; step: number; files: ModelFolderBytes; final: boolean; adamStep?: number }
  /** A run ended (finished or cancelled); carries the held-out accuracy before (step 0) and after. */
  | { kind: 'run-end'; outcome: RunOutcome };

export interface RunOutcome {
  run: RunRef;
  steps: number;
  aborted: boolean;
  initialAccuracy: number | null;
  finalAccuracy: number | null;
}

export interface StartResult {
  runs: RunOutcome[];
  /** True when Cancel stopped the comparison (runs not started are absent). */
  cancelled: boolean;
}

export interface ExportResult {
  run: RunRef;
  step: number;
  files: ModelFolderBytes;
}

/** WAAD and FAI of the starting and the fine-tuned model on the same prompt + response (teacher-forced). */
export interface BeforeAfterResult {
  run: RunRef;
  step: number;
  prompt: string;
  response: string;
  /** Display strings of the response tokens. */
  tokens: string[];
  before: { waad: number[]; fai: number[] };
  after: { waad: number[]; fai: number[] };
}

/** The training worker's backend, and whether attention products run on the SIMD kernel (src/core/kernels). */
export interface TrainBackendReport extends BackendReport {
  simdAttention: boolean;
}

export interface TrainOperations {
  init: { params: { backend: BackendName | 'auto' }; result: TrainBackendReport; stream: never };
  start: { params: StartParams; result: StartResult; stream: TrainEvent };
  pause: { params: Record<string, never>; result: { paused: boolean }; stream: never };
  resume: { params: Record<string, never>; result: { paused: boolean }; stream: never };
  /** The current (or a finished) run's weights as a model folder; `run` defaults to the latest. */
  exportRun: { params: { run?: number }; result: ExportResult; stream: never };
  /** Before/after rhythm of one run (default the latest) on `prompt` (default the first held-out problem). */
  beforeAfter: { params: { run?: number; prompt?: string }; result: BeforeAfterResult; stream: never };
}

export type TrainOperationName = keyof TrainOperations;

/** Operations that must not wait behind a running `start`. */
export const TRAIN_IMMEDIATE: TrainOperationName[] = ['pause', 'resume', 'exportRun', 'beforeAfter'];
