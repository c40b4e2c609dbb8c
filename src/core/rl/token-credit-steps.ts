/**
 * Step-verified credit: per-token advantages from the tasks' rule-based step checkers (../tasks/steps.ts), in the
 * Ã_t = a_i + b_t form of token-credit.ts (a_i a row constant in place of the GRPO Â, b_t additive per token).
 *   CAPO-style  token reward R_i − P·[token in a wrong step], normalised over every token of the group;
 *   PURE-style  min-form step rewards (softmax(−r/T) weights), return-to-go plus the outcome, RLOO baseline.
 * See docs/rl.md for the formulas, their sources and the defaults.
 */

/** One response's steps as the update sees them: per response token, the step it belongs to (−1: none). */
export interface StepTokens {
  /** Step index of each response token, −1 for tokens outside every step (the answer line, the end token). */
  step: ArrayLike<number>;
  /** Verdict of each step (length K). */
  correct: readonly boolean[];
}

/** A row's step-verified credit: Ã_t = advantage + add[t]. */
export interface StepCredit {
  advantage: number;
  add: number[];
}

/** CAPO-style penalty added to the reward of every token of a wrong step. */
export const CAPO_PENALTY = 1;
/** PURE's min-form temperature: w = softmax(−r/T). */
export const PURE_TEMPERATURE = 0.1;

/**
 * CAPO-style credit for one group: token reward r_{i,t} = R_i − P·[t in a wrong step]; μ and σ over all tokens of
 * all the group's responses; Ã_{i,t} = (r_{i,t} − μ)/σ, i.e. advantage (R_i − μ)/σ and b_t = −P·[wrong]/σ.
 * σ = 0 (every token's reward equal) gives zeros.
 */
export function capoCredit(
  rewards: number[],
  steps: StepTokens[],
  std: 'population' | 'sample' = 'population',
  penalty = CAPO_PENALTY,
): StepCredit[] {
  if (rewards.length !== steps.length) throw new Error(`capoCredit: ${rewards.length} rewards, ${steps.length} rows`);
  const tokenRewards = steps.map((s, i) =>
    Array.from(s.step, (k) => (k >= 0 && s.correct[k] === false ? rewards[i] - penalty : rewards[i])),
  );
  const flat = tokenRewards.flat();
  const n = flat.length;
  const mean = flat.reduce((a, b) => a + b, 0) / Math.max(n, 1);
  const ss = flat.reduce((a, b) => a + (b - mean) * (b - mean), 0);
  const sd = n > 1 ? Math.sqrt(ss / (std === 'sample' ? n - 1 : n)) : 0;
  const scale = Math.max(...flat.map(Math.abs), 1);
  if (!(sd > 1e-12 * scale)) return steps.map((s) => ({ advantage: 0, add: new Array<number>(s.step.length).fill(0) }));
  return tokenRewards.map((row, i) => ({
    advantage: (rewards[i] - mean) / sd,
    add: row.map((r) => (r - rewards[i]) / sd),
  }));
}

/** Min-form weights of one response's step scores: w = softmax(−r/T) (stable: shifted by the largest −r/T). */
export function minFormWeights(scores: number[], temperature = PURE_TEMPERATURE): number[] {
  if (scores.length === 0) return [];
  const z = scores.map((r) => -r / temperature);
  const top = Math.max(...z);
  const e = z.map((x) => Math.exp(x - top));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

/**
 * PURE-style credit for one group. Step k of response i scores r_k = +1 (correct) or −1 (wrong); its weighted reward
 * w_k·r_k (w = minFormWeights) sits on the step's last token and the outcome R_i on the response's last token; the
 * return-to-go G_{i,t} = Σ of the rewards at positions ≥ t. Baseline (RLOO): the mean full return G_{j,0} of the
 * group's other responses. Ã_{i,t} = G_{i,t} − baseline_i: advantage R_i − baseline_i, b_t = the weighted step
 * rewards from t on.
 */
export function pureCredit(rewards: number[], steps: StepTokens[], temperature = PURE_TEMPERATURE): StepCredit[] {
  if (rewards.length !== steps.length) throw new Error(`pureCredit: ${rewards.length} rewards, ${steps.length} rows`);
  if (rewards.length < 2) throw new Error('pureCredit: the RLOO baseline needs at least two responses');
  const process = steps.map((s) => {
    const w = minFormWeights(
      s.correct.map((c) => (c ? 1 : -1)),
      temperature,
    );
    // Each step's weighted reward at its last token, then summed from the end.
    const n = s.step.length;
    const atToken = new Array<number>(n).fill(0);
    const last = new Array<number>(s.correct.length).fill(-1);
    for (let t = 0; t < n; t++) if (s.step[t] >= 0 && s.step[t] < last.length) last[s.step[t]] = t;
    last.forEach((t, k) => {
      if (t >= 0) atToken[t] += w[k] * (s.correct[k] ? 1 : -1);
    });
    const toGo = new Array<number>(n).fill(0);
    for (let t = n - 1, acc = 0; t >= 0; t--) toGo[t] = acc += atToken[t];
    // G_{i,0} minus the outcome: every placed step reward (a step with no token of its own adds nothing).
    return { toGo, total: atToken.reduce((a, b) => a + b, 0) };
  });
  const full = rewards.map((r, i) => r + process[i].total);
  const sum = full.reduce((a, b) => a + b, 0);
  return rewards.map((r, i) => ({
    advantage: r - (sum - full[i]) / (rewards.length - 1),
    add: process[i].toGo,
  }));
}
