/**
 * Streaming accumulator: consumes one layer's attention probabilities [H, N, N] at a time (directly as the
 * model's onAttention callback, or from a dump) and keeps only per-head vectors, O(L·H·N):
 *   span d(l,h)  = (1/|R|) Σ_{t∈R} Σ_s A[t][s]·(t−s)
 *   waad[h][t]   = Σ_s A[t][s]·min(t−s, W)                       t ∈ R
 *   fai[h][s]    = (1/|T(s)|) Σ_{t∈T(s)} A[t][s]                  s ∈ R, 0 when T(s) is empty
 * computed with tfjs elementwise products against precomputed [|R|, N] weight matrices on the active backend.
 * Every layer is accumulated (cheap), so changing the `layers`/head options needs no rerun.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../errors';
import type { AttentionCallback } from '../model/types';
import { resolveOptions, type HeadRef, type RhythmOptions } from './options';

export type MapOptions = Pick<RhythmOptions, 'W' | 'H_lo' | 'H_hi' | 'sink'>;

export interface AccumulatorOptions extends Partial<MapOptions> {
  seqLen: number;
  promptLength: number;
  /** Side of per-head max-pooled thumbnails of the raw maps (for a head gallery); 0/absent = none. */
  thumbnailSize?: number;
  /** Heads whose full raw [N, N] map is kept (for the heatmap view). */
  keepMaps?: HeadRef[];
}

export interface LayerVectors {
  /** [H] span d per head. */
  span: Float32Array;
  /** [H, |R|] row-major per-head WAAD over response rows. */
  waad: Float32Array;
  /** [H, |R|] row-major per-head FAI over response columns. */
  fai: Float32Array;
}

export interface Thumbnail {
  /** Side of the square thumbnail. */
  size: number;
  /** [H, size, size] row-major, each cell the max of its block of the raw map. */
  data: Float32Array;
}

/** Everything the analysis needs from the maps; W, H_lo, H_hi, sink are baked in (see needsMaps). */
export interface HeadCache {
  seqLen: number;
  promptLength: number;
  numHeads: number;
  layers: Map<number, LayerVectors>;
  mapOptions: MapOptions;
  thumbnails: Map<number, Thumbnail>;
  /** Full raw maps of the requested heads, key `${layer}:${head}`, [N, N] row-major. */
  maps: Map<string, Float32Array>;
}

/** Weight matrices over response rows t = p..N−1 and all key columns s (row i ↔ t = p + i). */
export function rhythmWeights(seqLen: number, promptLength: number, o: MapOptions) {
  const N = seqLen;
  const p = promptLength;
  const r = N - p;
  const dist = new Float32Array(r * N);
  const win = new Float32Array(r * N);
  const fai = new Float32Array(r * N);
  const firstKey = o.sink ? 1 : 0; // sink: key 0 is excluded, so every weight of column 0 is zero
  for (let i = 0; i < r; i++) {
    const t = p + i;
    for (let s = firstKey; s <= t; s++) {
      dist[i * N + s] = t - s;
      win[i * N + s] = Math.min(t - s, o.W);
    }
  }
  for (let s = Math.max(p, firstKey); s < N; s++) {
    // T(s) = { t : s + H_lo ≤ t ≤ min(N−1, s + H_hi) }; t ≥ s ≥ p so t is a response position.
    const from = s + o.H_lo;
    const to = Math.min(N - 1, s + o.H_hi);
    const count = to - from + 1;
    for (let t = from; t <= to; t++) fai[(t - p) * N + s] = 1 / count;
  }
  return { dist, win, fai };
}

export class RhythmAccumulator {
  readonly seqLen: number;
  readonly promptLength: number;
  readonly mapOptions: MapOptions;
  private readonly responseLength: number;
  private readonly thumbnailSize: number;
  private readonly keepMaps: HeadRef[];
  private numHeads = -1;
  private weights: { dist: tf.Tensor2D; win: tf.Tensor2D; fai: tf.Tensor2D } | null;
  private readonly pending = new Map<number, tf.Tensor2D>(); // [H, 1 + 2|R|] per layer
  private readonly pendingThumbs = new Map<number, tf.Tensor>();
  private readonly pendingMaps = new Map<string, tf.Tensor>();

