import { describe, expect, it } from 'vitest';
import { resolveRlOptions } from '../../core/rl/options';
import type { CheckpointMeta } from './checkpointStore';
import { runsOfSession } from './checkpoints';

const meta = (
  session: string,
  strategy: 'uniform' | 'coupled',
  seed: number,
  created: number,
  step: number,
  final: boolean,
): CheckpointMeta => ({
  id: `${session}-${strategy}-s${seed}`,
  session,
  name: `m-${strategy}-s${seed}-step${step}`,
  model: 'm',
  created,
  step,
  final,
  options: resolveRlOptions({ task: 'addition', level: 1, strategy, seed }),
  lines: [],
  initialAccuracy: 0.25,
});

describe('runsOfSession', () => {
  it('the runs of one comparison in the order they ran, as chart data pointing at their checkpoints', () => {
    const list = [
      meta('B', 'uniform', 0, 50, 3, true),
      meta('A', 'uniform', 0, 10, 3, true),
      meta('A', 'coupled', 0, 30, 2, false),
      meta('A', 'uniform', 1, 20, 3, true),
    ];
    const runs = runsOfSession(list, 'A');
    expect(runs.map((r) => [r.index, r.key, r.step, r.done, r.checkpointId])).toEqual([
      [0, 'uniform-s0', 3, true, 'A-uniform-s0'],
      [1, 'uniform-s1', 3, true, 'A-uniform-s1'],
      [2, 'coupled-s0', 2, false, 'A-coupled-s0'],
    ]);
    expect(runs[0].initialAccuracy).toBe(0.25);
    expect(runsOfSession(list, 'none')).toEqual([]);
  });

  it('runs with a stored index keep their comparison order (a resumed run is written last)', () => {
    const list = [
      { ...meta('A', 'uniform', 0, 90, 6, true), index: 0 },
      { ...meta('A', 'coupled', 0, 30, 6, true), index: 1 },
    ];
    expect(runsOfSession(list, 'A').map((r) => r.key)).toEqual(['uniform-s0', 'coupled-s0']);
  });
});
