/**
 * Model actions: start the engine on a backend, load a model, switch backend.
 * Plain functions over the stores (components call them; tests call them with a fake engine).
 */
import { modelEntriesFromZip, readZip } from '../../core/io/zip';
import type { ModelSource, PickedFolder } from '../../worker/protocol';
import { engine, restartEngine } from '../app/engine';
import { reportError, useNoticeStore } from '../app/noticeStore';
import type { BackendChoice } from '../app/urlParams';
import { stopGeneration } from '../prompt/actions';
import { choiceLabel, type ModelChoice } from './catalog';
import { folderRelativePath } from './format';
import { forgetHubChoice, rememberHubChoice } from './hub/hubUrl';
import { hubModelSource, settleHubConfig, type SourceContext } from './hub/hubActions';
import { useModelStore } from './modelStore';

let loadController: AbortController | null = null;

/** `?threads=N`: wasm threads (benchmarks compare 1 with all); default all cores. */
function threadsParam(): number | undefined {
  const v = Number(globalThis.location ? new URLSearchParams(globalThis.location.search).get('threads') : NaN);
  return Number.isInteger(v) && v >= 1 ? v : undefined;
}

/** Starts a fresh worker on the requested backend. Resolves false when the backend could not start. */
export async function startEngine(choice: BackendChoice): Promise<boolean> {
  const set = useModelStore.setState;
  set({ engineStatus: 'starting', backendChoice: choice, backend: null, info: null });
  try {
    performance.mark('rs:engine-spawn'); // bench/browser.ts reads the marks
    const backend = await restartEngine().call('init', { backend: choice, threads: threadsParam() });
    set({ engineStatus: 'ready', backend });
    return true;
  } catch (e) {
    set({ engineStatus: 'failed' });
    reportError(`Starting the ${choice} backend`, e);
    return false;
  }
}

/** What the worker loads: a URL, or the folder's files read into memory (a zip unpacked here, on the page). */
export async function modelSourceOf(
  choice: ModelChoice,
  fetchFn: typeof fetch = fetch,
  ctx?: SourceContext,
): Promise<ModelSource> {
  if (choice.kind === 'hub') {
    return hubModelSource(choice, ctx ?? { signal: new AbortController().signal, onProgress: () => {} });
  }
  if (choice.kind === 'zip') {
    const name = choice.file.name;
    const entries = modelEntriesFromZip(await readZip(new Uint8Array(await choice.file.arrayBuffer()), name), name);
    const files: Record<string, ArrayBuffer> = {};
    // readZip's entries own their buffers, so they can be transferred to the worker as they are.
    for (const [path, bytes] of Object.entries(entries)) {
      files[path] = (bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()).buffer as ArrayBuffer;
    }
    return { kind: 'files', name: name.replace(/\.zip$/i, ''), files };
  }
  if (choice.kind === 'catalog' && choice.files?.length)
    return fetchListedFiles(choice.id, choice.url, choice.files, fetchFn);
  if (choice.kind !== 'folder') return { kind: 'url', url: choice.url };
  const files: Record<string, ArrayBuffer> = {};
  for (const [i, f] of choice.files.entries())
    files[choice.paths?.[i] ?? folderRelativePath(f.webkitRelativePath, f.name)] = await f.arrayBuffer();
  return { kind: 'files', name: choice.name, files };
}

/**
 * A built-in model whose files the catalog lists: all fetched at once (the worker's URL loader asks for them one
 * after another, ~100 ms of round trips at start-up), handed over as in-memory files. A listed file that is gone
 * (404) is left out, so the loader reports it as missing as it would for a URL. Low fetch priority: the engine
 * worker's scripts, fetched at the same time, are on the critical path (measured: 1689 vs 2012 ms median).
 */
async function fetchListedFiles(
  name: string,
  url: string,
  paths: string[],
  fetchFn: typeof fetch,
): Promise<ModelSource> {
  const base = new URL(url, globalThis.location?.href ?? 'http://localhost/');
  const bodies = await Promise.all(
    paths.map(async (path) => {
      const res = await fetchFn(new URL(path, base).toString(), { priority: 'low' });
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`${url}${path}: HTTP ${res.status} ${res.statusText}`);
      return [path, await res.arrayBuffer()] as const;
    }),
  );
  return { kind: 'files', name, files: Object.fromEntries(bodies.filter((b) => b !== null)) };
}

/** A picked folder for the worker as File handles: it reads the weights by slices instead of whole copies. */
function pickedFolder(choice: Extract<ModelChoice, { kind: 'folder' }>): PickedFolder {
  const files: Record<string, Blob> = {};
  for (const [i, f] of choice.files.entries())
    files[choice.paths?.[i] ?? folderRelativePath(f.webkitRelativePath, f.name)] = f;
  return { kind: 'picked', name: choice.name, files };
}

/**
 * Loads a model (`prefetched`: its source, already being read). On failure the previous model stays loaded (the worker swaps only on success)
 * and the error is shown. Resolves true when the new model is active.
 */
export async function loadModelChoice(choice: ModelChoice, prefetched?: Promise<ModelSource>): Promise<boolean> {
  const set = useModelStore.setState;
  if (useModelStore.getState().engineStatus !== 'ready') return false;
  loadController?.abort();
  const controller = new AbortController();
  loadController = controller;
  const label = choiceLabel(choice);
  set({ loading: { label, fraction: 0, message: 'Starting' } });
  try {
    // `prefetched`: start-up fetches the first model's files while the engine starts (boot.ts).
    // A Hub download fills the first 80% of the bar; the worker's load reports the rest.
    const downloading = choice.kind === 'hub';
    const onProgress = (fraction: number, message: string) => {
      if (loadController === controller) set({ loading: { label, fraction, message } });
    };
    const source = await (prefetched ??
      (choice.kind === 'folder'
        ? pickedFolder(choice)
        : modelSourceOf(choice, fetch, { signal: controller.signal, onProgress })));
    const info = await engine().call(
      'loadModel',
      { source },
      {
        signal: controller.signal,
        onProgress: (fraction, message) => onProgress(downloading ? 0.8 + 0.2 * fraction : fraction, message),
      },
    );
    set({ info, choice });
    settleHubConfig(downloading);
    if (downloading) rememberHubChoice(choice);
    else forgetHubChoice();
    useNoticeStore.getState().clear('error');
    return true;
  } catch (e) {
    reportError(`Loading model ${label}`, e);
    return false;
  } finally {
    if (loadController === controller) {
      loadController = null;
      set({ loading: null });
    }
  }
}

export function cancelModelLoad(): void {
  loadController?.abort();
}

/** Restarts the engine on another backend and reloads the current model there. */
export async function switchBackend(choice: BackendChoice): Promise<void> {
  const previous = useModelStore.getState().choice;
  stopGeneration();
  cancelModelLoad();
  if (!(await startEngine(choice))) return;
  if (previous) await loadModelChoice(previous);
}
