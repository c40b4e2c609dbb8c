/**
 * Corpus view state: the running corpus (streamed summary and sequence list), its final study JSON, the
 * perturbation result of one sequence and the perturbation test over the corpus. Only ./actions.ts writes to it (apart from the form's own setters).
 */
import { create } from 'zustand';
import type { CorpusSequence, CorpusSummary } from '../../core/studies/corpus';
import type { LinkageStudyOutput } from '../../core/studies/linkage-study';
import type { PerturbStudyOutput } from '../../core/studies/perturb-run';
import type { PerturbOutcome, PerturbStudyEvent, PerturbTotals } from '../../worker/corpus-protocol';
import type { TaskName } from '../../core/tasks/types';

export interface CorpusForm {
  task: TaskName;
  level: number;
  n: number;
  seed: number;
  maxTokens: number;
  temperature: number;
}

export interface PerturbStudyForm {
  k: number;
  m: number;
  minTail: number;
  seed: number;
}

/** The perturbation test over the corpus: streamed totals, then the JSON of `rhythmscope study perturb`. */
export interface PerturbStudyState {
  running: { fraction: number; message: string } | null;
  totals: PerturbTotals | null;
  perSequence: PerturbStudyEvent['sequence'][];
  study: PerturbStudyOutput | null;
  /** Corpus index of study sequence i (only sequences with a response take part). */
  corpusIndex: number[];
  cancelled: boolean;
  ms: number | null;
}

export interface CorpusState {
  form: CorpusForm;
  /** Where the corpus came from (shown above the results). */
  sourceLabel: string | null;
  running: { fraction: number; message: string } | null;
  cancelled: boolean;
  summary: CorpusSummary | null;
  list: CorpusSequence[];
  /** Set when a run finished or was cancelled: the JSON of `rhythmscope study linkage`. */
  study: LinkageStudyOutput | null;
  ms: number | null;
  perturb: { index: number; running: boolean; result: PerturbOutcome | null } | null;
  perturbForm: PerturbStudyForm;
  perturbStudy: PerturbStudyState | null;
  setPerturbForm(patch: Partial<PerturbStudyForm>): void;
  setForm(patch: Partial<CorpusForm>): void;
}

export const DEFAULT_FORM: CorpusForm = { task: 'addition', level: 1, n: 20, seed: 1, maxTokens: 64, temperature: 0 };

/** The CLI's defaults (`rhythmscope study perturb`). */
export const DEFAULT_PERTURB_FORM: PerturbStudyForm = { k: 3, m: 3, minTail: 5, seed: 0 };

export const useCorpusStore = create<CorpusState>()((set) => ({
  form: { ...DEFAULT_FORM },
  sourceLabel: null,
  running: null,
  cancelled: false,
  summary: null,
  list: [],
  study: null,
  ms: null,
  perturb: null,
  perturbForm: { ...DEFAULT_PERTURB_FORM },
  perturbStudy: null,
  setPerturbForm: (patch) => set((s) => ({ perturbForm: { ...s.perturbForm, ...patch } })),
  setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
}));
