/**
 * The corpus operations of the engine worker (merged into ./protocol.ts `Operations`): a corpus run that streams
 * one summary per analysed sequence and stops cleanly on Cancel (keeping what was done), and the perturbation test
 * of one response.
 */
import type { CorpusSequence, CorpusSummary } from '../core/studies/corpus';
import type { LinkageOptions } from '../core/studies/linkage';
import type { LinkageStudyOutput } from '../core/studies/linkage-study';
import type { PerturbOptions } from '../core/studies/perturb';
import type { PerturbSequence, PerturbStudyOutput } from '../core/studies/perturb-run';
import type { TaskName } from '../core/tasks/types';

export type CorpusSource =
  /** Sample n problems of a task, generate a response to each with the loaded model, analyse. */
  | { kind: 'task'; task: TaskName; level: number; n: number; seed: number; maxTokens: number; temperature: number }
  /** Lines as `rhythmscope analyze --input` reads them. */
  | { kind: 'jsonl'; name: string; text: string }
  /** Attention dumps (no model needed). */
  | { kind: 'dumps'; files: { name: string; bytes: ArrayBuffer }[] };

export interface CorpusParams {
  source: CorpusSource;
  /** Rhythm options (validated by the engine). */
  options: Record<string, unknown>;
  linkage?: Partial<LinkageOptions>;
}

/** Streamed after each sequence: its entry and the summary so far. */
export interface CorpusEvent {
  sequence: CorpusSequence;
  summary: CorpusSummary;
}

export interface CorpusOutcome {
  summary: CorpusSummary;
  list: CorpusSequence[];
  /** The JSON of `rhythmscope study linkage`. */
  study: LinkageStudyOutput;
  /** True when Cancel stopped the run; everything analysed before is kept. */
  cancelled: boolean;
  ms: number;
}

export interface PerturbParams {
  ids: number[];
  promptLength: number;
  /** Sequence index in the corpus (seeds the random positions). */
  index: number;
  options: Record<string, unknown>;
  perturb?: Partial<PerturbOptions>;
}

/** The perturbation of one sequence plus the display text of every token id it mentions. */
export type PerturbOutcome = PerturbSequence & { token_texts: [number, string][] };

/** The perturbation test over a corpus (the sequences of a corpus run, in order). */
export interface PerturbStudyParams {
  sequences: { ids: number[]; promptLength: number }[];
  options: Record<string, unknown>;
  perturb?: Partial<PerturbOptions>;
}

/** The corpus totals of `rhythmscope study perturb` (its JSON without per_sequence). */
export type PerturbTotals = Omit<PerturbStudyOutput, 'per_sequence'>;

/** Streamed after each response: its J values and the totals so far. */
export interface PerturbStudyEvent {
  sequence: Pick<PerturbSequence, 'index' | 'j_top' | 'j_bottom' | 'j_random' | 'eligible'>;
  totals: PerturbTotals;
}

export interface PerturbStudyOutcome {
  /** The JSON of `rhythmscope study perturb` over the responses done. */
  study: PerturbStudyOutput;
  /** True when Cancel stopped the run; every response finished before is kept. */
  cancelled: boolean;
  ms: number;
}

export interface CorpusOperations {
  corpusRun: { params: CorpusParams; result: CorpusOutcome; stream: CorpusEvent };
  perturbRun: { params: PerturbParams; result: PerturbOutcome; stream: never };
  perturbStudyRun: { params: PerturbStudyParams; result: PerturbStudyOutcome; stream: PerturbStudyEvent };
}
