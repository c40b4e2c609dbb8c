/**
 * The workbench's zustand stores, one role each (the model store lives in ../model, the prompt and generation
 * in ../prompt/documentStore):
 *  - useSettingsStore: the rhythm options the user chose (persisted in localStorage and the URL, see persist.ts);
 *  - useAnalysisStore: the analysed document (response text, record, per-head summary, the map shown, progress);
 *  - useUiStore: linking state shared by every view (hovered / selected token, brushed span, head, signal, scale).
 * Only ./actions.ts writes the first two (apart from simple setters); views write the ui store directly.
 */
import { create } from 'zustand';
import type { AnalysisRecord } from '../../core/rhythm/record';
import type { Thumbnail } from '../../core/rhythm/accumulator';
import type { AnalysisOutcome, HeadMapOutcome, HeadSummary, MapRequest } from '../../worker/protocol';
import type { SchemeName, ScaleMode } from '../theme/scales';
import type { SignalId } from '../tokens/signals';
import type { OptionValues } from './persist';

export interface SettingsState {
  /** Options as the user set them (defaults implied for the rest). */
  options: OptionValues;
}
export const useSettingsStore = create<SettingsState>()(() => ({ options: {} }));

export interface Running {
  label: string;
  fraction: number;
  message: string;
}

/** The summary's flat arrays as the views want them (layer → typed-array views, no copies). */
export interface HeadViews {
  thumbnails: Map<number, Thumbnail>;
  spans: Map<number, Float32Array>;
}

export interface AnalysisState {
  /** The response analysed teacher-forced (pasted, or the last generation's text). */
  response: string;
  record: AnalysisRecord | null;
  summary: HeadSummary | null;
  heads: HeadViews | null;
  how: AnalysisOutcome['how'] | null;
  ms: number | null;
  /** Options the shown record was computed with. */
  analyzedOptions: OptionValues | null;
  map: HeadMapOutcome | null;
  running: Running | null;
  /** The label of the last operation the user cancelled (cleared when another starts); the shown analysis stays. */
  cancelled: string | null;
  /** Increments when a new sequence is shown (not on re-analysis): views remount, staged. */
  sequence: number;
  setResponse(response: string): void;
}
export const useAnalysisStore = create<AnalysisState>()((set) => ({
  response: '',
  record: null,
  summary: null,
  heads: null,
  how: null,
  ms: null,
  analyzedOptions: null,
  map: null,
  running: null,
  cancelled: null,
  sequence: 0,
  setResponse: (response) => set({ response }),
}));

export interface UiState {
  hovered: number | null;
  selected: number | null;
  span: [number, number] | null;
  /** Map shown in the attention heatmap. */
  mapChoice: MapRequest;
  signal: SignalId;
  scheme: SchemeName;
  mode: ScaleMode;
}
export const initialUi: UiState = {
  hovered: null,
  selected: null,
  span: null,
  mapChoice: { kind: 'local' },
  signal: 'waad',
  scheme: 'viridis',
  mode: 'log',
};
export const useUiStore = create<UiState>()(() => ({ ...initialUi }));

export function headViews(s: HeadSummary): HeadViews {
  const { numLayers: L, numHeads: H, thumbnailSize: size } = s;
  const thumbnails = new Map<number, Thumbnail>();
  const spans = new Map<number, Float32Array>();
  for (const l of s.layerIndices) {
    thumbnails.set(l, { size, data: s.thumbnails.subarray(l * H * size * size, (l + 1) * H * size * size) });
    spans.set(l, s.spans.subarray(l * H, (l + 1) * H));
  }
  void L;
  return { thumbnails, spans };
}
