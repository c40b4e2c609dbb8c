/**
 * The strategy comparison: strategies × seeds, each an RL run to N steps from the same starting model; a table
 * of final held-out accuracy and area under the reward curve (mean ± 95% CI over seeds), CSV and an SVG plot.
 * Environment-free: runs come from a callback (the CLI runs them in turn and stores their logs).
 */
import { holm, pairedTTestP } from './experiment-stats';
import { supervision, type RlStrategy } from './options';
import type { RunLogLine } from './runlog';

export interface RunResult {
  strategy: RlStrategy;
  seed: number;
  lines: RunLogLine[];
  /** Held-out accuracy before any step (same for every run of one experiment). */
  initialAccuracy: number | null;
}

export interface Interval {
  mean: number;
  /** Half-width of the 95% CI (Student t over seeds); NaN with one seed. */
  ci: number;
  n: number;
}

export interface StrategyRow {
  strategy: RlStrategy;
  seeds: number[];
  finalAccuracy: Interval;
  /** Area under the mean-reward curve divided by the steps (= mean reward over the run). */
  rewardAuc: Interval;
  /** Mean reward over the last 10% of steps. */
  finalReward: Interval;
  amplifiedShare: number;
  stepSeconds: number;
  /** Share of step time in attention pass + credit (attention + metrics). */
  creditShare: number;
  /**
   * Paired differences from the baseline (uniform) over the seeds both have: a seed fixes the problems of every
   * step, so pairing removes what seeds share and is the sharper test. Null for the baseline or without one.
   */
  vsBaseline: { finalAccuracy: Paired; rewardAuc: Paired } | null;
}

/** A paired difference from the baseline with its two-sided paired t-test. */
export interface Paired extends Interval {
  /** p-value of the paired t-test (NaN with fewer than two pairs). */
  p: number;
  /** p after Holm's correction across the strategies compared with the baseline (one family per metric). */
  pHolm: number;
}

/** The strategy the paired differences are taken from. */
export const BASELINE: RlStrategy = 'uniform';

/** Two-sided 95% Student t quantiles, df = 1..30 (beyond: 1.96). */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function meanCi(xs: number[]): Interval {
  const n = xs.length;
  if (n === 0) return { mean: NaN, ci: NaN, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, ci: NaN, n };
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) * (b - mean), 0) / (n - 1));
  return { mean, ci: (T95[n - 2] ?? 1.96) * (sd / Math.sqrt(n)), n };
}

/** Trapezoid area under the mean-reward curve over steps 1..N, divided by N − 1 (one step: that reward). */
export function rewardAuc(lines: RunLogLine[]): number {
  const r = lines.map((l) => l.mean_reward);
  if (r.length === 1) return r[0];
  let area = 0;
  for (let i = 1; i < r.length; i++) area += (r[i - 1] + r[i]) / 2;
  return area / (r.length - 1);
}

const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** The last held-out accuracy of a run, if it was evaluated. */
const finalAccuracyOf = (r: RunResult) =>
  [...r.lines].reverse().find((l) => l.heldout_accuracy !== undefined)?.heldout_accuracy;

/** mean ± CI and t-test p of f(run) − f(baseline run of the same seed), over seeds where both are defined. */
function paired(runs: RunResult[], baseline: RunResult[], f: (r: RunResult) => number | undefined): Paired {
  const base = new Map(baseline.map((r) => [r.seed, f(r)]));
  const diffs = runs.flatMap((r) => {
    const [x, y] = [f(r), base.get(r.seed)];
    return x !== undefined && y !== undefined ? [x - y] : [];
  });
  const p = pairedTTestP(diffs);
  return { ...meanCi(diffs), p, pHolm: p };
}

/** Holm over the rows' p-values of one metric (every strategy against the baseline is one family). */
function adjustHolm(rows: StrategyRow[], metric: 'finalAccuracy' | 'rewardAuc'): void {
  const compared = rows.filter((r) => r.vsBaseline);
  const adjusted = holm(compared.map((r) => r.vsBaseline![metric].p));
  compared.forEach((r, i) => (r.vsBaseline![metric].pHolm = adjusted[i]));
}

export function summarize(results: RunResult[]): StrategyRow[] {
  const byStrategy = new Map<RlStrategy, RunResult[]>();
  for (const r of results) byStrategy.set(r.strategy, [...(byStrategy.get(r.strategy) ?? []), r]);
  const baseline = byStrategy.get(BASELINE);
  const rows = [...byStrategy].map(([strategy, runs]): StrategyRow => {
    const finals = runs.map(finalAccuracyOf).filter((x): x is number => x !== undefined);
    const all = runs.flatMap((r) => r.lines);
    const tail = runs.map((r) =>
      avg(r.lines.slice(-Math.max(1, Math.round(r.lines.length / 10))).map((l) => l.mean_reward)),
    );
    const total = all.reduce((a, l) => a + l.time_ms.total, 0);
    return {
      strategy,
      seeds: runs.map((r) => r.seed),
      finalAccuracy: meanCi(finals),
      rewardAuc: meanCi(runs.map((r) => rewardAuc(r.lines))),
      finalReward: meanCi(tail),
      amplifiedShare: avg(all.map((l) => l.amplified_share)),
      stepSeconds: total / Math.max(all.length, 1) / 1000,
      creditShare: total ? all.reduce((a, l) => a + l.time_ms.attention + l.time_ms.metrics, 0) / total : 0,
      vsBaseline:
        baseline && strategy !== BASELINE
          ? {
              finalAccuracy: paired(runs, baseline, finalAccuracyOf),
              rewardAuc: paired(runs, baseline, (r) => rewardAuc(r.lines)),
            }
          : null,
    };
  });
  adjustHolm(rows, 'finalAccuracy');
  adjustHolm(rows, 'rewardAuc');
  return rows;
}

