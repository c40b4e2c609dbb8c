import { describe, expect, it } from 'vitest';
import { etaSeconds, formatDuration, overallSteps, progressFraction, progressLabel } from './eta';

describe('progress and ETA', () => {
  // Run 2 of 4 (index 1), 13 of 40 steps done: 40 + 13 = 53 of 160 steps; 53 steps took 53 s → 107 s left.
  const p = { runIndex: 1, runsTotal: 4, step: 13, steps: 40, activeMs: 53_000 };

  it('counts steps over the whole comparison', () => {
    expect(overallSteps(p)).toEqual({ done: 53, total: 160 });
    expect(progressFraction(p)).toBeCloseTo(53 / 160, 12);
  });

  it('ETA = mean time per step × steps left', () => {
    expect(etaSeconds(p)).toBeCloseTo(107, 9);
    expect(progressLabel(p)).toBe('run 2/4 · step 13/40 · ETA 1:47');
  });

  it('no ETA before the first step', () => {
    const start = { runIndex: 0, runsTotal: 2, step: 0, steps: 10, activeMs: 900 };
    expect(etaSeconds(start)).toBeNull();
    expect(progressLabel(start)).toBe('run 1/2 · step 0/10 · ETA –');
  });

  it('done: fraction 1, ETA 0:00, run index clamped', () => {
    const done = { runIndex: 2, runsTotal: 2, step: 0, steps: 10, activeMs: 20_000 };
    expect(progressFraction(done)).toBe(1);
    expect(progressLabel(done)).toBe('run 2/2 · step 0/10 · ETA 0:00');
  });

  it('a resumed run: the rate counts only the steps done since the resume', () => {
    // Resumed at step 3 of 6, now at step 5: 2 steps in 4 s → 2 s per step, 1 step left → 2 s.
    const r = { runIndex: 0, runsTotal: 1, step: 5, steps: 6, activeMs: 4000, startStep: 3 };
    expect(etaSeconds(r)).toBeCloseTo(2, 9);
    expect(etaSeconds({ ...r, step: 3 })).toBeNull();
    expect(progressLabel(r)).toBe('run 1/1 · step 5/6 · ETA 0:02');
  });

  it('formats durations', () => {
    expect(formatDuration(80)).toBe('1:20');
    expect(formatDuration(59.6)).toBe('1:00');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(-5)).toBe('0:00');
  });
});
