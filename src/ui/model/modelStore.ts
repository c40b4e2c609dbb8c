/**
 * Model store: which backend is active, which model is loaded, and the progress of a load.
 * Only the actions in ./actions.ts write to it.
 */
import { create } from 'zustand';
import type { BackendReport } from '../../core/backend/index';
import type { ModelInfo } from '../../worker/protocol';
import type { BackendChoice } from '../app/urlParams';
import { FALLBACK_MODEL, type CatalogEntry, type ModelChoice } from './catalog';

export type EngineStatus = 'starting' | 'ready' | 'failed';

export interface LoadingState {
  label: string;
  fraction: number;
  message: string;
}

export interface ModelState {
  engineStatus: EngineStatus;
  backendChoice: BackendChoice;
  backend: BackendReport | null;
  /** The model the worker holds now (unchanged by a failed load). */
  info: ModelInfo | null;
  choice: ModelChoice | null;
  /** Built-in models found at start-up (best first). */
  catalog: CatalogEntry[];
  /** Set while a model loads. */
  loading: LoadingState | null;
}

export const initialModelState: ModelState = {
  engineStatus: 'starting',
  backendChoice: 'auto',
  backend: null,
  info: null,
  choice: null,
  catalog: [FALLBACK_MODEL],
  loading: null,
};

export const useModelStore = create<ModelState>()(() => ({ ...initialModelState }));
