import { describe, expect, it } from 'vitest';
import { logLine } from './testLines';
import { STRATEGY_COLORS } from '../theme/palette';
import { buildSeries, DASHES, extents, maxAbsChange, type RunData } from './series';

const line = logLine;

const runs: RunData[] = [
  {
    key: 'uniform-s0',
    strategy: 'uniform',
    seed: 0,
    lines: [line(1), line(2, { heldout_accuracy: 0.5 })],
    initialAccuracy: 0.25,
  },
  { key: 'coupled-s3', strategy: 'coupled', seed: 3, lines: [line(1, { mean_reward: NaN })] },
];

describe('buildSeries', () => {
  it('one line per run: colour per strategy, dash per seed (order of appearance)', () => {
    const s = buildSeries(runs, 'reward');
    expect(s.map((x) => [x.key, x.color, x.dash])).toEqual([
      ['uniform-s0', STRATEGY_COLORS.uniform, DASHES[0]],
      ['coupled-s3', STRATEGY_COLORS.coupled, DASHES[1]],
    ]);
    expect(s[0].points).toEqual([
      [1, 0.1],
      [2, 0.2],
    ]);
    // Non-finite values are left out rather than drawn as gaps of NaN.
    expect(s[1].points).toEqual([]);
    expect(s[0].label).toBe('uniform · seed 0');
  });

  it('held-out accuracy: the starting model at step 0, then only evaluated steps', () => {
    const s = buildSeries(runs, 'heldout');
    expect(s[0].points).toEqual([
      [0, 0.25],
      [2, 0.5],
    ]);
    expect(s[1].points).toEqual([]);
  });

  it('length and clip fraction read their own fields', () => {
    expect(buildSeries(runs, 'length')[0].points).toEqual([
      [1, 11],
      [2, 12],
    ]);
    expect(buildSeries(runs, 'clip')[0].points).toEqual([
      [1, 0.01],
      [2, 0.02],
    ]);
  });
});

describe('extents', () => {
  it('spans every point; pads a flat line', () => {
    expect(extents(buildSeries(runs, 'length'))).toEqual({ x: [1, 2], y: [11, 12] });
    const flat = extents([{ key: 'a', label: 'a', color: '', dash: '', points: [[1, 2]] }]);
    expect(flat).toEqual({ x: [1, 2], y: [1.8, 2.2] });
    expect(
      extents([
        {
          key: 'z',
          label: 'z',
          color: '',
          dash: '',
          points: [
            [1, 0],
            [2, 0],
          ],
        },
      ])!.y,
    ).toEqual([0, 0.5]);
    expect(extents([])).toBeNull();
  });
});

describe('maxAbsChange', () => {
  it('is the largest difference over both curves', () => {
    const a = { waad: [1, 2, 3], fai: [0, 0.5, 0] };
    expect(maxAbsChange(a, a)).toBe(0);
    expect(maxAbsChange(a, { waad: [1, 2.25, 3], fai: [0, 0, 0] })).toBe(0.5);
    expect(maxAbsChange(a, { waad: [1], fai: [0] })).toBe(Infinity);
  });
});
