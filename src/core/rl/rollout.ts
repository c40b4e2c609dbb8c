/**
 * Rollouts: R rows decoded together with the batched KV cache, each row with its own seeded sampler and
 * its own stop (the end token). Async: yields to the event loop between tokens so a worker stays responsive
 * and an AbortSignal can stop it.
 */
import { InputError } from '../errors';
import { yieldToEventLoop } from '../model/generate';
import { mulberry32, sampleToken } from '../model/sampling';
import type { BatchedLM } from './batched';

export interface SampleOptions {
  maxTokens: number;
  /** 0 = greedy. */
  temperature: number;
  /** One seed per row (ignored when greedy). */
  seeds: number[];
  eosId: number;
  signal?: AbortSignal;
}

export interface SampleResult {
  /** New tokens per row; the end token, when emitted, is the last one. */
  responses: number[][];
  /** True where the row ended with the end token. */
  finished: boolean[];
  /**
   * log π(token) under softmax(logits/τ) per response token, over the ids that have a token (the distribution sampled
   * from; sampling only, empty lists when greedy).
   */
  logprobs: number[][];
  /** Entropy (nats) of that distribution per response token (sampling only). */
  entropies: number[][];
  aborted: boolean;
}

/** Samples one response per prompt row (repeat a prompt G times for a group). */
export async function sampleRows(model: BatchedLM, prompts: number[][], o: SampleOptions): Promise<SampleResult> {
  const R = prompts.length;
  if (o.seeds.length !== R) throw new Error(`sampleRows: ${o.seeds.length} seeds for ${R} rows`);
  const P = Math.max(...prompts.map((p) => p.length));
  const room = model.config.n_positions - P;
  if (room < 1)
    throw new InputError(`prompts of ${P} tokens leave no room in the context of ${model.config.n_positions}`, {
      field: 'prompt',
    });
  const maxTokens = Math.min(o.maxTokens, room);
  const rngs = o.seeds.map((s) => mulberry32(s));
  const responses: number[][] = prompts.map(() => []);
  const finished = new Array<boolean>(R).fill(false);
  const logprobs: number[][] = prompts.map(() => []);
  const entropies: number[][] = prompts.map(() => []);
  const decoder = model.decoder(prompts, o.eosId);
  try {
    let logitsT = decoder.prefill(); // [R, V]
    for (let n = 0; n < maxTokens; n++) {
      const V = logitsT.shape[1];
      const tokens = Math.min(V, model.config.token_count ?? V); // ids past it have no token: masked
      const logits = (await logitsT.data()) as Float32Array;
      logitsT.dispose();
      const next = new Array<number>(R).fill(o.eosId);
      for (let r = 0; r < R; r++) {
        if (finished[r]) continue;
        const id = sampleToken(
          logits.subarray(r * V, (r + 1) * V),
          { temperature: o.temperature, tokenCount: tokens },
          rngs[r],
        );
        responses[r].push(id);
        next[r] = id;
        if (o.temperature > 0) {
          const [lp, h] = temperedLogProb(logits, r * V, tokens, o.temperature, id);
          logprobs[r].push(lp);
          entropies[r].push(h);
        }
        if (id === o.eosId) finished[r] = true;
      }
      if (finished.every(Boolean) || n === maxTokens - 1)
        return { responses, finished, logprobs, entropies, aborted: false };
      if (o.signal?.aborted) return { responses, finished, logprobs, entropies, aborted: true };
      await yieldToEventLoop();
      logitsT = decoder.step(next);
    }
    logitsT.dispose();
    return { responses, finished, logprobs, entropies, aborted: false };
  } finally {
    decoder.dispose();
  }
}

/** log softmax(x/τ)[id] and the entropy of softmax(x/τ) over x = logits[offset .. offset+V), in float64. */
export function temperedLogProb(
  logits: Float32Array,
  offset: number,
  V: number,
  tau: number,
  id: number,
): [number, number] {
  let m = -Infinity;
  for (let i = 0; i < V; i++) m = Math.max(m, logits[offset + i] / tau);
  let z = 0;
  let zx = 0;
  for (let i = 0; i < V; i++) {
    const x = logits[offset + i] / tau - m;
    const e = Math.exp(x);
    z += e;
    zx += e * x;
  }
  const logZ = Math.log(z);
  return [logits[offset + id] / tau - m - logZ, logZ - zx / z];
}
