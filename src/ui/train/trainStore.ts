/**
 * Train panel state: the form, the comparison's runs and their log lines, progress, the saved checkpoints and
 * the before/after view. Only the action modules (actions, tuned, checkpoints) and setForm/setView write to it.
 */
import { create } from 'zustand';
import type { BeforeAfterResult } from '../../worker/train-protocol';
import type { CheckpointMeta } from './checkpointStore';
import type { ProgressState } from './eta';
import { DEFAULT_FORM, type FormField, type TrainForm } from './form';
import type { RunData } from './series';

export type TrainStatus = 'idle' | 'starting' | 'running' | 'paused' | 'done' | 'cancelled' | 'failed';

export interface RunView extends RunData {
  index: number;
  done: boolean;
  /** Steps done. */
  step: number;
  /** IndexedDB id of its latest checkpoint, once saved. */
  checkpointId?: string;
}

export interface TrainState {
  /** Which main view the app shows. */
  view: 'workbench' | 'train' | 'corpus';
  form: TrainForm;
  fieldError: { field: FormField; message: string } | null;
  status: TrainStatus;
  /** One line for the user: what happens now, or how it ended. */
  statusText: string;
  runs: RunView[];
  /** The runs come from the training worker now (export / before-after there), not only from IndexedDB. */
  live: boolean;
  /** The starting model's name. */
  model: string | null;
  session: string | null;
  progress: ProgressState | null;
  /** The backend the training worker runs on. */
  backend: string | null;
  checkpoints: CheckpointMeta[];
  /** Run the export / load / before-after buttons act on. */
  selected: number;
  beforeAfter: BeforeAfterResult | null;
  busy: 'export' | 'load' | 'before-after' | null;
  /** Training workers of the comparison in progress or last run (0 before any). */
  workers: number;
  /** Pause asked, the steps in flight not yet finished (status stays 'running' until they are). */
  pausing: boolean;
}

export const initialTrainState: TrainState = {
  view: 'workbench',
  form: DEFAULT_FORM,
  fieldError: null,
  status: 'idle',
  statusText: 'Not started.',
  pausing: false,
  runs: [],
  live: false,
  model: null,
  session: null,
  progress: null,
  backend: null,
  checkpoints: [],
  selected: 0,
  beforeAfter: null,
  busy: null,
  workers: 0,
};

export const useTrainStore = create<TrainState>()(() => ({ ...initialTrainState }));

export function setForm(patch: Partial<TrainForm>): void {
  useTrainStore.setState((s) => ({
    form: { ...s.form, ...patch },
    fieldError: s.fieldError && s.fieldError.field in patch ? null : s.fieldError,
  }));
}

export function setView(view: TrainState['view']): void {
  useTrainStore.setState({ view });
}
