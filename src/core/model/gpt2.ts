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
import type { AttentionCallback, CacheOptions, CausalLM, DecodeState, ForwardOptions, GPT2Config } from './types';

/** Additive mask value for keys in the future: exp() of it underflows to exactly 0. */
const MASKED = -1e9;

/** Keys and values a layer attends to: past ones (from a cache) plus the new ones. */
export interface LayerKV {
  kT: tf.Tensor2D; // [D, T]: K transposed, so head h's K^T is the contiguous row block h*hd..(h+1)*hd
  v: tf.Tensor2D; // [T, D]
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

  createCache(options: CacheOptions = {}): DecodeState {
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

  /** Token + position embeddings of `ids` placed at positions past..past+M-1: [M, D]. */
  embed(ids: number[], past: number): tf.Tensor2D {
    const w = this.live();
    const M = ids.length;
    const tok = tf.gather(w.wte, tf.tensor1d(ids, 'int32')); // [M, D]
    const pos = tf.slice(w.wpe, [past, 0], [M, this.config.n_embd]); // [M, D]
    return tf.add(tok, pos);
  }

  /**
   * One transformer block on the new rows x [M, D], attending to `past` keys/values (if any) plus its own.
   * Returns the new residual stream and the layer's full K^T/V (past + new) for a cache.
   */
  block(l: number, x: tf.Tensor2D, past: LayerKV | null, onAttention?: AttentionCallback): { x: tf.Tensor2D; kv: LayerKV } {
    const w = this.live().layers[l];
    const { n_head: H, n_embd: D } = this.config;
    const hd = D / H;
    const M = x.shape[0];

    const h1 = layerNorm(x, w.ln1Weight, w.ln1Bias, this.config.layer_norm_epsilon);
    const qkv = linear(h1, w.attnWeight, w.attnBias); // [M, 3D]; q already scaled by 1/sqrt(hd)
    const q = tf.slice(qkv, [0, 0], [M, D]); // [M, D]
    const kNewT = tf.transpose(tf.slice(qkv, [0, D], [M, D])); // [D, M]
    const vNew = tf.slice(qkv, [0, 2 * D], [M, D]); // [M, D]
    const kT = (past ? tf.concat([past.kT, kNewT], 1) : kNewT) as tf.Tensor2D; // [D, T]
    const v = (past ? tf.concat([past.v, vNew], 0) : vNew) as tf.Tensor2D; // [T, D]
    const T = v.shape[0];
    // A single new token sees every key; M new tokens at positions T-M..T-1 need the causal mask rows.
    const mask = M > 1 ? tf.slice(this.causalMask(T), [T - M, 0], [M, T]) : null; // [M, T]

    const headOut: tf.Tensor2D[] = [];
    const headProbs: tf.Tensor2D[] = [];
    for (let h = 0; h < H; h++) {
      const qh = tf.slice(q, [0, h * hd], [M, hd]); // [M, hd]
      const kTh = tf.slice(kT, [h * hd, 0], [hd, T]); // [hd, T]
      const vh = tf.slice(v, [0, h * hd], [T, hd]); // [T, hd]
      const scores = tf.matMul(qh, kTh); // [M, T]
      const probs = tf.softmax(mask ? tf.add(scores, mask) : scores) as tf.Tensor2D; // [M, T]
      if (onAttention) headProbs.push(probs);
      headOut.push(tf.matMul(probs, vh)); // [M, hd]
    }
    if (onAttention) onAttention(l, tf.stack(headProbs) as tf.Tensor3D); // [H, M, T]
    const y = headOut.length === 1 ? headOut[0] : tf.concat(headOut, 1); // [M, D], heads side by side
    const x1 = tf.add(x, linear(y, w.attnProjWeight, w.attnProjBias)) as tf.Tensor2D; // [M, D]

    const h2 = layerNorm(x1, w.ln2Weight, w.ln2Bias, this.config.layer_norm_epsilon);
    const fc = this.activation(h2, w.fcWeight, w.fcBias); // [M, F]
    const x2 = tf.add(x1, linear(fc, w.fcProjWeight, w.fcProjBias)) as tf.Tensor2D; // [M, D]
    return { x: x2, kv: { kT, v } };
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

  /** act(x . W + b) for the MLP's first layer. */
  private activation(x: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D): tf.Tensor2D {
    switch (this.config.activation_function) {
      case 'gelu_new':
      case 'gelu_pytorch_tanh': {
        // 0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))) == z * sigmoid(z (GELU_C1 + GELU_C2 z^2)),
        // since 0.5 (1 + tanh(u)) = sigmoid(2u): same function, 5 ops instead of 9 (z*z, not pow).
        const z = linear(x, weight, bias);
        return tf.mul(z, tf.sigmoid(tf.mul(z, tf.add(tf.mul(tf.mul(z, z), GELU_C2), GELU_C1)))) as tf.Tensor2D;
      }
      case 'gelu': {
        const z = linear(x, weight, bias);
        return tf.mul(tf.mul(z, 0.5), tf.add(tf.erf(tf.mul(z, Math.SQRT1_2)), 1)) as tf.Tensor2D;
      }
      case 'relu':
        return tf.fused.matMul({ a: x, b: weight, bias, activation: 'relu' }) as tf.Tensor2D;
    }
  }

  /** Additive causal mask covering at least T positions, [S, S] with S >= T; kept across calls. */
  private causalMask(T: number): tf.Tensor2D {
    if (!this.mask || this.mask.shape[0] < T) {
      this.mask?.dispose();
      // Grow geometrically up to n_positions so a growing prompt does not rebuild it every call.
      const S = Math.min(this.config.n_positions, Math.max(T, 2 * (this.mask?.shape[0] ?? 32)));
      const data = new Float32Array(S * S);
      for (let t = 0; t < S; t++) for (let s = t + 1; s < S; s++) data[t * S + s] = MASKED;
      this.mask = tf.keep(tf.tensor2d(data, [S, S]));
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
