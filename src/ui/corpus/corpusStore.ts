/**
 * Corpus view state: the running corpus (streamed summary and sequence list), its final study JSON, and the
 * perturbation result of one sequence. Only ./actions.ts writes to it (apart from the form's own setters).
 */
import { create } from 'zustand';
import type { CorpusSequence, CorpusSummary } from '../../core/studies/corpus';
import type { LinkageStudyOutput } from '../../core/studies/linkage-study';
import type { PerturbOutcome } from '../../worker/corpus-protocol';
import type { TaskName } from '../../core/tasks/types';

export interface CorpusForm {
  task: TaskName;
  level: number;
  n: number;
  seed: number;
  maxTokens: number;
  temperature: number;
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
  setForm(patch: Partial<CorpusForm>): void;
}

export const DEFAULT_FORM: CorpusForm = { task: 'addition', level: 1, n: 20, seed: 1, maxTokens: 64, temperature: 0 };

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
  setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
}));
