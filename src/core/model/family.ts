/**
 * What a model family is to the decoder: a normalised description (DecoderSpec) plus the stored tensors and how
 * they map onto the decoder's weight slots. Everything else — the forward, the KV cache, batched decoding,
 * attention capture, loading — is shared (decoder.ts, weights.ts). A new family is one file implementing Family.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { ConfigReader } from './config-reader';
import type { Activation, HostTensor, ModelConfig } from './types';

/** The decoder's view of a model: sizes and the pieces that differ between families. */
export interface DecoderSpec {
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  hidden: number;
  inner: number;
  vocab: number;
  context: number;
  /** LayerNorm with bias (GPT-2) or RMSNorm without (Llama); eps for every norm. */
  norm: 'layer' | 'rms';
  eps: number;
  /** Positions: a learned table added to the embeddings (GPT-2), or RoPE inverse frequencies [headDim / 2]. */
  ropeInvFreq: Float64Array | null;
  /** A factor on RoPE's cos and sin (YaRN's attention temperature); absent: 1. */
  ropeAttentionFactor?: number;
  activation: Activation;
  /** MLP: down(act(gate(x)) · up(x)) when gated, else down(act(up(x))). */
  gated: boolean;
  /** Per-head RMSNorm of q and k before RoPE (Qwen3). */
  qkNorm: boolean;
}

/**
 * One block's weights in the decoder's layout: matrices as [in, out] so every product is a 2-D matMul with no
 * transpose flag (the wasm fast path), q columns (or the q norm) pre-scaled by 1/√hd so scores need no scaling op.
 */
export interface LayerSlots<T> {
  norm1: T;
  norm1Bias?: T;
  qkv: T; // [D, (H + 2 H_kv) hd]: q | k | v column blocks, head-major inside each
  qkvBias?: T;
  qkNorm?: T; // [H + H_kv, hd]: q_norm per query head (scaled), then k_norm per KV head
  out: T; // [H hd, D]
  outBias?: T;
  norm2: T;
  norm2Bias?: T;
  up: T; // [D, F]
  upBias?: T;
  gate?: T; // [D, F]
  gateBias?: T;
  down: T; // [F, D]
  downBias?: T;
}

export interface GlobalSlots<T> {
  embed: T; // [V, D]
  positions?: T; // [P, D]
  finalNorm: T;
  finalNormBias?: T;
}

/** Reads a stored tensor (checked against its expected shape) as float32, converted from F16/BF16 if need be. */
export type ReadTensor = (name: string) => Float32Array;

export interface Family<C extends ModelConfig = ModelConfig> {
  readonly modelTypes: readonly C['model_type'][];
  /** config.json -> normalised config; refuses what the decoder does not implement, by key. */
  parseConfig(reader: ConfigReader): C;
  spec(config: C): DecoderSpec;
  /** Every stored tensor the decoder needs (canonical names) with its shape; lm_head excluded. */
  tensors(config: C): { name: string; shape: number[] }[];
  /** The name a canonical tensor name has in the file, when it is stored under another prefix. */
  resolve(has: (name: string) => boolean, name: string): string | undefined;
  /** The stored LM head to use: its name, or null when the head is tied to the embedding. */
  headName(config: C, has: (name: string) => boolean): string | null;
  layer(config: C, l: number, read: ReadTensor): LayerSlots<HostTensor>;
  /**
   * The same layout as `layer`, computed with tensor ops from the stored tensors (differentiable: autodiff training
   * runs the decoder on slots derived from its variables). Families trained with hand-written gradients omit it.
   */
  layerFromTensors?(config: C, l: number, get: (name: string) => tf.Tensor): LayerSlots<tf.Tensor>;
  globals(config: C, read: ReadTensor): GlobalSlots<HostTensor>;
  /** The stored names of the global slots (embedding, final norm, learned positions) for `layerFromTensors` users. */
  globalNames?(config: C): GlobalSlots<string>;
}

/** [rows, cols] row-major -> [cols, rows] row-major, on the host (once, at load). */
export function transposeHost(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[base + c];
  }
  return out;
}

export const host = (data: Float32Array, shape: number[]): HostTensor => ({ data, shape });
