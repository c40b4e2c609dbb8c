/**
 * Streaming accumulator: consumes one layer's attention probabilities [H, N, N] at a time (directly as the
 * model's onAttention callback, or from a dump) and keeps only per-head vectors, O(L·H·N):
 *   span d(l,h)  = (1/|R|) Σ_{t∈R} Σ_s A[t][s]·(t−s)
 *   waad[h][t]   = Σ_s A[t][s]·min(t−s, W)                       t ∈ R
 *   fai[h][s]    = (1/|T(s)|) Σ_{t∈T(s)} A[t][s]                  s ∈ R, 0 when T(s) is empty
 * computed on the active backend with one 2-D matMul, elementwise products against precomputed [N, N] weight
 * matrices and a batched [1, N]·[N, N] matMul per layer (./layer-vectors.ts, shared with ./batch-accumulator.ts).
 * Every layer is accumulated (cheap), so changing the `layers`/head options needs no rerun.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../errors';
import type { AttentionCallback } from '../model/types';
import { layerVectors } from './layer-vectors';
import { resolveOptions, type HeadRef, type RhythmOptions } from './options';

export type MapOptions = Pick<RhythmOptions, 'W' | 'H_lo' | 'H_hi' | 'sink'>;

/** The options the maps' vectors depend on, resolved (defaults filled, values checked) from any partial options. */
export function mapOptionsOf(partial: Partial<RhythmOptions> | Record<string, unknown>): MapOptions {
  const o = resolveOptions(partial);
  return { W: o.W, H_lo: o.H_lo, H_hi: o.H_hi, sink: o.sink };
}

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

/**
 * Weight matrices [N, N] (row t = query, column s = key); rows of prompt positions are zero, so the products
 * run on the whole map: slicing the response rows out of [H, N, N] is a strided copy that costs more than all
 * the metrics on tfjs-wasm. `basis` [N, 3] = (1, s, [s = 0]) gives row sum, Σ_s s·A[t][s] and A[t][0] in one
 * 2-D matMul; the span uses Σ_s A[t][s]·(t−s) = t·rowsum − Σ_s s·A[t][s].
 */
export function rhythmWeights(seqLen: number, promptLength: number, o: MapOptions) {
  const N = seqLen;
  const p = promptLength;
  const win = new Float32Array(N * N);
  const fai = new Float32Array(N * N);
  const basis = new Float32Array(N * 3);
  const tIndex = new Float32Array(N);
  const response = new Float32Array(N);
  const firstKey = o.sink ? 1 : 0; // sink: key 0 is excluded, so every weight of column 0 is zero
  for (let s = 0; s < N; s++) basis.set([1, s, s === 0 ? 1 : 0], 3 * s);
  for (let t = p; t < N; t++) {
    tIndex[t] = t;
    response[t] = 1;
    for (let s = firstKey; s <= t; s++) win[t * N + s] = Math.min(t - s, o.W);
  }
  for (let s = Math.max(p, firstKey); s < N; s++) {
    // T(s) = { t : s + H_lo ≤ t ≤ min(N−1, s + H_hi) }; t ≥ s ≥ p so t is a response position.
    const from = s + o.H_lo;
    const to = Math.min(N - 1, s + o.H_hi);
    const count = to - from + 1;
    for (let t = from; t <= to; t++) fai[t * N + s] = 1 / count;
  }
  return { win, fai, basis, tIndex, response };
}

interface WeightTensors {
  win: tf.Tensor2D; // [N, N]
  fai: tf.Tensor2D; // [N, N]
  basis: tf.Tensor2D; // [N, 3]
  tIndex: tf.Tensor2D; // [1, N]: t on response rows, 0 on prompt rows
  response: tf.Tensor2D; // [1, N]: 1 on response rows
  pick: tf.Tensor2D[]; // three [3, 1] one-hot columns
}

export class RhythmAccumulator {
  readonly seqLen: number;
  readonly promptLength: number;
  readonly mapOptions: MapOptions;
  private readonly responseLength: number;
  private readonly thumbnailSize: number;
  private readonly keepMaps: HeadRef[];
  private numHeads = -1;
  private weights: WeightTensors | null;
  private readonly pending = new Map<number, tf.Tensor2D>(); // [H, 1 + 2N] per layer
  private readonly pendingThumbs = new Map<number, tf.Tensor>();
  private readonly pendingMaps = new Map<string, tf.Tensor>();

  /** Use as `model.forward(ids, { onAttention: acc.onAttention })`. */
  readonly onAttention: AttentionCallback = (layer, probs) => this.addLayer(layer, probs);

