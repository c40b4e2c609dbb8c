/**
 * The Train form: text fields as typed, their defaults, and parsing into the training worker's start options.
 * Every range check is resolveRlOptions's (src/core/rl/options.ts), so the app and the CLI reject the same
 * values with the same words; errors come back keyed by the form field that caused them.
 */
import { InputError } from '../../core/errors';
import { parseStrategy, resolveRlOptions, RL_STRATEGIES, type RlOptions, type RlStrategy } from '../../core/rl/options';
import { CAPO_PENALTY, PURE_TEMPERATURE } from '../../core/rl/token-credit-steps';
import type { SharedRlOptions } from '../../worker/train-protocol';

export interface TrainForm {
  task: string;
  level: string;
  strategies: RlStrategy[];
  /** Comma-separated integers, e.g. "0,1". */
  seeds: string;
  steps: string;
  group: string;
  prompts: string;
  lr: string;
  maxTokens: string;
  evalEvery: string;
  evalProblems: string;
  /** Save each run in IndexedDB every this many steps (and at its end); 0 = only at the end. */
  checkpointEvery: string;
  /** Signs of Â the γ strategies and HICRA shape: both (v2) or only Â ≥ 0 (v1). */
  creditSign: RlOptions['creditSign'];
  /** HICRA's planning tokens: rhythm anchors or the batch's strategic n-grams. */
  planningSet: RlOptions['planningSet'];
  /** CAPO's extra penalty P on a wrong step's tokens (read only when capo is chosen). */
  capoPenalty: string;
  /** PURE's min-form temperature T (read only when pure is chosen). */
  pureTemperature: string;
}

export type FormField = keyof TrainForm;

/**
 * Small enough to finish in under a minute on a 2-core CPU with the built-in model. Addition level 4 (4-digit
 * operands, ~70-token scratchpads): rhythm-mini solves it about half the time, so groups have mixed rewards and
 * GRPO has a signal (level 1 is solved 99.6% of the time: equal rewards, no signal), and the Node comparison
 * (README) shows held-out accuracy rising there at this learning rate. Max tokens must fit the scratchpad.
 */
export const DEFAULT_FORM: TrainForm = {
  task: 'addition',
  level: '4',
  strategies: ['uniform', 'coupled'],
  seeds: '0',
  steps: '10',
  group: '4',
  prompts: '4',
  lr: '1e-4',
  maxTokens: '96',
  evalEvery: '5',
  evalProblems: '16',
  checkpointEvery: '5',
  creditSign: 'v2',
  planningSet: 'anchor',
  capoPenalty: String(CAPO_PENALTY),
  pureTemperature: String(PURE_TEMPERATURE),
};

/** Choices of the two select fields, with their labels. */
export const CREDIT_SIGN_CHOICES: { value: RlOptions['creditSign']; label: string }[] = [
  { value: 'v2', label: 'v2: both signs of Â' },
  { value: 'v1', label: 'v1: only Â ≥ 0' },
];
export const PLANNING_SET_CHOICES: { value: RlOptions['planningSet']; label: string }[] = [
  { value: 'anchor', label: 'anchor tokens (rhythm)' },
  { value: 'grams', label: 'strategic grams (batch n-grams)' },
];

export const STRATEGY_CHOICES: readonly RlStrategy[] = RL_STRATEGIES;

/**
 * The step-verified strategies' parameters: form field (= RL option name), the strategy that reads it (the panel
 * shows the field and parseTrainForm reads it only while that strategy is chosen), the input's test id and hint.
 */
export const STEP_PARAMS: {
  field: 'capoPenalty' | 'pureTemperature';
  strategy: RlStrategy;
  testId: string;
  hint: string;
}[] = [
  { field: 'capoPenalty', strategy: 'capo', testId: 'train-capo-penalty', hint: 'capo: extra −P on a wrong step, > 0' },
  {
    field: 'pureTemperature',
    strategy: 'pure',
    testId: 'train-pure-temperature',
    hint: 'pure: min-form softmax T, > 0',
  },
];