  /** Use as `model.forward(ids, { onAttention: acc.onAttention })`. */
  readonly onAttention: AttentionCallback = (layer, probs) => this.addLayer(layer, probs);

  constructor(opts: AccumulatorOptions) {
    const { seqLen, promptLength, thumbnailSize, keepMaps, ...mapOpts } = opts;
    const full = resolveOptions(mapOpts);
    this.mapOptions = { W: full.W, H_lo: full.H_lo, H_hi: full.H_hi, sink: full.sink };
    if (!Number.isInteger(seqLen) || seqLen < 1) throw new InputError(`sequence length must be ≥ 1 (got ${seqLen})`, { field: 'seqLen' });
    if (!Number.isInteger(promptLength) || promptLength < 0 || promptLength >= seqLen) {
      throw new InputError(`prompt_length must be an integer in 0..${seqLen - 1} so the response is not empty (got ${promptLength})`, {
        field: 'prompt_length',
      });
    }
    this.seqLen = seqLen;
    this.promptLength = promptLength;
    this.responseLength = seqLen - promptLength;
    this.thumbnailSize = thumbnailSize ?? 0;
    this.keepMaps = keepMaps ?? [];
    const w = rhythmWeights(seqLen, promptLength, this.mapOptions);
    const shape: [number, number] = [this.responseLength, seqLen];
    // Kept: the constructor may run inside someone's tf.tidy.
    this.weights = {
      dist: tf.keep(tf.tensor2d(w.dist, shape)),
      win: tf.keep(tf.tensor2d(w.win, shape)),
      fai: tf.keep(tf.tensor2d(w.fai, shape)),
    };
  }

  /** Layers received so far. */
  get layerIndices(): number[] {
    return [...this.pending.keys()].sort((a, b) => a - b);
  }

  /** One layer's probabilities [H, N, N]. Safe inside a tf.tidy: only the small results are kept. */
  addLayer(layer: number, probs: tf.Tensor3D): void {
    const weights = this.weights;
    if (!weights) throw new Error('RhythmAccumulator: addLayer after finish/dispose');
    const [H, N, N2] = probs.shape;
    if (probs.rank !== 3 || N !== this.seqLen || N2 !== this.seqLen) {
      throw new InputError(`attention of layer ${layer} has shape [${probs.shape}], expected [H, ${this.seqLen}, ${this.seqLen}]`, {
        field: `attn.L${layer}`,
      });
    }
    if (this.numHeads >= 0 && H !== this.numHeads) {
      throw new InputError(`layer ${layer} has ${H} heads, earlier layers ${this.numHeads}`, { field: `attn.L${layer}` });
    }
    if (!Number.isInteger(layer) || layer < 0 || this.pending.has(layer)) {
      throw new InputError(`layer index ${layer} is invalid or given twice`, { field: `attn.L${layer}` });
    }
    this.numHeads = H;
    const p = this.promptLength;
    const r = this.responseLength;
    const vectors = tf.tidy(() => {
      let A: tf.Tensor3D = r === N ? probs : tf.slice(probs, [0, p, 0], [H, r, N]); // [H, r, N] response rows
      if (this.mapOptions.sink) {
        // Row t divided by 1 − A[t][0]; a row with all its mass on key 0 becomes zeros (weights zero column 0).
        const denom = tf.sub(1, tf.slice(A, [0, 0, 0], [H, r, 1])); // [H, r, 1]
        const inv = tf.where(tf.greater(denom, 0), tf.div(1, tf.maximum(denom, 1e-30)), tf.zerosLike(denom));
        A = tf.mul(A, inv);
      }
      const span = tf.mean(tf.sum(tf.mul(A, weights.dist), 2), 1, true); // [H, 1]
      const waad = tf.sum(tf.mul(A, weights.win), 2); // [H, r]
      const faiAll = tf.sum(tf.mul(A, weights.fai), 1); // [H, N] (columns < p are zero)
      const fai = r === N ? faiAll : tf.slice(faiAll, [0, p], [H, r]); // [H, r]
      return tf.concat([span, waad, fai], 1) as tf.Tensor2D; // [H, 1 + 2r]
    });
    this.pending.set(layer, tf.keep(vectors));
    if (this.thumbnailSize > 0) this.pendingThumbs.set(layer, tf.keep(this.thumbnail(probs)));
    for (const [l, h] of this.keepMaps) {
      if (l === layer && h < H) this.pendingMaps.set(`${l}:${h}`, tf.keep(tf.slice(probs, [h, 0, 0], [1, N, N])));
    }
  }

