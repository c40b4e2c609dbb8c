/**
 * Greedy continuations of many prefixes (the perturbation test's counterfactuals). Two engines with one contract:
 *   - `sequentialContinuer`: one prefix at a time through the model's KV cache (any CausalLM);
 *   - `batchedContinuer`: every prefix as one left-padded batch through the batched GPT-2 decoder (rl/batched.ts),
 *     so the per-op overhead that dominates small models is paid once per step for all rows.
 * Contract: row i gets up to maxNew[i] greedy tokens (argmax, ties to the lowest id); it stops after emitting the
 * end token, which is included.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../errors';
import type { TensorSource } from '../io/safetensors';
import { yieldToEventLoop } from '../model/generate';
import { argmax } from '../model/sampling';
import type { CausalLM, GPT2Config } from '../model/types';
import { MASKED } from '../model/ops';
import { BatchedGpt2, type LayerKV } from '../rl/batched';

export interface Continuer {
  readonly kind: 'sequential' | 'batched';
  continueAll(prefixes: number[][], maxNew: number[], signal?: AbortSignal): Promise<number[][]>;
  dispose(): void;
}

function check(prefixes: number[][], maxNew: number[], context: number): void {
  if (prefixes.length !== maxNew.length)
    throw new Error(`continueAll: ${prefixes.length} prefixes, ${maxNew.length} lengths`);
  prefixes.forEach((p, i) => {
    if (p.length === 0) throw new InputError(`prefix ${i} is empty`, { field: 'prefix' });
    if (p.length + maxNew[i] - 1 > context) {
      throw new InputError(
        `prefix ${i} (${p.length} tokens) + ${maxNew[i]} new tokens exceed the context of ${context}`,
        { field: 'prefix' },
      );
    }
  });
}

function aborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
}

/** One prefix at a time through model.createCache (or full forwards when the model has no cache). */
export function sequentialContinuer(model: CausalLM, eosId: number | undefined): Continuer {
  return {
    kind: 'sequential',
    async continueAll(prefixes, maxNew, signal) {
      check(prefixes, maxNew, model.config.n_positions);
      const out: number[][] = [];
      for (const [i, prefix] of prefixes.entries()) {
        const ids: number[] = [];
        const cache = model.createCache?.({ maxTokens: prefix.length + maxNew[i] });
        try {
          let feed = prefix;
          while (ids.length < maxNew[i]) {
            aborted(signal);
            const logits = cache ? cache.step(feed) : model.forward([...prefix, ...ids], { logits: 'last' });
            const id = argmax(logits.dataSync() as Float32Array);
            logits.dispose();
            ids.push(id);
            if (id === eosId) break;
            feed = [id];
          }
        } finally {
          cache?.dispose();
        }
        out.push(ids);
        await yieldToEventLoop();
      }
      return out;
    },
    dispose() {},
  };
}

/** GPT-2 weights under the Hugging Face names BatchedGpt2 reads (no `transformer.` prefix), uploaded once. */
export function gpt2WeightMap(source: TensorSource): Map<string, tf.Tensor> {
  const map = new Map<string, tf.Tensor>();
  for (const name of source.names) {
    const short = name.replace(/^transformer\./, '');
    if (short === 'lm_head.weight' || /\.attn\.(masked_)?bias$/.test(short)) continue;
    const info = source.info(name)!;
    map.set(short, tf.tensor(source.getFloat32(name), info.shape));
  }
  return map;
}

