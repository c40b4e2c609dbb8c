/**
 * The LM head reduced block by block: what the analysis needs from the logits (the entropy of every row's softmax)
 * without ever holding logits [M, V]. At V = 151936 those are 622 MB at M = 1024 — twice that while column blocks
 * are joined — which is what broke the wasm heap; here one [rows, block] tile lives at a time.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AttentionCallback, CausalLM } from './types';

/** Most logits one tile may hold (16 MiB of float32): rows are split so rows × block width stays under it. */
export const TILE_ELEMENTS = 1 << 22;

/**
 * Entropy (nats) of softmax(h · [W_0 | W_1 | …]) for every row of h [M, D], as [M]; `blocks` are the head's column
 * blocks [D, V_b]. Per tile: m = row max, z = Σ e, s = Σ e·(x − m) with e = exp(x − m); tiles of one row merge as
 * Z = Σ_b c_b z_b and S = Σ_b c_b (s_b + z_b (m_b − m*)) with c_b = exp(m_b − m*), m* the largest m_b; H = log Z − S/Z.
 * With one block this is exactly rhythm/entropy.ts's formula (c = 1).
 */
export function blockEntropy(h: tf.Tensor2D, blocks: tf.Tensor2D[], tileElements = TILE_ELEMENTS): tf.Tensor1D {
  const [M, D] = h.shape;
  const widest = Math.max(...blocks.map((b) => b.shape[1]));
  const rowsPerTile = Math.max(1, Math.floor(tileElements / widest));
  const parts: tf.Tensor1D[] = [];
  try {
    for (let r0 = 0; r0 < M; r0 += rowsPerTile) {
      const n = Math.min(rowsPerTile, M - r0);
      const rows = n === M ? h : (tf.slice(h, [r0, 0], [n, D]) as tf.Tensor2D); // [n, D]
      // Each tile's temporaries are freed at once; only its [3, n] statistics are kept.
      const stats = blocks.map((w) =>
        tf.tidy(() => {
          const x = tf.matMul(rows, w); // [n, V_b]
          const m = tf.max(x, 1, true); // [n, 1]
          const shifted = tf.sub(x, m); // [n, V_b]
          const e = tf.exp(shifted);
          return tf.stack([tf.reshape(m, [n]), tf.sum(e, 1), tf.sum(tf.mul(e, shifted), 1)]) as tf.Tensor2D; // [3, n]
        }),
      );
      if (rows !== h) rows.dispose();
      parts.push(tf.tidy(() => mergeTiles(stats)));
      for (const s of stats) s.dispose();
    }
    return parts.length === 1 ? parts[0] : tf.tidy(() => tf.concat(parts) as tf.Tensor1D);
  } finally {
    if (parts.length > 1) for (const p of parts) p.dispose();
  }
}

/** Entropy [n] from the per-block [3, n] statistics (m, z, s) of the same rows. */
function mergeTiles(stats: tf.Tensor2D[]): tf.Tensor1D {
  if (stats.length === 1) {
    const [, z, s] = tf.unstack(stats[0]);
    return tf.sub(tf.log(z), tf.div(s, z));
  }
  const all = tf.stack(stats); // [B, 3, n]
  const [m, z, s] = tf.unstack(all, 1); // [B, n] each
  const top = tf.max(m, 0); // [n]
  const gap = tf.sub(m, top); // [B, n], ≤ 0
  const c = tf.exp(gap);
  const Z = tf.sum(tf.mul(c, z), 0); // [n]
  const S = tf.sum(tf.mul(c, tf.add(s, tf.mul(z, gap))), 0); // [n]
  return tf.sub(tf.log(Z), tf.div(S, Z));
}

/**
 * The forward of `ids` up to the entropy of every position's next-token distribution, [N] (row t is the entropy of
 * softmax(logits[t])): embed, every block (feeding `onAttention`), then the head block by block. Caller disposes.
 */
export function forwardEntropy(model: CausalLM, ids: number[], onAttention?: AttentionCallback): tf.Tensor1D {
  model.checkIds(ids, 0);
  let x = tf.tidy(() => model.embed(ids, 0)); // [N, D]
  try {
    for (let l = 0; l < model.config.n_layer; l++) {
      const prev = x;
      x = tf.tidy(() => model.block(l, prev, null, onAttention).x); // [N, D]
      prev.dispose();
    }
    return model.headEntropy(x); // [N]
  } finally {
    x.dispose();
  }
}

/**
 * Entries `ids` of a table kept in blocks along `axis` (0: row blocks [V_b, D]; 1: column blocks [D, V_b]), in the
 * order of `ids`: [M, D] for axis 0, [D, M] for axis 1. Gathered per block, joined, then put back in order.
 */
export function gatherFromBlocks(blocks: tf.Tensor2D[], ids: number[], axis: 0 | 1): tf.Tensor2D {
  const parts: tf.Tensor2D[] = [];
  const order: number[] = []; // order[j] = index in ids of the j-th gathered entry
  let start = 0;
  for (const block of blocks) {
    const size = block.shape[axis];
    const local: number[] = [];
    ids.forEach((id, i) => {
      if (id >= start && id < start + size) {
        local.push(id - start);
        order.push(i);
      }
    });
    if (local.length > 0) parts.push(tf.gather(block, tf.tensor1d(local, 'int32'), axis) as tf.Tensor2D);
    start += size;
  }
  let out = parts.length === 1 ? parts[0] : (tf.concat(parts, axis) as tf.Tensor2D); // grouped by block
  if (order.some((i, j) => i !== j)) {
    const back = new Int32Array(ids.length);
    order.forEach((i, j) => (back[i] = j));
    out = tf.gather(out, tf.tensor1d(back, 'int32'), axis) as tf.Tensor2D; // in the order of ids
  }
  return out;
}
