/**
 * Per-token advantages that do not need the attention pass, and the one rule every strategy ends in:
 *   Ã_t = γ_t · Â + b_t
 * with a multiplicative γ (attention strategies, the entropy-minority mask) and an additive b (TEMPO's prefix-tree
 * term, HICRA's α|Â| on planning tokens). See docs/rl.md for each formula and its source.
 */

/** Multiplicative and additive parts of one row's credit; either may be absent (γ = 1, b = 0). */
export interface TokenCredit {
  gamma?: ArrayLike<number>;
  add?: ArrayLike<number>;
}

/** Which signs of Â a paper strategy shapes: v2 both (default), v1 only Â ≥ 0 (Â < 0 stays Â on every token). */
export type CreditSign = 'v2' | 'v1';

/** Ã_t = γ_t·Â + b_t over `n` response tokens. */
export function combineCredit(advantage: number, n: number, credit: TokenCredit = {}): number[] {
  const { gamma, add } = credit;
  if (gamma && gamma.length !== n) throw new Error(`combineCredit: ${gamma.length} γ values for ${n} tokens`);
  if (add && add.length !== n) throw new Error(`combineCredit: ${add.length} additive terms for ${n} tokens`);
  const out = new Array<number>(n);
  for (let t = 0; t < n; t++) out[t] = (gamma ? gamma[t] : 1) * advantage + (add ? add[t] : 0);
  return out;
}

/** The group's reward spread as GRPO uses it; 0 when rewards are (numerically) equal. */
export function groupStd(rewards: number[], std: 'population' | 'sample' = 'population'): number {
  const n = rewards.length;
  if (n < 2 || rewards.every((x) => x === rewards[0])) return 0;
  const mean = rewards.reduce((a, b) => a + b, 0) / n;
  const ss = rewards.reduce((a, b) => a + (b - mean) * (b - mean), 0);
  const sd = Math.sqrt(ss / (std === 'sample' ? n - 1 : n));
  const scale = Math.max(...rewards.map(Math.abs), 1);
  return sd > 1e-12 * scale ? sd : 0;
}

/**
 * TEMPO's additive term for one group: for response i and token j, s_j = the responses sharing i's first j tokens,
 * V(s) = their mean reward, b_ij = (V(s_{j+1}) − V(s_j)) / σ. Zero wherever no response branches off (the two sets
 * are equal) and everywhere when σ = 0. Added to Â_i = (R_i − μ)/σ this is A_ij of the paper.
 */
export function tempoTerms(
  responses: number[][],
  rewards: number[],
  std: 'population' | 'sample' = 'population',
): number[][] {
  if (responses.length !== rewards.length)
    throw new Error(`tempoTerms: ${responses.length} responses, ${rewards.length} rewards`);
  const sd = groupStd(rewards, std);
  const out = responses.map((r) => new Array<number>(r.length).fill(0));
  if (sd === 0) return out;
  const mean = (idx: number[]) => idx.reduce((a, i) => a + rewards[i], 0) / idx.length;
  // Walk the prefix tree: `members` share the first `depth` tokens; V of the node is their mean reward.
  const walk = (members: number[], depth: number, v: number) => {
    const children = new Map<number, number[]>();
    for (const i of members) {
      if (depth >= responses[i].length) continue;
      const tok = responses[i][depth];
      const c = children.get(tok);
      if (c) c.push(i);
      else children.set(tok, [i]);
    }
    for (const child of children.values()) {
      const vc = child.length === members.length ? v : mean(child);
      const b = (vc - v) / sd;
      for (const i of child) out[i][depth] = b;
      walk(child, depth + 1, vc);
    }
  };
  const all = responses.map((_, i) => i);
  walk(all, 0, mean(all));
  return out;
}

/**
 * Mask of the top `fraction` response tokens by entropy over the whole batch: k = ⌈fraction·N⌉, threshold = the
 * k-th largest entropy, every token with entropy ≥ threshold is in (ties at the threshold all count).
 */
export function entropyMinorityMask(entropies: number[][], fraction = 0.2): boolean[][] {
  const flat = entropies.flat();
  if (flat.length === 0) return entropies.map(() => []);
  const k = Math.max(1, Math.ceil(fraction * flat.length - 1e-9));
  const sorted = [...flat].sort((a, b) => b - a);
  const threshold = sorted[Math.min(k, sorted.length) - 1];
  return entropies.map((row) => row.map((h) => h >= threshold));
}

/**
 * HICRA's "strategic grams" from a batch: the document frequency (responses containing it) of every 3–5-gram of
 * token ids; the top `fraction` of distinct grams by frequency (ties at the threshold included, and only grams in
 * at least two responses) are strategic; a token is a planning token when a strategic gram occurrence covers it.
 */
export function strategicGramMask(responses: number[][], fraction = 0.2, minN = 3, maxN = 5): boolean[][] {
  const df = new Map<string, number>();
  const gramsOf = (ids: number[]) => {
    const out: [string, number, number][] = [];
    for (let n = minN; n <= maxN; n++)
      for (let s = 0; s + n <= ids.length; s++) out.push([ids.slice(s, s + n).join(','), s, n]);
    return out;
  };
  const perRow = responses.map(gramsOf);
  for (const grams of perRow) for (const key of new Set(grams.map((g) => g[0]))) df.set(key, (df.get(key) ?? 0) + 1);
  const counts = [...df.values()].sort((a, b) => b - a);
  const masks = responses.map((r) => new Array<boolean>(r.length).fill(false));
  if (counts.length === 0) return masks;
  const k = Math.max(1, Math.ceil(fraction * counts.length - 1e-9));
  const threshold = Math.max(2, counts[k - 1]);
  perRow.forEach((grams, i) => {
    for (const [key, s, n] of grams)
      if ((df.get(key) ?? 0) >= threshold) for (let t = s; t < s + n; t++) masks[i][t] = true;
  });
  return masks;
}

/** HICRA: b_t = α·|Â| on planning tokens (v1: only when Â ≥ 0). */
export function hicraCredit(
  advantage: number,
  planning: boolean[],
  alpha: number,
  sign: CreditSign = 'v2',
): TokenCredit {
  if (sign === 'v1' && advantage < 0) return {};
  return { add: planning.map((p) => (p ? alpha * Math.abs(advantage) : 0)) };
}

/** A γ strategy under the sign option: v1 leaves Â < 0 unshaped (γ = 1). */
export function signedGamma(advantage: number, gamma: ArrayLike<number>, sign: CreditSign = 'v2'): TokenCredit {
  return sign === 'v1' && advantage < 0 ? {} : { gamma };
}
