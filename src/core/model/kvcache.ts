/**
 * KV cache for incremental decoding of one sequence: per layer, K^T [H_kv, hd, T] and V [H_kv, T, hd] of every token
 * fed so far (only the KV heads: grouped-query models store H_kv < H), so a new token costs O(T·D) per layer instead
 * of a full forward. The memory budget is computed before anything is allocated (llm.c style).
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../errors';
import { kvFloatsPerTokenLayer } from './families';
import type { CacheOptions, DecodeState, LayerKV, LayerwiseLM, ModelConfig } from './types';

export const DEFAULT_CACHE_LIMIT_BYTES = 1024 ** 3;

/** Bytes a float32 cache of `tokens` tokens takes: L layers × tokens × (K and V) × H_kv × hd × 4. */
export function kvCacheBytes(config: ModelConfig, tokens: number): number {
  return config.n_layer * tokens * kvFloatsPerTokenLayer(config) * 4;
}

/** What the cache needs from the model: its config and the layer-wise forward. */
export type IncrementalModel = LayerwiseLM & { readonly config: ModelConfig };

export class KVCache implements DecodeState {
  readonly capacity: number;
  private kv: (LayerKV | null)[];
  private fed = 0;
  private disposed = false;

  constructor(
    private readonly model: IncrementalModel,
    options: CacheOptions = {},
  ) {
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
      const floats = kvFloatsPerTokenLayer(config);
      throw new InputError(
        `a KV cache for ${this.capacity} tokens needs ${mb(bytes)} (${config.n_layer} layers × ${this.capacity} tokens × ${floats} K/V floats × 4 bytes), over the limit of ${mb(limit)}`,
        { field: 'maxTokens' },
      );
    }
    this.kv = new Array(config.n_layer).fill(null);
  }

  get length(): number {
    return this.fed;
  }

  /** Appends tokens; returns the last one's logits [1, V]. */
  step(ids: number[]): tf.Tensor2D {
    if (this.disposed) throw new Error('KV cache was disposed');
    if (this.fed + ids.length > this.capacity) {
      throw new InputError(`KV cache holds ${this.capacity} tokens; ${this.fed} fed, ${ids.length} more do not fit`, {
        field: 'ids',
      });
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
