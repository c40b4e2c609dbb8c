/**
 * Model actions: start the engine on a backend, load a model, switch backend.
 * Plain functions over the stores (components call them; tests call them with a fake engine).
 */
import { modelEntriesFromZip, readZip } from '../../core/io/zip';
import type { ModelSource } from '../../worker/protocol';
import { engine, restartEngine } from '../app/engine';
import { reportError, useNoticeStore } from '../app/noticeStore';
import type { BackendChoice } from '../app/urlParams';
import { stopGeneration } from '../prompt/actions';
import { choiceLabel, type ModelChoice } from './catalog';
import { folderRelativePath } from './format';
import { useModelStore } from './modelStore';

let loadController: AbortController | null = null;

/** Starts a fresh worker on the requested backend. Resolves false when the backend could not start. */
export async function startEngine(choice: BackendChoice): Promise<boolean> {
  const set = useModelStore.setState;
  set({ engineStatus: 'starting', backendChoice: choice, backend: null, info: null });
  try {
    const backend = await restartEngine().call('init', { backend: choice });
    set({ engineStatus: 'ready', backend });
    return true;
  } catch (e) {
    set({ engineStatus: 'failed' });
    reportError(`Starting the ${choice} backend`, e);
    return false;
  }
}

/** What the worker loads: a URL, or the folder's files read into memory (a zip unpacked here, on the page). */
export async function modelSourceOf(choice: ModelChoice): Promise<ModelSource> {
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
  if (choice.kind !== 'folder') return { kind: 'url', url: choice.url };
  const files: Record<string, ArrayBuffer> = {};
  for (const [i, f] of choice.files.entries()) files[choice.paths?.[i] ?? folderRelativePath(f.webkitRelativePath, f.name)] = await f.arrayBuffer();
  return { kind: 'files', name: choice.name, files };
}

/**
 * Loads a model. On failure the previous model stays loaded (the worker swaps only on success)
 * and the error is shown. Resolves true when the new model is active.
 */
export async function loadModelChoice(choice: ModelChoice): Promise<boolean> {
  const set = useModelStore.setState;
  if (useModelStore.getState().engineStatus !== 'ready') return false;
  loadController?.abort();
  const controller = new AbortController();
  loadController = controller;
  const label = choiceLabel(choice);
  set({ loading: { label, fraction: 0, message: 'Starting' } });
  try {
    const source = await modelSourceOf(choice);
    const info = await engine().call('loadModel', { source }, {
      signal: controller.signal,
      onProgress: (fraction, message) => {
        if (loadController === controller) set({ loading: { label, fraction, message } });
      },
    });
    set({ info, choice });
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
