/**
 * The decoder every family runs on (GPT-2, Llama, Qwen2, Qwen3): embeddings (+ learned positions), pre-norm blocks
 * of attention and MLP, final norm and LM head. What differs between families is data in the DecoderSpec (norm kind,
 * RoPE frequencies, gated MLP, q/k norm, grouped KV heads) and the weights' slots (family.ts); this file is the one
 * forward of the code base — inference, the KV cache, batched decoding and the analysis worker all run it.
 *
 * Written for tfjs-wasm's fast path (docs/performance.md): every weight matMul is 2-D with no transpose flag and the
 * bias fused; attention runs every head in one product of the SIMD kernel (../kernels) on wasm, per head on 2-D
 * slices (q_h [M,hd] . kT_g [hd,T]) elsewhere; one tf.tidy per layer.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../errors';
import type { TensorSource } from '../io/safetensors';
import type { DecoderSpec } from './family';
import { specOf } from './families';
import { batchMatMul, fastBatchMatMulActive, LOWER_A } from '../kernels/batch-matmul';
import { blockEntropy, gatherFromBlocks } from './head';
import { KVCache } from './kvcache';
import { applyRope, causalMaskData, layerNorm, linear, mlpActivation, rmsNorm, ropeTables } from './ops';
import { disposeWeights, uploadWeights, type DecoderWeights, type LayerWeights } from './upload';
import type { AttentionCallback, CacheOptions, CausalLM, ForwardOptions, LayerKV, ModelConfig } from './types';

/**
 * R sequences advanced together by M columns each (batched sampling, padded batches): every column's position and an
 * additive key mask [R, 1, M, T] (T = past + M) that hides pads and the future, so each row sees exactly its own tokens.
 */
export interface RowBatch {
  R: number;
  M: number;
  positions: ArrayLike<number>; // [R*M], row-major
  mask: tf.Tensor4D; // [R, 1, M, T]
  /** Every query sees keys 0..itself only (right-padded rows from position 0): the probs·V product skips the zeros. */
  lowerProbs?: boolean;
}

export type RowsAttentionCallback = (layer: number, probs: tf.Tensor4D) => void;

export interface FromSourceOptions {
  name?: string;
  onProgress?: (f: number) => void;
  headBlock?: number;
  /** Largest tensor one device buffer may hold (WebGPU's binding limit): the head and embedding are split to fit. */
  maxTensorBytes?: number;
}

export class Decoder implements CausalLM {
  readonly config: ModelConfig;
  readonly spec: DecoderSpec;
  readonly name: string;
  readonly numParams: number;
  readonly tiedHead: boolean;
  private weights: DecoderWeights | null;
  private mask: tf.Tensor2D | null = null; // [S, S] additive causal mask, grown on demand

  constructor(config: ModelConfig, weights: DecoderWeights, name?: string) {
    this.config = config;
    this.spec = specOf(config);
    this.weights = weights;
    this.name = name ?? config.model_type;
    this.numParams = weights.numParams;
    this.tiedHead = weights.tiedHead;
  }

  /** Uploads the weights from a safetensors source (upload.ts checks every shape first). */
  static fromSource(config: ModelConfig, source: TensorSource, opts: FromSourceOptions = {}): Decoder {
    return new Decoder(
      config,
      uploadWeights(config, specOf(config), source, opts.onProgress, opts.headBlock, opts.maxTensorBytes),
      opts.name,
    );
  }

