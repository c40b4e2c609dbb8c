/**
 * Saved checkpoints in the panel: list them, reopen a comparison's charts from the stored log lines (after a
 * reload), load one into the engine (Open), delete one. Errors become notices, never crashes.
 */
import { reportError, useNoticeStore } from '../app/noticeStore';
import { loadFolderIntoEngine } from './loadFolder';
import { deleteCheckpoint, getCheckpoint, listCheckpoints, type CheckpointMeta } from './checkpointStore';
import { useTrainStore, type RunView } from './trainStore';

let listWarned = false;

export async function refreshCheckpoints(): Promise<CheckpointMeta[]> {
  try {
    const checkpoints = await listCheckpoints();
    useTrainStore.setState({ checkpoints });
    return checkpoints;
  } catch (e) {
    if (!listWarned) useNoticeStore.getState().push('warning', 'Saved checkpoints', (e as Error).message);
    listWarned = true;
    return [];
  }
}

/** The runs of one saved comparison, as chart data (not live: export and load read IndexedDB). */
export function runsOfSession(checkpoints: CheckpointMeta[], session: string): RunView[] {
  const mine = checkpoints.filter((c) => c.session === session);
  // Runs in comparison order (older records without an index: the order their last checkpoints were written).
  mine.sort(
    (a, b) => (a.index ?? Infinity) - (b.index ?? Infinity) || a.created - b.created || a.id.localeCompare(b.id),
  );
  return mine.map((c, index) => ({
    index,
    key: `${c.options.strategy}-s${c.options.seed}`,
    strategy: c.options.strategy,
    seed: c.options.seed,
    lines: c.lines,
    initialAccuracy: c.initialAccuracy,
    done: c.final,
    step: c.step,
    checkpointId: c.id,
  }));
}

/** Shows a saved comparison's charts (not live); returns its runs. */
export function showSession(checkpoints: CheckpointMeta[], session: string, selectedId?: string): RunView[] {
  const runs = runsOfSession(checkpoints, session);
  const first = checkpoints.find((c) => c.session === session);
  if (!first) return [];
  useTrainStore.setState({
    runs,
    live: false,
    session,
    model: first.model,
    progress: null,
    beforeAfter: null,
    selected: Math.max(
      0,
      runs.findIndex((r) => r.checkpointId === selectedId),
    ),
    status: 'idle',
    statusText: `Reopened from saved checkpoints (${runs.length} run${runs.length === 1 ? '' : 's'} of ${first.model}).`,
  });
  return runs;
}

/** After a reload: the latest saved comparison's charts, unless something is shown already. */
export async function reopenLatest(): Promise<void> {
  const checkpoints = await refreshCheckpoints();
  const s = useTrainStore.getState();
  if (s.runs.length > 0 || s.status !== 'idle' || checkpoints.length === 0) return;
  showSession(checkpoints, checkpoints[0].session);
}

/** Open: the checkpoint's comparison in the charts and its model in the engine. */
export async function openCheckpoint(id: string): Promise<void> {
  try {
    const c = await getCheckpoint(id);
    if (!c) throw new Error('this checkpoint is gone (deleted in another tab?)');
    const s = useTrainStore.getState();
    if (s.status !== 'running' && s.status !== 'paused' && s.status !== 'starting')
      showSession(s.checkpoints, c.session, c.id);
    await loadFolderIntoEngine(c.name, c.files);
  } catch (e) {
    reportError('Opening a saved checkpoint', e);
  }
}

export async function removeCheckpoint(id: string): Promise<void> {
  try {
    await deleteCheckpoint(id);
    await refreshCheckpoints();
  } catch (e) {
    reportError('Deleting a saved checkpoint', e);
  }
}
