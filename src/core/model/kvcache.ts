/**
 * KV cache for incremental decoding: per layer, K^T [H_kv, hd, T] and V [H_kv, T, hd] of every token fed so far
 * (only the KV heads: grouped-query models store H_kv < H), so a new token costs O(T·D) per layer instead of a
 * full forward. The memory budget is computed before anything is allocated (llm.c style).
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

/**
 * One sequence's cache (step), which can be expanded after the prompt into B copies that then advance
 * together, one token per sequence per stepBatch (generation of G samples of one prompt).
 */
export class KVCache implements DecodeState {
  readonly capacity: number;
  private readonly maxBatch: number;
  private kv: (LayerKV | null)[];
  private fed = 0;
  private batch = 1;
  private disposed = false;

  constructor(
    private readonly model: IncrementalModel,
    options: CacheOptions = {},
  ) {
    const config = model.config;
    const maxTokens = options.maxTokens ?? config.n_positions;
    const limit = options.maxBytes ?? DEFAULT_CACHE_LIMIT_BYTES;
    this.maxBatch = options.batch ?? 1;
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) {
      throw new InputError(`must be a positive integer, got ${options.batch}`, { field: 'batch' });
    }
    if (!Number.isInteger(maxTokens) || maxTokens < 1) {
      throw new InputError(`must be a positive integer, got ${maxTokens}`, { field: 'maxTokens' });
    }
    this.capacity = Math.min(maxTokens, config.n_positions);
    const bytes = this.maxBatch * kvCacheBytes(config, this.capacity);
    if (bytes > limit) {
      const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
      const times = this.maxBatch > 1 ? `${this.maxBatch} sequences × ` : '';
      throw new InputError(
        `a KV cache for ${times}${this.capacity} tokens needs ${mb(bytes)} (${times}${config.n_layer} layers × ${this.capacity} tokens × ${kvFloatsPerTokenLayer(config)} K/V floats × 4 bytes), over the limit of ${mb(limit)}`,
        { field: 'maxTokens' },
      );
    }
    this.kv = new Array(config.n_layer).fill(null);
  }

  get length(): number {
    return this.fed;
  }

  get sequences(): number {
    return this.batch;
  }

  /** Appends tokens of the (single) sequence; returns the last one's logits [1, V]. */
  step(ids: number[]): tf.Tensor2D {
    if (this.batch !== 1) throw new Error('step() is for one sequence; this cache was expanded, use stepBatch()');
    return this.run(ids, false);
  }

  /** Appends one token to each of the B sequences (ids[b] for sequence b); returns logits [B, V]. */
  stepBatch(ids: number[]): tf.Tensor2D {
    if (ids.length !== this.batch) throw new Error(`stepBatch needs ${this.batch} ids, got ${ids.length}`);
    return this.run(ids, true);
  }

  /** Turns a one-sequence cache into `batch` identical copies (after a shared prompt). */
  expand(batch: number): void {
    if (this.batch !== 1) throw new Error('expand() works on a one-sequence cache');
    if (batch > this.maxBatch) throw new Error(`cache budgeted for ${this.maxBatch} sequences, asked for ${batch}`);
    if (batch === 1) return;
    this.kv = this.kv.map((kv) => {
      if (!kv) return kv;
      // [H_kv, ., .] -> [B*H_kv, ., .], sequence-major (matches reshaping [B, H_kv hd] rows into B*H_kv heads).
      const out = { kT: tf.tile(kv.kT, [batch, 1, 1]), v: tf.tile(kv.v, [batch, 1, 1]) };
      kv.kT.dispose();
      kv.v.dispose();
      return out;
    });
    this.batch = batch;
  }

  private run(ids: number[], sameStep: boolean): tf.Tensor2D {
    if (this.disposed) throw new Error('KV cache was disposed');
    const added = sameStep ? 1 : ids.length;
    if (this.fed + added > this.capacity) {
      throw new InputError(`KV cache holds ${this.capacity} tokens; ${this.fed} fed, ${added} more do not fit`, {
        field: 'ids',
      });
    }
    if (sameStep) for (const id of ids) this.model.checkIds([id], this.fed);
    else this.model.checkIds(ids, this.fed);
    let x = tf.tidy(() => this.model.embed(ids, this.fed, sameStep));
    try {
      for (let l = 0; l < this.kv.length; l++) {
        const prevX = x;
        const past = this.kv[l];
        // tidy keeps the tensors of the returned object; its type only knows TensorContainer.
        const out = tf.tidy(
          () => this.model.block(l, prevX, past, undefined, sameStep) as unknown as tf.TensorContainer,
        ) as unknown as { x: tf.Tensor2D; kv: LayerKV };
        prevX.dispose();
        x = out.x;
        // The new K^T/V include the past ones (concat), so the old tensors can go.
        past?.kT.dispose();
        past?.v.dispose();
        this.kv[l] = out.kv;
      }
      const h = x;
      const logits = tf.tidy(() => this.model.head(h, !sameStep)); // [1, V] or [B, V]
      this.fed += added;
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
