/**
 * GPT-2 decoder (Radford et al. 2019; Hugging Face GPT2LMHeadModel layout), nanoGPT style: one file,
 * pre-LayerNorm blocks, learned absolute positions, tanh-GELU MLP, LM head tied to wte unless
 * lm_head.weight is given.
 *
 * Written for tfjs-wasm's fast path (docs/performance.md): every matMul is 2-D with no transpose flag;
 * attention runs per head on slices (q_h [M,hd] . kT_h [hd,T]); one tf.tidy per layer.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../errors';
import type { TensorSource } from '../io/safetensors';
import { disposeGPT2Weights, uploadGPT2Weights, type GPT2Layer, type GPT2Weights } from './gpt2-weights';
import { KVCache } from './kvcache';
import type { AttentionCallback, CacheOptions, CausalLM, ForwardOptions, GPT2Config } from './types';

/** Additive mask value for keys a query must not see: exp() of it underflows to exactly 0. */
export const MASKED = -1e9;

/** The additive causal mask [S, S], row-major: 0 on and below the diagonal, MASKED above. */
export function causalMaskData(S: number): Float32Array {
  const data = new Float32Array(S * S);
  for (let t = 0; t < S; t++) for (let s = t + 1; s < S; s++) data[t * S + s] = MASKED;
  return data;
}

/**
 * Keys and values a layer attends to: past ones (from a cache) plus the new ones, laid out per head so
 * that both the per-head 2-D path (prefill) and the batched decode path read them without copies.
 * With B sequences decoded together (generateBatch), the leading axis is B*H, sequence-major.
 */
export interface LayerKV {
  kT: tf.Tensor3D; // [B*H, hd, T]: K transposed per head
  v: tf.Tensor3D; // [B*H, T, hd]
}

export class GPT2 implements CausalLM {
  readonly config: GPT2Config;
  readonly name: string;
  readonly numParams: number;
  readonly tiedHead: boolean;
  private weights: GPT2Weights | null;
  private mask: tf.Tensor2D | null = null; // [S, S] additive causal mask, grown on demand

  constructor(config: GPT2Config, weights: GPT2Weights, name = 'gpt2') {
    this.config = config;
    this.weights = weights;
    this.name = name;
    this.numParams = weights.numParams;
    this.tiedHead = weights.tiedHead;
  }

  /** Uploads the weights from a safetensors source (see gpt2-weights.ts for the checks). */
  static fromSource(
    config: GPT2Config,
    source: TensorSource,
    opts: { name?: string; onProgress?: (f: number) => void; headBlock?: number } = {},
  ): GPT2 {
    return new GPT2(config, uploadGPT2Weights(config, source, opts.onProgress, opts.headBlock), opts.name);
  }

  forward(ids: number[], options: ForwardOptions = {}): tf.Tensor2D {
    this.checkIds(ids, 0);
    let x = tf.tidy(() => this.embed(ids, 0));
    try {
      for (let l = 0; l < this.config.n_layer; l++) {
        const prev = x;
        const out = tf.tidy(() => this.block(l, prev, null, options.onAttention).x);
        prev.dispose();
        x = out;
      }
      const h = x;
      return tf.tidy(() => this.head(h, options.logits === 'last'));
    } finally {
      x.dispose();
    }
  }

  createCache(options: CacheOptions = {}): KVCache {
    return new KVCache(this, options);
  }

  dispose(): void {
    if (this.weights) disposeGPT2Weights(this.weights);
    this.mask?.dispose();
    this.weights = null;
    this.mask = null;
  }

