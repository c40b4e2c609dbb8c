/**
 * Analysis actions: plain functions over the stores and the engine worker. One analysis call at a time; a new
 * one cancels the previous (the worker runs calls in order, a cancelled queued call never runs).
 */
import type { AnalysisOutcome, AnalyzeInput, MapRequest } from '../../worker/protocol';
import { engine } from '../app/engine';
import { reportError, useNoticeStore } from '../app/noticeStore';
import { downloadBlob } from '../figures/export';
import { useModelStore } from '../model/modelStore';
import { modelPrompt } from '../prompt/chat';
import { useDocumentStore } from '../prompt/documentStore';
import {
  DOCUMENT_KEY,
  SETTINGS_KEY,
  optionsFromSearch,
  optionsToParams,
  parseStoredDocument,
  parseStoredOptions,
  readStorage,
  serializeOptions,
  URL_PREFIX,
  writeStorage,
  type OptionValues,
} from './persist';
import { headViews, useAnalysisStore, useSettingsStore, useUiStore } from './stores';

let controller: AbortController | null = null;
let mapController: AbortController | null = null;
/** The call the user cancelled (Cancel), as opposed to one superseded by a newer call. */
let cancelledByUser: AbortController | null = null;

/**
 * Runs one engine call with progress in the analysis store; a newer call cancels this one. A call the user
 * cancels resolves null and leaves `cancelled` set, whatever the engine answered meanwhile.
 */
async function withProgress<T>(
  label: string,
  fn: (signal: AbortSignal, onProgress: (f: number, m: string) => void) => Promise<T>,
): Promise<T | null> {
  controller?.abort();
  const mine = new AbortController();
  controller = mine;
  const set = useAnalysisStore.setState;
  set({ running: { label, fraction: 0, message: 'Starting' }, cancelled: null });
  try {
    const out = await fn(mine.signal, (fraction, message) => {
      if (controller === mine) set({ running: { label, fraction, message } });
    });
    if (mine.signal.aborted) throw mine.signal.reason;
    return out;
  } catch (e) {
    if (cancelledByUser === mine) {
      set({ cancelled: label });
      return null;
    }
    // An AbortError we did not ask for is a failure (e.g. a lost GPU device rejects its reads that way).
    if (!mine.signal.aborted && e instanceof Error && e.name === 'AbortError')
      reportError(label, new Error(`${e.message} (the engine aborted this)`));
    else reportError(label, e);
    return null;
  } finally {
    if (controller === mine) {
      controller = null;
      set({ running: null });
    }
  }
}

function applyOutcome(out: AnalysisOutcome, options: OptionValues, keepView: boolean) {
  const previous = useAnalysisStore.getState().summary;
  useAnalysisStore.setState({
    record: out.record,
    summary: out.summary,
    heads: headViews(out.summary),
    how: out.how,
    ms: out.ms,
    analyzedOptions: options,
  });
  const ui = useUiStore.getState();
  const sameSequence = keepView && previous?.seqLen === out.summary.seqLen;
  if (!sameSequence) {
    useUiStore.setState({ hovered: null, selected: null, span: null, mapChoice: { kind: 'local' } });
    useAnalysisStore.setState((s) => ({ sequence: s.sequence + 1 }));
  }
  void loadMap(sameSequence ? ui.mapChoice : { kind: 'local' });
}

/** Teacher-forced analysis of the given sequence with the current settings. */
export async function analyze(input: AnalyzeInput, label = 'Analysing'): Promise<boolean> {
  const options = useSettingsStore.getState().options;
  const out = await withProgress(label, (signal, onProgress) =>
    engine().call('analyze', { input, options }, { signal, onProgress }),
  );
  if (!out) return false;
  applyOutcome(out, options, false);
  return true;
}

/** Analyse the prompt box + response box (the "Analyze" button). */
export function analyzePasted(): Promise<boolean> {
  let prompt: string;
  try {
    const doc = useDocumentStore.getState();
    prompt = modelPrompt(doc.prompt, useModelStore.getState().info, doc.chat); // chat template when the toggle is on
  } catch (e) {
    reportError('Analysing the response', e);
    return Promise.resolve(false);
  }
  const response = useAnalysisStore.getState().response;
  persistDocument();
  return analyze({ kind: 'text', prompt, response }, 'Analysing the response');
}

