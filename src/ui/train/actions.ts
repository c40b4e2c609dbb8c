/**
 * Train actions: start a comparison in the training worker, pause/resume/cancel it, keep its checkpoints in
 * IndexedDB, resume a saved run (export / load / before-after of the tuned model: ./tuned.ts). Plain functions over
 * the stores; the training workers are separate from the engine worker so the workbench stays usable meanwhile.
 * A comparison is split over a pool of training workers (./pool.ts, one per core), each training its share one run
 * at a time; their events are mapped back to the comparison's run order.
 */
import type { BackendName } from '../../core/backend/index';
import type { RlOptions, RlStrategy } from '../../core/rl/options';
import type { TrainClient } from '../../worker/train-client';
import { isAbortError } from '../../worker/protocol';
import type { RunRef, StartParams, StartResult, TrainEvent } from '../../worker/train-protocol';
import { reportError, useNoticeStore } from '../app/noticeStore';
import { useModelStore } from '../model/modelStore';
import { getCheckpoint, isResumable, saveCheckpoint, type StoredCheckpoint } from './checkpointStore';
import { refreshCheckpoints, showSession } from './checkpoints';
import { tunedName } from './exportName';
import { FormError, formFieldOf, parseTrainForm } from './form';
import { modelBytes } from './modelBytes';
import { poolCores, pooledProgress, splitComparison } from './pool';
import { useTrainStore, type RunView } from './trainStore';

const set = useTrainStore.setState;
const get = useTrainStore.getState;

/** The pool of training workers (grown on demand, kept between comparisons). */
let clients: TrainClient[] = [];
let clientBackend: string | null = null;
/** Comparison index of each run key while a new comparison's runs come from the pool (null: indices as sent). */
let keyIndex: Map<string, number> | null = null;
/** Per comparison index: the worker that trains (or trained) the run and the run's index there. */
let placement = new Map<number, { worker: number; local: number }>();
let startController: AbortController | null = null;
/** Wall ms of training before the current active stretch, and when that stretch began (null while paused). */
let activeBefore = 0;
let activeSince: number | null = null;
/** Full options per run index (sparse while one saved run is resumed). */
let runOptions: RlOptions[] = [];
let storeWarned = false;
/** Index of the saved run being resumed (its lines append to the reopened charts), else null. */
let resuming: { index: number; fromStep: number } | null = null;
let checkpointEvery = 5;

/** Tests only (with ?test=1): `&trainStepDelay=ms` slows each step so an e2e test can reload mid-run. */
function testStepDelayMs(): number | undefined {
  const q = new URLSearchParams(globalThis.location?.search ?? '');
  const ms = Number(q.get('trainStepDelay'));
  return q.get('test') === '1' && ms > 0 ? ms : undefined;
}

/** The engine's backend; a software (SwiftShader) WebGPU adapter would make training crawl, so wasm then. */
export function trainBackendFor(
  engineBackend: { name: BackendName; fallbackAdapter?: boolean } | null,
): BackendName | 'auto' {
  if (!engineBackend) return 'auto';
  if (engineBackend.name === 'webgpu' && engineBackend.fallbackAdapter) return 'wasm';
  return engineBackend.name;
}

/** `n` training workers on the engine's backend (a backend change replaces the pool). */
async function trainClients(n: number): Promise<TrainClient[]> {
  const requested = trainBackendFor(useModelStore.getState().backend);
  if (clientBackend !== requested) dropClients();
  clientBackend = requested;
  const { spawnTrainClient } = await import('../../worker/train-client');
  while (clients.length < n) {
    const c = spawnTrainClient();
    clients.push(c);
    const report = await c.call('init', { backend: requested });
    set({ backend: report.simdAttention ? `${report.name} (SIMD attention kernel)` : report.name });
  }
  return clients.slice(0, n);
}

function dropClients(): void {
  for (const c of clients) c.terminate();
  clients = [];
  placement = new Map();
}

/** A worker's run reference in the comparison's numbering. */
function globalRef(ref: RunRef): RunRef {
  const index = keyIndex?.get(ref.key);
  return index === undefined ? ref : { ...ref, index };
}

/** Steps done over every run of the comparison (runs advance side by side in the pool). */
const stepsDone = () => get().runs.reduce((a, r) => a + r.step, 0);

