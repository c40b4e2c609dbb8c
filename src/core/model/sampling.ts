/**
 * Next-token choice from a logits vector, in plain JS (V is at most ~50k, one vector per step).
 * Randomness comes from a seeded mulberry32 generator so a seed reproduces a sample exactly.
 */
import { InputError } from '../errors';

export { mulberry32 } from '../random';

export interface SamplingOptions {
  /** 0 or absent: greedy (argmax). */
  temperature?: number;
  /** Keep only the k most likely tokens. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (nucleus). */
  topP?: number;
  /** Ids at or past this have no token and are never chosen (see tokenLogits); absent: every id may be. */
  tokenCount?: number;
}

/**
 * The logits a sampler may choose from: ids at or past `tokenCount` (a padded vocabulary's rows without a token) are
 * masked to −∞, i.e. probability exactly 0 and never the argmax. They are the tail of the row, so the mask is the
 * row's first tokenCount entries (a view, no copy; ids unchanged). Every choice of a next token goes through here:
 * sampleToken (generate, RL rollouts), greedy continuations and perturbation candidates.
 */
export function tokenLogits(logits: Float32Array, tokenCount: number | undefined): Float32Array {
  if (tokenCount === undefined || tokenCount >= logits.length) return logits;
  if (!(Number.isInteger(tokenCount) && tokenCount >= 1)) throw new Error(`tokenCount must be >= 1, got ${tokenCount}`);
  return logits.subarray(0, tokenCount);
}

/** A config that knows which ids have a token: token_count set when the tokenizer has fewer ids than vocab_size. */
export function withTokenCount<C extends { vocab_size: number; token_count?: number }>(config: C, tokens: number): C {
  return tokens < config.vocab_size ? { ...config, token_count: tokens } : config;
}

/** Throws InputError naming the option when a value is out of range. */
export function validateSampling(opts: SamplingOptions): void {
  const { temperature, topK, topP } = opts;
  if (temperature !== undefined && !(Number.isFinite(temperature) && temperature >= 0)) {
    throw new InputError(`must be a number >= 0, got ${temperature}`, { field: 'temperature' });
  }
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1)) {
    throw new InputError(`must be an integer >= 1, got ${topK}`, { field: 'topK' });
  }
  if (topP !== undefined && !(topP > 0 && topP <= 1)) {
    throw new InputError(`must be in (0, 1], got ${topP}`, { field: 'topP' });
  }
}

/** Index of the largest logit; ties go to the lowest id. */
export function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  return best;
}

/**
 * Sampling probabilities after temperature, top-k and top-p, as (id, prob) pairs sorted by decreasing
 * probability (ties by lower id); probs sum to 1. Exposed for tests and for displays of the distribution.
 */
export function samplingDistribution(logits: Float32Array, opts: SamplingOptions): { ids: number[]; probs: number[] } {
  const temperature = opts.temperature ?? 1;
  const order = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a] || a - b);
  const kept = opts.topK !== undefined ? order.slice(0, Math.min(opts.topK, order.length)) : order;
  // softmax(logits / T) over the kept ids, stabilised by the max (the first one).
  const top = logits[kept[0]];
  let probs = kept.map((id) => Math.exp((logits[id] - top) / temperature));
  const sum = probs.reduce((s, p) => s + p, 0);
  probs = probs.map((p) => p / sum);
  let n = probs.length;
  if (opts.topP !== undefined && opts.topP < 1) {
    // Smallest prefix whose mass reaches p; always at least the top token.
    let mass = 0;
    n = 0;
    while (n < probs.length && mass < opts.topP) mass += probs[n++];
  }
  const ids = kept.slice(0, n);
  const kmass = probs.slice(0, n).reduce((s, p) => s + p, 0);
  return { ids, probs: probs.slice(0, n).map((p) => p / kmass) };
}

/**
 * Picks the next token: greedy when temperature is 0/absent, else a draw from samplingDistribution; ids at or past
 * opts.tokenCount are masked (tokenLogits).
 */
export function sampleToken(all: Float32Array, opts: SamplingOptions, rng: () => number): number {
  const logits = tokenLogits(all, opts.tokenCount);
  if (!opts.temperature) return argmax(logits);
  const u = rng();
  if (opts.topK === undefined && (opts.topP === undefined || opts.topP >= 1)) {
    // Plain temperature sampling needs no sort: walk the softmax in id order.
    const top = logits[argmax(logits)];
    const weights = new Float64Array(logits.length);
    let sum = 0;
    for (let i = 0; i < logits.length; i++) sum += weights[i] = Math.exp((logits[i] - top) / opts.temperature);
    let acc = 0;
    for (let i = 0; i < logits.length; i++) {
      acc += weights[i] / sum;
      if (u < acc) return i;
    }
    // u within rounding of 1: the last token that has any probability.
    for (let i = logits.length - 1; i > 0; i--) if (weights[i] > 0) return i;
    return 0;
  }
  const { ids, probs } = samplingDistribution(logits, opts);
  let acc = 0;
  for (let i = 0; i < ids.length; i++) {
    acc += probs[i];
    if (u < acc) return ids[i];
  }
  return ids[ids.length - 1]; // u within rounding of 1
}
