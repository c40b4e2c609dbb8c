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
}

/** What a loaded causal language model offers to the rest of the app. */
export interface CausalLM {
  readonly config: GPT2Config;
  readonly name: string;
  /** Number of parameters (for display and memory budgets). */
  readonly numParams: number;
  /** Logits for every position, [N, V]. The caller owns (and disposes) the result. */
  forward(ids: number[], options?: ForwardOptions): tf.Tensor2D;
  dispose(): void;
}
