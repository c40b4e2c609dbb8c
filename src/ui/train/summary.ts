/**
 * The comparison table and its CSV files, computed exactly as `rhythmscope experiment` does (src/core/rl/experiment:
 * summarize, meanCi, rewardAuc, curvesCsv, summaryCsv), from the runs the panel shows. Pure (Node-tested).
 */
import { curvesCsv, formatP, summarize, summaryCsv, type Interval, type RunResult } from '../../core/rl/experiment';
import type { RlStrategy } from '../../core/rl/options';
import type { RunData } from './series';

export interface SummaryRow {
  strategy: string;
  /** Finished runs of this strategy (one per seed). */
  runs: number;
  /** Final held-out accuracy: mean ± 95% CI half-width (Student t over seeds; NaN with one seed). */
  finalAccuracy: Interval;
  /** Area under the mean-reward curve / steps: mean ± 95% CI. */
  rewardAuc: Interval;
  /** Final held-out accuracy minus uniform's, paired by seed (null for uniform or without uniform runs). */
  vsUniform: Interval | null;
  /** Holm-adjusted p of that difference (two-sided paired t over seeds; NaN with < 2 pairs; null without a pair). */
  pHolm: number | null;
  /** The starting model's held-out accuracy (the same for every run of a comparison). */
  startAccuracy: number | null;
}

/** Runs as the experiment code takes them (runs without a line yet are left out). */
export function runResults(runs: RunData[]): RunResult[] {
  return runs
    .filter((r) => r.lines.length > 0)
    .map((r) => ({
      strategy: r.strategy as RlStrategy,
      seed: r.seed,
      lines: r.lines,
      initialAccuracy: r.initialAccuracy ?? null,
    }));
}

/** One row per strategy over the finished runs (`done`): the table updates as each run ends. */
export function summaryRows(runs: (RunData & { done: boolean })[]): SummaryRow[] {
  const results = runResults(runs.filter((r) => r.done));
  return summarize(results).map((row) => ({
    strategy: row.strategy,
    runs: row.seeds.length,
    finalAccuracy: row.finalAccuracy,
    rewardAuc: row.rewardAuc,
    vsUniform: row.vsBaseline?.finalAccuracy ?? null,
    pHolm: row.vsBaseline?.finalAccuracy.pHolm ?? null,
    startAccuracy:
      results.find((r) => r.strategy === row.strategy && r.initialAccuracy !== null)?.initialAccuracy ?? null,
  }));
}

/** "45.0 ± 12.7" in percent; "n/a" where a value is unknown (the CI with one seed). */
export function formatInterval(i: Interval): string {
  const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1) : 'n/a');
  return `${pct(i.mean)} ± ${pct(i.ci)}`;
}

/** "+1.5 ± 2.0" / "−0.8 ± n/a" in percentage points; "–" where there is no paired difference. */
export function formatDifference(i: Interval | null): string {
  if (!i || !Number.isFinite(i.mean)) return '–';
  return `${i.mean >= 0 ? '+' : '−'}${formatInterval({ ...i, mean: Math.abs(i.mean) })}`;
}

/** A Holm p as the CLI's summary.md writes it ("0.205", "<0.001", "n/a"); "–" where there is no paired difference. */
export function formatHolm(p: number | null): string {
  return p === null ? '–' : formatP(p);
}

export function formatPercent(x: number | null): string {
  return x === null || !Number.isFinite(x) ? 'n/a' : `${(100 * x).toFixed(1)}`;
}

/** Per-step curves of every run shown (in-progress ones too): the CLI's curves.csv columns. */
export function curvesCsvText(runs: RunData[]): string {
  return curvesCsv(runResults(runs));
}

/** The CLI's summary.csv over the finished runs, plus the starting model's accuracy (`start_acc`). */
export function summaryCsvText(runs: (RunData & { done: boolean })[]): string {
  const done = runs.filter((r) => r.done);
  const rows = summarize(runResults(done));
  const start = summaryRows(done);
  const [head, ...body] = summaryCsv(rows).trimEnd().split('\n');
  const startOf = (i: number) => (start[i].startAccuracy === null ? '' : String(+start[i].startAccuracy!.toFixed(6)));
  return [`${head},start_acc`, ...body.map((line, i) => `${line},${startOf(i)}`)].join('\n') + '\n';
}