const pct = (x: number) => (Number.isNaN(x) ? 'n/a' : (100 * x).toFixed(1));
const pm = (i: Interval, scale = 100, digits = 1) =>
  `${Number.isNaN(i.mean) ? 'n/a' : (i.mean * scale).toFixed(digits)} ± ${Number.isNaN(i.ci) ? 'n/a' : (i.ci * scale).toFixed(digits)}`;

/** A p-value as in the tables: 3 decimals, "<0.001" below, "n/a" without a test. */
export const formatP = (p: number) => (Number.isNaN(p) ? 'n/a' : p < 0.001 ? '<0.001' : p.toFixed(3));

const signed = (i: Interval) =>
  Number.isNaN(i.mean) ? 'n/a' : `${i.mean >= 0 ? '+' : '−'}${pm({ ...i, mean: Math.abs(i.mean) })}`;

/**
 * Markdown table (accuracies and rewards in %; Δ = paired difference from uniform, in points; Holm p = paired
 * t-test p-value after Holm's correction across the strategies).
 */
export function summaryMarkdown(rows: StrategyRow[], initialAccuracy: number | null): string {
  const head =
    '| strategy | seeds | final held-out acc. % (95% CI) | Δ acc. vs uniform, paired | Holm p (Δ acc.) | reward AUC % (95% CI) | Δ AUC vs uniform, paired | Holm p (Δ AUC) | final reward % | amplified tokens % | s/step | attention+credit % of step |\n|---|---|---|---|---|---|---|---|---|---|---|---|';
  const body = rows.map((r) => {
    const v = r.vsBaseline;
    const mark = supervision(r.strategy) === 'step-verified' ? ' †' : '';
    return `| ${r.strategy}${mark} | ${r.seeds.length} | ${pm(r.finalAccuracy)} | ${v ? signed(v.finalAccuracy) : '–'} | ${v ? formatP(v.finalAccuracy.pHolm) : '–'} | ${pm(r.rewardAuc)} | ${v ? signed(v.rewardAuc) : '–'} | ${v ? formatP(v.rewardAuc.pHolm) : '–'} | ${pm(r.finalReward)} | ${pct(r.amplifiedShare)} | ${r.stepSeconds.toFixed(2)} | ${pct(r.creditShare)} |`;
  });
  const start = initialAccuracy === null ? '' : `\nStarting model: held-out accuracy ${pct(initialAccuracy)}%.`;
  const note = rows.some((r) => supervision(r.strategy) === 'step-verified')
    ? `\n† step-supervised: the task's step checker judges every scratchpad line, supervision the other strategies do not get.`
    : '';
  return [head, ...body].join('\n') + start + note + '\n';
}

export function summaryCsv(rows: StrategyRow[]): string {
  const head =
    'strategy,seeds,final_acc_mean,final_acc_ci95,reward_auc_mean,reward_auc_ci95,final_reward_mean,final_reward_ci95,amplified_share,step_seconds,credit_share,' +
    'delta_acc_vs_uniform_mean,delta_acc_vs_uniform_ci95,delta_auc_vs_uniform_mean,delta_auc_vs_uniform_ci95,' +
    'delta_acc_p,delta_acc_p_holm,delta_auc_p,delta_auc_p_holm,supervision';
  const f = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '' : String(+x.toFixed(6)));
  return (
    [
      head,
      ...rows.map((r) =>
        [
          r.strategy,
          r.seeds.length,
          f(r.finalAccuracy.mean),
          f(r.finalAccuracy.ci),
          f(r.rewardAuc.mean),
          f(r.rewardAuc.ci),
          f(r.finalReward.mean),
          f(r.finalReward.ci),
          f(r.amplifiedShare),
          f(r.stepSeconds),
          f(r.creditShare),
          f(r.vsBaseline?.finalAccuracy.mean),
          f(r.vsBaseline?.finalAccuracy.ci),
          f(r.vsBaseline?.rewardAuc.mean),
          f(r.vsBaseline?.rewardAuc.ci),
          f(r.vsBaseline?.finalAccuracy.p),
          f(r.vsBaseline?.finalAccuracy.pHolm),
          f(r.vsBaseline?.rewardAuc.p),
          f(r.vsBaseline?.rewardAuc.pHolm),
          supervision(r.strategy),
        ].join(','),
      ),
    ].join('\n') + '\n'
  );
}

/** Long-format curves: one row per (strategy, seed, step). */
export function curvesCsv(results: RunResult[]): string {
  const rows = results.flatMap((r) =>
    r.lines.map((l) =>
      [
        r.strategy,
        r.seed,
        l.step,
        l.mean_reward,
        l.heldout_accuracy ?? '',
        l.mean_length,
        l.entropy,
        l.amplified_share,
        l.clip_fraction,
      ].join(','),
    ),
  );
  return (
    ['strategy,seed,step,mean_reward,heldout_accuracy,mean_length,entropy,amplified_share,clip_fraction', ...rows].join(
      '\n',
    ) + '\n'
  );
}

/** Per strategy and step: mean over seeds of a per-step value (steps where every seed has it). */
export function meanCurve(
  runs: RunResult[],
  pick: (l: RunLogLine) => number | undefined,
): { step: number; mean: number; ci: number }[] {
  const steps = new Map<number, number[]>();
  for (const r of runs)
    for (const l of r.lines) {
      const v = pick(l);
      if (v !== undefined) steps.set(l.step, [...(steps.get(l.step) ?? []), v]);
    }
  return [...steps]
    .filter(([, v]) => v.length === runs.length)
    .sort((a, b) => a[0] - b[0])
    .map(([step, v]) => ({ step, ...meanCi(v) }));
}
