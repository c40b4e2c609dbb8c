import { describe, expect, it } from 'vitest';
import { DEFAULT_RL_OPTIONS, needsAttention, parseStrategy, resolveRlOptions, RL_STRATEGIES } from './options';

const base = { task: 'addition', level: 2 };

describe('resolveRlOptions', () => {
  it('fills the documented defaults (paper: ε 0.2, G 8, no KL, no entropy bonus)', () => {
    const o = resolveRlOptions(base);
    expect(o).toMatchObject({
      task: 'addition',
      level: 2,
      strategy: 'uniform',
      group: 8,
      clipEps: 0.2,
      klCoef: 0,
      entropyCoef: 0,
    });
    expect(o.steps).toBe(DEFAULT_RL_OPTIONS.steps);
    expect([o.capoPenalty, o.pureTemperature]).toEqual([1, 0.1]);
  });

  it.each([
    [{ steps: 0 }, /field "steps".*≥ 1/],
    [{ steps: -3 }, /steps/],
    [{ steps: 2.5 }, /steps must be an integer/],
    [{ group: 1 }, /field "group".*≥ 2/],
    [{ lr: 0 }, /field "lr".*> 0/],
    [{ lr: -1e-3 }, /lr/],
    [{ lr: NaN }, /lr must be > 0 and finite \(got null\)|lr must be > 0 and finite \(got NaN\)/],
    [{ lr: Infinity }, /lr/],
    [{ temperature: 0 }, /temperature/],
    [{ clipEps: 1 }, /clipEps/],
    [{ microBatches: 1000 }, /microBatches \(1000\) exceeds/],
    [{ strategy: 'bogus' }, /unknown strategy "bogus".*uniform, local_chunk/],
    [{ task: 'chess' }, /unknown task "chess"/],
    [{ level: 9 }, /level of addition must be one of 1, 2, 3, 4/],
    [{ learningRate: 1 }, /unknown RL option "learningRate"/],
    [{ capoPenalty: 0 }, /field "capoPenalty".*> 0/],
    [{ pureTemperature: -0.1 }, /field "pureTemperature".*> 0/],
    [{ pureTemperature: Infinity }, /pureTemperature/],
  ])('rejects %j with a clear message', (over, msg) => {
    expect(() => resolveRlOptions({ ...base, ...(over as object) } as never)).toThrow(msg);
  });

  it('accepts every strategy in kebab or snake case, and GRPO / HICRA-style aliases', () => {
    for (const s of RL_STRATEGIES) {
      expect(parseStrategy(s)).toBe(s);
      expect(parseStrategy(s.replace(/_/g, '-'))).toBe(s);
    }
    expect(parseStrategy('GRPO')).toBe('uniform');
    expect(parseStrategy('hicra-style')).toBe('hicra');
    expect(parseStrategy('CAPO-style')).toBe('capo');
    expect(parseStrategy('pure-min')).toBe('pure');
    expect(needsAttention('capo')).toBe(false);
    expect(needsAttention('pure')).toBe(false);
    expect(() => parseStrategy('capo2')).toThrow(/capo, pure/);
  });
});