  /** A layer from a dump: Float32Array [H, N, N] row-major. */
  addLayerData(layer: number, data: Float32Array, numHeads: number): void {
    const N = this.seqLen;
    if (data.length !== numHeads * N * N) {
      throw new InputError(`attention of layer ${layer} has ${data.length} values, expected ${numHeads}·${N}·${N}`, { field: `attn.L${layer}` });
    }
    tf.tidy(() => this.addLayer(layer, tf.tensor3d(data, [numHeads, N, N])));
  }

  private thumbnail(probs: tf.Tensor3D): tf.Tensor {
    return tf.tidy(() => {
      const [H, N] = probs.shape;
      const size = this.thumbnailSize;
      if (N <= size) return tf.clone(probs);
      const block = Math.ceil(N / size);
      const cells = Math.ceil(N / block);
      const padded = tf.pad(probs, [[0, 0], [0, cells * block - N], [0, cells * block - N]]); // [H, cells·block, cells·block]
      const x = tf.reshape(padded, [H, cells * block, cells * block, 1]); // NHWC with heads as the batch
      return tf.maxPool(x as tf.Tensor4D, [block, block], [block, block], 'valid'); // [H, cells, cells, 1]
    });
  }

  /** Reads every kept tensor (blocking) and frees them. The accumulator cannot be used afterwards. */
  finish(): HeadCache {
    return this.collect((t) => t.dataSync() as Float32Array);
  }

  /** Same as finish() with non-blocking reads (better on GPU backends). */
  async finishAsync(): Promise<HeadCache> {
    const values = new Map<tf.Tensor, Float32Array>();
    const all = [...this.pending.values(), ...this.pendingThumbs.values(), ...this.pendingMaps.values()];
    await Promise.all(all.map(async (t) => values.set(t, (await t.data()) as Float32Array)));
    return this.collect((t) => values.get(t)!);
  }

  private collect(read: (t: tf.Tensor) => Float32Array): HeadCache {
    if (!this.weights) throw new Error('RhythmAccumulator: finish called twice');
    const H = Math.max(this.numHeads, 0);
    const r = this.responseLength;
    const layers = new Map<number, LayerVectors>();
    for (const l of this.layerIndices) {
      const v = read(this.pending.get(l)!); // [H, 1 + 2r]
      const span = new Float32Array(H);
      const waad = new Float32Array(H * r);
      const fai = new Float32Array(H * r);
      for (let h = 0; h < H; h++) {
        const row = h * (1 + 2 * r);
        span[h] = v[row];
        waad.set(v.subarray(row + 1, row + 1 + r), h * r);
        fai.set(v.subarray(row + 1 + r, row + 1 + 2 * r), h * r);
      }
      layers.set(l, { span, waad, fai });
    }
    const thumbnails = new Map<number, Thumbnail>();
    for (const [l, t] of this.pendingThumbs) thumbnails.set(l, { size: t.shape[1]!, data: read(t).slice() });
    const maps = new Map<string, Float32Array>();
    for (const [key, t] of this.pendingMaps) maps.set(key, read(t).slice());
    const cache: HeadCache = {
      seqLen: this.seqLen,
      promptLength: this.promptLength,
      numHeads: H,
      layers,
      mapOptions: { ...this.mapOptions },
      thumbnails,
      maps,
    };
    this.dispose();
    return cache;
  }

  /** Frees every tensor the accumulator holds (idempotent). */
  dispose(): void {
    if (this.weights) {
      tf.dispose([this.weights.dist, this.weights.win, this.weights.fai]);
      this.weights = null;
    }
    for (const m of [this.pending, this.pendingThumbs, this.pendingMaps] as Map<unknown, tf.Tensor>[]) {
      tf.dispose([...m.values()]);
      m.clear();
    }
  }
}
