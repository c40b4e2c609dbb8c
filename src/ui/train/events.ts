/**
 * The training workers' events applied to the Train store: run references renumbered to the comparison's order,
 * lines appended to the charts, progress, checkpoints kept in IndexedDB as they arrive.
 */
import type { RunRef, TrainEvent } from '../../worker/train-protocol';
import { useNoticeStore } from '../app/noticeStore';
import { saveCheckpoint, type StoredCheckpoint } from './checkpointStore';
import { refreshCheckpoints } from './checkpoints';
import { tunedName } from './exportName';
import { pooledProgress } from './pool';
import { activeMs, session } from './session';
import { useTrainStore, type RunView } from './trainStore';

const set = useTrainStore.setState;
const get = useTrainStore.getState;

/** A worker's run reference in the comparison's numbering. */
function globalRef(ref: RunRef): RunRef {
  const index = session.keyIndex?.get(ref.key);
  return index === undefined ? ref : { ...ref, index };
}

/** Steps done over every run of the comparison (runs advance side by side in the pool). */
const stepsDone = () => get().runs.reduce((a, r) => a + r.step, 0);

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
    options: session.runOptions[run.index],
    step: e.step,
    final: e.final,
    lines: run.lines,
    initialAccuracy: run.initialAccuracy,
    index: run.index,
    adamStep: e.adamStep,
    checkpointEvery: session.checkpointEvery,
    files: e.files,
  };
  try {
    await saveCheckpoint(c);
    updateRun(run.index, (r) => ({ ...r, checkpointId: c.id }));
    await refreshCheckpoints();
  } catch (err) {
    // Saving is a convenience: say so once per comparison, keep training.
    if (!session.storeWarned)
      useNoticeStore
        .getState()
        .push(
          'warning',
          'Saving checkpoints',
          `${(err as Error).message}. Training goes on; use Export to keep the model.`,
        );
    session.storeWarned = true;
  }
}

/** A worker's event: run references renumbered to the comparison's order, then applied. */
export function onWorkerEvent(e: TrainEvent, worker: number): void {
  if (e.kind === 'plan') {
    for (const [i, r] of e.runs.entries()) {
      const g = session.resuming ? session.resuming.index : globalRef(r).index;
      // A resumed run's finished state is kept at index 0 in its worker.
      session.placement.set(g, { worker, local: session.resuming ? 0 : r.index });
      if (!session.resuming) session.runOptions[g] = e.options[i];
    }
    onEvent(e);
  } else if (e.kind === 'run-end') onEvent({ ...e, outcome: { ...e.outcome, run: globalRef(e.outcome.run) } });
  else onEvent({ ...e, run: globalRef(e.run) });
}

function onEvent(e: TrainEvent): void {
  switch (e.kind) {
    case 'plan':
      if (session.resuming) {
        session.runOptions = [];
        session.runOptions[session.resuming.index] = e.options[0];
        set({
          progress: {
            runIndex: 0,
            runsTotal: 1,
            step: session.resuming.fromStep,
            steps: e.steps,
            activeMs: activeMs(),
            startStep: session.resuming.fromStep,
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
          ...(session.resuming
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
