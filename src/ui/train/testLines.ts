/** Test helper: a run-log line with plausible values (reward step/10, length 10 + step), fields overridable. */
import type { RunLogLine } from '../../core/rl/runlog';

export const logLine = (step: number, over: Partial<RunLogLine> = {}): RunLogLine => ({
  step,
  strategy: 'uniform',
  seed: 0,
  mean_reward: step / 10,
  accuracy: 0,
  mean_length: 10 + step,
  entropy: 1,
  amplified_share: 0,
  clip_fraction: 0.01 * step,
  loss: 0,
  kl: 0,
  grad_norm: 0,
  first_ratio_dev: 0,
  zero_adv_groups: 0,
  analyzed_rows: 0,
  updated_rows: 0,
  nan_abort: false,
  time_ms: { rollout: 1, attention: 0, metrics: 0, update: 1, total: 2 },
  ...over,
});