/** After a generation: the prompt and generated ids exactly as the model saw them. */
export function analyzeGeneration(promptIds: number[], ids: number[], text: string): Promise<boolean> {
  useAnalysisStore.setState({ response: text });
  persistDocument();
  if (ids.length === 0) return Promise.resolve(false);
  return analyze(
    { kind: 'ids', ids: [...promptIds, ...ids], promptLength: promptIds.length },
    'Analysing the generation',
  );
}

/** New settings: stored, put in the URL, and the current analysis recomputed (without a rerun when possible). */
export async function setOptions(options: OptionValues): Promise<void> {
  useSettingsStore.setState({ options });
  persistSettings();
  if (!useAnalysisStore.getState().record) return;
  const out = await withProgress('Re-analysing', (signal, onProgress) =>
    engine().call('reanalyze', { options }, { signal, onProgress }),
  );
  if (out) applyOutcome(out, options, true);
}

/** Fetches the map shown in the heatmap (one head or a mean) from the worker. */
export async function loadMap(choice: MapRequest): Promise<void> {
  useUiStore.setState({ mapChoice: choice });
  mapController?.abort();
  const mine = new AbortController();
  mapController = mine;
  try {
    const map = await engine().call('headMap', { choice }, { signal: mine.signal });
    if (mapController === mine) useAnalysisStore.setState({ map });
  } catch (e) {
    reportError('Loading the attention map', e);
  }
}

export async function importDumpFile(file: File): Promise<boolean> {
  const options = useSettingsStore.getState().options;
  const out = await withProgress(`Importing ${file.name}`, async (signal, onProgress) => {
    const bytes = await file.arrayBuffer();
    return engine().call('importDump', { name: file.name, bytes, options }, { signal, onProgress });
  });
  if (!out) return false;
  useAnalysisStore.setState({ response: '' });
  applyOutcome(out, options, false);
  useNoticeStore.getState().clear('error');
  return true;
}

export async function exportDumpFile(): Promise<void> {
  const out = await withProgress('Exporting the attention dump', (signal, onProgress) =>
    engine().call('exportDump', {}, { signal, onProgress }),
  );
  if (out) downloadBlob(new Blob([out.bytes as BlobPart], { type: 'application/octet-stream' }), out.fileName);
}

/** Cancel: stops the running analysis (or import / export); the analysis shown before stays. */
export function cancelAnalysis(): void {
  if (!controller) return;
  cancelledByUser = controller;
  controller.abort();
}

/** Start-up: settings from the URL (shared link) else storage; the last document's texts. */
export function restoreSession(search: string): { restoredResponse: boolean; restoredDocument: boolean } {
  const fromUrl = optionsFromSearch(search);
  for (const w of fromUrl.warnings) useNoticeStore.getState().push('warning', 'Page address', w);
  const options = fromUrl.present ? fromUrl.options : parseStoredOptions(readStorage(SETTINGS_KEY));
  useSettingsStore.setState({ options });
  persistSettings();
  const doc = parseStoredDocument(readStorage(DOCUMENT_KEY));
  if (doc) {
    useDocumentStore.setState({ prompt: doc.prompt });
    useAnalysisStore.setState({ response: doc.response });
  }
  return { restoredResponse: !!doc?.response, restoredDocument: !!doc };
}

function persistSettings() {
  const { options } = useSettingsStore.getState();
  writeStorage(SETTINGS_KEY, serializeOptions(options));
  if (typeof window === 'undefined' || !window.history) return;
  const url = new URL(window.location.href);
  for (const k of [...url.searchParams.keys()]) if (k.startsWith(URL_PREFIX)) url.searchParams.delete(k);
  for (const [k, v] of optionsToParams(options)) url.searchParams.set(k, v);
  if (url.href !== window.location.href) window.history.replaceState(null, '', url.href);
}

export function persistDocument(): void {
  writeStorage(
    DOCUMENT_KEY,
    JSON.stringify({ prompt: useDocumentStore.getState().prompt, response: useAnalysisStore.getState().response }),
  );
}
