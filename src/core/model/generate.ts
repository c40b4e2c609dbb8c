/**
 * Autoregressive generation: KV cache by default (one new token per step), full recompute of the whole
 * sequence when useCache is false (for checks and benchmarks). Async so it yields to the event loop
 * between tokens and an AbortSignal can stop it.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../errors';
import { mulberry32, sampleToken, validateSampling } from './sampling';
import type { CausalLM, DecodeState } from './types';

export interface GenerateOptions {
  maxTokens: number;
  temperature?: number /* 0 or absent = greedy */;
  topK?: number;
  topP?: number;
  seed?: number;
  stopTokens?: number[];
  stopStrings?: string[];
  /** Needed for stopStrings: turns the new ids into text. */
  decode?: (ids: number[]) => string;
  signal?: AbortSignal;
  onToken?: (id: number, index: number) => void;
  useCache?: boolean /* default true */;
}

export interface GenerateResult {
  /** New tokens only; a stop token that ended generation is included. */
  ids: number[];
  stopReason: 'max_tokens' | 'stop_token' | 'stop_string' | 'aborted' | 'context_full';
}

/** Lets timers, messages and abort events run; setImmediate in Node, a MessageChannel in browsers. */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  if (typeof g.setImmediate === 'function') return new Promise((resolve) => g.setImmediate!(resolve));
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((resolve) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        ch.port1.close();
        resolve();
      };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export function validateGenerateOptions(opts: Omit<GenerateOptions, 'onToken'>): void {
  if (!Number.isInteger(opts.maxTokens) || opts.maxTokens < 0) {
    throw new InputError(`must be an integer >= 0, got ${opts.maxTokens}`, { field: 'maxTokens' });
  }
  validateSampling(opts);
  if (opts.seed !== undefined && !Number.isInteger(opts.seed)) {
    throw new InputError(`must be an integer, got ${opts.seed}`, { field: 'seed' });
  }
  if (opts.stopStrings?.length && !opts.decode) {
    throw new InputError('stopStrings need a decode function', { field: 'stopStrings' });
  }
}

export async function generate(model: CausalLM, promptIds: number[], opts: GenerateOptions): Promise<GenerateResult> {
  validateGenerateOptions(opts);
  const P = model.config.n_positions;
  if (promptIds.length === 0) throw new InputError('the prompt has no tokens', { field: 'prompt' });
  if (promptIds.length > P) {
    throw new InputError(
      `the prompt has ${promptIds.length} tokens, more than the model's context of ${P} (n_positions)`,
      {
        field: 'prompt',
      },
    );
  }
  const rng = mulberry32(opts.seed ?? 0);
  // Ids without a token (a padded vocabulary) are never chosen.
  const sampling = { ...opts, tokenCount: model.config.token_count };
  const stopTokens = new Set(opts.stopTokens ?? []);
  const stopStrings = (opts.stopStrings ?? []).filter((s) => s.length > 0);
  const useCache = opts.useCache !== false && typeof model.createCache === 'function';
  const ids: number[] = [];
  const seq = [...promptIds];
  let cache: DecodeState | null = null;

  try {
    if (useCache) cache = model.createCache!({ maxTokens: Math.min(P, promptIds.length + opts.maxTokens) });
    while (ids.length < opts.maxTokens) {
      if (opts.signal?.aborted) return { ids, stopReason: 'aborted' };
      if (seq.length >= P) return { ids, stopReason: 'context_full' };
      let logitsT: tf.Tensor2D;
      if (cache)
        logitsT = cache.step(ids.length === 0 ? promptIds : [ids[ids.length - 1]]); // [1, V]
      else logitsT = model.forward(seq, { logits: 'last' }); // [1, V]
      let logits: Float32Array;
      try {
        logits = (await logitsT.data()) as Float32Array;
      } finally {
        logitsT.dispose();
      }
      const id = sampleToken(logits, sampling, rng);
      ids.push(id);
      seq.push(id);
      opts.onToken?.(id, ids.length - 1);
      if (stopTokens.has(id)) return { ids, stopReason: 'stop_token' };
      if (stopStrings.length) {
        const text = opts.decode!(ids);
        if (stopStrings.some((s) => text.includes(s))) return { ids, stopReason: 'stop_string' };
      }
      await yieldToEventLoop();
    }
    return { ids, stopReason: 'max_tokens' };
  } finally {
    cache?.dispose();
  }
}
