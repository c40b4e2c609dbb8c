import { describe, expect, it } from 'vitest';
import type { RunLogLine } from '../../core/rl/runlog';
import { curvesCsvText, formatDifference, formatHolm, formatInterval, summaryCsvText, summaryRows } from './summary';
import type { RunData } from './series';

const line = (step: number, reward: number, heldout?: number): RunLogLine => ({
  step,
  strategy: 'uniform',
  seed: 0,
  mean_reward: reward,
  accuracy: 0,
  mean_length: 10,
  entropy: 1,
  amplified_share: 0,
  clip_fraction: 0,
  loss: 0,
  kl: 0,
  grad_norm: 0,
  first_ratio_dev: 0,
  zero_adv_groups: 0,
  analyzed_rows: 0,
  updated_rows: 0,
  nan_abort: false,
  time_ms: { rollout: 1, attention: 0, metrics: 0, update: 1, total: 2 },
  ...(heldout === undefined ? {} : { heldout_accuracy: heldout }),
});

type Run = RunData & { done: boolean };
const runs: Run[] = [
  // uniform, 2 seeds: final held-out 0.5 and 0.7; reward curves 0.2,0.4,0.6 (AUC 0.4) and 0,0.2,0.2 (AUC 0.15).
  {
    key: 'uniform-s0',
    strategy: 'uniform',
    seed: 0,
    done: true,
    initialAccuracy: 0.25,
    lines: [line(1, 0.2), line(2, 0.4, 0.3), line(3, 0.6, 0.5)],
  },
  {
    key: 'uniform-s1',
    strategy: 'uniform',
    seed: 1,
    done: true,
    initialAccuracy: 0.25,
    lines: [line(1, 0), line(2, 0.2), line(3, 0.2, 0.7)],
  },
  { key: 'coupled-s0', strategy: 'coupled', seed: 0, done: true, initialAccuracy: 0.25, lines: [line(1, 0.5, 0.25)] },
  // Still training: in the curves, not in the table.
  { key: 'coupled-s1', strategy: 'coupled', seed: 1, done: false, initialAccuracy: 0.25, lines: [line(1, 0.9)] },
];

describe('summaryRows (mean ± 95% CI over seeds, as rhythmscope experiment)', () => {
  it('hand-computed for 2 seeds: t(1) = 12.706, CI = t·sd/√n', () => {
    const [u, c] = summaryRows(runs);
    expect(u.strategy).toBe('uniform');
    expect(u.runs).toBe(2);
    expect(u.startAccuracy).toBe(0.25);
    // final accuracy: mean 0.6, sd = √((0.1² + 0.1²)/1) = 0.1414, CI = 12.706 · 0.1414 / √2 = 1.2706
    expect(u.finalAccuracy.mean).toBeCloseTo(0.6, 12);
    expect(u.finalAccuracy.ci).toBeCloseTo(1.2706, 10);
    // AUC: (0.3 + 0.5)/2 = 0.4 and (0.1 + 0.2)/2 = 0.15 → mean 0.275, sd = 0.25/√2, CI = 12.706 · 0.25 / 2 = 1.58825
    expect(u.rewardAuc.mean).toBeCloseTo(0.275, 12);
    expect(u.rewardAuc.ci).toBeCloseTo(1.58825, 10);
    expect(formatInterval(u.finalAccuracy)).toBe('60.0 ± 127.1');
    expect(formatInterval(u.rewardAuc)).toBe('27.5 ± 158.8');
    // One finished coupled run: no CI; the unfinished one is not counted.
    expect(c).toMatchObject({ strategy: 'coupled', runs: 1 });
    expect(c.finalAccuracy.mean).toBe(0.25);
    expect(formatInterval(c.finalAccuracy)).toBe('25.0 ± n/a');
    expect(formatInterval(c.rewardAuc)).toBe('50.0 ± n/a');
    // Paired with uniform seed 0 (0.5): −25 points, one pair, no CI; uniform itself has none.
    expect(formatDifference(c.vsUniform)).toBe('−25.0 ± n/a');
    expect(formatDifference(u.vsUniform)).toBe('–');
  });

  it('Holm p of Δ acc., by hand: four strategies against uniform, two seeds each', () => {
    const run = (strategy: string, seed: number, acc: number): Run => ({
      key: `${strategy}-s${seed}`,
      strategy,
      seed,
      done: true,
      initialAccuracy: 0.25,
      lines: [line(1, 0.5, acc)],
    });
    // Δ per seed against uniform's 0.5, 0.5; paired t with 1 df: p = 1 − 2·atan(|t|)/π.
    // coupled 0.1, 0.3 → t = 2, p = 0.295167; random 0.1, 0.2 → t = 3, p = 0.204833;
    // tempo 0, 0.4 → t = 1, p = 0.5; capo 0.1, −0.1 → t = 0, p = 1.
    // Holm (m = 4): random 4·0.204833 = 0.819332; coupled max(3·0.295167, ·) = 0.885501; tempo 2·0.5 = 1; capo 1.
    const rows = summaryRows([
      run('uniform', 0, 0.5),
      run('uniform', 1, 0.5),
      run('coupled', 0, 0.6),
      run('coupled', 1, 0.8),
      run('random', 0, 0.6),
      run('random', 1, 0.7),
      run('tempo', 0, 0.5),
      run('tempo', 1, 0.9),
      run('capo', 0, 0.6),
      run('capo', 1, 0.4),
    ]);
    const p = Object.fromEntries(rows.map((r) => [r.strategy, r.pHolm]));
    expect(p.uniform).toBeNull();
    expect(p.random).toBeCloseTo(0.819332, 5);
    expect(p.coupled).toBeCloseTo(0.885501, 5);
    expect(p.tempo).toBeCloseTo(1, 12);
    expect(p.capo).toBeCloseTo(1, 12);
    expect(rows.map((r) => formatHolm(r.pHolm))).toEqual(
      rows.map((r) => ({ uniform: '–', random: '0.819', coupled: '0.886', tempo: '1.000', capo: '1.000' })[r.strategy]),
    );
    // One pair only: no test.
    expect(formatHolm(summaryRows(runs)[1].pHolm)).toBe('n/a');
  });

  it('no finished run: no rows', () => {
    expect(summaryRows([{ ...runs[0], done: false }])).toEqual([]);
  });
});

