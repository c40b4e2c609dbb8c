/**
 * Public types of the model runtime. Shared by the loader, the decoder, generation, the rhythm engine (which
 * consumes attention), training and the worker.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** Keys every family's config has, under GPT-2's names (n_head = query heads). */
interface BaseConfig {
  n_layer: number;
  n_head: number;
  n_embd: number;
  /** Context length (max_position_embeddings). */
  n_positions: number;
  vocab_size: number;
  /**
   * Ids that have a token: 0 .. token_count − 1. Set by the loaders from the tokenizer when it is smaller than
   * vocab_size (a Hub checkpoint's padded vocabulary, e.g. Qwen's 151936 rows for 151669 tokens); absent when every
   * id has a token. Never read from config.json. Every sampler masks the ids past it (sampling.ts, tokenLogits).
   */
  token_count?: number;
  bos_token_id?: number;
  /** The first end-of-sequence id when config.json lists several. */
  eos_token_id?: number;
  /** The whole parsed config.json, for fields we don't interpret. */
  raw: Record<string, unknown>;
}

export type Activation = 'gelu_new' | 'gelu' | 'gelu_pytorch_tanh' | 'relu' | 'silu';

/** Hugging Face GPT-2 `config.json` keys we use. */
export interface GPT2Config extends BaseConfig {
  model_type: 'gpt2';
  layer_norm_epsilon: number;
  activation_function: 'gelu_new' | 'gelu' | 'gelu_pytorch_tanh' | 'relu';
  /** MLP hidden width; absent means 4 * n_embd (HF default). */
  n_inner?: number;
  /** Scores divided by √head_dim (absent: true, HF's default). */
  scale_attn_weights?: boolean;
  /** Scores also divided by layer index + 1 (absent: false, HF's default). */
  scale_attn_by_inverse_layer_idx?: boolean;
}

/** RoPE frequency scaling (`rope_parameters` / `rope_scaling`) of the types the decoder runs (rope.ts). */
export type RopeScaling =
  | { rope_type: 'linear'; factor: number }
  | { rope_type: 'dynamic'; factor: number }
  | {
      rope_type: 'llama3';
      factor: number;
      low_freq_factor: number;
      high_freq_factor: number;
      original_max_position_embeddings: number;
    }
  | {
      rope_type: 'yarn';
      factor: number;
      original_max_position_embeddings: number;
      beta_fast: number;
      beta_slow: number;
      truncate: boolean;
      /** The factor on cos and sin (given, or from factor / mscale / mscale_all_dim). */
      attention_factor: number;
    };

/** Llama-style decoders (llama, qwen2, qwen3): pre-RMSNorm, RoPE, grouped-query attention, gated MLP. */
export interface LlamaConfig extends BaseConfig {
  model_type: 'llama' | 'qwen2' | 'qwen3';
  n_kv_head: number;
  head_dim: number;
  intermediate_size: number;
  rms_norm_eps: number;
  rope_theta: number;
  rope_scaling: RopeScaling | null;
  /** The MLP's activation (SwiGLU: silu). */
  hidden_act: Activation;
  /** Bias on q/k/v (qwen2 always; llama/qwen3 with attention_bias). */
  qkv_bias: boolean;
  /** Bias on o_proj (llama/qwen3 with attention_bias). */
  o_bias: boolean;
  mlp_bias: boolean;
  /** Per-head RMSNorm of q and k before RoPE (qwen3). */
  qk_norm: boolean;
  tie_word_embeddings: boolean;
}

export type ModelConfig = GPT2Config | LlamaConfig;

/** A float32 tensor as read from disk, before it is uploaded to the backend. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/**
 * Called once per layer, in layer order, while the forward runs.
 * `probs` is that layer's attention probabilities [H, N, N] per query head (row = query, column = key; causal, rows
 * sum to 1). It runs synchronously inside the layer's tf.tidy: `probs` and every tensor the callback creates are
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
 * Keys and values a layer attends to: past ones (from a cache) plus the new ones, laid out per KV head so that both
 * the per-head 2-D path (prefill) and the batched decode path read them without copies. With R sequences decoded
 * together (Decoder.blockRows), the leading axis is R*H_kv, sequence-major.
 */
export interface LayerKV {
  kT: tf.Tensor3D; // [R*H_kv, hd, T]: K transposed per head
  v: tf.Tensor3D; // [R*H_kv, T, hd]
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
}

/**
 * The forward taken apart, for callers that run it layer by layer (the analysis worker yields between layers, the
 * KV cache keeps each layer's keys/values). forward() is exactly embed, every block in order, then head.
 */
export interface LayerwiseLM {
  /** Ids must be integers in [0, V) and fit the context after `past` cached tokens; InputError otherwise. */
  checkIds(ids: number[], past: number): void;
  /** Input embeddings [M, D] of one sequence at positions past..past+M-1. */
  embed(ids: number[], past: number): tf.Tensor2D;
  /**
   * Block `l` on rows x [M, D] (the sequence's positions past.length..), attending to `past` keys and values plus
   * its own. Returns the residual stream and the layer's keys/values (past + new).
   */
  block(
    l: number,
    x: tf.Tensor2D,
    past: LayerKV | null,
    onAttention?: AttentionCallback,
  ): { x: tf.Tensor2D; kv: LayerKV };
  /** Final norm and LM head: logits [M, V], or [1, V] of the last row only. */
  head(x: tf.Tensor2D, lastOnly: boolean): tf.Tensor2D;
  /**
   * Final norm and LM head reduced per row: the entropy (nats) of softmax(logits) of every row, [M], computed tile
   * by tile (model/head.ts) so logits [M, V] never exist. Caller disposes.
   */
  headEntropy(x: tf.Tensor2D): tf.Tensor1D;
}

/** What a loaded causal language model offers to the rest of the app. */
export interface CausalLM extends LayerwiseLM {
  readonly config: ModelConfig;
  readonly name: string;
  /** Number of parameters (for display and memory budgets). */
  readonly numParams: number;
  /** Logits for every position, [N, V]. The caller owns (and disposes) the result. */
  forward(ids: number[], options?: ForwardOptions): tf.Tensor2D;
  /** A KV cache for incremental generation. */
  createCache(options?: CacheOptions): DecodeState;
  dispose(): void;
}
