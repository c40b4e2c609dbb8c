/**
 * Public types of the model runtime. Shared by the loader, the architectures, generation,
 * the rhythm engine (which consumes attention) and the worker.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** Hugging Face GPT-2 `config.json` keys we use (others are kept in `raw`). */
export interface GPT2Config {
  model_type: 'gpt2';
  n_layer: number;
  n_head: number;
  n_embd: number;
  n_positions: number;
  vocab_size: number;
  layer_norm_epsilon: number;
  activation_function: 'gelu_new' | 'gelu' | 'gelu_pytorch_tanh' | 'relu';
  /** MLP hidden width; absent means 4 * n_embd (HF default). */
  n_inner?: number;
  bos_token_id?: number;
  eos_token_id?: number;
  /** The whole parsed config.json, for fields we don't interpret. */
  raw: Record<string, unknown>;
}

/** A float32 tensor as read from disk, before it is uploaded to the backend. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/**
 * Called once per layer, in layer order, while the forward runs.
 * `probs` is that layer's attention probabilities [H, N, N] (row = query, column = key; causal, rows sum to 1).
 * It runs synchronously inside the layer's tf.tidy: `probs` and every tensor the callback creates are
 * disposed when the layer ends unless the callback calls tf.keep() on them. Never store `probs` itself.
 */
export type AttentionCallback = (layer: number, probs: tf.Tensor3D) => void;

export interface ForwardOptions {
  onAttention?: AttentionCallback;
  /**
   * 'all' (default): logits for every position, [N, V]. 'last': only the last position's, [1, V]
   * (generation without a cache needs no more, and the LM head is the biggest matmul of a small model).
   */
  logits?: 'all' | 'last';
}

/**
 * Incremental decoding state of one sequence (the KV cache): feed tokens, get the next-token logits.
 * Created by CausalLM.createCache; owns device memory until dispose().
 */
export interface DecodeState {
  /** Tokens fed so far. */
  readonly length: number;
  /** Most tokens it can hold (<= n_positions). */
  readonly capacity: number;
  /** Appends `ids` (prompt or new tokens) and returns the logits of the last one, [1, V]; caller disposes. */
  step(ids: number[]): tf.Tensor2D;
  dispose(): void;
}

export interface CacheOptions {
  /** Tokens to make room for (default n_positions). */
  maxTokens?: number;
  /** Refuse to build a cache larger than this many bytes (default 1 GiB). */
  maxBytes?: number;
  /** Sequences the cache may be expanded to (batched generation of G samples); counts in the budget. */
  batch?: number;
}

/** What a loaded causal language model offers to the rest of the app. */
export interface CausalLM {
  readonly config: GPT2Config;
  readonly name: string;
  /** Number of parameters (for display and memory budgets). */
  readonly numParams: number;
  /** Logits for every position, [N, V]. The caller owns (and disposes) the result. */
  forward(ids: number[], options?: ForwardOptions): tf.Tensor2D;
  /** A KV cache for incremental generation, when the architecture has one. */
  createCache?(options?: CacheOptions): DecodeState;
  dispose(): void;
}
