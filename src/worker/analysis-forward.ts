/**
 * The analysis worker's forward: the decoder run layer by layer with a pause between layers (so a Cancel message is
 * seen), the rhythm accumulator and raw-map readers fed from each layer's attention, and at the end what the caller
 * asks of the LM head — full logits (small models, kept for the dump export), the per-row entropy computed tile by
 * tile (no [N, V] logits; model/head.ts), or nothing (map reruns).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AttentionCallback, CausalLM } from '../core/model/types';
import type { RhythmAccumulator } from '../core/rhythm';
import { layerPause } from './slowdown';

/** What the forward returns from the LM head. */
export type HeadOutput = 'logits' | 'entropy' | 'none';

export interface ForwardResult {
  /** [N, V] when 'logits' was asked. */
  logits?: tf.Tensor2D;
  /** [N]: entropy of every row's next-token distribution, when 'entropy' was asked. */
  entropyRows?: tf.Tensor1D;
}

/**
 * Embed and every block, with `afterLayer` awaited between layers: a synchronous forward would see a Cancel (a
 * message to this worker) only once it ended. Returns the last residual stream [N, D]; caller disposes.
 */
export async function forwardHidden(
  model: CausalLM,
  ids: number[],
  onAttention: AttentionCallback,
  afterLayer: () => Promise<void>,
): Promise<tf.Tensor2D> {
  model.checkIds(ids, 0);
  let x = tf.tidy(() => model.embed(ids, 0)); // [N, D]
  try {
    for (let l = 0; l < model.config.n_layer; l++) {
      const prev = x;
      x = tf.tidy(() => model.block(l, prev, null, onAttention).x); // [N, D]; the layer's K/V are freed
      prev.dispose();
      await afterLayer();
    }
  } catch (e) {
    x.dispose();
    throw e;
  }
  return x;
}

/** The model's forward (the same ops and tidy scopes as CausalLM.forward), layer by layer: logits [N, V]. */
export async function forwardByLayer(
  model: CausalLM,
  ids: number[],
  onAttention: AttentionCallback,
  afterLayer: () => Promise<void>,
): Promise<tf.Tensor2D> {
  const h = await forwardHidden(model, ids, onAttention, afterLayer);
  try {
    return tf.tidy(() => model.head(h, false)); // [N, V]
  } finally {
    h.dispose();
  }
}

export interface RunForwardOptions {
  acc: RhythmAccumulator | null;
  /** Each layer's raw maps [H, N, N], read back to JS. */
  onLayer: ((l: number, data: Float32Array) => void) | null;
  progress: (f: number, m: string) => void;
  output: HeadOutput;
  signal?: AbortSignal;
  /** Sleep after each layer (test-only slowdown). */
  layerDelayMs?: number;
}

/**
 * One forward of `ids` feeding the accumulator and `onLayer`.
 * On WebGPU every read is asynchronous: tfjs-webgpu's synchronous read (an OffscreenCanvas copy) returns zeros
 * in headless Chromium's SwiftShader adapter and then loses the device ("A valid external Instance reference no
 * longer exists"; the next upload fails with "createBuffer failed … mappedAtCreation"). So there the layer maps
 * are kept as tensors during the forward and read after it; other backends read each layer inside the forward
 * (one layer in memory at a time).
 */
export async function runForward(model: CausalLM, ids: number[], o: RunForwardOptions): Promise<ForwardResult> {
  const L = model.config.n_layer;
  const deferred: [number, tf.Tensor][] = [];
  const readLater = o.onLayer !== null && tf.getBackend() === 'webgpu';
  const result: ForwardResult = {};
  try {
    const h = await forwardHidden(
      model,
      ids,
      (l, probs) => {
        o.acc?.onAttention(l, probs);
        if (readLater) deferred.push([l, tf.keep(tf.clone(probs))]);
        else if (o.onLayer) o.onLayer(l, probs.dataSync() as Float32Array);
        o.progress((l + 1) / (L + 1), `layer ${l + 1} of ${L}`);
      },
      layerPause(o.layerDelayMs ?? 0, o.signal),
    );
    try {
      if (o.output === 'logits')
        result.logits = tf.tidy(() => model.head(h, false)); // [N, V]
      else if (o.output === 'entropy') result.entropyRows = model.headEntropy(h); // [N]
    } finally {
      h.dispose();
    }
    for (const [l, t] of deferred) o.onLayer!(l, (await t.data()) as Float32Array);
    return result;
  } catch (e) {
    result.logits?.dispose();
    result.entropyRows?.dispose();
    throw e;
  } finally {
    for (const [, t] of deferred) t.dispose();
  }
}