const activeMs = () => activeBefore + (activeSince === null ? 0 : performance.now() - activeSince);

function updateRun(index: number, fn: (r: RunView) => RunView): void {
  set((s) => ({ runs: s.runs.map((r) => (r.index === index ? fn(r) : r)) }));
}

async function keepCheckpoint(e: Extract<TrainEvent, { kind: 'checkpoint' }>): Promise<void> {
  const s = get();
  const run = s.runs.find((r) => r.index === e.run.index);
  if (!run || !s.session || !s.model) return;
  const c: StoredCheckpoint = {
    id: `${s.session}-${run.key}`,
    session: s.session,
    name: tunedName(s.model, run.strategy, run.seed, e.step),
    model: s.model,
    created: Date.now(),
    options: runOptions[run.index],
    step: e.step,
    final: e.final,
    lines: run.lines,
    initialAccuracy: run.initialAccuracy,
    index: run.index,
    adamStep: e.adamStep,
    checkpointEvery,
    files: e.files,
  };
  try {
    await saveCheckpoint(c);
    updateRun(run.index, (r) => ({ ...r, checkpointId: c.id }));
    await refreshCheckpoints();
  } catch (err) {
    // Saving is a convenience: say so once per comparison, keep training.
    if (!storeWarned)
      useNoticeStore
        .getState()
        .push(
          'warning',
          'Saving checkpoints',
          `${(err as Error).message}. Training goes on; use Export to keep the model.`,
        );
    storeWarned = true;
  }
}

/** A worker's event: run references renumbered to the comparison's order, then applied. */
function onWorkerEvent(e: TrainEvent, worker: number): void {
  if (e.kind === 'plan') {
    for (const [i, r] of e.runs.entries()) {
      const g = resuming ? resuming.index : globalRef(r).index;
      // A resumed run's finished state is kept at index 0 in its worker.
      placement.set(g, { worker, local: resuming ? 0 : r.index });
      if (!resuming) runOptions[g] = e.options[i];
    }
    onEvent(e);
  } else if (e.kind === 'run-end') onEvent({ ...e, outcome: { ...e.outcome, run: globalRef(e.outcome.run) } });
  else onEvent({ ...e, run: globalRef(e.run) });
}

function onEvent(e: TrainEvent): void {
  switch (e.kind) {
    case 'plan':
      if (resuming) {
        runOptions = [];
        runOptions[resuming.index] = e.options[0];
        set({
          progress: {
            runIndex: 0,
            runsTotal: 1,
            step: resuming.fromStep,
            steps: e.steps,
            activeMs: activeMs(),
            startStep: resuming.fromStep,
          },
        });
        return;
      }
      // A new comparison's runs are shown from the start (startTraining); each worker plans only its share.
      return;
    case 'run-start':
      set({ selected: e.run.index });
      return;
    case 'line':
      updateRun(e.run.index, (r) => ({ ...r, lines: [...r.lines, e.line], step: e.line.step }));
      set((s) => ({
        progress: s.progress && {
          ...s.progress,
          ...(resuming
            ? { runIndex: 0, step: e.line.step }
            : pooledProgress(stepsDone(), s.progress.runsTotal, s.progress.steps)),
          activeMs: activeMs(),
        },
      }));
      return;
    case 'run-evaluated':
      updateRun(e.run.index, (r) => ({ ...r, initialAccuracy: e.initialAccuracy }));
      return;
    case 'checkpoint':
      void keepCheckpoint(e);
      return;
    case 'run-end':
      updateRun(e.outcome.run.index, (r) => ({
        ...r,
        done: true,
        step: e.outcome.steps,
        initialAccuracy: e.outcome.initialAccuracy,
      }));
      return;
  }
}

/** The message under the field (the banner keeps the full one, naming the field). */
function fieldErrorFrom(e: unknown): void {
  const short = (m: string) => m.replace(/^field "[^"]*": /, '');
  if (e instanceof FormError) set({ fieldError: { field: e.formField, message: short(e.message) } });
  else if (e instanceof Error && e.name === 'InputError') {
    const field = formFieldOf(e.message);
    if (field) set({ fieldError: { field, message: short(e.message) } });
  }
}

