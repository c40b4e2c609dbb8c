/**
 * App start-up: read the URL (backend, model, settings), restore the last document, find the built-in models,
 * start the engine, load the best built-in model (or ?model= / ?builtin=), then either re-analyse the restored
 * document or (first visit) open the shipped analysed example, else put a task problem in the prompt. Runs once per page even under StrictMode.
 */
import { analyzePasted, restoreSession } from '../analysis/actions';
import { FALLBACK_MODEL, probeCatalog, type ModelChoice } from '../model/catalog';
import { loadModelChoice, modelSourceOf, startEngine } from '../model/actions';
import { initHubEndpoint, refreshCachedModels } from '../model/hub/hubActions';
import { useHubStore } from '../model/hub/hubStore';
import { hubRefOfParam } from '../model/hub/hubUrl';
import { useModelStore } from '../model/modelStore';
import { sampleProblem } from '../prompt/actions';
import { fetchExample, openExample } from '../story/example';
import { useDocumentStore } from '../prompt/documentStore';
import { useNoticeStore } from './noticeStore';
import { installTestHook } from './testHook';
import { parseAppParams } from './urlParams';

let booted: Promise<void> | null = null;

/** `?model=hf:…` → its repo reference; a malformed one is reported and the built-in model opens instead. */
function hubRefOf(model: string | undefined) {
  try {
    return hubRefOfParam(model);
  } catch (e) {
    useNoticeStore.getState().push('warning', 'Page address', `URL parameter "model": ${(e as Error).message}`);
    return undefined;
  }
}

export function bootApp(search: string = window.location.search): Promise<void> {
  booted ??= (async () => {
    const params = parseAppParams(search);
    for (const w of params.warnings) useNoticeStore.getState().push('warning', 'Page address', w);
    if (params.test) installTestHook();
    // Marks for the e2e long-task report and the browser bench (performance.getEntriesByType('mark')).
    performance.mark('rs:boot');
    const { restoredResponse, restoredDocument } = restoreSession(search);
    // In parallel: the engine worker starts (tfjs, backend) while the page reads the catalog and the first
    // model's files, so the model is in memory when the engine is ready.
    const started = startEngine(params.backend);
    // First visit (nothing stored, no model asked for in the address): the shipped analysed example of the
    // built-in model opens as soon as the engine runs — an imported dump, no model run — and the model loads after
    // it. A page opened for another model (?builtin=, ?model=) starts on that model's own problem instead.
    const wantsExample = !restoredDocument && !params.builtin && !params.model;
    const example = wantsExample ? fetchExample().catch(() => null) : null;
    const catalog = await probeCatalog();
    useModelStore.setState({ catalog });
    let first: ModelChoice;
    const hubProblem = initHubEndpoint(params.hub);
    if (hubProblem) useNoticeStore.getState().push('warning', 'Page address', `URL parameter "hub": ${hubProblem}`);
    void refreshCachedModels();
    const hubRef = hubRefOf(params.model);
    if (hubRef) first = { kind: 'hub', ref: hubRef, endpoint: useHubStore.getState().endpoint };
    else if (params.model && !params.model.toLowerCase().startsWith('hf:')) first = { kind: 'url', url: params.model };
    else {
      const pick = catalog.find((c) => c.id === params.builtin) ?? catalog[0] ?? FALLBACK_MODEL;
      if (params.builtin && pick.id !== params.builtin)
        useNoticeStore
          .getState()
          .push(
            'warning',
            'Page address',
            `URL parameter "builtin": no built-in model "${params.builtin}"; using ${pick.id}`,
          );
      first = { kind: 'catalog', id: pick.id, url: pick.url, files: pick.files };
    }
    // A Hub model is judged against the backend before its download, so it waits for the engine.
    const source = first.kind === 'hub' ? undefined : modelSourceOf(first);
    source?.catch(() => {}); // a failed read is reported by loadModelChoice, or not at all when the engine fails
    if (!(await started)) return;
    performance.mark('rs:engine-ready');
    const exampleFiles = await example;
    const exampleShown = exampleFiles ? await openExample(exampleFiles) : false;
    if (!(await loadModelChoice(first, source))) return;
    performance.mark('rs:model-loaded');
    if (restoredResponse) await analyzePasted();
    else if (!restoredDocument && !exampleShown) {
      const { task, level } = useDocumentStore.getState();
      sampleProblem(task, level);
    }
  })();
  return booted;
}
