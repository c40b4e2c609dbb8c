/**
 * The run log: one JSON object per RL step (a line of run.jsonl), and its parser for the experiment runner
 * and the app. Field names are part of the public format (docs/rl.md); add fields, never rename.
 */
import { InputError } from '../errors';
import type { RlStrategy } from './options';

export interface RunLogLine {
  /** Steps done after this one (1-based). */
  step: number;
  strategy: RlStrategy;
  seed: number;
  /** Mean verifier reward over the step's B·G rollouts. */
  mean_reward: number;
  /** Share of the step's rollouts with a correct final answer. */
  accuracy: number;
  /** Greedy accuracy on the held-out problems, on steps where it was evaluated. */
  heldout_accuracy?: number;
  /** Mean response length in tokens (end token included). */
  mean_length: number;
  /** Mean per-token entropy (nats) of the sampling distribution on its responses (token mean per response, then mean). */
  entropy: number;
  /** Share of response tokens whose |Ã| the strategy raised above |Â| (γ > 1; anchors for hicra). */
  amplified_share: number;
  /** Share of response tokens whose PPO ratio was clipped, mean over micro-steps. */
  clip_fraction: number;
  loss: number;
  kl: number;
  grad_norm: number;
  /** max |ratio − 1| on the first micro-step (0: the old policy is the policy being updated). */
  first_ratio_dev: number;
  /** Groups whose rewards were all equal (zero advantage, no learning signal). */
  zero_adv_groups: number;
  /** Rows that went through the attention pass. */
  analyzed_rows: number;
  /** Rows in the policy update (rows with Â = 0 are dropped unless zeroAdvantageRows is 'keep'). */
  updated_rows: number;
  /** True when a NaN/Inf aborted this step's update (weights of the step's start kept). */
  nan_abort: boolean;
  error?: string;
  /** Wall time per phase (ms): rollout (generation + rewards), attention (capture pass), metrics (roles, γ, Ã), update, eval. */
  time_ms: { rollout: number; attention: number; metrics: number; update: number; eval?: number; total: number };
}

/** Parses run.jsonl text; throws an InputError naming the file and line of a bad line. */
export function parseRunLog(text: string, fileName: string): RunLogLine[] {
  const out: RunLogLine[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new InputError(`not valid JSON (${(e as Error).message})`, { file: fileName, line: i + 1 });
    }
    const o = v as Partial<RunLogLine>;
    if (typeof o !== 'object' || o === null || !Number.isInteger(o.step) || typeof o.mean_reward !== 'number') {
      throw new InputError('expected a run-log object with integer "step" and numeric "mean_reward"', {
        file: fileName,
        line: i + 1,
      });
    }
    out.push(o as RunLogLine);
  });
  return out;
}
