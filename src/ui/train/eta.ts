/**
 * Progress of a comparison (runs × steps) and its ETA: the mean wall time per finished step so far (evaluation
 * included) times the steps left. Pure, so the label is unit-tested.
 */
export interface ProgressState {
  /** 0-based index of the run in progress. */
  runIndex: number;
  runsTotal: number;
  /** Steps done in the run in progress. */
  step: number;
  steps: number;
  /** Wall ms spent training (pauses excluded). */
  activeMs: number;
  /** Steps of the run in progress done before this session (a resumed run): not part of activeMs's rate. */
  startStep?: number;
}

/** Steps done over the whole comparison, and the total. */
export function overallSteps(p: ProgressState): { done: number; total: number } {
  return { done: p.runIndex * p.steps + p.step, total: p.runsTotal * p.steps };
}

export function progressFraction(p: ProgressState): number {
  const { done, total } = overallSteps(p);
  return total > 0 ? Math.min(1, done / total) : 0;
}

/** Seconds left, or null before the first step (no rate known yet). */
export function etaSeconds(p: ProgressState): number | null {
  const { done, total } = overallSteps(p);
  const timed = done - (p.startStep ?? 0);
  if (timed <= 0 || p.activeMs <= 0) return null;
  return ((p.activeMs / timed) * (total - done)) / 1000;
}

/** 80 → "1:20", 3725 → "1:02:05". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** "run 2/4 · step 13/40 · ETA 1:20" (ETA "–" until a step finished). */
export function progressLabel(p: ProgressState): string {
  const eta = etaSeconds(p);
  return `run ${Math.min(p.runIndex + 1, p.runsTotal)}/${p.runsTotal} · step ${p.step}/${p.steps} · ETA ${eta === null ? '–' : formatDuration(eta)}`;
}
