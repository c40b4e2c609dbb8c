/**
 * One-line definitions of the metric names the views show, used as hover titles (MetricName) and on the
 * method page. Written for someone who has not read the paper.
 */
export const DEFINITIONS = {
  WAAD: 'Windowed Average Attention Distance: how far back the local (short-range) heads look from this token, distances capped at W = 10. Low = reading the last few tokens; high = reaching back.',
  FAI: 'Future Attention Influence: the mean attention this token receives from tokens 10–100 positions later, in the global (long-range) heads. High = later reasoning keeps coming back to it.',
  Δ: 'Δ_t = |WAAD_t − WAAD_{t+1}|: how sharply the local attention pattern changes after this token. The largest 40 % mark preplan tokens.',
  preplan:
    'Preplan token (▲): among the 40 % of response tokens with the largest Δ — where the local rhythm breaks and a new step is set up.',
  anchor:
    'Anchor token (◆): among the 40 % of response tokens with the largest FAI — a token later tokens keep attending to.',
  dominated:
    'Dominated anchor (✕): an anchor with low WAAD right after a preplan jump (within k = 3 tokens) — it mostly continues what that preplan token began.',
  intro:
    'Introductory token (●): the preplan token (largest Δ in the 3 before) that starts a dominated anchor; coupled credit moves part of the anchor’s boost to it.',
  entropy: 'Predictive entropy of the model at this token (nats): how unsure the next-token distribution was.',
  γ: 'Credit weight γ_t: the factor a strategy multiplies into this token’s RL advantage (1 = plain GRPO; γ_amp = 1.5 on boosted tokens).',
  span: 'Head span d: the mean distance (t − s) a head’s attention covers over the response. The 30 % shortest-span heads are local, the 30 % longest global.',
} as const;

export type MetricName = keyof typeof DEFINITIONS;

export const PAPER = {
  cite: 'Li et al., “Attention Illuminates LLM Reasoning: The Preplan-and-Anchor Rhythm Enables Fine-Grained Policy Optimization”, arXiv 2510.13554 (ICML 2026)',
  url: 'https://arxiv.org/abs/2510.13554',
};
