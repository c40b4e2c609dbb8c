/**
 * The KV-cache decoding state of BatchedLM (./batched.ts) over R rows: prompts left-padded to one length, per-row
 * positions and a key mask, so every row sees exactly its own tokens. Runs the model's Decoder.blockRows.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MASKED } from '../model/ops';
import type { LayerKV } from '../model/types';
import type { BatchedLM } from './batched';

export interface BatchDecoderOptions {
  /**
   * Clamp positions to the context: for callers whose rows end at different steps and keep feeding finished rows
   * (their outputs ignored) while longer rows go on.
   */
  clampToContext?: boolean;
}

/**
 * Decoding state of R rows: prompts left-padded to a common length P, row r starting at column off_r.
 * step(tokens) appends one token per row and returns next-token logits [R, V].
 */
export class BatchDecoder {
  readonly rows: number;
  /** Columns fed so far (same for every row, pads included). */
  length = 0;
  private readonly offsets: number[];
  private kv: LayerKV[] | null = null;
  private readonly release: () => void;

  constructor(
    private readonly model: BatchedLM,
    private readonly prompts: number[][],
    private readonly padId: number,
    private readonly options: BatchDecoderOptions = {},
  ) {
    if (prompts.length === 0 || prompts.some((p) => p.length === 0))
      throw new Error('BatchDecoder: every row needs a prompt');
    this.rows = prompts.length;
    const P = Math.max(...prompts.map((p) => p.length));
    this.offsets = prompts.map((p) => P - p.length);
    this.release = model.hold();
  }

  /** The longest prompt plus `newTokens` must fit the context. */
  get promptColumns(): number {
    return Math.max(...this.prompts.map((p) => p.length));
  }

  private maskFor(M: number, T: number): tf.Tensor4D {
    const R = this.rows;
    const m = new Float32Array(R * M * T);
    for (let r = 0; r < R; r++) {
      for (let i = 0; i < M; i++) {
        const q = T - M + i; // absolute column of query i
        for (let c = 0; c < T; c++) if (c < this.offsets[r] || c > q) m[(r * M + i) * T + c] = MASKED;
      }
    }
    return tf.tensor4d(m, [R, 1, M, T]);
  }

  /** Feeds the prompts (first call) and returns logits [R, V] for each row's first new token. */
  prefill(): tf.Tensor2D {
    if (this.kv) throw new Error('BatchDecoder: prefill called twice');
    const R = this.rows;
    const P = this.promptColumns;
    const ids = new Int32Array(R * P).fill(this.padId);
    const positions = new Int32Array(R * P);
    for (let r = 0; r < R; r++) {
      const off = this.offsets[r];
      this.prompts[r].forEach((id, i) => (ids[r * P + off + i] = id));
      for (let c = 0; c < P; c++) positions[r * P + c] = Math.max(0, c - off);
    }
    return this.feed(ids, positions, P);
  }

  /** Appends one token per row (finished rows may pass anything, e.g. the pad id) and returns logits [R, V]. */
  step(tokens: number[]): tf.Tensor2D {
    if (!this.kv) throw new Error('BatchDecoder: step before prefill');
    const R = this.rows;
    if (tokens.length !== R) throw new Error(`BatchDecoder: ${tokens.length} tokens for ${R} rows`);
    const positions = new Int32Array(R);
    const last = this.options.clampToContext ? this.model.config.n_positions - 1 : Infinity;
    for (let r = 0; r < R; r++) positions[r] = Math.min(this.length - this.offsets[r], last);
    return this.feed(Int32Array.from(tokens), positions, 1);
  }

  private feed(ids: Int32Array, positions: Int32Array, M: number): tf.Tensor2D {
    const model = this.model.model();
    const R = this.rows;
    const T = this.length + M;
    const mask = this.maskFor(M, T);
    const rows = { R, M, positions, mask };
    const kv: LayerKV[] = [];
    let x: tf.Tensor2D | null = null;
    try {
      x = tf.tidy(() => model.embedRows(ids, positions)); // [R*M, D]
      for (let l = 0; l < this.model.config.n_layer; l++) {
        const prev: tf.Tensor2D = x;
        const past = this.kv?.[l] ?? null;
        const out = tf.tidy(() => model.blockRows(l, prev, past, rows) as unknown as tf.TensorContainer) as unknown as {
          x: tf.Tensor2D;
          kv: LayerKV;
        };
        prev.dispose();
        x = out.x;
        kv.push(out.kv);
      }
      const h: tf.Tensor2D = x;
      const D = h.shape[1];
      const logits = tf.tidy(() => {
        const last =
          M === 1
            ? h
            : (tf.reshape(tf.slice(tf.reshape(h, [R, M, D]), [0, M - 1, 0], [R, 1, D]), [R, D]) as tf.Tensor2D); // [R, D]
        return model.head(last, false); // [R, V]
      });
      this.disposeKV();
      this.kv = kv;
      this.length = T;
      return logits;
    } catch (e) {
      for (const { kT, v } of kv) tf.dispose([kT, v]);
      throw e;
    } finally {
      x?.dispose();
      mask.dispose();
    }
  }

  private disposeKV(): void {
    if (this.kv) for (const { kT, v } of this.kv) tf.dispose([kT, v]);
    this.kv = null;
  }

  dispose(): void {
    this.disposeKV();
    this.release();
  }
}
