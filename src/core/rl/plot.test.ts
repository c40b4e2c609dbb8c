import { describe, expect, it } from 'vitest';
import type { RunResult } from './experiment';
import type { RlStrategy } from './options';
import { comparisonSvg } from './plot';
import type { RunLogLine } from './runlog';

/** Only what the plot reads: step, mean reward and held-out accuracy. */
const run = (strategy: RlStrategy, seed: number, rewards: number[], acc: number): RunResult => ({
  strategy,
  seed,
  initialAccuracy: 0.2,
  lines: rewards.map(
    (r, i) =>
      ({
        step: i + 1,
        strategy,
        seed,
        mean_reward: r,
        heldout_accuracy: i === rewards.length - 1 ? acc : undefined,
      }) as RunLogLine,
  ),
});

const count = (s: string, sub: string) => s.split(sub).length - 1;

describe('comparisonSvg small multiples', () => {
  const runs = (['uniform', 'coupled', 'random'] as RlStrategy[]).flatMap((s) => [
    run(s, 0, [0.2, 0.4], 0.4),
    run(s, 1, [0.4, 0.6], 0.6),
  ]);
  const svg = comparisonSvg(runs, 'addition:4');

  it('one panel per strategy and metric, the baseline in grey in each, not a panel of its own', () => {
    expect(count(svg, '>coupled (n=2)</text>')).toBe(2);
    expect(count(svg, '>random (n=2)</text>')).toBe(2);
    expect(svg).not.toContain('>uniform (n=');
    expect(count(svg, 'stroke="#9a9a9a"')).toBe(4); // 2 panels × 2 metrics
    expect(count(svg, 'stroke="#d62728"')).toBe(2); // coupled: reward and held-out
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  });

  it('held-out accuracy starts at the starting model at step 0, at the left edge of the panel', () => {
    // Panels of the second metric: the coupled one is first, at x = 50; step 0 → x 50.0. Mean at step 2 is 0.5.
    const lines = [...svg.matchAll(/<polyline points="([^"]+)" fill="none" stroke="#d62728"/g)].map((m) => m[1]);
    expect(lines).toHaveLength(2);
    const heldout = lines[1].split(' ').map((p) => p.split(',').map(Number));
    expect(heldout).toHaveLength(2);
    expect(heldout[0][0]).toBe(50);
    expect(heldout[1][0]).toBe(50 + 170);
  });

  it('a single strategy gets one panel per metric, without a baseline', () => {
    const one = comparisonSvg([run('tempo', 0, [0.1, 0.2], 0.3)], 't');
    expect(count(one, '>tempo (n=1)</text>')).toBe(2);
    expect(one).not.toContain('#9a9a9a');
  });
});
