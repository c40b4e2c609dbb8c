/**
 * The glossary: one definition per metric, role, head class and credit strategy the views name, written for
 * someone who has not read the paper. The method page quotes it and every hover over a metric name shows it
 * (Term in HTML, termTitle as an SVG <title>), so a name means the same thing everywhere.
 */

export const GLOSSARY = {
  waad: 'WAAD (windowed average attention distance): how far back the local (short-range) heads look from this token, distances capped at W = 10. Low = reading the last few tokens; high = reaching back.',
  fai: 'FAI (future attention influence): the mean attention this token receives from tokens 10–100 positions later, in the global (long-range) heads. High = later reasoning keeps coming back to it.',
  delta:
    'Δ_t = |WAAD_t − WAAD_t+1|: how sharply the local attention pattern changes after this token. The largest 40 % mark preplan tokens.',
  entropy:
    'Entropy: how unsure the model was about this token (predictive entropy of the next-token distribution, nats).',
  preplan:
    'Preplan token (▲): among the 40 % of response tokens with the largest Δ — where the local rhythm breaks and the model sets up its next step.',
  anchor:
    'Anchor token (◆): among the 40 % of response tokens with the largest FAI — a token later tokens keep looking back at.',
  dominated:
    'Locally dominated anchor (✕): an anchor with low WAAD right after a preplan jump (within k = 3 tokens) — it mostly continues what that preplan token began.',
  intro:
    'Introductory token (●): the preplan token (largest Δ in the 3 before) that starts a dominated anchor; coupled credit moves part of the anchor’s boost to it.',
  coupling:
    'Coupling: preplan and anchor tokens come in pairs — an anchor right after a preplan jump follows from it. The share of anchors with a preplan token ≤ 3 before measures it.',
  tau_waad: 'τ_waad: the WAAD threshold below which an anchor right after a preplan jump counts as locally dominated.',
  tau_delta: 'τ_Δ: the Δ threshold a preceding token must reach to count as the jump that introduces an anchor.',
  local:
    'Local heads: the 30 % of the middle-layer heads with the shortest span d — they read the last few tokens (the rhythm inside a step). WAAD is computed from them.',
  global:
    'Global heads: the 30 % of the middle-layer heads with the longest span d — they reach far back. FAI is computed from them.',
  neither:
    'Neither: a head in the middle 40 % by span, or outside the candidate layers; it takes no part in WAAD or FAI.',
  receiver:
    'Receiver heads: heads whose attention piles onto a few columns (tokens many later tokens read); FAI over them is drawn dashed as a comparison.',
  span: 'Head span d: the mean distance (t − s) a head’s attention covers over the response. Short = local head, long = global head.',
  gamma:
    'γ (credit weight): the factor a strategy multiplies into this token’s RL advantage (1 = plain GRPO; γ_amp = 1.5 on boosted tokens).',
  uniform: 'uniform (GRPO): every token of a response gets the same advantage, γ = 1. The baseline.',
  local_chunk: 'local-chunk: γ_amp on preplan tokens, the points where a step is set up.',
  global_anchor: 'global-anchor: γ_amp on anchor tokens, the ones later reasoning builds on.',
  coupled:
    'coupled: γ_amp on anchors; a dominated anchor keeps 1 − α of its boost and hands α to its introductory token (α = 0.5).',
  random: 'random: a control — the boost on a random 40 % of the tokens.',
  high_entropy: 'high-entropy: a control — the boost on the 40 % of tokens the model was most unsure about.',
  hicra: 'HICRA-style: adds 0.2·|Â| to the advantage of anchor tokens instead of scaling it.',
} as const;

export type TermId = keyof typeof GLOSSARY;

/** Labels the views show, mapped to their entry (labels not listed here are term ids themselves). */
const ALIASES: Record<string, TermId> = {
  WAAD: 'waad',
  FAI: 'fai',
  Δ: 'delta',
  'locally dominated': 'dominated',
  introductory: 'intro',
  'uniform (GRPO)': 'uniform',
  'local-chunk': 'local_chunk',
  'global-anchor': 'global_anchor',
  'high-entropy': 'high_entropy',
  'HICRA-style': 'hicra',
  γ: 'gamma',
  τ_waad: 'tau_waad',
  τ_Δ: 'tau_delta',
  'FAI other heads': 'receiver',
  'span d': 'span',
};

/** The entry a shown label names ("WAAD", "locally dominated", "γ coupled", "anchor T_glob"…), if any. */
export function termOf(label: string): TermId | undefined {
  const l = label.trim();
  if (l in ALIASES) return ALIASES[l];
  if (l in GLOSSARY) return l as TermId;
  // "γ <strategy>" (token-strip colour choices) names the strategy; "<role> <set>" (chart legend) the role.
  if (l.startsWith('γ ')) return termOf(l.slice(2));
  const first = l.split(/\s+(?=[A-Z]_|T_|I\(|D$)/)[0];
  return first !== l ? termOf(first) : undefined;
}

/** The definition of a shown label, or undefined. */
export function define(label: string): string | undefined {
  const id = termOf(label);
  return id && GLOSSARY[id];
}
