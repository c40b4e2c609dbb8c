/**
 * Batched GPT-2 inference over R rows at once, reading the trainer's weight tensors directly (HF names, tied
 * head), so rollouts need no weight copy after an update. Two uses:
 *   - decoding with a KV cache (./batch-decoder.ts): prompts left-padded to one length, per-row positions and a
 *     key mask, so every row sees exactly its own tokens (masked keys get probability exactly 0);
 *   - a full forward of right-padded rows with each layer's attention [R, H, T, T] handed to a callback
 *     (positions start at 0 in every row, so a row's first N_r × N_r block is its own exact attention).
 * No gradients: rollouts and the attention pass are no-grad. Tiny models are per-op-overhead bound, so one
 * op over R rows beats R ops over one row. The rank-3 attention products go through ../kernels/batch-matmul.ts
 * (tfjs-wasm runs them in a scalar loop): q·Kᵀ as dot products while decoding, as a causal product (only
 * j ≤ i computed) when queries and keys are the same columns.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GPT2Config } from '../model/types';
import { causalMaskData, layerNorm, mlpActivation } from '../model/ops';
import { batchMatMul, LOWER_A, LOWER_OUT, TRANSPOSE_B } from '../kernels/batch-matmul';
import { BatchDecoder } from './batch-decoder';

/** wte + wpe elements up to which the tables are copied to the host while held (1M floats = 4 MB). */
const HOST_TABLE_LIMIT = 2 ** 20;

export type WeightMap = ReadonlyMap<string, tf.Tensor>;

export type BatchedAttentionCallback = (layer: number, probs: tf.Tensor4D) => void;

export interface LayerKV {
  k: tf.Tensor4D; // [R, H, T, hd]
  v: tf.Tensor4D; // [R, H, T, hd]
}

export class BatchedGpt2 {
  readonly config: GPT2Config;
  private readonly w: WeightMap;

  constructor(config: GPT2Config, weights: WeightMap) {
    this.config = config;
    this.w = weights;
    for (const name of ['wte.weight', 'wpe.weight', 'ln_f.weight']) {
      if (!weights.has(name)) throw new Error(`BatchedGpt2: missing weight ${name}`);
    }
  }

  /** q/k/v column blocks of each layer's c_attn, sliced once while a decoder or forwardAll holds them. */
  private qkv: { w: tf.Tensor2D[]; b: tf.Tensor1D[] }[] | null = null;
  /** wteᵀ [D, V] for the tied head while held (a transpose per decode step cost more than the head's product). */
  private wteT: tf.Tensor2D | null = null;
  /** Host copies of wte and wpe while held, where reading them is cheap (see embed). */
  private tables: { wte: Float32Array; wpe: Float32Array } | null = null;
  /** Look embeddings up on the host when the tables are small and CPU-resident (false: tf.gather; tests). */
  hostTables = true;
  private holders = 0;

