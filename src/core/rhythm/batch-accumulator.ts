/**
 * The streaming accumulator of ./accumulator.ts for many rows at once: each layer's maps of a right-padded batch
 * [R, H, T, T] go through one set of tensor ops for all rows (the per-row accumulator costs ~15 ops per row and
 * layer, which is what an RL step's attention pass spent its time on). Same definitions, same weight matrices
 * (rhythmWeights, embedded in the top-left N_r × N_r corner of a T × T block, zero elsewhere), so a row's vectors
 * equal the per-row accumulator's up to float rounding; right padding is invisible (causal maps, zero weights).
 *   span d(l,h)  = (1/|R|) Σ_{t∈R} Σ_s A[t][s]·(t−s)
 *   waad[h][t]   = Σ_s A[t][s]·min(t−s, W)                 t ∈ R
 *   fai[h][s]    = (1/|T(s)|) Σ_{t∈T(s)} A[t][s]            s ∈ R
 * (with the sink option, key 0 is dropped and each row renormalised, as in ./accumulator.ts). No thumbnails or
 * kept maps: this serves RL credit, not the views.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../errors';
import { batchMatMul } from '../kernels/batch-matmul';
import { rhythmWeights, type HeadCache, type LayerVectors, type MapOptions } from './accumulator';

export interface BatchRow {
  seqLen: number;
  promptLength: number;
}

interface BatchWeights {
  win: tf.Tensor4D; // [R, 1, T, T]
  fai: tf.Tensor4D; // [R, 1, T, T]
  basis: tf.Tensor2D; // [T, 3]: (1, s, [s = 0])
  tIndex: tf.Tensor3D; // [R, 1, T]: t on response rows
  response: tf.Tensor3D; // [R, 1, T]: 1 on response rows
  invR: tf.Tensor3D; // [R, 1, 1]: 1 / |R| of the row
  pick: tf.Tensor2D[]; // three [3, 1] one-hot columns
}

export class BatchRhythmAccumulator {
  /** Per layer: [span, waad rows, fai columns] per member row, filled at addLayer's read-back in finish(). */
  private readonly pending: { layer: number; members: number[]; T: number; vectors: tf.Tensor3D }[] = [];
  private weightsKey = '';
  private weights: BatchWeights | null = null;

  constructor(readonly rows: BatchRow[], readonly mapOptions: MapOptions, readonly numHeads: number) {
    rows.forEach(({ seqLen, promptLength }, i) => {
      if (!Number.isInteger(seqLen) || !Number.isInteger(promptLength) || promptLength < 0 || promptLength >= seqLen) {
        throw new InputError(`row ${i}: prompt length ${promptLength} must be in 0..${seqLen - 1} so the response is not empty`, { field: 'prompt_length' });
      }
    });
  }

  /** Weight tensors of a batch (cached while the same rows come again, i.e. across the layers of one forward). */
  private weightsFor(members: number[], T: number): BatchWeights {
    const key = `${T}:${members.join(',')}`;
    if (this.weights && this.weightsKey === key) return this.weights;
    this.disposeWeights();
    const R = members.length;
    const win = new Float32Array(R * T * T);
    const fai = new Float32Array(R * T * T);
    const tIndex = new Float32Array(R * T);
    const response = new Float32Array(R * T);
    const invR = new Float32Array(R);
    members.forEach((i, j) => {
      if (i < 0) return; // not analysed: zero weights, nothing accumulates
      const { seqLen: N, promptLength: p } = this.rows[i];
      if (N > T) throw new Error(`BatchRhythmAccumulator: row ${i} has ${N} tokens but the batch only ${T} columns`);
      const w = rhythmWeights(N, p, this.mapOptions);
      for (let t = 0; t < N; t++) {
        win.set(w.win.subarray(t * N, (t + 1) * N), (j * T + t) * T);
        fai.set(w.fai.subarray(t * N, (t + 1) * N), (j * T + t) * T);
      }
      tIndex.set(w.tIndex, j * T);
      response.set(w.response, j * T);
      invR[j] = 1 / (N - p);
    });
    const basis = new Float32Array(T * 3);
    for (let s = 0; s < T; s++) basis.set([1, s, s === 0 ? 1 : 0], 3 * s);
    // Kept: called inside the forward's tf.tidy.
    this.weights = {
      win: tf.keep(tf.tensor4d(win, [R, 1, T, T])),
      fai: tf.keep(tf.tensor4d(fai, [R, 1, T, T])),
      basis: tf.keep(tf.tensor2d(basis, [T, 3])),
      tIndex: tf.keep(tf.tensor3d(tIndex, [R, 1, T])),
      response: tf.keep(tf.tensor3d(response, [R, 1, T])),
      invR: tf.keep(tf.tensor3d(invR, [R, 1, 1])),
      pick: [0, 1, 2].map((i) => tf.keep(tf.tensor2d([0, 1, 2].map((j) => (i === j ? 1 : 0)), [3, 1]))),
    };
    this.weightsKey = key;
    return this.weights;
  }

  /**
   * One layer's maps of a batch, [R·H, T, T] or [R, H, T, T] (batch row j, head h at j·H + h), whose row j is
   * accumulator row members[j] (−1: not analysed). Causal maps: a row's query t < N_r has no mass on keys beyond
   * t, so its padding columns are zero (padding rows t ≥ N_r may hold anything). Safe inside a tf.tidy; the maps
   * are not kept.
   */
  addLayer(layer: number, probs: tf.Tensor, members: number[], T: number): void {
    const H = this.numHeads;
    const R = members.length;
    if (probs.size !== R * H * T * T) throw new Error(`BatchRhythmAccumulator: maps of ${probs.size} values for [${R}, ${H}, ${T}, ${T}]`);
    const w = this.weightsFor(members, T);
    const vectors = tf.tidy(() => {
      const maps = tf.reshape(probs, [R, H, T, T]); // [R, H, T, T]
      const moments = tf.matMul(tf.reshape(maps, [R * H * T, T]), w.basis); // [R·H·T, 3]: row sum, Σ s·A, A[t][0]
      const part = (i: number) => tf.reshape(tf.matMul(moments, w.pick[i]), [R, H, T]); // [R·H·T, 1] -> [R, H, T]
      let rowSum = part(0);
      const keyMoment = part(1);
      let scale: tf.Tensor3D; // [R, H, T]: 1 / (1 − A[t][0]) with the sink, else 1
      if (this.mapOptions.sink) {
        const a0 = part(2);
        const denom = tf.sub(1, a0);
        scale = tf.where(tf.greater(denom, 0), tf.div(1, tf.maximum(denom, 1e-30)), tf.zerosLike(denom)) as tf.Tensor3D;
        rowSum = tf.sub(rowSum, a0);
      } else scale = tf.ones([R, H, T]);
      const distRows = tf.mul(tf.sub(tf.mul(w.tIndex, rowSum), tf.mul(w.response, keyMoment)), scale); // [R, H, T]
      const span = tf.mul(tf.sum(distRows, 2, true), w.invR); // [R, H, 1]
      const waadRows = tf.mul(tf.sum(tf.mul(maps, w.win), 3), scale); // [R, H, T]
      const masked = tf.reshape(tf.mul(maps, w.fai), [R * H, T, T]) as tf.Tensor3D; // [R·H, T, T]
      const faiCols = batchMatMul(tf.reshape(scale, [R * H, 1, T]) as tf.Tensor3D, masked); // [R·H, 1, T] column sums
      return tf.concat([span, waadRows, tf.reshape(faiCols, [R, H, T])], 2) as tf.Tensor3D; // [R, H, 1 + 2T]
    });
    this.pending.push({ layer, members: members.slice(), T, vectors: tf.keep(vectors) });
  }

  /** One HeadCache per row (every row must have received every layer it is read for). Frees everything. */
  finish(): HeadCache[] {
    const H = this.numHeads;
    const layers = this.rows.map(() => new Map<number, LayerVectors>());
    try {
      for (const { layer, members, T, vectors } of this.pending) {
        const v = vectors.dataSync() as Float32Array; // [R, H, 1 + 2T]
        members.forEach((i, j) => {
          if (i < 0) return;
          const { seqLen: N, promptLength: p } = this.rows[i];
          const r = N - p;
          const out: LayerVectors = { span: new Float32Array(H), waad: new Float32Array(H * r), fai: new Float32Array(H * r) };
          for (let h = 0; h < H; h++) {
            const base = (j * H + h) * (1 + 2 * T);
            out.span[h] = v[base];
            out.waad.set(v.subarray(base + 1 + p, base + 1 + N), h * r);
            out.fai.set(v.subarray(base + 1 + T + p, base + 1 + T + N), h * r);
          }
          layers[i].set(layer, out);
        });
      }
      return this.rows.map((row, i) => ({
        seqLen: row.seqLen, promptLength: row.promptLength, numHeads: H, layers: layers[i], mapOptions: this.mapOptions,
        thumbnails: new Map(), maps: new Map(),
      }));
    } finally {
      this.dispose();
    }
  }

  private disposeWeights(): void {
    if (!this.weights) return;
    const { pick, ...rest } = this.weights;
    tf.dispose([...Object.values(rest), ...pick]);
    this.weights = null;
  }

  dispose(): void {
    this.disposeWeights();
    for (const p of this.pending) p.vectors.dispose();
    this.pending.length = 0;
  }
}
