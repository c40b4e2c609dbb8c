/**
 * The KV-cache decoding state of BatchedGpt2 (./batched.ts) over R rows: prompts left-padded to one length, per-row
 * positions and a key mask, so every row sees exactly its own tokens.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MASKED } from '../model/ops';
import type { BatchedGpt2, LayerKV } from './batched';

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

  constructor(private readonly model: BatchedGpt2, private readonly prompts: number[][], private readonly padId: number) {
    if (prompts.length === 0 || prompts.some((p) => p.length === 0)) throw new Error('BatchDecoder: every row needs a prompt');
    this.rows = prompts.length;
    const P = Math.max(...prompts.map((p) => p.length));
    this.offsets = prompts.map((p) => P - p.length);
    this.release = model.hold();
  }

  private readonly release: () => void;

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
    for (let r = 0; r < R; r++) positions[r] = this.length - this.offsets[r];
    return this.feed(Int32Array.from(tokens), positions, 1);
  }

  private feed(ids: Int32Array, positions: Int32Array, M: number): tf.Tensor2D {
    const T = this.length + M;
    const mask = this.maskFor(M, T);
    try {
      const { logits, kv } = this.model._step(ids, positions, this.rows, M, mask, this.kv);
      this.disposeKV();
      this.kv = kv;
      this.length = T;
      return logits;
    } finally {
      mask.dispose();
    }
  }

  private disposeKV(): void {
    if (this.kv) for (const { k, v } of this.kv) tf.dispose([k, v]);
    this.kv = null;
  }

  dispose(): void {
    this.disposeKV();
    this.release();
  }
}
