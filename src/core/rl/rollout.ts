/**
 * Rollouts: R rows decoded together with the batched KV cache, each row with its own seeded sampler and
 * its own stop (the end token). Async: yields to the event loop between tokens so a worker stays responsive
 * and an AbortSignal can stop it.
 */
import { InputError } from '../errors';
import { yieldToEventLoop } from '../model/generate';
import { mulberry32, sampleToken } from '../model/sampling';
import type { BatchedGpt2 } from './batched';

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
  aborted: boolean;
}

/** Samples one response per prompt row (repeat a prompt G times for a group). */
export async function sampleRows(model: BatchedGpt2, prompts: number[][], o: SampleOptions): Promise<SampleResult> {
  const R = prompts.length;
  if (o.seeds.length !== R) throw new Error(`sampleRows: ${o.seeds.length} seeds for ${R} rows`);
  const P = Math.max(...prompts.map((p) => p.length));
  const room = model.config.n_positions - P;
  if (room < 1) throw new InputError(`prompts of ${P} tokens leave no room in the context of ${model.config.n_positions}`, { field: 'prompt' });
  const maxTokens = Math.min(o.maxTokens, room);
  const rngs = o.seeds.map((s) => mulberry32(s));
  const responses: number[][] = prompts.map(() => []);
  const finished = new Array<boolean>(R).fill(false);
  const decoder = model.decoder(prompts, o.eosId);
  try {
    let logitsT = decoder.prefill(); // [R, V]
    for (let n = 0; n < maxTokens; n++) {
      const V = logitsT.shape[1];
      const logits = (await logitsT.data()) as Float32Array;
      logitsT.dispose();
      const next = new Array<number>(R).fill(o.eosId);
      for (let r = 0; r < R; r++) {
        if (finished[r]) continue;
        const id = sampleToken(logits.subarray(r * V, (r + 1) * V), { temperature: o.temperature }, rngs[r]);
        responses[r].push(id);
        next[r] = id;
        if (id === o.eosId) finished[r] = true;
      }
      if (finished.every(Boolean) || n === maxTokens - 1) return { responses, finished, aborted: false };
      if (o.signal?.aborted) return { responses, finished, aborted: true };
      await yieldToEventLoop();
      logitsT = decoder.step(next);
    }
    logitsT.dispose();
    return { responses, finished, aborted: false };
  } finally {
    decoder.dispose();
  }
}