  /** Ids must be integers in [0, V) and fit the context after `past` cached tokens. */
  checkIds(ids: number[], past: number): void {
    const { vocab_size: V, n_positions: P } = this.config;
    if (ids.length === 0) throw new InputError('no token ids given', { field: 'ids' });
    if (past + ids.length > P) {
      throw new InputError(
        `sequence of ${past + ids.length} tokens is longer than the model's context of ${P} tokens (n_positions)`,
        { field: 'ids' },
      );
    }
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= V) {
        throw new InputError(`token id ${id} at index ${i} is outside the vocabulary [0, ${V})`, { field: 'ids' });
      }
    }
  }

  /**
   * Token + position embeddings, [M, D]. By default the rows are one sequence at positions past..past+M-1;
   * with `sameStep` they are M sequences all at position `past` (batched decoding).
   */
  embed(ids: number[], past: number, sameStep = false): tf.Tensor2D {
    const w = this.live();
    const M = ids.length;
    const tok = tf.gather(w.wte, tf.tensor1d(ids, 'int32')); // [M, D]
    const pos = tf.slice(w.wpe, [past, 0], [sameStep ? 1 : M, this.config.n_embd]); // [M or 1, D]
    return tf.add(tok, pos);
  }

  /**
   * One transformer block on the new rows x [M, D], attending to `past` keys/values (if any) plus its own.
   * Rows are one sequence (prefill, full forward) unless `sameStep`: then each row is its own sequence at
   * the same position (batched decoding), as is a single row. Returns the residual stream and the
   * layer's keys/values (past + new) for a cache.
   */
  block(
    l: number,
    x: tf.Tensor2D,
    past: LayerKV | null,
    onAttention?: AttentionCallback,
    sameStep = false,
  ): { x: tf.Tensor2D; kv: LayerKV } {
    const w = this.live().layers[l];
    const eps = this.config.layer_norm_epsilon;
    const h1 = layerNorm(x, w.ln1Weight, w.ln1Bias, eps);
    const qkv = linear(h1, w.attnWeight, w.attnBias); // [M, 3D]; q already scaled by 1/sqrt(hd)
    const { y, kv } =
      sameStep || x.shape[0] === 1
        ? this.attendStep(l, qkv, past, onAttention)
        : this.attendSequence(l, qkv, past, onAttention);
    const x1 = tf.add(x, linear(y, w.attnProjWeight, w.attnProjBias)) as tf.Tensor2D; // [M, D]

    const h2 = layerNorm(x1, w.ln2Weight, w.ln2Bias, eps);
    const fc = this.activation(h2, w.fcWeight, w.fcBias); // [M, F]
    const x2 = tf.add(x1, linear(fc, w.fcProjWeight, w.fcProjBias)) as tf.Tensor2D; // [M, D]
    return { x: x2, kv };
  }

  /** Causal self-attention of M rows of one sequence: per head, 2-D matMuls only (wasm fast path). */
  private attendSequence(l: number, qkv: tf.Tensor2D, past: LayerKV | null, onAttention?: AttentionCallback) {
    const { n_head: H, n_embd: D } = this.config;
    const hd = D / H;
    const M = qkv.shape[0];
    const q = tf.slice(qkv, [0, 0], [M, D]); // [M, D]
    const kNewT = tf.reshape(tf.transpose(tf.slice(qkv, [0, D], [M, D])), [H, hd, M]); // [D, M] -> [H, hd, M]
    const vNew = tf.transpose(tf.reshape(tf.slice(qkv, [0, 2 * D], [M, D]), [M, H, hd]), [1, 0, 2]); // [H, M, hd]
    const kT = (past ? tf.concat([past.kT, kNewT], 2) : kNewT) as tf.Tensor3D; // [H, hd, T]
    const v = (past ? tf.concat([past.v, vNew], 1) : vNew) as tf.Tensor3D; // [H, T, hd]
    const T = v.shape[1];
    // New rows sit at positions T-M..T-1: take those rows of the causal mask.
    const mask = tf.slice(this.causalMask(T), [T - M, 0], [M, T]); // [M, T]

    const headOut: tf.Tensor2D[] = [];
    const headProbs: tf.Tensor2D[] = [];
    for (let h = 0; h < H; h++) {
      const qh = tf.slice(q, [0, h * hd], [M, hd]); // [M, hd]
      const kTh = tf.reshape(tf.slice(kT, [h, 0, 0], [1, hd, T]), [hd, T]); // [hd, T], contiguous
      const vh = tf.reshape(tf.slice(v, [h, 0, 0], [1, T, hd]), [T, hd]); // [T, hd], contiguous
      const probs = tf.softmax(tf.add(tf.matMul(qh, kTh), mask)) as tf.Tensor2D; // [M, T]
      if (onAttention) headProbs.push(probs);
      headOut.push(tf.matMul(probs, vh)); // [M, hd]
    }
    if (onAttention) onAttention(l, tf.stack(headProbs) as tf.Tensor3D); // [H, M, T]
    const y = (headOut.length === 1 ? headOut[0] : tf.concat(headOut, 1)) as tf.Tensor2D; // [M, D], heads side by side
    return { y, kv: { kT, v } };
  }

  /**
   * Attention of B rows that are B sequences at the same step (B = 1 for ordinary decoding): every key
   * so far is visible, so no mask. One batched matMul over B*H heads replaces B*H*6 small ops; its
   * slower kernel does not matter at this size (O(T*D) work per row).
   */
  private attendStep(l: number, qkv: tf.Tensor2D, past: LayerKV | null, onAttention?: AttentionCallback) {
    const { n_head: H, n_embd: D } = this.config;
    const hd = D / H;
    const B = qkv.shape[0];
    const q = tf.reshape(tf.slice(qkv, [0, 0], [B, D]), [B * H, 1, hd]); // [B*H, 1, hd]
    const kNewT = tf.reshape(tf.slice(qkv, [0, D], [B, D]), [B * H, hd, 1]); // [B*H, hd, 1]
    const vNew = tf.reshape(tf.slice(qkv, [0, 2 * D], [B, D]), [B * H, 1, hd]); // [B*H, 1, hd]
    const kT = (past ? tf.concat([past.kT, kNewT], 2) : kNewT) as tf.Tensor3D; // [B*H, hd, T]
    const v = (past ? tf.concat([past.v, vNew], 1) : vNew) as tf.Tensor3D; // [B*H, T, hd]
    const probs = tf.softmax(tf.matMul(q, kT)) as tf.Tensor3D; // [B*H, 1, T]
    if (onAttention) onAttention(l, probs); // B = 1: [H, 1, T]
    const y = tf.reshape(tf.matMul(probs, v), [B, D]) as tf.Tensor2D; // [B*H, 1, hd] -> [B, D]
    return { y, kv: { kT, v } };
  }

  /** Final LayerNorm and LM head: logits [M, V], or [1, V] for the last row only. */
  head(x: tf.Tensor2D, lastOnly: boolean): tf.Tensor2D {
    const w = this.live();
    const M = x.shape[0];
    const rows = lastOnly && M > 1 ? tf.slice(x, [M - 1, 0], [1, this.config.n_embd]) : x; // [1 or M, D]
    const h = layerNorm(rows, w.lnfWeight, w.lnfBias, this.config.layer_norm_epsilon);
    // The [D, V] head is stored in column blocks: XNNPACK runs faster on them than on one huge matrix.
    const parts = w.headT.map((block) => tf.matMul(h, block) as tf.Tensor2D); // [., V_block] each
    return parts.length === 1 ? parts[0] : (tf.concat(parts, 1) as tf.Tensor2D); // [., V]
  }

  /** act(x . W + b) for the MLP's first layer (relu rides in the fused kernel). */
  private activation(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
    if (this.config.activation_function === 'relu') return tf.fused.matMul({ a: x, b: weight, bias, activation: 'relu' }) as tf.Tensor2D;
    return mlpActivation(linear(x, weight, bias), this.config.activation_function);
  }

  /** Additive causal mask covering at least T positions, [S, S] with S >= T; kept across calls. */
  private causalMask(T: number): tf.Tensor2D {
    if (!this.mask || this.mask.shape[0] < T) {
      this.mask?.dispose();
      // Grow geometrically up to n_positions so a growing prompt does not rebuild it every call.
      const S = Math.min(this.config.n_positions, Math.max(T, 2 * (this.mask?.shape[0] ?? 32)));
      this.mask = tf.keep(tf.tensor2d(causalMaskData(S), [S, S]));
    }
    return this.mask;
  }

  private live(): GPT2Weights {
    if (!this.weights) throw new Error(`model ${this.name} was disposed`);
    return this.weights;
  }
}