/** Validates the form (nothing starts on a bad value), then trains every strategy × seed. */
export async function startTraining(): Promise<void> {
  const s = get();
  if (s.status === 'starting' || s.status === 'running' || s.status === 'paused') return;
  let parsed;
  try {
    parsed = parseTrainForm(s.form);
  } catch (e) {
    fieldErrorFrom(e);
    reportError('Starting training', e);
    return;
  }
  const { info, choice } = useModelStore.getState();
  if (!info || !choice) {
    reportError('Starting training', new Error('load a model first'));
    return;
  }
  resuming = null;
  checkpointEvery = parsed.checkpointEvery;
  const runs: RunView[] = parsed.strategies.flatMap((strategy: RlStrategy, si) =>
    parsed.seeds.map((seed, ki) => ({
      index: si * parsed.seeds.length + ki,
      key: `${strategy}-s${seed}`,
      strategy,
      seed,
      lines: [],
      done: false,
      step: 0,
    })),
  );
  keyIndex = new Map(runs.map((r) => [r.key, r.index]));
  placement = new Map();
  runOptions = [];
  const shares = splitComparison(parsed.strategies, parsed.seeds, poolCores());
  set({
    status: 'starting',
    statusText: `Preparing ${info.name}…`,
    fieldError: null,
    runs,
    live: true,
    model: info.name,
    session: new Date().toISOString().replace(/[:.]/g, '-'),
    progress: {
      runIndex: 0,
      runsTotal: runs.length,
      step: 0,
      steps: parsed.options.steps ?? 0,
      activeMs: 0,
    },
    beforeAfter: null,
    selected: 0,
  });
  await runInWorker(
    async () => {
      const model = await modelBytes(choice, info.name);
      // Each worker gets its own copy of the model bytes (the call transfers them).
      return shares.map((share, w) => ({
        model: w === 0 ? model : { name: model.name, files: copyFiles(model.files) },
        options: parsed.options,
        strategies: share.strategies,
        seeds: share.seeds,
      }));
    },
    (res) => {
      const steps = res.runs.reduce((a, r) => a + r.steps, 0);
      return res.cancelled
        ? `Cancelled after ${steps} steps in all.`
        : `Done: ${res.runs.length} run${res.runs.length === 1 ? '' : 's'}, ${steps} steps in ${(activeMs() / 1000).toFixed(1)} s.`;
    },
  );
}

/**
 * Resume: continues a saved, unfinished run from its checkpoint (weights + Adam state + step) to its step count;
 * its comparison's charts reopen and the new steps append to its curve. Export / load read IndexedDB meanwhile.
 */
export async function resumeCheckpoint(id: string): Promise<void> {
  const s = get();
  if (s.status === 'starting' || s.status === 'running' || s.status === 'paused') return;
  let c: StoredCheckpoint | null;
  try {
    c = await getCheckpoint(id);
    if (!c) throw new Error('this checkpoint is gone (deleted in another tab?)');
    if (!isResumable(c))
      throw new Error(
        `${c.name} cannot be resumed: ${c.step >= c.options.steps ? 'the run is finished' : 'it was saved without the optimizer state'}`,
      );
  } catch (e) {
    reportError('Resuming a saved run', e);
    return;
  }
  const ck = c;
  const runs = showSession(get().checkpoints, ck.session, ck.id);
  const run = runs.find((r) => r.checkpointId === ck.id);
  if (!run) return;
  resuming = { index: run.index, fromStep: ck.step };
  keyIndex = null;
  placement = new Map();
  checkpointEvery = ck.checkpointEvery ?? 5;
  set({ status: 'starting', statusText: `Resuming ${run.key} at step ${ck.step}…`, selected: run.index });
  const files: Record<string, ArrayBuffer> = {};
  for (const [k, v] of Object.entries(ck.files)) files[k] = v.slice().buffer;
  await runInWorker(
    async () => [
      {
        model: { name: ck.name, files },
        options: { task: ck.options.task, level: ck.options.level },
        strategies: [],
        seeds: [],
        resume: {
          run: { index: run.index, key: run.key, strategy: run.strategy as RlOptions['strategy'], seed: run.seed },
          options: ck.options,
          step: ck.step,
          adamStep: ck.adamStep!,
          initialAccuracy: ck.initialAccuracy ?? null,
        },
      },
    ],
    (res) => {
      const r = res.runs[0];
      return res.cancelled || !r || r.aborted
        ? `Cancelled at step ${r?.steps ?? ck.step} of ${run.key}.`
        : `Done: ${run.key} resumed at step ${ck.step}, now at step ${r.steps}/${ck.options.steps} (${(activeMs() / 1000).toFixed(1)} s).`;
    },
  );
}

