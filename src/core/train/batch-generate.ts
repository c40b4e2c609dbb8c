/**
 * Batched generation for evaluation and rollouts: many sequences advance in lockstep, one position per
 * step, each with its own KV cache row. Row b consumes its prompt token at step t while t < its prompt
 * length, then its own samples — so every row sits at the same position and no padding ever enters
 * attention. Tiny models are dominated by per-op overhead, so B rows cost about as much as one.
 * Inference only (no gradients); reads the weights of a GPT2Train.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../tasks/prng';
import type { GPT2Train } from './gpt2-train';

export interface BatchGenerateOptions {
  maxNewTokens: number;
  /** 0 = greedy (ties to the lowest id). */
  temperature: number;
  /** Per-row sampling seeds (default row index). */
  seeds?: number[];
  stopId?: number;
}

/** New ids per row (the stop token included when it ended the row). */
export function generateBatch(model: GPT2Train, prompts: number[][], o: BatchGenerateOptions): number[][] {
  const c = model.config;
  const B = prompts.length;
  if (B === 0) return [];
  const H = c.n_head;
  const D = c.n_embd;
  const hd = D / H;
  const W = (name: string) => model.vars.get(name)! as unknown as tf.Tensor;
  const rngs = prompts.map((_, b) => new Rng(o.seeds?.[b] ?? b));
  const seqs = prompts.map((p) => p.slice());
  const outs: number[][] = prompts.map(() => []);
  const done = prompts.map((p) => p.length === 0);
  const cap = Math.min(c.n_positions, Math.max(...prompts.map((p) => p.length)) + o.maxNewTokens);
  const wteT = tf.tidy(() => tf.transpose(W('wte.weight'))); // [D, V], pre-transposed for the 2-D fast path
  let kT: tf.Tensor[] = []; // per layer [t, B*H, hd]
  let vC: tf.Tensor[] = []; // per layer [t, B*H, hd]
  const ln = (x: tf.Tensor, p: string) => {
    const mean = tf.mean(x, 1, true);
    const xc = tf.sub(x, mean);
    const y = tf.mul(xc, tf.rsqrt(tf.add(tf.mean(tf.mul(xc, xc), 1, true), c.layer_norm_epsilon)));
    return tf.add(tf.mul(y, W(`${p}.weight`)), W(`${p}.bias`));
  };
  const lin = (x: tf.Tensor, p: string) => tf.add(tf.matMul(x as tf.Tensor2D, W(`${p}.weight`) as tf.Tensor2D), W(`${p}.bias`));
  const act = (x: tf.Tensor) => {
    if (c.activation_function === 'relu') return tf.relu(x);
    const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  };
  try {
    for (let t = 0; t < cap - 1 && done.some((d) => !d); t++) {
      const ids = seqs.map((s) => s[Math.min(t, s.length - 1)]);
      const { logits, newK, newV } = tf.tidy(() => {
        const tok = tf.gather(W('wte.weight'), tf.tensor1d(ids, 'int32')); // [B, D]
        let x = tf.add(tok, tf.slice(W('wpe.weight'), [t, 0], [1, D])); // [B, D]
        const newK: tf.Tensor[] = [];
        const newV: tf.Tensor[] = [];
        for (let l = 0; l < c.n_layer; l++) {
          const qkv = lin(ln(x, `h.${l}.ln_1`), `h.${l}.attn.c_attn`); // [B, 3D]
          // Caches are [t, B*H, hd]: appending along axis 0 is one contiguous copy (concat on inner axes
          // copies row by row in JS and dominated the profile), and attention is done with broadcast
          // multiply + sum instead of rank-3 matMul (off tfjs-wasm's fast path anyway).
          const q = tf.reshape(tf.slice(qkv, [0, 0], [B, D]), [1, B * H, hd]); // [1, B*H, hd]
          const k = tf.reshape(tf.slice(qkv, [0, D], [B, D]), [1, B * H, hd]); // [1, B*H, hd]
          const v = tf.reshape(tf.slice(qkv, [0, 2 * D], [B, D]), [1, B * H, hd]); // [1, B*H, hd]
          const K = t === 0 ? k : tf.concat([kT[l], k], 0); // [t+1, B*H, hd]
          const V = t === 0 ? v : tf.concat([vC[l], v], 0); // [t+1, B*H, hd]
          newK.push(K);
          newV.push(V);
          const scores = tf.mul(tf.sum(tf.mul(K, q), 2), 1 / Math.sqrt(hd)); // [t+1, B*H]
          const probs = tf.transpose(tf.softmax(tf.transpose(scores))); // [t+1, B*H]
          const ctx = tf.reshape(tf.sum(tf.mul(V, tf.expandDims(probs, 2)), 0), [B, D]); // [B, D]
          x = tf.add(x, lin(ctx, `h.${l}.attn.c_proj`));
          x = tf.add(x, lin(act(lin(ln(x, `h.${l}.ln_2`), `h.${l}.mlp.c_fc`)), `h.${l}.mlp.c_proj`));
        }
        return { logits: tf.matMul(ln(x, 'ln_f') as tf.Tensor2D, wteT as tf.Tensor2D), newK, newV }; // [B, V]
      });
      tf.dispose([...kT, ...vC]);
      kT = newK;
      vC = newV;
      const L = logits.dataSync() as Float32Array;
      logits.dispose();
      const V = c.vocab_size;
      for (let b = 0; b < B; b++) {
        if (done[b] || t + 1 < seqs[b].length) continue; // still reading its prompt
        const id = pick(L.subarray(b * V, (b + 1) * V), o.temperature, rngs[b]);
        seqs[b].push(id);
        outs[b].push(id);
        if (id === o.stopId || outs[b].length >= o.maxNewTokens || seqs[b].length >= c.n_positions) done[b] = true;
      }
    }
  } finally {
    tf.dispose([...kT, ...vC, wteT]);
  }
  return outs;
}

function pick(logits: Float32Array, temperature: number, rng: Rng): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  if (!(temperature > 0)) return best;
  // Softmax at temperature, in float64, then inverse-CDF sampling.
  let sum = 0;
  const p = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) sum += p[i] = Math.exp((logits[i] - logits[best]) / temperature);
  let r = rng.next() * sum;
  for (let i = 0; i < p.length; i++) {
    r -= p[i];
    if (r < 0) return i;
  }
  return best;
}
