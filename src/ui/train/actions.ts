/**
 * Train actions: start a comparison in the training workers, pause/resume/cancel it, resume a saved run (the
 * workers' events: ./events.ts; the pool and the comparison's state: ./session.ts; export / load / before-after of
 * the tuned model: ./tuned.ts). Plain functions over the stores; the training workers are separate from the engine
 * worker so the workbench stays usable meanwhile. A comparison is split over a pool of training workers
 * (./pool.ts, one per core), each training its share one run at a time.
 */
import type { RlOptions, RlStrategy } from '../../core/rl/options';
import { isAbortError } from '../../worker/protocol';
import type { StartParams, StartResult } from '../../worker/train-protocol';
import { reportError } from '../app/noticeStore';
import { useModelStore } from '../model/modelStore';
import { getCheckpoint, isResumable, type StoredCheckpoint } from './checkpointStore';
import { showSession } from './checkpoints';
import { onWorkerEvent } from './events';
import { FormError, formFieldOf, parseTrainForm } from './form';
import { modelBytes } from './modelBytes';
import { poolCores, splitComparison } from './pool';
import { activeMs, dropClients, session, trainClients } from './session';
import { useTrainStore, type RunView } from './trainStore';

const set = useTrainStore.setState;
const get = useTrainStore.getState;

/** Tests only (with ?test=1): `&trainStepDelay=ms` slows each step so an e2e test can reload mid-run. */
function testStepDelayMs(): number | undefined {
  const q = new URLSearchParams(globalThis.location?.search ?? '');
  const ms = Number(q.get('trainStepDelay'));
  return q.get('test') === '1' && ms > 0 ? ms : undefined;
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
  session.resuming = null;
  session.checkpointEvery = parsed.checkpointEvery;
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
  session.keyIndex = new Map(runs.map((r) => [r.key, r.index]));
  session.placement = new Map();
  session.runOptions = [];
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
  session.resuming = { index: run.index, fromStep: ck.step };
  session.keyIndex = null;
  session.placement = new Map();
  session.checkpointEvery = ck.checkpointEvery ?? 5;
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
  params: () => Promise<Omit<StartParams, 'session.checkpointEvery' | 'stepDelayMs'>[]>,
  doneText: (res: StartResult) => string,
): Promise<void> {
  const controller = new AbortController();
  session.startController = controller;
  session.storeWarned = false;
  session.activeBefore = 0;
  session.activeSince = performance.now();
  try {
    const ps = await params();
    const cs = await trainClients(ps.length);
    set({ status: 'running', statusText: session.resuming ? 'Training (resumed)…' : 'Training…', workers: cs.length });
    const results = await Promise.all(
      ps.map((p, w) =>
        cs[w]
          .call(
            'start',
            { ...p, checkpointEvery: session.checkpointEvery, stepDelayMs: testStepDelayMs() },
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
    if (!session.resuming && get().runs.length > 0) set({ selected: get().runs.length - 1 });
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
    if (session.startController === controller) session.startController = null;
    session.activeBefore = activeMs();
    session.activeSince = null;
  }
}

/** Status 'paused' only once every worker's step in flight has finished: nothing runs while it shows. */
export async function pauseTraining(): Promise<void> {
  if (session.clients.length === 0 || get().status !== 'running' || get().pausing) return;
  set({ pausing: true, statusText: 'Pausing after the step in progress…' });
  try {
    await Promise.all(session.clients.map((c) => c.call('pause', {})));
  } finally {
    set({ pausing: false });
  }
  if (get().status !== 'running') return; // finished or cancelled meanwhile
  session.activeBefore = activeMs();
  session.activeSince = null;
  set({ status: 'paused', statusText: 'Paused.' });
}

export async function resumeTraining(): Promise<void> {
  if (session.clients.length === 0 || get().status !== 'paused') return;
  await Promise.all(session.clients.map((c) => c.call('resume', {})));
  session.activeSince = performance.now();
  set({ status: 'running', statusText: 'Training…' });
}

export function cancelTraining(): void {
  if (!session.startController) return;
  session.startController.abort();
  // A paused run is released by the abort; the worker answers after the step in progress.
  set({ statusText: 'Cancelling after the step in progress…' });
}
