/**
 * RL run options: defaults, validation (InputError naming the option) and the strategy names.
 * Every value the paper leaves open (method.md §4) is a named option here.
 */
import { InputError } from '../errors';
import { isTaskName, TASKS, type TaskName } from '../tasks/index';
import { CAPO_PENALTY, PURE_TEMPERATURE } from './token-credit-steps';

/**
 * Credit strategies (docs/rl.md): the paper's three (method.md §4), the random and high-entropy γ controls, HICRA
 * (Â + α|Â| on planning tokens), TEMPO (prefix-tree additive term), the high-entropy minority (gradient only on
 * the batch's top-20% entropy tokens) and the two step-verified ones, CAPO- and PURE-style (the tasks' step checkers
 * judge every scratchpad line: extra supervision the others do not get).
 */
export const RL_STRATEGIES = [
  'uniform',
  'local_chunk',
  'global_anchor',
  'coupled',
  'random',
  'high_entropy',
  'hicra',
  'tempo',
  'entropy_minority',
  'capo',
  'pure',
] as const;
export type RlStrategy = (typeof RL_STRATEGIES)[number];

/**
 * What a strategy learns from: the final answer's reward only (`outcome`), or also a verdict on every intermediate
 * step from the task's step checker (`step-verified`: CAPO- and PURE-style). Tables mark the second kind, since a gain
 * of theirs measures that extra supervision as much as the credit scheme.
 */
export function supervision(s: RlStrategy): 'outcome' | 'step-verified' {
  return s === 'capo' || s === 'pure' ? 'step-verified' : 'outcome';
}

export interface RlOptions {
  task: TaskName;
  level: number;
  strategy: RlStrategy;
  /** Optimizer steps (one batch of rollouts each). */
  steps: number;
  /** Prompts per step. */
  prompts: number;
  /** Sampled responses per prompt (G). */
  group: number;
  seed: number;
  /** Sampling temperature of rollouts (> 0). */
  temperature: number;
  /** New tokens per response at most. */
  maxTokens: number;
  /** Adam learning rate (constant, no warm-up). */
  lr: number;
  /** Global gradient-norm clip (0 = off). */
  clipNorm: number;
  /** PPO clip ε. */
  clipEps: number;
  /** Gradient steps per batch: the B·G rows are split into this many micro-batches, one Adam update each. */
  microBatches: number;
  /** Passes over the batch (each pass = microBatches updates). */
  epochs: number;
  /** k3 KL to the starting model (0 = off, the paper's setting). */
  klCoef: number;
  /** Entropy bonus (0 = off, the paper's setting). */
  entropyCoef: number;
  /** Reward of a well-formed but wrong answer (tasks' formatCredit). */
  formatCredit: number;
  /** Held-out problems for greedy accuracy; 0 = never evaluate. */
  evalProblems: number;
  /** Evaluate every this many steps (and after the last step). */
  evalEvery: number;
  /** Rhythm options (method.md), passed to the rhythm engine as they are (it validates them). */
  rhythm: Record<string, unknown>;
  /**
   * 'needed' (default): the attention pass runs only for strategies that use attention and only for rows whose
   * group advantage is non-zero (γ·0 = 0); 'always': for every row (as the paper's cost figure assumes).
   */
  attentionPass: 'needed' | 'always';
  /**
   * Where log π_old comes from: 'recompute' (default; one no-grad forward of the training model, so the first
   * micro-step's ratio is exactly 1) or 'rollout' (the sampler's own log-probs: saves that forward, ratio 1 up to
   * float error, ~1e-6).
   */
  oldLogProbs: 'recompute' | 'rollout';
  /**
   * 'drop' (default): rows with Â = 0 (groups with all-equal rewards) leave the update — without a KL or entropy term
   * they carry no gradient; only the 1/B normalisation changes, which Adam largely absorbs; a step with no signal
   * makes no update at all. 'keep': every row (forced when klCoef or entropyCoef > 0).
   */
  zeroAdvantageRows: 'drop' | 'keep';
  /** Signs of Â the γ strategies and HICRA shape: 'v2' both (default), 'v1' only Â ≥ 0. */
  creditSign: 'v2' | 'v1';
  /** HICRA's planning tokens: 'anchor' (the rhythm engine's anchors) or 'grams' (the batch's strategic 3–5-grams). */
  planningSet: 'anchor' | 'grams';
  /** CAPO-style: the extra −x on the tokens of a wrong step, before the group normalisation (> 0). */
  capoPenalty: number;
  /** PURE-style: temperature T of the min-form step weights softmax(−r/T) (> 0; small T → the worst step). */
  pureTemperature: number;
}