function copyFiles(files: Record<string, ArrayBuffer>): Record<string, ArrayBuffer> {
  const out: Record<string, ArrayBuffer> = {};
  for (const [k, v] of Object.entries(files)) out[k] = v.slice(0);
  return out;
}

/**
 * One `start` call per worker of the pool (the params list says how many), side by side, with the status, cancel
 * and error handling of the panel; their results merged.
 */
async function runInWorker(
  params: () => Promise<Omit<StartParams, 'checkpointEvery' | 'stepDelayMs'>[]>,
  doneText: (res: StartResult) => string,
): Promise<void> {
  const controller = new AbortController();
  startController = controller;
  storeWarned = false;
  activeBefore = 0;
  activeSince = performance.now();
  try {
    const ps = await params();
    const cs = await trainClients(ps.length);
    set({ status: 'running', statusText: resuming ? 'Training (resumed)…' : 'Training…', workers: cs.length });
    const results = await Promise.all(
      ps.map((p, w) =>
        cs[w]
          .call(
            'start',
            { ...p, checkpointEvery, stepDelayMs: testStepDelayMs() },
            {
              signal: controller.signal,
              onStream: (e) => onWorkerEvent(e, w),
              onProgress: (_f, message) => {
                if (get().status === 'running') set({ statusText: cs.length > 1 ? `[${w + 1}] ${message}` : message });
              },
            },
          )
          .catch((e: unknown) => {
            // One worker failing stops the others after their step in progress.
            controller.abort();
            throw e;
          }),
      ),
    );
    const res: StartResult = { runs: results.flatMap((r) => r.runs), cancelled: results.some((r) => r.cancelled) };
    // The comparison's last run is the selected one at the end, as when its runs go one after another.
    if (!resuming && get().runs.length > 0) set({ selected: get().runs.length - 1 });
    set({ status: res.cancelled ? 'cancelled' : 'done', statusText: doneText(res) });
  } catch (e) {
    if (isAbortError(e)) {
      set({ status: 'cancelled', statusText: 'Cancelled before the first step.' });
      return;
    }
    // A worker that died (load error, out of memory) cannot be reused: the next Start spawns a fresh pool.
    if (e instanceof Error && /^Engine worker failed/.test(e.message)) dropClients();
    fieldErrorFrom(e);
    set({ status: 'failed', statusText: e instanceof Error ? e.message : String(e) });
    reportError('Training', e);
  } finally {
    if (startController === controller) startController = null;
    activeBefore = activeMs();
    activeSince = null;
  }
}

/** Status 'paused' only once every worker's step in flight has finished: nothing runs while it shows. */
export async function pauseTraining(): Promise<void> {
  if (clients.length === 0 || get().status !== 'running' || get().pausing) return;
  set({ pausing: true, statusText: 'Pausing after the step in progress…' });
  try {
    await Promise.all(clients.map((c) => c.call('pause', {})));
  } finally {
    set({ pausing: false });
  }
  if (get().status !== 'running') return; // finished or cancelled meanwhile
  activeBefore = activeMs();
  activeSince = null;
  set({ status: 'paused', statusText: 'Paused.' });
}

export async function resumeTraining(): Promise<void> {
  if (clients.length === 0 || get().status !== 'paused') return;
  await Promise.all(clients.map((c) => c.call('resume', {})));
  activeSince = performance.now();
  set({ status: 'running', statusText: 'Training…' });
}

export function cancelTraining(): void {
  if (!startController) return;
  startController.abort();
  // A paused run is released by the abort; the worker answers after the step in progress.
  set({ statusText: 'Cancelling after the step in progress…' });
}

/** The worker holding run `index` of the live comparison and the run's index there (the tuned-model actions). */
export function trainClientFor(index: number): { client: TrainClient; run: number } | null {
  const p = placement.get(index);
  const client = p && clients[p.worker];
  return client ? { client, run: p.local } : null;
}
