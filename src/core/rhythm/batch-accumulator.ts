/**
 * The streaming accumulator of ./accumulator.ts for many rows at once: each layer's maps of a right-padded batch
 * [R, H, T, T] go through one set of tensor ops for all rows (the per-row accumulator costs ~15 ops per row and
 * layer, which is what an RL step's attention pass spent its time on). Same definitions, same weight matrices
 * (rhythmWeights, embedded in the top-left N_r × N_r corner of a T × T block, zero elsewhere), so a row's vectors
 * equal the per-row accumulator's up to float rounding; right padding is invisible (causal maps, zero weights).
 *   span d(l,h)  = (1/|R|) Σ_{t∈R} Σ_s A[t][s]·(t−s)
 *   waad[h][t]   = Σ_s A[t][s]·min(t−s, W)                 t ∈ R
 *   fai[h][s]    = (1/|T(s)|) Σ_{t∈T(s)} A[t][s]            s ∈ R
 * (with the sink option, key 0 is dropped and each row renormalised): the same layerVectors as ./accumulator.ts.
 * No thumbnails or kept maps: this serves RL credit, not the views.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../errors';
import { rhythmWeights, type HeadCache, type LayerVectors, type MapOptions } from './accumulator';
import { layerVectors, type LayerWeights } from './layer-vectors';

export interface BatchRow {
  seqLen: number;
  promptLength: number;
}

/** layerVectors' weights for one batch: win, fai [R, 1, T, T]; tIndex, response [R, 1, T]; responseLength [R, 1, 1]. */
type BatchWeights = LayerWeights & { responseLength: tf.Tensor };

export class BatchRhythmAccumulator {
  /** Per layer: [span, waad rows, fai columns] per member row, filled at addLayer's read-back in finish(). */
  private readonly pending: { layer: number; members: number[]; T: number; vectors: tf.Tensor3D }[] = [];
  private weightsKey = '';
  private weights: BatchWeights | null = null;

  constructor(
    readonly rows: BatchRow[],
    readonly mapOptions: MapOptions,
    readonly numHeads: number,
  ) {
    rows.forEach(({ seqLen, promptLength }, i) => {
      if (!Number.isInteger(seqLen) || !Number.isInteger(promptLength) || promptLength < 0 || promptLength >= seqLen) {
        throw new InputError(
          `row ${i}: prompt length ${promptLength} must be in 0..${seqLen - 1} so the response is not empty`,
          { field: 'prompt_length' },
        );
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
    const responseLength = new Float32Array(R).fill(1); // 1 for skipped rows: their (zero) vectors stay finite
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
      responseLength[j] = N - p;
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
      responseLength: tf.keep(tf.tensor3d(responseLength, [R, 1, 1])),
      pick: [0, 1, 2].map((i) =>
        tf.keep(
          tf.tensor2d(
            [0, 1, 2].map((j) => (i === j ? 1 : 0)),
            [3, 1],
          ),
        ),
      ),
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
    if (probs.size !== R * H * T * T)
      throw new Error(`BatchRhythmAccumulator: maps of ${probs.size} values for [${R}, ${H}, ${T}, ${T}]`);
    const w = this.weightsFor(members, T);
    const vectors = tf.tidy(() => layerVectors(tf.reshape(probs, [R, H, T, T]), w, this.mapOptions.sink)); // [R, H, 1 + 2T]
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
          const out: LayerVectors = {
            span: new Float32Array(H),
            waad: new Float32Array(H * r),
            fai: new Float32Array(H * r),
          };
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
        seqLen: row.seqLen,
        promptLength: row.promptLength,
        numHeads: H,
        layers: layers[i],
        mapOptions: this.mapOptions,
        thumbnails: new Map(),
        maps: new Map(),
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
