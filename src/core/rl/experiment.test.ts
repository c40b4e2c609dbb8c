import { describe, expect, it } from 'vitest';
import {
  curvesCsv,
  meanCi,
  meanCurve,
  rewardAuc,
  summarize,
  summaryCsv,
  summaryMarkdown,
  type RunResult,
} from './experiment';
import { comparisonSvg, niceStep, smooth } from './plot';
import type { RunLogLine } from './runlog';

const line = (step: number, r: number, acc?: number): RunLogLine => ({
  step,
  strategy: 'uniform',
  seed: 0,
  mean_reward: r,
  accuracy: r,
  mean_length: 10,
  entropy: 1,
  amplified_share: 0.25,
  clip_fraction: 0,
  loss: 0,
  kl: 0,
  grad_norm: 0,
  first_ratio_dev: 0,
  zero_adv_groups: 0,
  analyzed_rows: 0,
  updated_rows: 0,
  nan_abort: false,
  ...(acc !== undefined ? { heldout_accuracy: acc } : {}),
  time_ms: { rollout: 60, attention: 10, metrics: 10, update: 20, total: 100 },
});

describe('experiment statistics', () => {
  it('meanCi: mean ± t(0.975, n−1)·s/√n by hand', () => {
    // xs = 1, 2, 3: mean 2, s = 1, t(2) = 4.303 → 4.303/√3 = 2.4843
    const i = meanCi([1, 2, 3]);
    expect(i.mean).toBe(2);
    expect(i.ci).toBeCloseTo(2.48434, 4);
    expect(meanCi([0.5]).ci).toBeNaN();
    expect(meanCi([0.2, 0.2]).ci).toBe(0);
  });
  it('rewardAuc: trapezoid over steps divided by N − 1', () => {
    // (0+1)/2 + (1+1)/2 = 1.5 over 2 intervals = 0.75
    expect(rewardAuc([line(1, 0), line(2, 1), line(3, 1)])).toBeCloseTo(0.75, 12);
    expect(rewardAuc([line(1, 0.4)])).toBe(0.4);
  });
  it('summarize, CSV, markdown and SVG from two seeds', () => {
    const runs: RunResult[] = [0, 1].map((seed) => ({
      strategy: 'uniform',
      seed,
      initialAccuracy: 0.1,
      lines: [line(1, 0.1 + seed * 0.1), line(2, 0.3, 0.2 + seed * 0.2)],
    }));
    const [row] = summarize(runs);
    expect(row.finalAccuracy.mean).toBeCloseTo(0.3, 12);
    expect(row.finalAccuracy.ci).toBeCloseTo(12.706 * ((Math.SQRT2 * 0.1) / Math.SQRT2), 6); // s = 0.1414, /√2 = 0.1
    expect(row.rewardAuc.mean).toBeCloseTo(((0.1 + 0.3) / 2 + (0.2 + 0.3) / 2) / 2, 12);
    expect(row.creditShare).toBeCloseTo(0.2, 12);
    expect(summaryMarkdown([row], 0.1)).toMatch(/\| uniform \| 2 \| 30\.0 ± 127\.1 \|/);
    expect(summaryCsv([row]).split('\n')[1]).toMatch(/^uniform,2,0\.3,/);
    expect(curvesCsv(runs).split('\n')).toHaveLength(6);
    expect(meanCurve(runs, (l) => l.heldout_accuracy)).toEqual([
      { step: 2, mean: expect.closeTo(0.3, 12), ci: expect.any(Number), n: 2 },
    ]);
    expect(comparisonSvg(runs, 'a <test>')).toMatch(/a &lt;test&gt;[\s\S]*<polyline/);
  });
  it('paired differences from uniform over the seeds both have, by hand', () => {
    const run = (strategy: RunResult['strategy'], seed: number, acc: number, rewards: number[]): RunResult => ({
      strategy,
      seed,
      initialAccuracy: 0.1,
      lines: rewards.map((r, i) => line(i + 1, r, i === rewards.length - 1 ? acc : undefined)),
    });
    const rows = summarize([
      run('uniform', 0, 0.5, [0, 0.2]),
      run('uniform', 1, 0.7, [0.2, 0.4]),
      run('uniform', 2, 0.6, [0, 0]),
      // coupled: seeds 0, 1 and 3 (no uniform seed 3: not paired)
      run('coupled', 0, 0.6, [0.2, 0.2]),
      run('coupled', 1, 0.9, [0.2, 0.4]),
      run('coupled', 3, 0.1, [0, 0]),
    ]);
    const [u, c] = rows;
    expect(u.vsBaseline).toBeNull();
    // Δ acc = 0.1, 0.2: mean 0.15, sd 0.0707, CI = 12.706 · 0.0707 / √2 = 0.6353
    expect(c.vsBaseline!.finalAccuracy.n).toBe(2);
    expect(c.vsBaseline!.finalAccuracy.mean).toBeCloseTo(0.15, 12);
    expect(c.vsBaseline!.finalAccuracy.ci).toBeCloseTo(0.6353, 4);
    // paired t: t = 0.15 / (0.0707/√2) = 3, df 1 → p = 1 − 2·atan(3)/π = 0.2048; one strategy: Holm = p
    expect(c.vsBaseline!.finalAccuracy.p).toBeCloseTo(0.204833, 5);
    expect(c.vsBaseline!.finalAccuracy.pHolm).toBeCloseTo(0.204833, 5);
    // Δ AUC = (0.2 − 0.1), (0.3 − 0.3): mean 0.05
    expect(c.vsBaseline!.rewardAuc.mean).toBeCloseTo(0.05, 12);
    expect(summaryMarkdown(rows, 0.1)).toMatch(/\| coupled \| 3 \| [\d.]+ ± [\d.]+ \| \+15\.0 ± 63\.5 \| 0\.205 \|/);
    expect(summaryCsv(rows).split('\n')[2]).toMatch(/,0\.204833,0\.204833,[\d.]*,[\d.]*,outcome$/);
    expect(summaryMarkdown(rows, 0.1)).toMatch(/\| uniform \| 3 \| [\d.]+ ± [\d.]+ \| – \|/);
    expect(summaryMarkdown(rows, 0.1)).not.toMatch(/†/); // no step-supervised strategy in the table
    expect(summaryCsv(rows).split('\n')[0]).toMatch(/,supervision$/);
    expect(summarize([run('coupled', 0, 0.5, [0])])[0].vsBaseline).toBeNull(); // no uniform runs
  });
  it('step-supervised strategies are labelled in the markdown (†, with its footnote) and the CSV', () => {
    const run = (strategy: RunResult['strategy'], seed: number): RunResult => ({
      strategy,
      seed,
      initialAccuracy: 0.1,
      lines: [line(1, 0.2, 0.4)],
    });
    const rows = summarize([run('uniform', 0), run('capo', 0), run('pure', 0), run('tempo', 0)]);
    const md = summaryMarkdown(rows, null);
    expect(md).toMatch(/\| capo † \| 1 \|/);
    expect(md).toMatch(/\| pure † \| 1 \|/);
    expect(md).toMatch(/\| tempo \| 1 \|/);
    expect(md).toMatch(/\| uniform \| 1 \|/);
    expect(md.trimEnd().split('\n').at(-1)).toMatch(/^† step-supervised: /);
    const csv = summaryCsv(rows).trimEnd().split('\n').slice(1);
    expect(csv.map((l) => `${l.split(',')[0]} ${l.split(',').at(-1)}`).sort()).toEqual([
      'capo step-verified',
      'pure step-verified',
      'tempo outcome',
      'uniform outcome',
    ]);
  });
  it('Holm across strategies: each metric is one family', () => {
    const run = (strategy: RunResult['strategy'], seed: number, acc: number): RunResult => ({
      strategy,
      seed,
      initialAccuracy: 0.1,
      lines: [line(1, 0.1, acc)],
    });
    // Δ acc: coupled 0.1, 0.2 (t = 3, df 1: p = 0.2048); random 0.1, 0.3 (t = 2: p = 1 − 2·atan(2)/π = 0.2952)
    const rows = summarize([
      run('uniform', 0, 0.5),
      run('uniform', 1, 0.5),
      run('coupled', 0, 0.6),
      run('coupled', 1, 0.7),
      run('random', 0, 0.6),
      run('random', 1, 0.8),
    ]);
    const pc = 1 - (2 * Math.atan(3)) / Math.PI;
    const pr = 1 - (2 * Math.atan(2)) / Math.PI;
    expect(rows[1].vsBaseline!.finalAccuracy.p).toBeCloseTo(pc, 10);
    expect(rows[2].vsBaseline!.finalAccuracy.p).toBeCloseTo(pr, 10);
    // smaller p × 2 = 0.4097; larger × 1 = 0.2952 < 0.4097 → carried up to 0.4097
    expect(rows[1].vsBaseline!.finalAccuracy.pHolm).toBeCloseTo(2 * pc, 10);
    expect(rows[2].vsBaseline!.finalAccuracy.pHolm).toBeCloseTo(2 * pc, 10);
    // equal rewards everywhere: Δ AUC = 0 → p = 1
    expect(rows[1].vsBaseline!.rewardAuc.pHolm).toBe(1);
  });
  it('niceStep: round tick steps by hand', () => {
    expect(niceStep(0.84, 5)).toBeCloseTo(0.2, 12); // raw 0.168 -> 0.2: ticks 0, 20, …, 100%
    expect(niceStep(0.06, 5)).toBeCloseTo(0.02, 12); // raw 0.012 -> 0.02
    expect(niceStep(100, 4, true)).toBe(25);
    expect(niceStep(30, 4, true)).toBe(10); // raw 7.5 -> 10
    expect(niceStep(10, 4, true)).toBe(5); // raw 2.5: 2.5 is not an integer
    expect(niceStep(3, 4, true)).toBe(1);
  });
  it('smooth: centered moving average', () => {
    expect(smooth([0, 3, 6, 9], 3)).toEqual([1.5, 3, 6, 7.5]);
  });
});
