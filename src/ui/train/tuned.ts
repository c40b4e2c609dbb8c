/**
 * The fine-tuned model's actions: export as a zip, load into the workbench, before/after rhythm. The selected run's
 * folder comes from the training worker while its runs are live, else from its IndexedDB checkpoint.
 */
import { writeZip } from '../../core/io/zip';
import type { ModelFolderBytes } from '../../worker/train-protocol';
import { reportError } from '../app/noticeStore';
import { downloadBlob } from '../figures/export';
import { trainClientFor } from './session';
import { getCheckpoint } from './checkpointStore';
import { folderEntries, tunedName } from './exportName';
import { loadFolderIntoEngine } from './loadFolder';
import { useTrainStore } from './trainStore';

const set = useTrainStore.setState;
const get = useTrainStore.getState;

/** The selected run's model folder: from the worker while its runs are live, else from IndexedDB. */
async function selectedFolder(): Promise<{ name: string; files: ModelFolderBytes }> {
  const s = get();
  const run = s.runs.find((r) => r.index === s.selected) ?? s.runs[s.runs.length - 1];
  if (!run) throw new Error('no fine-tuned run yet: start training first');
  const target = trainClientFor(run.index);
  if (s.live && target) {
    const out = await target.client.call('exportRun', { run: target.run });
    return { name: tunedName(s.model ?? 'model', run.strategy, run.seed, out.step), files: out.files };
  }
  const c = run.checkpointId ? await getCheckpoint(run.checkpointId) : null;
  if (!c) throw new Error(`run ${run.key} has no saved checkpoint`);
  return { name: c.name, files: c.files };
}

async function busy(
  kind: NonNullable<ReturnType<typeof get>['busy']>,
  context: string,
  fn: () => Promise<void>,
): Promise<void> {
  if (get().busy) return;
  set({ busy: kind });
  try {
    await fn();
  } catch (e) {
    reportError(context, e);
  } finally {
    set({ busy: null });
  }
}

/** Downloads `<model>-<strategy>-s<seed>-step<N>.zip`: one folder with config.json, model.safetensors, the tokenizer. */
export function exportTuned(): Promise<void> {
  return busy('export', 'Exporting the fine-tuned model', async () => {
    const { name, files } = await selectedFolder();
    downloadBlob(new Blob([writeZip(folderEntries(name, files))], { type: 'application/zip' }), `${name}.zip`);
  });
}

export function loadTuned(): Promise<void> {
  return busy('load', 'Loading the fine-tuned model', async () => {
    const { name, files } = await selectedFolder();
    await loadFolderIntoEngine(name, files);
  });
}

/** WAAD and FAI of the starting and the selected fine-tuned model on the same prompt + response. */
export function computeBeforeAfter(): Promise<void> {
  return busy('before-after', 'Before/after analysis', async () => {
    const s = get();
    const target = trainClientFor(s.selected);
    if (!s.live || !target) throw new Error('the before/after view needs the runs of this session (train first)');
    const out = await target.client.call('beforeAfter', { run: target.run });
    set({ beforeAfter: { ...out, run: { ...out.run, index: s.selected } } });
  });
}

export function selectRun(index: number): void {
  set({ selected: index });
}