/** True when lm_head.weight is absent or equal to wte.weight (BatchedGpt2 uses the tied head). */
export function hasTiedHead(source: TensorSource): boolean {
  const head = source.names.find((n) => n.replace(/^transformer\./, '') === 'lm_head.weight');
  if (!head) return true;
  const wte = source.names.find((n) => n.replace(/^transformer\./, '') === 'wte.weight');
  if (!wte) return false;
  const a = source.getFloat32(head);
  const b = source.getFloat32(wte);
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * All prefixes as one batch: left-padded prefill, then one token per row per step; finished rows are fed the pad
 * id and ignored. `weights` are owned by the continuer (disposed with it).
 */
export function batchedContinuer(
  config: GPT2Config,
  weights: Map<string, tf.Tensor>,
  eosId: number | undefined,
  padId = 0,
): Continuer {
  const model = new BatchedGpt2(config, weights);
  return {
    kind: 'batched',
    async continueAll(prefixes, maxNew, signal) {
      check(prefixes, maxNew, config.n_positions);
      const out: number[][] = prefixes.map(() => []);
      const running = new Set<number>();
      maxNew.forEach((m, r) => m > 0 && running.add(r));
      if (running.size === 0) return out;
      const decoder = new PaddedDecoder(model, prefixes, padId, config.n_positions);
      try {
        let logits = decoder.prefill();
        for (;;) {
          const data = (await logits.data()) as Float32Array;
          logits.dispose();
          const V = data.length / prefixes.length;
          for (const r of [...running]) {
            const id = argmax(data.subarray(r * V, (r + 1) * V));
            out[r].push(id);
            if (id === eosId || out[r].length >= maxNew[r]) running.delete(r);
          }
          if (running.size === 0) break;
          aborted(signal);
          logits = decoder.step(out.map((ids, r) => (running.has(r) ? ids[ids.length - 1] : padId)));
          await yieldToEventLoop();
        }
      } finally {
        decoder.dispose();
      }
      return out;
    },
    dispose() {
      tf.dispose([...weights.values()]);
    },
  };
}

/**
 * KV-cache decoding of R left-padded rows on BatchedGpt2 (like rl/batch-decoder.ts), except that a row's position
 * is clamped to the context: rows here end at different steps, and a finished row keeps being fed (its outputs are
 * ignored and it attends only to itself) while longer rows go on.
 */
class PaddedDecoder {
  private readonly offsets: number[];
  private readonly width: number;
  private length = 0;
  private kv: LayerKV[] | null = null;
  private readonly release: () => void;

  constructor(
    private readonly model: BatchedGpt2,
    private readonly prefixes: number[][],
    private readonly padId: number,
    private readonly context: number,
  ) {
    this.width = Math.max(...prefixes.map((p) => p.length));
    this.offsets = prefixes.map((p) => this.width - p.length);
    this.release = model.hold();
  }

  private mask(M: number, T: number): tf.Tensor4D {
    const R = this.prefixes.length;
    const m = new Float32Array(R * M * T);
    for (let r = 0; r < R; r++) {
      for (let i = 0; i < M; i++) {
        const q = T - M + i; // absolute column of query i
        for (let c = 0; c < T; c++) if (c < this.offsets[r] || c > q) m[(r * M + i) * T + c] = MASKED;
      }
    }
    return tf.tensor4d(m, [R, 1, M, T]);
  }

  prefill(): tf.Tensor2D {
    const R = this.prefixes.length;
    const P = this.width;
    const ids = new Int32Array(R * P).fill(this.padId);
    const positions = new Int32Array(R * P);
    for (let r = 0; r < R; r++) {
      const off = this.offsets[r];
      this.prefixes[r].forEach((id, i) => (ids[r * P + off + i] = id));
      for (let c = 0; c < P; c++) positions[r * P + c] = Math.max(0, c - off);
    }
    return this.feed(ids, positions, P);
  }

  step(tokens: number[]): tf.Tensor2D {
    const positions = Int32Array.from(this.offsets, (off) => Math.min(this.length - off, this.context - 1));
    return this.feed(Int32Array.from(tokens), positions, 1);
  }

  private feed(ids: Int32Array, positions: Int32Array, M: number): tf.Tensor2D {
    const T = this.length + M;
    const mask = this.mask(M, T);
    try {
      const { logits, kv } = this.model._step(ids, positions, this.prefixes.length, M, mask, this.kv);
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