  constructor(opts: AccumulatorOptions) {
    const { seqLen, promptLength, thumbnailSize, keepMaps, ...mapOpts } = opts;
    this.mapOptions = mapOptionsOf(mapOpts);
    if (!Number.isInteger(seqLen) || seqLen < 1)
      throw new InputError(`sequence length must be ≥ 1 (got ${seqLen})`, { field: 'seqLen' });
    if (!Number.isInteger(promptLength) || promptLength < 0 || promptLength >= seqLen) {
      throw new InputError(
        `prompt_length must be an integer in 0..${seqLen - 1} so the response is not empty (got ${promptLength})`,
        {
          field: 'prompt_length',
        },
      );
    }
    this.seqLen = seqLen;
    this.promptLength = promptLength;
    this.responseLength = seqLen - promptLength;
    this.thumbnailSize = thumbnailSize ?? 0;
    this.keepMaps = keepMaps ?? [];
    const w = rhythmWeights(seqLen, promptLength, this.mapOptions);
    const N = seqLen;
    // Kept: the constructor may run inside someone's tf.tidy.
    this.weights = {
      win: tf.keep(tf.tensor2d(w.win, [N, N])),
      fai: tf.keep(tf.tensor2d(w.fai, [N, N])),
      basis: tf.keep(tf.tensor2d(w.basis, [N, 3])),
      tIndex: tf.keep(tf.tensor2d(w.tIndex, [1, N])),
      response: tf.keep(tf.tensor2d(w.response, [1, N])),
      pick: [0, 1, 2].map((i) =>
        tf.keep(
          tf.tensor2d(
            [0, 1, 2].map((j) => (i === j ? 1 : 0)),
            [3, 1],
          ),
        ),
      ),
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
      throw new InputError(
        `attention of layer ${layer} has shape [${probs.shape}], expected [H, ${this.seqLen}, ${this.seqLen}]`,
        {
          field: `attn.L${layer}`,
        },
      );
    }
    if (this.numHeads >= 0 && H !== this.numHeads) {
      throw new InputError(`layer ${layer} has ${H} heads, earlier layers ${this.numHeads}`, {
        field: `attn.L${layer}`,
      });
    }
    if (!Number.isInteger(layer) || layer < 0 || this.pending.has(layer)) {
      throw new InputError(`layer index ${layer} is invalid or given twice`, { field: `attn.L${layer}` });
    }
    this.numHeads = H;
    const vectors = tf.tidy(() => {
      const v = layerVectors(
        tf.reshape(probs, [1, H, N, N]),
        { ...weights, responseLength: this.responseLength },
        this.mapOptions.sink,
      );
      return tf.reshape(v, [H, 1 + 2 * N]) as tf.Tensor2D; // [1, H, 1 + 2N] -> [H, 1 + 2N]
    });
    this.pending.set(layer, tf.keep(vectors));
    if (this.thumbnailSize > 0) this.pendingThumbs.set(layer, tf.keep(this.thumbnail(probs)));
    for (const [l, h] of this.keepMaps) {
      if (l === layer && h < H) this.pendingMaps.set(`${l}:${h}`, tf.keep(tf.gather(probs, [h], 0))); // [1, N, N]
    }
  }

  /** A layer from a dump: Float32Array [H, N, N] row-major. */
  addLayerData(layer: number, data: Float32Array, numHeads: number): void {
    const N = this.seqLen;
    if (data.length !== numHeads * N * N) {
      throw new InputError(`attention of layer ${layer} has ${data.length} values, expected ${numHeads}·${N}·${N}`, {
        field: `attn.L${layer}`,
      });
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
      const padded = tf.pad(probs, [
        [0, 0],
        [0, cells * block - N],
        [0, cells * block - N],
      ]); // [H, cells·block, cells·block]
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
    const N = this.seqLen;
    const p = this.promptLength;
    for (const l of this.layerIndices) {
      const v = read(this.pending.get(l)!); // [H, 1 + 2N]: span, WAAD rows, FAI columns
      const span = new Float32Array(H);
      const waad = new Float32Array(H * r);
      const fai = new Float32Array(H * r);
      for (let h = 0; h < H; h++) {
        const row = h * (1 + 2 * N);
        span[h] = v[row];
        waad.set(v.subarray(row + 1 + p, row + 1 + N), h * r);
        fai.set(v.subarray(row + 1 + N + p, row + 1 + 2 * N), h * r);
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
      const { pick, ...rest } = this.weights;
      tf.dispose([...pick, ...Object.values(rest)]);
      this.weights = null;
    }
    for (const m of [this.pending, this.pendingThumbs, this.pendingMaps] as Map<unknown, tf.Tensor>[]) {
      tf.dispose([...m.values()]);
      m.clear();
    }
  }
}