/** Form field of an RL option name (resolveRlOptions names the option). */
const FIELD_OF_OPTION: Record<string, FormField> = {
  task: 'task',
  level: 'level',
  strategy: 'strategies',
  seed: 'seeds',
  steps: 'steps',
  group: 'group',
  prompts: 'prompts',
  lr: 'lr',
  maxTokens: 'maxTokens',
  evalEvery: 'evalEvery',
  evalProblems: 'evalProblems',
  microBatches: 'prompts',
  checkpointEvery: 'checkpointEvery',
  creditSign: 'creditSign',
  planningSet: 'planningSet',
  capoPenalty: 'capoPenalty',
  pureTemperature: 'pureTemperature',
};

/** Human labels, used in messages ("G (group size): …"). */
export const FIELD_LABELS: Record<FormField, string> = {
  task: 'Task',
  level: 'Level',
  strategies: 'Strategies',
  seeds: 'Seeds',
  steps: 'Steps',
  group: 'G (group size)',
  prompts: 'Prompts per step',
  lr: 'Learning rate',
  maxTokens: 'Max tokens',
  evalEvery: 'Evaluate every',
  evalProblems: 'Held-out problems',
  checkpointEvery: 'Checkpoint every',
  creditSign: 'Credit sign',
  planningSet: 'HICRA planning set',
  capoPenalty: 'CAPO penalty P',
  pureTemperature: 'PURE temperature T',
};

export class FormError extends InputError {
  constructor(
    readonly formField: FormField,
    message: string,
  ) {
    super(message, { field: FIELD_LABELS[formField] });
  }
}

/** A number as typed: '' and non-numbers stay NaN so resolveRlOptions reports them (never a silent default). */
function num(text: string): number {
  const t = text.trim();
  return t === '' ? NaN : Number(t);
}

export function parseSeeds(text: string): number[] {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) throw new FormError('seeds', 'give at least one seed, e.g. "0" or "0,1"');
  const seeds = parts.map((p) => {
    const v = Number(p);
    if (!Number.isInteger(v) || v < 0) throw new FormError('seeds', `"${p}" is not a whole number ≥ 0`);
    return v;
  });
  return [...new Set(seeds)];
}

export interface ParsedTrainForm {
  options: SharedRlOptions;
  strategies: RlStrategy[];
  seeds: number[];
  checkpointEvery: number;
}

/** Validates the whole form as the worker will (one RlOptions per strategy × seed); throws a FormError. */
export function parseTrainForm(form: TrainForm): ParsedTrainForm {
  if (form.strategies.length === 0) throw new FormError('strategies', 'choose at least one strategy');
  const seeds = parseSeeds(form.seeds);
  const checkpointEvery = num(form.checkpointEvery);
  if (!Number.isInteger(checkpointEvery) || checkpointEvery < 0)
    throw new FormError('checkpointEvery', 'must be a whole number ≥ 0 (0 = only at the end of each run)');
  const options: SharedRlOptions = {
    task: form.task,
    level: num(form.level),
    steps: num(form.steps),
    group: num(form.group),
    prompts: num(form.prompts),
    lr: num(form.lr),
    maxTokens: num(form.maxTokens),
    evalEvery: num(form.evalEvery),
    evalProblems: num(form.evalProblems),
    creditSign: form.creditSign,
    planningSet: form.planningSet,
  };
  // Read only for a chosen strategy, so a stray value in a hidden field never blocks a run that ignores it.
  for (const { field, strategy } of STEP_PARAMS)
    if (form.strategies.includes(strategy)) options[field] = num(form[field]);
  try {
    const strategies = [...new Set(form.strategies.map(parseStrategy))];
    for (const strategy of strategies) for (const seed of seeds) resolveRlOptions({ ...options, strategy, seed });
    return { options, strategies, seeds, checkpointEvery };
  } catch (e) {
    if (e instanceof InputError && !(e instanceof FormError)) {
      throw new FormError(FIELD_OF_OPTION[e.where.field ?? ''] ?? 'steps', e.reason);
    }
    throw e;
  }
}

/** The form field a worker error names (its InputError field is an RL option name), if any. */
export function formFieldOf(errorMessage: string): FormField | null {
  const m = /^field "([^"]+)"/.exec(errorMessage);
  return m ? (FIELD_OF_OPTION[m[1]] ?? null) : null;
}