export const DEFAULT_RL_OPTIONS: Readonly<Omit<RlOptions, 'task' | 'level'>> = Object.freeze({
  strategy: 'uniform',
  steps: 100,
  prompts: 16,
  group: 8,
  seed: 0,
  temperature: 1,
  maxTokens: 96,
  lr: 1e-4,
  clipNorm: 1,
  clipEps: 0.2,
  microBatches: 2,
  epochs: 1,
  klCoef: 0,
  entropyCoef: 0,
  formatCredit: 0,
  evalProblems: 64,
  evalEvery: 10,
  rhythm: {},
  attentionPass: 'needed',
  oldLogProbs: 'recompute',
  zeroAdvantageRows: 'drop',
  creditSign: 'v2',
  planningSet: 'anchor',
  capoPenalty: CAPO_PENALTY,
  pureTemperature: PURE_TEMPERATURE,
} as Omit<RlOptions, 'task' | 'level'>);

/** `local-chunk`, `local_chunk`, `GRPO` (= uniform), `hicra-style`, `capo-style` and `pure-style` are accepted. */
export function parseStrategy(name: string): RlStrategy {
  const s = String(name).trim().toLowerCase().replace(/-/g, '_');
  const alias: Record<string, RlStrategy> = {
    grpo: 'uniform',
    hicra_style: 'hicra',
    high_entropy_minority: 'entropy_minority',
    capo_style: 'capo',
    pure_style: 'pure',
    pure_min: 'pure',
  };
  const out = alias[s] ?? s;
  if (!(RL_STRATEGIES as readonly string[]).includes(out)) {
    throw new InputError(`unknown strategy "${name}" (expected one of ${RL_STRATEGIES.join(', ')})`, {
      field: 'strategy',
    });
  }
  return out as RlStrategy;
}

/**
 * Strategies whose credit needs the attention pass (random needs only lengths, high_entropy only logits, but both
 * go through the same record); TEMPO, the entropy minority, the step-verified strategies and HICRA on strategic grams
 * need none.
 */
export function needsAttention(s: RlStrategy, planningSet: RlOptions['planningSet'] = 'anchor'): boolean {
  if (s === 'hicra') return planningSet === 'anchor';
  return s !== 'uniform' && s !== 'tempo' && s !== 'entropy_minority' && s !== 'capo' && s !== 'pure';
}

function check(
  o: Record<string, unknown>,
  name: string,
  ok: (v: number) => boolean,
  range: string,
  integer: boolean,
): number {
  const v = o[name];
  if (typeof v !== 'number' || Number.isNaN(v) || !ok(v) || (integer && !Number.isInteger(v))) {
    throw new InputError(
      `${name} must be ${integer ? 'an integer ' : ''}${range} (got ${JSON.stringify(v) ?? String(v)})`,
      { field: name },
    );
  }
  return v;
}

