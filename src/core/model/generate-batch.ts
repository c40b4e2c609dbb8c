/**
 * G samples of one prompt at once (GRPO groups): the prompt is run once, its KV cache is copied G times,
 * then every step feeds one token per sample as a [G, D] batch, so the weight matMuls are shared and the
 * per-op overhead that dominates small models is paid once per step instead of G times.
 * Sample g draws from its own mulberry32(seed + g), so it equals generate(model, prompt, {seed: seed + g})
 * up to float rounding of the batched kernels.
 */
import { InputError } from '../errors';
import { validateGenerateOptions, yieldToEventLoop, type GenerateOptions, type GenerateResult } from './generate';
import { Decoder } from './decoder';
import type { KVCache } from './kvcache';
import { mulberry32, sampleToken } from './sampling';

export interface BatchGenerateOptions extends Omit<GenerateOptions, 'onToken' | 'useCache'> {
  /** Called for each new token of each sample still running. */
  onToken?: (sample: number, id: number, index: number) => void;
}

export async function generateBatch(
  model: Decoder,
  promptIds: number[],
  numSamples: number,
  opts: BatchGenerateOptions,
): Promise<GenerateResult[]> {
  validateGenerateOptions(opts);
  if (!Number.isInteger(numSamples) || numSamples < 1) {
    throw new InputError(`must be a positive integer, got ${numSamples}`, { field: 'numSamples' });
  }
  const P = model.config.n_positions;
  if (promptIds.length === 0) throw new InputError('the prompt has no tokens', { field: 'prompt' });
  if (promptIds.length > P) {
    throw new InputError(`the prompt has ${promptIds.length} tokens, more than the model's context of ${P} (n_positions)`, {
      field: 'prompt',
    });
  }
  const G = numSamples;
  const seed = opts.seed ?? 0;
  const rngs = Array.from({ length: G }, (_, g) => mulberry32(seed + g));
  const stopTokens = new Set(opts.stopTokens ?? []);
  const stopStrings = (opts.stopStrings ?? []).filter((s) => s.length > 0);
  const results: GenerateResult[] = Array.from({ length: G }, () => ({ ids: [], stopReason: 'max_tokens' }));
  const running = new Set(results.keys());
  let cache: KVCache | null = null;

  const finish = (reason: GenerateResult['stopReason']) => {
    for (const g of running) results[g].stopReason = reason;
    running.clear();
  };

  try {
    if (opts.maxTokens > 0 && promptIds.length < P) {
      cache = model.createCache({ maxTokens: Math.min(P, promptIds.length + opts.maxTokens), batch: G });
    }
    for (let step = 0; step < opts.maxTokens && running.size > 0; step++) {
      if (opts.signal?.aborted) {
        finish('aborted');
        break;
      }
      if (promptIds.length + step >= P) {
        finish('context_full');
        break;
      }
      let logits: Float32Array; // [G, V] (or [1, V] for the prompt, shared by all samples)
      if (step === 0) {
        const t = cache!.step(promptIds);
        logits = (await t.data()) as Float32Array;
        t.dispose();
        cache!.expand(G);
      } else {
        // Finished samples still take a row (keeps shapes fixed); their tokens are ignored.
        const last = results.map((r) => r.ids[r.ids.length - 1]);
        const t = cache!.stepBatch(last);
        logits = (await t.data()) as Float32Array;
        t.dispose();
      }
      const V = model.config.vocab_size;
      for (const g of [...running]) {
        const row = step === 0 ? logits : logits.subarray(g * V, (g + 1) * V);
        const id = sampleToken(row, opts, rngs[g]);
        const r = results[g];
        r.ids.push(id);
        opts.onToken?.(g, id, r.ids.length - 1);
        if (stopTokens.has(id)) {
          r.stopReason = 'stop_token';
          running.delete(g);
        } else if (stopStrings.length && stopStrings.some((s) => opts.decode!(r.ids).includes(s))) {
          r.stopReason = 'stop_string';
          running.delete(g);
        }
      }
      await yieldToEventLoop();
    }
    return results;
  } finally {
    cache?.dispose();
  }
}