describe('CSV exports', () => {
  it('curves: the CLI curves.csv columns, one row per step of every run shown', () => {
    const rows = curvesCsvText(runs).trimEnd().split('\n');
    expect(rows[0]).toBe(
      'strategy,seed,step,mean_reward,heldout_accuracy,mean_length,entropy,amplified_share,clip_fraction',
    );
    expect(rows).toHaveLength(1 + 3 + 3 + 1 + 1);
    expect(rows[1]).toBe('uniform,0,1,0.2,,10,1,0,0');
    expect(rows[3]).toBe('uniform,0,3,0.6,0.5,10,1,0,0');
    expect(rows[8]).toBe('coupled,1,1,0.9,,10,1,0,0');
  });

  it('summary: the CLI summary.csv over finished runs plus start_acc', () => {
    const rows = summaryCsvText(runs).trimEnd().split('\n');
    expect(rows[0]).toBe(
      'strategy,seeds,final_acc_mean,final_acc_ci95,reward_auc_mean,reward_auc_ci95,final_reward_mean,final_reward_ci95,amplified_share,step_seconds,credit_share,' +
        'delta_acc_vs_uniform_mean,delta_acc_vs_uniform_ci95,delta_auc_vs_uniform_mean,delta_auc_vs_uniform_ci95,' +
        'delta_acc_p,delta_acc_p_holm,delta_auc_p,delta_auc_p_holm,supervision,start_acc',
    );
    expect(rows).toHaveLength(3);
    // final reward = last step's (10% of 3 steps rounds to 1): 0.6 and 0.2 → 0.4 ± 12.706 · 0.2828 / √2 = 2.5412
    expect(rows[1]).toBe('uniform,2,0.6,1.2706,0.275,1.58825,0.4,2.5412,0,0.002,0,,,,,,,,,outcome,0.25');
    // coupled seed 0 against uniform seed 0: Δ acc = 0.25 − 0.5, Δ AUC = 0.5 − 0.4 (one pair: no CI, no p)
    expect(rows[2]).toBe('coupled,1,0.25,,0.5,,0.5,,0,0.002,0,-0.25,,0.1,,,,,,outcome,0.25');
  });
});