/** Defaults + validation; unknown option names are errors (a typo never falls back to a default). */
export function resolveRlOptions(
  partial: Omit<Partial<RlOptions>, 'task'> & { task: string; level: number },
): RlOptions {
  const known = new Set([...Object.keys(DEFAULT_RL_OPTIONS), 'task', 'level']);
  for (const k of Object.keys(partial))
    if (!known.has(k)) throw new InputError(`unknown RL option "${k}"`, { field: k });
  const o: Record<string, unknown> = { ...DEFAULT_RL_OPTIONS };
  for (const [k, v] of Object.entries(partial)) if (v !== undefined) o[k] = v;
  const task = String(o.task);
  if (!isTaskName(task))
    throw new InputError(`unknown task "${task}" (expected one of ${Object.keys(TASKS).join(', ')})`, {
      field: 'task',
    });
  const levels = TASKS[task].levels;
  if (!levels.includes(o.level as number)) {
    throw new InputError(`level of ${task} must be one of ${levels.join(', ')} (got ${JSON.stringify(o.level)})`, {
      field: 'level',
    });
  }
  const pos = (v: number) => v > 0 && Number.isFinite(v);
  const nonneg = (v: number) => v >= 0 && Number.isFinite(v);
  const res: RlOptions = {
    task,
    level: o.level as number,
    strategy: parseStrategy(String(o.strategy)),
    steps: check(o, 'steps', (v) => v >= 1, '≥ 1', true),
    prompts: check(o, 'prompts', (v) => v >= 1, '≥ 1', true),
    group: check(o, 'group', (v) => v >= 2, '≥ 2 (GRPO compares responses within a group)', true),
    seed: check(o, 'seed', Number.isFinite, 'a finite number', true),
    temperature: check(o, 'temperature', pos, '> 0 (rollouts must sample)', false),
    maxTokens: check(o, 'maxTokens', (v) => v >= 1, '≥ 1', true),
    lr: check(o, 'lr', pos, '> 0 and finite', false),
    clipNorm: check(o, 'clipNorm', nonneg, '≥ 0 (0 = off)', false),
    clipEps: check(o, 'clipEps', (v) => v > 0 && v < 1, 'in (0, 1)', false),
    microBatches: check(o, 'microBatches', (v) => v >= 1, '≥ 1', true),
    epochs: check(o, 'epochs', (v) => v >= 1, '≥ 1', true),
    klCoef: check(o, 'klCoef', nonneg, '≥ 0', false),
    entropyCoef: check(o, 'entropyCoef', nonneg, '≥ 0', false),
    formatCredit: check(o, 'formatCredit', (v) => v >= 0 && v <= 1, 'in [0, 1]', false),
    evalProblems: check(o, 'evalProblems', (v) => v >= 0, '≥ 0', true),
    evalEvery: check(o, 'evalEvery', (v) => v >= 1, '≥ 1', true),
    rhythm: (o.rhythm ?? {}) as Record<string, unknown>,
    attentionPass: o.attentionPass as RlOptions['attentionPass'],
    oldLogProbs: o.oldLogProbs as RlOptions['oldLogProbs'],
    zeroAdvantageRows: o.zeroAdvantageRows as RlOptions['zeroAdvantageRows'],
    creditSign: o.creditSign as RlOptions['creditSign'],
    planningSet: o.planningSet as RlOptions['planningSet'],
    capoPenalty: check(o, 'capoPenalty', pos, '> 0 and finite', false),
    pureTemperature: check(o, 'pureTemperature', pos, '> 0 and finite', false),
  };
  if (res.creditSign !== 'v2' && res.creditSign !== 'v1') {
    throw new InputError(`creditSign must be 'v2' or 'v1' (got ${JSON.stringify(res.creditSign)})`, {
      field: 'creditSign',
    });
  }
  if (res.planningSet !== 'anchor' && res.planningSet !== 'grams') {
    throw new InputError(`planningSet must be 'anchor' or 'grams' (got ${JSON.stringify(res.planningSet)})`, {
      field: 'planningSet',
    });
  }
  if (res.zeroAdvantageRows !== 'drop' && res.zeroAdvantageRows !== 'keep') {
    throw new InputError(`zeroAdvantageRows must be 'drop' or 'keep' (got ${JSON.stringify(res.zeroAdvantageRows)})`, {
      field: 'zeroAdvantageRows',
    });
  }
  if (res.oldLogProbs !== 'recompute' && res.oldLogProbs !== 'rollout') {
    throw new InputError(`oldLogProbs must be 'recompute' or 'rollout' (got ${JSON.stringify(res.oldLogProbs)})`, {
      field: 'oldLogProbs',
    });
  }
  if (res.attentionPass !== 'needed' && res.attentionPass !== 'always') {
    throw new InputError(`attentionPass must be 'needed' or 'always' (got ${JSON.stringify(res.attentionPass)})`, {
      field: 'attentionPass',
    });
  }
  if (res.microBatches > res.prompts * res.group) {
    throw new InputError(`microBatches (${res.microBatches}) exceeds the rows per step (${res.prompts}·${res.group})`, {
      field: 'microBatches',
    });
  }
  return res;
}
