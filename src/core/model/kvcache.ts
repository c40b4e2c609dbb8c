/**
 * KV cache for incremental decoding: per layer, K^T [D, T] (head h = rows h*hd..(h+1)*hd, contiguous)
 * and V [T, D] of every token fed so far, so a new token costs O(T·D) per layer instead of a full forward.
 * The memory budget is computed before anything is allocated (llm.c style).
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../errors';
import type { LayerKV } from './gpt2';
import type { CacheOptions, DecodeState, GPT2Config } from './types';

export const DEFAULT_CACHE_LIMIT_BYTES = 1024 ** 3;

/** Bytes a float32 cache of `tokens` tokens takes: L layers × (K and V) × tokens × D × 4. */
export function kvCacheBytes(config: GPT2Config, tokens: number): number {
  return config.n_layer * 2 * tokens * config.n_embd * 4;
}

/** What the cache needs from the model (GPT2 provides it; kept as an interface to avoid an import cycle). */
export interface IncrementalModel {
  readonly config: GPT2Config;
  checkIds(ids: number[], past: number): void;
  embed(ids: number[], past: number): tf.Tensor2D;
  block(l: number, x: tf.Tensor2D, past: LayerKV | null): { x: tf.Tensor2D; kv: LayerKV };
  head(x: tf.Tensor2D, lastOnly: boolean): tf.Tensor2D;
}

export class KVCache implements DecodeState {
  readonly capacity: number;
  private kv: (LayerKV | null)[];
  private fed = 0;
  private disposed = false;

  constructor(private readonly model: IncrementalModel, options: CacheOptions = {}) {
    const config = model.config;
    const maxTokens = options.maxTokens ?? config.n_positions;
    const limit = options.maxBytes ?? DEFAULT_CACHE_LIMIT_BYTES;
    if (!Number.isInteger(maxTokens) || maxTokens < 1) {
      throw new InputError(`must be a positive integer, got ${maxTokens}`, { field: 'maxTokens' });
    }
    this.capacity = Math.min(maxTokens, config.n_positions);
    const bytes = kvCacheBytes(config, this.capacity);
    if (bytes > limit) {
      const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
      throw new InputError(
        `a KV cache for ${this.capacity} tokens needs ${mb(bytes)} (${config.n_layer} layers × 2 × ${this.capacity} tokens × ${config.n_embd} × 4 bytes), over the limit of ${mb(limit)}`,
        { field: 'maxTokens' },
      );
    }
    this.kv = new Array(config.n_layer).fill(null);
  }

  get length(): number {
    return this.fed;
  }

  step(ids: number[]): tf.Tensor2D {
    if (this.disposed) throw new Error('KV cache was disposed');
    if (this.fed + ids.length > this.capacity) {
      throw new InputError(`KV cache holds ${this.capacity} tokens; ${this.fed} fed, ${ids.length} more do not fit`, { field: 'ids' });
    }
    this.model.checkIds(ids, this.fed);
    let x = tf.tidy(() => this.model.embed(ids, this.fed));
    try {
      for (let l = 0; l < this.kv.length; l++) {
        const prevX = x;
        const past = this.kv[l];
        // tidy keeps the tensors of the returned object; its type only knows TensorContainer.
        const out = tf.tidy(() => this.model.block(l, prevX, past) as unknown as tf.TensorContainer) as unknown as {
          x: tf.Tensor2D;
          kv: LayerKV;
        };
        prevX.dispose();
        x = out.x;
        // The new K^T/V include the past ones (concat), so the old tensors can go.
        past?.kT.dispose();
        past?.v.dispose();
        this.kv[l] = out.kv;
      }
      const h = x;
      const logits = tf.tidy(() => this.model.head(h, true)); // [1, V]
      this.fed += ids.length;
      return logits;
    } finally {
      x.dispose();
    }
  }

  dispose(): void {
    for (const kv of this.kv) {
      kv?.kT.dispose();
      kv?.v.dispose();
    }
    this.kv = [];
    this.disposed = true;
  }
}