const GELU_C1 = 2 * Math.sqrt(2 / Math.PI);
const GELU_C2 = 2 * Math.sqrt(2 / Math.PI) * 0.044715;

/**
 * The MLP activation named by a GPT-2 config, elementwise on z = x·W + b (the runtime, the RL sampler and training
 * share it). gelu_new / gelu_pytorch_tanh: 0.5 z (1 + tanh(√(2/π) (z + 0.044715 z³))) == z · sigmoid(z (C1 + C2 z²)),
 * since 0.5 (1 + tanh(u)) = sigmoid(2u): the same function in 5 ops instead of 9 (z·z, not pow: wasm speed).
 */
export function mlpActivation(z: tf.Tensor2D, fn: GPT2Config['activation_function']): tf.Tensor2D {
  switch (fn) {
    case 'relu':
      return tf.relu(z);
    case 'gelu':
      return tf.mul(tf.mul(z, 0.5), tf.add(tf.erf(tf.mul(z, Math.SQRT1_2)), 1)) as tf.Tensor2D;
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
      return tf.mul(z, tf.sigmoid(tf.mul(z, tf.add(tf.mul(tf.mul(z, z), GELU_C2), GELU_C1)))) as tf.Tensor2D;
    default: // configs come from JSON: parseGPT2Config refuses others, this guards every other way in
      throw new Error(`unsupported activation_function ${JSON.stringify(fn)}`);
  }
}

/** x . W + b as one fused kernel (the bias add rides along in XNNPACK; no transpose flags). */
function linear(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: weight, bias }) as tf.Tensor2D;
}

/** LayerNorm over the last axis: (x - mean) / sqrt(var + eps) * weight + bias. */
export function layerNorm(x: tf.Tensor2D, weight: tf.Tensor1D, bias: tf.Tensor1D, eps: number): tf.Tensor2D {
  const mean = tf.mean(x, -1, true); // [M, 1]
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.mul(centered, centered), -1, true); // [M, 1]
  return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, eps))), weight), bias) as tf.Tensor2D;
}

export type { GPT2Layer };
