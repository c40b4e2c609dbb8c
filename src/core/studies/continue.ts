/**
 * Greedy continuations of many prefixes (the perturbation test's counterfactuals). Two engines with one contract:
 *   - `sequentialContinuer`: one prefix at a time through the model's KV cache (any CausalLM);
 *   - `batchedContinuer`: every prefix as one left-padded batch through the model's batched decoder (rl/batch-decoder.ts),
 *     so the per-op overhead that dominates small models is paid once per step for all rows.
 * Contract: row i gets up to maxNew[i] greedy tokens (argmax over the ids that have a token, ties to the lowest id);
 * it stops after emitting the end token, which is included.
 */
import { InputError } from '../errors';
import { yieldToEventLoop } from '../model/generate';
import { argmax, tokenLogits } from '../model/sampling';
import { Decoder } from '../model/decoder';
import type { CausalLM } from '../model/types';
import { BatchedLM } from '../rl/batched';

export interface Continuer {
  readonly kind: 'sequential' | 'batched';
  continueAll(prefixes: number[][], maxNew: number[], signal?: AbortSignal): Promise<number[][]>;
  dispose(): void;
}

function check(prefixes: number[][], maxNew: number[], context: number): void {
  if (prefixes.length !== maxNew.length)
    throw new Error(`continueAll: ${prefixes.length} prefixes, ${maxNew.length} lengths`);
  prefixes.forEach((p, i) => {
    if (p.length === 0) throw new InputError(`prefix ${i} is empty`, { field: 'prefix' });
    if (p.length + maxNew[i] - 1 > context) {
      throw new InputError(
        `prefix ${i} (${p.length} tokens) + ${maxNew[i]} new tokens exceed the context of ${context}`,
        { field: 'prefix' },
      );
    }
  });
}

function aborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
}

/** One prefix at a time through model.createCache (or full forwards when the model has no cache). */
export function sequentialContinuer(model: CausalLM, eosId: number | undefined): Continuer {
  return {
    kind: 'sequential',
    async continueAll(prefixes, maxNew, signal) {
      check(prefixes, maxNew, model.config.n_positions);
      const out: number[][] = [];
      for (const [i, prefix] of prefixes.entries()) {
        const ids: number[] = [];
        const cache = model.createCache?.({ maxTokens: prefix.length + maxNew[i] });
        try {
          let feed = prefix;
          while (ids.length < maxNew[i]) {
            aborted(signal);
            const logits = cache ? cache.step(feed) : model.forward([...prefix, ...ids], { logits: 'last' });
            const id = argmax(tokenLogits(logits.dataSync() as Float32Array, model.config.token_count));
            logits.dispose();
            ids.push(id);
            if (id === eosId) break;
            feed = [id];
          }
        } finally {
          cache?.dispose();
        }
        out.push(ids);
        await yieldToEventLoop();
      }
      return out;
    },
    dispose() {},
  };
}

/** BatchDecoder's model, over an already loaded Decoder (no weight snapshot: the loaded weights do not change). */
class LoadedBatched extends BatchedLM {
  constructor(private readonly loaded: Decoder) {
    super(loaded.config, new Map());
  }
  override hold(): () => void {
    return () => {};
  }
  override model(): Decoder {
    return this.loaded;
  }
}

/**
 * All prefixes as one batch through the model's batched decoder (rl/batch-decoder.ts on Decoder.blockRows, any
 * family): left-padded prefill, then one token per row per step; finished rows are fed the pad id and ignored.
 * Models that are not the runtime's Decoder get the sequential engine.
 */
export function batchedContinuer(model: CausalLM, eosId: number | undefined, padId = 0): Continuer {
  if (!(model instanceof Decoder)) return sequentialContinuer(model, eosId);
  const config = model.config;
  const batched = new LoadedBatched(model);
  return {
    kind: 'batched',
    async continueAll(prefixes, maxNew, signal) {
      check(prefixes, maxNew, config.n_positions);
      const out: number[][] = prefixes.map(() => []);
      const running = new Set<number>();
      maxNew.forEach((m, r) => m > 0 && running.add(r));
      if (running.size === 0) return out;
      const decoder = batched.decoder(prefixes, padId, { clampToContext: true });
      try {
        let logits = decoder.prefill();
        for (;;) {
          const data = (await logits.data()) as Float32Array;
          logits.dispose();
          const V = data.length / prefixes.length;
          for (const r of [...running]) {
            const id = argmax(tokenLogits(data.subarray(r * V, (r + 1) * V), config.token_count));
            out[r].push(id);
            if (id === eosId || out[r].length >= maxNew[r]) running.delete(r);
          }
          if (running.size === 0) break;
          aborted(signal);
          logits = decoder.step(out.map((ids, r) => (running.has(r) ? ids[ids.length - 1] : padId)));
          await yieldToEventLoop();
        }
      } finally {
        decoder.dispose();
      }
      return out;
    },
    dispose() {},
  };
}