  /**
   * Slices every layer's c_attn into q/k/v blocks once and keeps them until the returned release is called (counted,
   * so nested holders share them). Why: on tfjs-wasm a slice per matMul costs more than the product itself (the copy
   * and XNNPACK's repacking of a weight it has not seen). The weights must not change while held.
   */
  hold(): () => void {
    if (this.holders++ === 0) {
      const D = this.config.n_embd;
      this.qkv = Array.from({ length: this.config.n_layer }, (_, l) => {
        const W = this.get(`h.${l}.attn.c_attn.weight`) as tf.Tensor2D; // [D, 3D]
        const bias = this.get(`h.${l}.attn.c_attn.bias`) as tf.Tensor1D; // [3D]
        return tf.tidy(() => ({
          w: [0, 1, 2].map((i) => tf.keep(tf.slice(W, [0, i * D], [D, D]))), // [D, D] each
          b: [0, 1, 2].map((i) => tf.keep(tf.slice(bias, [i * D], [D]))), // [D] each
        }));
      });
      const [wte, wpe] = [this.get('wte.weight'), this.get('wpe.weight')];
      this.wteT = tf.keep(tf.transpose(wte as tf.Tensor2D)); // [D, V]
      const hostBackend = tf.getBackend() === 'wasm' || tf.getBackend() === 'cpu'; // a read is a copy, not a GPU sync
      this.tables = this.hostTables && hostBackend && wte.size + wpe.size <= HOST_TABLE_LIMIT
        ? { wte: wte.dataSync() as Float32Array, wpe: wpe.dataSync() as Float32Array }
        : null;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holders === 0 && this.qkv) {
        for (const { w, b } of this.qkv) tf.dispose([...w, ...b]);
        this.qkv = null;
        this.wteT?.dispose();
        this.wteT = null;
        this.tables = null;
      }
    };
  }

  private get(name: string): tf.Tensor {
    const t = this.w.get(name);
    if (!t) throw new Error(`BatchedGpt2: missing weight ${name}`);
    return t;
  }

  private layerNorm(x: tf.Tensor2D, prefix: string): tf.Tensor2D {
    return layerNorm(x, this.get(`${prefix}.weight`) as tf.Tensor1D, this.get(`${prefix}.bias`) as tf.Tensor1D, this.config.layer_norm_epsilon);
  }

  private linear(x: tf.Tensor2D, prefix: string): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.get(`${prefix}.weight`) as tf.Tensor2D), this.get(`${prefix}.bias`));
  }

  /**
   * One pass over new rows: ids/positions [R, M] (row-major), additive mask [R, 1, M, T] where T = past + M.
   * Returns the final hidden states [R*M, D] and the layers' full K/V (past + new). `lowerProbs`: every query row
   * sees at least one key and none after it (right-padded full forward), so probabilities are lower-triangular.
   */
  private run(ids: Int32Array, positions: Int32Array, R: number, M: number, mask: tf.Tensor4D, past: LayerKV[] | null,
    onAttention?: BatchedAttentionCallback, lowerProbs = false): { x: tf.Tensor2D; kv: LayerKV[] } {
    const { n_head: H, n_embd: D, n_layer: L } = this.config;
    const hd = D / H;
    let x = this.embed(ids, positions); // [R*M, D]
    const kv: LayerKV[] = [];
    for (let l = 0; l < L; l++) {
      const h = this.layerNorm(x, `h.${l}.ln_1`); // [R*M, D]
      // q, k, v from column blocks of c_attn (small weight slices) rather than slices of the [R*M, 3D] product:
      // on tfjs-wasm every slice reads back its whole input, so slicing big activations is what costs.
      const blocks = this.qkv?.[l];
      if (!blocks) throw new Error('BatchedGpt2: run() outside hold()');
      const part = (i: number) => {
        const y = tf.add(tf.matMul(h, blocks.w[i]), blocks.b[i]); // [R*M, D]
        return tf.transpose(tf.reshape(y, [R, M, H, hd]), [0, 2, 1, 3]) as tf.Tensor4D; // [R, H, M, hd]
      };
      const kNew = part(1);
      const vNew = part(2);
      const k = past ? (tf.concat([past[l].k, kNew], 2) as tf.Tensor4D) : kNew; // [R, H, T, hd]
      const v = past ? (tf.concat([past[l].v, vNew], 2) as tf.Tensor4D) : vNew; // [R, H, T, hd]
      const T = k.shape[2];
      const q3 = tf.reshape(part(0), [R * H, M, hd]) as tf.Tensor3D; // [R*H, M, hd]
      const k3 = tf.reshape(k, [R * H, T, hd]) as tf.Tensor3D; // [R*H, T, hd]
      // Without a past, M = T and query i sees keys ≤ i: only those scores are computed (the rest are masked anyway).
      const scores3 = past
        ? batchMatMul(q3, k3, { mode: TRANSPOSE_B, alpha: 1 / Math.sqrt(hd) })
        : batchMatMul(q3, tf.transpose(k3, [0, 2, 1]), { mode: LOWER_OUT, alpha: 1 / Math.sqrt(hd) }); // [R*H, M, T]
      const scores = tf.reshape(scores3, [R, H, M, T]); // [R, H, M, T]
      const probs = tf.softmax(tf.add(scores, mask)) as tf.Tensor4D; // [R, H, M, T]
      if (onAttention) onAttention(l, probs);
      const ctx = batchMatMul(tf.reshape(probs, [R * H, M, T]) as tf.Tensor3D, tf.reshape(v, [R * H, T, hd]) as tf.Tensor3D,
        { mode: lowerProbs ? LOWER_A : 0 }); // [R*H, M, hd]
      const merged = tf.reshape(tf.transpose(tf.reshape(ctx, [R, H, M, hd]), [0, 2, 1, 3]), [R * M, D]) as tf.Tensor2D; // [R*M, D]
      x = tf.add(x, this.linear(merged, `h.${l}.attn.c_proj`));
      const m = mlpActivation(this.linear(this.layerNorm(x, `h.${l}.ln_2`), `h.${l}.mlp.c_fc`), this.config.activation_function);
      x = tf.add(x, this.linear(m, `h.${l}.mlp.c_proj`));
      kv.push({ k, v });
    }
    return { x, kv };
  }

  /**
   * wte[ids] + wpe[positions], [n, D]. tfjs-wasm's gather costs ~3 µs a row (two per decode step were ~10% of a
   * rollout), so small tables held on the host are looked up here (the sum rounded to float32, as tf.add's).
   */
  private embed(ids: Int32Array, positions: Int32Array): tf.Tensor2D {
    const D = this.config.n_embd;
    const V = this.config.vocab_size;
    const P = this.config.n_positions;
    if (!this.tables) {
      return tf.add(tf.gather(this.get('wte.weight'), tf.tensor1d(ids, 'int32')), tf.gather(this.get('wpe.weight'), tf.tensor1d(positions, 'int32')));
    }
    const { wte, wpe } = this.tables;
    const x = new Float32Array(ids.length * D);
    for (let i = 0; i < ids.length; i++) {
      const [id, pos] = [ids[i], positions[i]];
      if (!(id >= 0 && id < V && pos >= 0 && pos < P)) throw new Error(`BatchedGpt2: token ${id} at position ${pos} is out of range`);
      for (let d = 0; d < D; d++) x[i * D + d] = wte[id * D + d] + wpe[pos * D + d];
    }
    return tf.tensor2d(x, [ids.length, D]);
  }

  /** Logits [rows, V] of hidden states [rows, D] (tied head: x·wteᵀ). */
  private head(x: tf.Tensor2D): tf.Tensor2D {
    if (!this.wteT) throw new Error('BatchedGpt2: head() outside hold()');
    return tf.matMul(this.layerNorm(x, 'ln_f'), this.wteT); // [rows, V]
  }

  /**
   * Logits of every position [R*T, V] for right-padded rows ids [R, T] (row-major), with each layer's attention
   * [R, H, T, T] given to onAttention inside that call's tidy (tf.keep what you need, never the probs).
   */
  forwardAll(ids: Int32Array, R: number, T: number, onAttention?: BatchedAttentionCallback): tf.Tensor2D {
    if (ids.length !== R * T) throw new Error(`forwardAll: ${ids.length} ids for [${R}, ${T}]`);
    const release = this.hold();
    try {
      return this.forwardHeld(ids, R, T, onAttention);
    } finally {
      release();
    }
  }

  private forwardHeld(ids: Int32Array, R: number, T: number, onAttention?: BatchedAttentionCallback): tf.Tensor2D {
    return tf.tidy(() => {
      const positions = new Int32Array(R * T);
      for (let r = 0; r < R; r++) for (let t = 0; t < T; t++) positions[r * T + t] = t;
      const mask = tf.tensor4d(causalMaskData(T), [1, 1, T, T]); // broadcast over rows and heads
      const { x } = this.run(ids, positions, R, T, mask, null, onAttention, true);
      return this.head(x);
    });
  }

  /** A batched KV-cache decoder for left-padded prompts; see BatchDecoder. */
  decoder(prompts: number[][], padId: number): BatchDecoder {
    return new BatchDecoder(this, prompts, padId);
  }

  /** @internal used by BatchDecoder */
  _step(ids: Int32Array, positions: Int32Array, R: number, M: number, mask: tf.Tensor4D, past: LayerKV[] | null): { logits: tf.Tensor2D; kv: LayerKV[] } {
    const out = tf.tidy(() => {
      const { x, kv } = this.run(ids, positions, R, M, mask, past);
      const D = this.config.n_embd;
      const last = M === 1 ? x : (tf.reshape(tf.slice(tf.reshape(x, [R, M, D]), [0, M - 1, 0], [R, 1, D]), [R, D]) as tf.Tensor2D); // [R, D]
      return { logits: this.head(last), kv } as unknown as tf.TensorContainer;
    });
    return out as unknown as { logits: tf.Tensor2D; kv: LayerKV[] };
  }
}
