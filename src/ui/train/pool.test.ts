import { beforeAll, describe, expect, it } from 'vitest';
import '../../core/train/gradients';
import { initNodeBackend } from '../../core/backend/node';
import type { RlStrategy } from '../../core/rl/options';
import type { RunLogLine } from '../../core/rl/runlog';
import { tinyPolicy } from '../../core/rl/testing/tinyPolicy';
import type { CharTokenizer } from '../../core/tokenizer/char';
import { checkpointFiles } from '../../core/train/checkpoint';
import type { CallContext } from '../../worker/host';
import { createTrainEngine } from '../../worker/train';
import type { SharedRlOptions, TrainEvent, TrainModel, TrainOperations } from '../../worker/train-protocol';
import { pooledProgress, runKeys, splitComparison } from './pool';

const S: RlStrategy[] = ['uniform', 'coupled', 'random'];

describe('training worker pool', () => {
  it('splits the longer list round-robin; every run exactly once', () => {
    const shares = splitComparison(S, [0, 1], 2);
    expect(shares).toEqual([
      { strategies: ['uniform', 'random'], seeds: [0, 1] },
      { strategies: ['coupled'], seeds: [0, 1] },
    ]);
    const bySeed = splitComparison(['uniform'], [0, 1, 2, 3], 3);
    expect(bySeed.map((s) => s.seeds)).toEqual([[0, 3], [1], [2]]);
    for (const [cores, seeds] of [
      [1, [0, 1]],
      [2, [0, 1, 2, 3]],
      [8, [5]],
      [3, [0, 1, 2]],
    ] as const) {
      const all = splitComparison(S, [...seeds], cores).flatMap((s) => runKeys(s.strategies, s.seeds));
      expect(all.sort()).toEqual(runKeys(S, [...seeds]).sort());
    }
    expect(splitComparison(S, [0], 1)).toEqual([{ strategies: S, seeds: [0] }]);
    expect(splitComparison(S, [0], 16)).toHaveLength(3); // no idle worker
  });
  it('runKeys: strategy-major', () => {
    expect(runKeys(['uniform', 'coupled'], [0, 1])).toEqual(['uniform-s0', 'uniform-s1', 'coupled-s0', 'coupled-s1']);
  });
  it('pooledProgress: steps done as whole runs plus the next one', () => {
    expect(pooledProgress(0, 2, 3)).toEqual({ runIndex: 0, step: 0 });
    expect(pooledProgress(4, 2, 3)).toEqual({ runIndex: 1, step: 1 });
    expect(pooledProgress(6, 2, 3)).toEqual({ runIndex: 1, step: 3 });
  });
});

describe('a pool of training engines == one engine', () => {
  beforeAll(async () => {
    await initNodeBackend('wasm');
  });
  const model = (): TrainModel => {
    const init = tinyPolicy(3);
    const files = checkpointFiles(init.config, init.weights, init.tokenizer as CharTokenizer);
    return { name: 'tiny', files: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.slice().buffer])) };
  };
  const options: SharedRlOptions = {
    task: 'addition',
    level: 1,
    steps: 2,
    prompts: 2,
    group: 2,
    maxTokens: 8,
    evalProblems: 2,
    evalEvery: 1,
    lr: 1e-2,
    temperature: 1.5,
  };
  /** Log lines per run key (timings removed) of one engine training strategies × seeds. */
  async function train(strategies: RlStrategy[], seeds: number[]): Promise<Map<string, unknown[]>> {
    const engine = createTrainEngine({ initBackend: (b) => initNodeBackend(b) });
    await engine.handlers.init({ backend: 'wasm' }, {} as CallContext<'init', TrainOperations>);
    const events: TrainEvent[] = [];
    const ctx = { signal: new AbortController().signal, progress: () => {}, emit: (e: TrainEvent) => events.push(e) };
    await engine.handlers.start({ model: model(), options, strategies, seeds }, ctx as never);
    const out = new Map<string, unknown[]>();
    for (const e of events)
      if (e.kind === 'line') {
        const { time_ms: _t, ...rest } = e.line as RunLogLine;
        out.set(e.run.key, [...(out.get(e.run.key) ?? []), rest]);
      }
    return out;
  }
  it('each run of a split comparison logs what it logs in a single worker', async () => {
    const strategies: RlStrategy[] = ['uniform', 'coupled'];
    const single = await train(strategies, [0, 1]);
    const pooled = new Map<string, unknown[]>();
    for (const share of splitComparison(strategies, [0, 1], 2))
      for (const [k, v] of await train(share.strategies, share.seeds)) pooled.set(k, v);
    expect([...pooled.keys()].sort()).toEqual(runKeys(strategies, [0, 1]).sort());
    for (const k of runKeys(strategies, [0, 1])) {
      expect(single.get(k)).toHaveLength(2);
      expect(pooled.get(k)).toEqual(single.get(k));
    }
    expect(single.get('uniform-s0')).not.toEqual(single.get('uniform-s1'));
  }, 120_000);
});
