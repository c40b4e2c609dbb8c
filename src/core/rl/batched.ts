/**
 * Batched inference over R rows for RL, on the model's own decoder (../model/decoder.ts, blockRows): the trainer's
 * live weight tensors (Hugging Face names) are snapshotted into a Decoder while held, so rollouts see every update
 * without a reload and run exactly the forward the workbench analyses. Two uses:
 *   - decoding with a KV cache (./batch-decoder.ts): prompts left-padded to one length, per-row positions and a key
 *     mask, so every row sees exactly its own tokens (masked keys get probability exactly 0);
 *   - a full forward of right-padded rows with each layer's attention [R, H, T, T] handed to a callback (positions
 *     start at 0 in every row, so a row's first N_r × N_r block is its own exact attention).
 * No gradients. Tiny models are per-op-overhead bound, so one op over R rows beats R ops over one row.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Decoder, type RowsAttentionCallback } from '../model/decoder';
import { causalMaskData } from '../model/ops';
import type { TensorSource } from '../io/safetensors';
import type { ModelConfig } from '../model/types';
import { BatchDecoder, type BatchDecoderOptions } from './batch-decoder';

export type WeightMap = ReadonlyMap<string, tf.Tensor>;

export type BatchedAttentionCallback = RowsAttentionCallback;

/** A TensorSource over live tensors (copies read back on demand; the family may scale them in place). */
function liveSource(weights: WeightMap): TensorSource {
  return {
    fileName: 'policy weights',
    metadata: {},
    names: [...weights.keys()],
    info: (name) => {
      const t = weights.get(name);
      return t && { name, dtype: 'F32', shape: t.shape.slice() };
    },
    getFloat32: (name) => Float32Array.from(weights.get(name)!.dataSync() as Float32Array),
  };
}

export class BatchedLM {
  readonly config: ModelConfig;
  private readonly weights: WeightMap;
  private snapshot: Decoder | null = null;
  private holders = 0;

  constructor(config: ModelConfig, weights: WeightMap) {
    this.config = config;
    this.weights = weights;
  }

  /**
   * Snapshots the weights into a Decoder (its fast-path layout) and keeps it until the returned release is called
   * (counted, so nested holders share it). The weights must not change while held.
   */
  hold(): () => void {
    if (this.holders++ === 0) {
      try {
        this.snapshot = Decoder.fromSource(this.config, liveSource(this.weights), { name: 'policy' });
      } catch (e) {
        this.holders--;
        throw e;
      }
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holders === 0) {
        this.snapshot?.dispose();
        this.snapshot = null;
      }
    };
  }

  /** The held decoder. */
  model(): Decoder {
    if (!this.snapshot) throw new Error('BatchedLM: used outside hold()');
    return this.snapshot;
  }

  /**
   * Logits of every position [R*T, V] for right-padded rows ids [R, T] (row-major), with each layer's attention
   * [R, H, T, T] given to onAttention inside that layer's tidy (tf.keep what you need, never the probs).
   */
  forwardAll(ids: Int32Array, R: number, T: number, onAttention?: BatchedAttentionCallback): tf.Tensor2D {
    if (ids.length !== R * T) throw new Error(`forwardAll: ${ids.length} ids for [${R}, ${T}]`);
    const release = this.hold();
    try {
      const model = this.model();
      const positions = new Int32Array(R * T);
      for (let r = 0; r < R; r++) for (let t = 0; t < T; t++) positions[r * T + t] = t;
      const mask = tf.tensor4d(causalMaskData(T), [1, 1, T, T]); // broadcast over rows and heads
      try {
        const rows = { R, M: T, positions, mask, lowerProbs: true };
        let x = tf.tidy(() => model.embedRows(ids, positions));
        for (let l = 0; l < this.config.n_layer; l++) {
          const prev = x;
          x = tf.tidy(() => model.blockRows(l, prev, null, rows, onAttention).x); // [R*T, D]; K/V freed
          prev.dispose();
        }
        const h = x;
        const logits = tf.tidy(() => model.head(h, false)); // [R*T, V]
        h.dispose();
        return logits;
      } finally {
        mask.dispose();
      }
    } finally {
      release();
    }
  }

  /** A batched KV-cache decoder for left-padded prompts; see BatchDecoder. */
  decoder(prompts: number[][], padId: number, options?: BatchDecoderOptions): BatchDecoder {
    return new BatchDecoder(this, prompts, padId, options);
  }
}