  forward(ids: number[], options: ForwardOptions = {}): tf.Tensor2D {
    this.checkIds(ids, 0);
    let x = tf.tidy(() => this.embed(ids, 0));
    try {
      for (let l = 0; l < this.spec.layers; l++) {
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
    if (this.weights) disposeWeights(this.weights);
    this.mask?.dispose();
    this.weights = null;
    this.mask = null;
  }

  checkIds(ids: number[], past: number): void {
    const { vocab: V, context: P } = this.spec;
    if (ids.length === 0) throw new InputError('no token ids given', { field: 'ids' });
    if (past + ids.length > P) {
      throw new InputError(
        `sequence of ${past + ids.length} tokens is longer than the model's context of ${P} tokens`,
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

  embed(ids: number[], past: number): tf.Tensor2D {
    const w = this.live();
    const tok = this.tokenRows(ids); // [M, D]
    if (!w.positions) return tok;
    return tf.add(tok, tf.slice(w.positions, [past, 0], [ids.length, this.spec.hidden])); // [M, D]
  }

  /** Embeddings of R·M columns at their own positions, [R*M, D] (RowBatch layout). */
  embedRows(ids: ArrayLike<number>, positions: ArrayLike<number>): tf.Tensor2D {
    const w = this.live();
    const { vocab: V, context: P } = this.spec;
    for (let i = 0; i < ids.length; i++) {
      if (!(ids[i] >= 0 && ids[i] < V && positions[i] >= 0 && positions[i] < P)) {
        throw new InputError(`token ${ids[i]} at position ${positions[i]} is outside the vocabulary or the context`, {
          field: 'ids',
        });
      }
    }
    const tok = this.tokenRows(Array.from(ids)); // [R*M, D]
    if (!w.positions) return tok;
    return tf.add(tok, tf.gather(w.positions, tf.tensor1d(Int32Array.from(positions), 'int32'))); // [R*M, D]
  }

  block(
    l: number,
    x: tf.Tensor2D,
    past: LayerKV | null,
    onAttention?: AttentionCallback,
  ): { x: tf.Tensor2D; kv: LayerKV } {
    const M = x.shape[0];
    const pastLength = past ? past.v.shape[1] : 0;
    return this.layer(l, x, (w, qkv) => {
      const { q, k, v } = this.projectHeads(w, qkv, range(pastLength, M));
      return M === 1
        ? this.attendStep(l, q, k, v, past, onAttention)
        : this.attendSequence(l, q, k, v, past, onAttention);
    });
  }

  /** Block `l` on the columns of a RowBatch, x [R*M, D]; `past` and the returned K/V have R·H_kv leading rows. */
  blockRows(
    l: number,
    x: tf.Tensor2D,
    past: LayerKV | null,
    rows: RowBatch,
    onAttention?: RowsAttentionCallback,
  ): { x: tf.Tensor2D; kv: LayerKV } {
    return this.layer(l, x, (w, qkv) => {
      const { q, k, v } = this.projectHeads(w, qkv, Array.from(rows.positions));
      return this.attendRows(l, q, k, v, past, rows, onAttention);
    });
  }

  /** Pre-norm attention and MLP around `attend` (which maps the fused q/k/v projection to the heads' output). */
  private layer(
    l: number,
    x: tf.Tensor2D,
    attend: (w: LayerWeights, qkv: tf.Tensor2D) => { y: tf.Tensor2D; kv: LayerKV },
  ) {
    const w = this.live().layers[l];
    const qkv = linear(this.norm(x, w.norm1, w.norm1Bias), w.qkv as tf.Tensor2D, w.qkvBias as tf.Tensor1D | undefined);
    const { y, kv } = attend(w, qkv);
    const x1 = tf.add(x, linear(y, w.out as tf.Tensor2D, w.outBias as tf.Tensor1D | undefined)) as tf.Tensor2D; // [M, D]
    const x2 = tf.add(x1, this.mlp(w, this.norm(x1, w.norm2, w.norm2Bias))) as tf.Tensor2D; // [M, D]
    return { x: x2, kv };
  }

  head(x: tf.Tensor2D, lastOnly: boolean): tf.Tensor2D {
    const w = this.live();
    const M = x.shape[0];
    const rows = lastOnly && M > 1 ? tf.slice(x, [M - 1, 0], [1, this.spec.hidden]) : x; // [1 or M, D]
    const h = this.norm(rows, w.finalNorm, w.finalNormBias);
    // The [D, V] head is stored in column blocks: XNNPACK runs faster on them than on one huge matrix.
    const parts = w.headT.map((block) => tf.matMul(h, block) as tf.Tensor2D); // [., V_block] each
    return parts.length === 1 ? parts[0] : (tf.concat(parts, 1) as tf.Tensor2D); // [., V]
  }

  headEntropy(x: tf.Tensor2D): tf.Tensor1D {
    const h = tf.tidy(() => this.finalHidden(x)); // [M, D]
    try {
      return blockEntropy(h, this.live().headT); // [M]
    } finally {
      h.dispose();
    }
  }

  /** The final norm of the residual stream x [M, D]: what the LM head multiplies. */
  finalHidden(x: tf.Tensor2D): tf.Tensor2D {
    const w = this.live();
    return this.norm(x, w.finalNorm, w.finalNormBias);
  }

  /** The LM head's [D, V_b] column blocks, in vocabulary order (the model's own: never dispose them). */
  headBlocks(): readonly tf.Tensor2D[] {
    return this.live().headT;
  }

  /**
   * Embedding rows of `ids`, [M, D]: from the [V, D] table, from its row blocks (split to fit a device buffer), or —
   * a tied model keeps only the head's [D, V] column blocks on the device — as columns of those blocks.
   */
  private tokenRows(ids: number[]): tf.Tensor2D {
    const w = this.live();
    if (w.embed) return tf.gather(w.embed, tf.tensor1d(ids, 'int32')) as tf.Tensor2D;
    if (w.embedBlocks) return gatherFromBlocks(w.embedBlocks, ids, 0); // [M, D]
    return tf.transpose(gatherFromBlocks(w.headT, ids, 1)); // [D, M] -> [M, D]
  }

  private norm(x: tf.Tensor2D, weight: tf.Tensor, bias?: tf.Tensor): tf.Tensor2D {
    const eps = this.spec.eps;
    return this.spec.norm === 'rms'
      ? rmsNorm(x, weight, eps)
      : layerNorm(x, weight as tf.Tensor1D, bias as tf.Tensor1D, eps);
  }

  /**
   * q [M, H hd], k and v [M, H_kv hd] from the fused projection, with the per-head q/k norm and RoPE applied
   * (`positions`: one per row, or one for all rows). q is already scaled by 1/√hd (folded into the weights).
   */
  private projectHeads(w: LayerWeights, qkv: tf.Tensor2D, positions: number[]) {
    const { heads: H, kvHeads: Hkv, headDim: hd, ropeInvFreq } = this.spec;
    const M = qkv.shape[0];
    const v = tf.slice(qkv, [0, (H + Hkv) * hd], [M, Hkv * hd]); // [M, H_kv hd]
    if (!ropeInvFreq && !w.qkNorm) {
      return { q: tf.slice(qkv, [0, 0], [M, H * hd]), k: tf.slice(qkv, [0, H * hd], [M, Hkv * hd]), v };
    }
    // q and k heads side by side, [M, H + H_kv, hd]: the norm and the rotation treat every head alike.
    let qk = tf.reshape(tf.slice(qkv, [0, 0], [M, (H + Hkv) * hd]), [M, H + Hkv, hd]) as tf.Tensor3D;
    if (w.qkNorm) qk = rmsNorm(qk, w.qkNorm, this.spec.eps);
    if (ropeInvFreq) {
      const { cos, sin } = ropeTables(ropeInvFreq, positions, this.spec.ropeAttentionFactor); // [M or 1, 1, hd]
      qk = applyRope(qk, cos, sin);
    }
    const q = tf.reshape(tf.slice(qk, [0, 0, 0], [M, H, hd]), [M, H * hd]) as tf.Tensor2D;
    const k = tf.reshape(tf.slice(qk, [0, H, 0], [M, Hkv, hd]), [M, Hkv * hd]) as tf.Tensor2D;
    return { q, k, v };
  }

  /**
   * Causal self-attention of M rows of one sequence: on wasm all heads at once through the SIMD kernel
   * (../kernels), elsewhere per query head with 2-D matMuls. Query head h reads KV head ⌊h / (H / H_kv)⌋.
   */
  private attendSequence(
    l: number,
    q: tf.Tensor2D,
    k: tf.Tensor2D,
    v: tf.Tensor2D,
    past: LayerKV | null,
    onAttention?: AttentionCallback,
  ) {
    const { heads: H, kvHeads: Hkv, headDim: hd } = this.spec;
    const M = q.shape[0];
    const kNewT = tf.reshape(tf.transpose(k), [Hkv, hd, M]); // [H_kv hd, M] -> [H_kv, hd, M]
    const vNew = tf.transpose(tf.reshape(v, [M, Hkv, hd]), [1, 0, 2]); // [H_kv, M, hd]
    const kT = (past ? tf.concat([past.kT, kNewT], 2) : kNewT) as tf.Tensor3D; // [H_kv, hd, T]
    const vAll = (past ? tf.concat([past.v, vNew], 1) : vNew) as tf.Tensor3D; // [H_kv, T, hd]
    const T = vAll.shape[1];
    // New rows sit at positions T-M..T-1: take those rows of the causal mask.
    const mask = tf.slice(this.causalMask(T), [T - M, 0], [M, T]); // [M, T]

    const group = H / Hkv;
    if (fastBatchMatMulActive()) {
      // The SIMD kernel takes every head in one product: 4 ops where the per-head path has ~5·H plus slices, and
      // those per-op costs (dispatch, element-wise slicing) stay on one thread when tfjs-wasm runs a thread pool.
      // Query head h = g·group + j sits in KV head g's rows, as in attendRows.
      const q3 = tf.reshape(tf.transpose(tf.reshape(q, [M, H, hd]), [1, 0, 2]), [Hkv, group * M, hd]) as tf.Tensor3D;
      const scores = tf.reshape(batchMatMul(q3, kT), [H, M, T]);
      const probs = tf.softmax(tf.add(scores, mask)) as tf.Tensor3D; // [H, M, T]
      if (onAttention) onAttention(l, probs);
      const lower = !past && group === 1; // M = T: each head's block is lower-triangular (exact zeros above)
      const probs3 = tf.reshape(probs, [Hkv, group * M, T]) as tf.Tensor3D;
      const ctx = batchMatMul(probs3, vAll, { mode: lower ? LOWER_A : 0 }); // [H_kv, group M, hd]
      const y = tf.reshape(tf.transpose(tf.reshape(ctx, [H, M, hd]), [1, 0, 2]), [M, H * hd]) as tf.Tensor2D;
      return { y, kv: { kT, v: vAll } };
    }
    const headOut: tf.Tensor2D[] = [];
    const headProbs: tf.Tensor2D[] = [];
    for (let g = 0; g < Hkv; g++) {
      const kTg = tf.reshape(tf.slice(kT, [g, 0, 0], [1, hd, T]), [hd, T]); // [hd, T], contiguous
      const vg = tf.reshape(tf.slice(vAll, [g, 0, 0], [1, T, hd]), [T, hd]); // [T, hd], contiguous
      for (let h = g * group; h < (g + 1) * group; h++) {
        const qh = tf.slice(q, [0, h * hd], [M, hd]); // [M, hd]
        const probs = tf.softmax(tf.add(tf.matMul(qh, kTg), mask)) as tf.Tensor2D; // [M, T]
        if (onAttention) headProbs.push(probs);
        headOut.push(tf.matMul(probs, vg)); // [M, hd]
      }
    }
    if (onAttention) onAttention(l, tf.stack(headProbs) as tf.Tensor3D); // [H, M, T]
    const y = (headOut.length === 1 ? headOut[0] : tf.concat(headOut, 1)) as tf.Tensor2D; // [M, H hd], heads side by side
    return { y, kv: { kT, v: vAll } };
  }

  /**
   * Attention of one new token: every key so far is visible, so no mask. One batched matMul over the H_kv KV heads,
   * each with its H / H_kv query heads as rows, replaces H·6 small ops; its slower kernel does not matter at this
   * size (O(T·D) work).
   */
  private attendStep(
    l: number,
    q: tf.Tensor2D,
    k: tf.Tensor2D,
    v: tf.Tensor2D,
    past: LayerKV | null,
    onAttention?: AttentionCallback,
  ) {
    const { heads: H, kvHeads: Hkv, headDim: hd } = this.spec;
    const B = q.shape[0];
    const group = H / Hkv;
    const q3 = tf.reshape(q, [B * Hkv, group, hd]); // [1, H hd] -> [H_kv, group, hd] (h = g·group + j)
    const kNewT = tf.reshape(k, [B * Hkv, hd, 1]); // [B H_kv, hd, 1]
    const vNew = tf.reshape(v, [B * Hkv, 1, hd]); // [B H_kv, 1, hd]
    const kT = (past ? tf.concat([past.kT, kNewT], 2) : kNewT) as tf.Tensor3D; // [B H_kv, hd, T]
    const vAll = (past ? tf.concat([past.v, vNew], 1) : vNew) as tf.Tensor3D; // [B H_kv, T, hd]
    const probs = tf.softmax(tf.matMul(q3, kT)) as tf.Tensor3D; // [B H_kv, group, T]
    if (onAttention) onAttention(l, tf.reshape(probs, [B * H, 1, vAll.shape[1]]) as tf.Tensor3D); // B = 1: [H, 1, T]
    const y = tf.reshape(tf.matMul(probs, vAll), [B, H * hd]) as tf.Tensor2D; // [B H_kv, group, hd] -> [B, H hd]
    return { y, kv: { kT, v: vAll } };
  }

  /**
   * Attention of a RowBatch: rank-3 products over R·H_kv KV heads, each with its H / H_kv query heads stacked as rows
   * ([R H_kv, group·M, hd] · [R H_kv, hd, T]) through the batched kernel (../kernels/batch-matmul.ts; tfjs-wasm runs
   * rank-3 matMuls in a scalar loop). The mask hides pads and the future: masked keys get probability exactly 0.
   */
  private attendRows(
    l: number,
    q: tf.Tensor2D,
    k: tf.Tensor2D,
    v: tf.Tensor2D,
    past: LayerKV | null,
    rows: RowBatch,
    onAttention?: RowsAttentionCallback,
  ) {
    const { heads: H, kvHeads: Hkv, headDim: hd } = this.spec;
    const { R, M } = rows;
    const group = H / Hkv;
    const kNewT = tf.reshape(tf.transpose(tf.reshape(k, [R, M, Hkv, hd]), [0, 2, 3, 1]), [R * Hkv, hd, M]); // [R H_kv, hd, M]
    const vNew = tf.reshape(tf.transpose(tf.reshape(v, [R, M, Hkv, hd]), [0, 2, 1, 3]), [R * Hkv, M, hd]); // [R H_kv, M, hd]
    const kT = (past ? tf.concat([past.kT, kNewT], 2) : kNewT) as tf.Tensor3D; // [R H_kv, hd, T]
    const vAll = (past ? tf.concat([past.v, vNew], 1) : vNew) as tf.Tensor3D; // [R H_kv, T, hd]
    const T = vAll.shape[1];
    // [R*M, H hd] -> [R, H, M, hd] -> [R H_kv, group M, hd]: query head h = g·group + j sits in KV head g's rows.
    const q3 = tf.reshape(tf.transpose(tf.reshape(q, [R, M, H, hd]), [0, 2, 1, 3]), [
      R * Hkv,
      group * M,
      hd,
    ]) as tf.Tensor3D;
    const scores = tf.reshape(batchMatMul(q3, kT), [R, H, M, T]); // [R, H, M, T]
    const probs = tf.softmax(tf.add(scores, rows.mask)) as tf.Tensor4D; // [R, H, M, T]
    if (onAttention) onAttention(l, probs);
    const lower = rows.lowerProbs && !past && group === 1; // each [M, T] block is then lower-triangular
    const probs3 = tf.reshape(probs, [R * Hkv, group * M, T]) as tf.Tensor3D;
    const ctx = batchMatMul(probs3, vAll, { mode: lower ? LOWER_A : 0 }); // [R H_kv, group M, hd]
    const y = tf.reshape(tf.transpose(tf.reshape(ctx, [R, H, M, hd]), [0, 2, 1, 3]), [R * M, H * hd]) as tf.Tensor2D; // [R*M, H hd]
    return { y, kv: { kT, v: vAll } };
  }

  /** down(act(up(x))) or, gated, down(act(gate(x)) · up(x)); relu rides in the fused kernel. */
  private mlp(w: LayerWeights, x: tf.Tensor2D): tf.Tensor2D {
    const act = this.spec.activation;
    const up = w.up as tf.Tensor2D;
    const upBias = w.upBias as tf.Tensor1D | undefined;
    let hidden: tf.Tensor2D;
    if (w.gate) {
      const gate = mlpActivation(linear(x, w.gate as tf.Tensor2D, w.gateBias as tf.Tensor1D | undefined), act);
      hidden = tf.mul(gate, linear(x, up, upBias)); // [M, F]
    } else if (act === 'relu' && upBias) {
      hidden = tf.fused.matMul({ a: x, b: up, bias: upBias, activation: 'relu' }) as tf.Tensor2D;
    } else {
      hidden = mlpActivation(linear(x, up, upBias), act); // [M, F]
    }
    return linear(hidden, w.down as tf.Tensor2D, w.downBias as tf.Tensor1D | undefined); // [M, D]
  }

  /** Additive causal mask covering at least T positions, [S, S] with S >= T; kept across calls. */
  private causalMask(T: number): tf.Tensor2D {
    if (!this.mask || this.mask.shape[0] < T) {
      this.mask?.dispose();
      // Grow geometrically up to the context so a growing prompt does not rebuild it every call.
      const S = Math.min(this.spec.context, Math.max(T, 2 * (this.mask?.shape[0] ?? 32)));
      this.mask = tf.keep(tf.tensor2d(causalMaskData(S), [S, S]));
    }
    return this.mask;
  }

  private live(): DecoderWeights {
    if (!this.weights) throw new Error(`model ${this.name} was disposed`);
    return this.weights;
  }
}

function range(start: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}
