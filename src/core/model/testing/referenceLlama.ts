/**
 * Reference forward of the Llama-style families (llama, qwen2, qwen3) in plain JS loops with float64 accumulators,
 * written from the transformers modeling code's semantics and independently of decoder.ts, to check it: RMSNorm,
 * q/k/v (+ bias), Qwen3's per-head q/k RMSNorm, RoPE in the rotate-half convention (frequencies plain or scaled:
 * linear, dynamic, llama3, yarn with its cos/sin factor), grouped-query attention
 * (query head h reads KV head ⌊h / (H / H_kv)⌋), o_proj, the gated MLP (act(gate) · up), final norm, tied or stored
 * LM head. Weights are read as stored ([out, in], Hugging Face names). Slow; tests only.
 */
import type { LlamaConfig } from '../types';
import { referenceActivation, type ReferenceOutput } from './referenceGpt2';

/** A stored tensor by its Hugging Face name (with or without the `model.` prefix), as float32. */
export type ReadStored = (name: string) => Float32Array | undefined;

export function referenceLlamaForward(config: LlamaConfig, read: ReadStored, ids: number[]): ReferenceOutput {
  const { n_layer: L, n_head: H, n_kv_head: Hkv, head_dim: hd, n_embd: D, vocab_size: V } = config;
  const F = config.intermediate_size;
  const N = ids.length;
  const get = (name: string): Float32Array => {
    const t = read(`model.${name}`) ?? read(name);
    if (!t) throw new Error(`reference: no tensor ${name}`);
    return t;
  };

  const embed = get('embed_tokens.weight'); // [V, D]
  let x: Float64Array[] = ids.map((id) => Float64Array.from(embed.subarray(id * D, (id + 1) * D)));
  const invFreq = ropeFrequencies(config);
  // YaRN multiplies cos and sin, i.e. every rotated q and k, by its attention factor.
  const sc = config.rope_scaling;
  const rotScale = sc?.rope_type === 'yarn' ? sc.attention_factor : 1;
  const act = referenceActivation(config.hidden_act);
  const attention: Float32Array[] = [];

  for (let l = 0; l < L; l++) {
    const p = `layers.${l}.`;
    const h = x.map((row) => rmsNorm(row, get(`${p}input_layernorm.weight`), config.rms_norm_eps));
    const bias = (name: string, on: boolean) => (on ? get(`${p}${name}.bias`) : undefined);
    const q = h.map((row) =>
      project(row, get(`${p}self_attn.q_proj.weight`), H * hd, bias('self_attn.q_proj', config.qkv_bias)),
    );
    const k = h.map((row) =>
      project(row, get(`${p}self_attn.k_proj.weight`), Hkv * hd, bias('self_attn.k_proj', config.qkv_bias)),
    );
    const v = h.map((row) =>
      project(row, get(`${p}self_attn.v_proj.weight`), Hkv * hd, bias('self_attn.v_proj', config.qkv_bias)),
    );
    for (let t = 0; t < N; t++) {
      for (let head = 0; head < H; head++) {
        const seg = q[t].subarray(head * hd, (head + 1) * hd);
        if (config.qk_norm) seg.set(rmsNorm(seg, get(`${p}self_attn.q_norm.weight`), config.rms_norm_eps));
        rotateHalf(seg, t, invFreq, rotScale);
      }
      for (let g = 0; g < Hkv; g++) {
        const seg = k[t].subarray(g * hd, (g + 1) * hd);
        if (config.qk_norm) seg.set(rmsNorm(seg, get(`${p}self_attn.k_norm.weight`), config.rms_norm_eps));
        rotateHalf(seg, t, invFreq, rotScale);
      }
    }
    const maps = new Float32Array(H * N * N);
    const ctx = Array.from({ length: N }, () => new Float64Array(H * hd));
    for (let head = 0; head < H; head++) {
      const g = Math.floor(head / (H / Hkv));
      for (let t = 0; t < N; t++) {
        const scores: number[] = [];
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let i = 0; i < hd; i++) dot += q[t][head * hd + i] * k[s][g * hd + i];
          scores.push(dot / Math.sqrt(hd));
        }
        const probs = softmax(scores);
        for (let s = 0; s <= t; s++) {
          maps[(head * N + t) * N + s] = probs[s];
          for (let i = 0; i < hd; i++) ctx[t][head * hd + i] += probs[s] * v[s][g * hd + i];
        }
      }
    }
    attention.push(maps);
    const o = ctx.map((row) =>
      project(row, get(`${p}self_attn.o_proj.weight`), D, bias('self_attn.o_proj', config.o_bias)),
    );
    x = x.map((row, t) => row.map((val, i) => val + o[t][i]));
    const h2 = x.map((row) => rmsNorm(row, get(`${p}post_attention_layernorm.weight`), config.rms_norm_eps));
    x = x.map((row, t) => {
      const gate = project(h2[t], get(`${p}mlp.gate_proj.weight`), F, bias('mlp.gate_proj', config.mlp_bias));
      const up = project(h2[t], get(`${p}mlp.up_proj.weight`), F, bias('mlp.up_proj', config.mlp_bias));
      const hidden = gate.map((z, i) => act(z) * up[i]);
      const down = project(hidden, get(`${p}mlp.down_proj.weight`), D, bias('mlp.down_proj', config.mlp_bias));
      return row.map((val, i) => val + down[i]);
    });
  }

  const head = config.tie_word_embeddings ? embed : get('lm_head.weight'); // [V, D]
  const logits = new Float32Array(N * V);
  x.forEach((row, t) => logits.set(project(rmsNorm(row, get('norm.weight'), config.rms_norm_eps), head, V), t * V));
  return { logits, attention };
}

/** w · x (+ b) with w stored [out, in] row-major. */
function project(x: ArrayLike<number>, w: Float32Array, out: number, b?: Float32Array): Float64Array {
  const n = x.length;
  const y = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    let s = b ? b[o] : 0;
    for (let i = 0; i < n; i++) s += w[o * n + i] * x[i];
    y[o] = s;
  }
  return y;
}

function rmsNorm(x: ArrayLike<number>, w: Float32Array, eps: number): Float64Array {
  let ms = 0;
  for (let i = 0; i < x.length; i++) ms += x[i] * x[i];
  const r = 1 / Math.sqrt(ms / x.length + eps);
  return Float64Array.from({ length: x.length }, (_, i) => x[i] * r * w[i]);
}

function softmax(s: number[]): number[] {
  const m = Math.max(...s);
  const e = s.map((v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

/**
 * In place: x[j] ← (x[j]·cos − x[j + hd/2]·sin)·a, x[j + hd/2] ← (x[j + hd/2]·cos + x[j]·sin)·a, angle = pos · f_j.
 */
function rotateHalf(x: Float64Array, pos: number, invFreq: number[], a: number): void {
  const half = x.length / 2;
  for (let j = 0; j < half; j++) {
    const u = x[j];
    const w = x[j + half];
    const c = Math.cos(pos * invFreq[j]) * a;
    const s = Math.sin(pos * invFreq[j]) * a;
    x[j] = u * c - w * s;
    x[j + half] = w * c + u * s;
  }
}

/**
 * θ^(−2j/hd) as each scaling changes it. linear: ÷ factor. dynamic: unchanged (the sequences here stay within
 * max_position_embeddings). llama3: long wavelengths ÷ factor, a smooth blend between the bands. yarn: between
 * the dimension that turns beta_fast times over the original context and the one that turns beta_slow times
 * (rounded outwards when truncate), the weight of the original frequency falls linearly from 1 to 0; beyond, ÷ factor.
 */
function ropeFrequencies(c: LlamaConfig): number[] {
  const hd = c.head_dim;
  const base = Array.from({ length: hd / 2 }, (_, j) => Math.pow(c.rope_theta, (-2 * j) / hd));
  const sc = c.rope_scaling;
  if (!sc || sc.rope_type === 'dynamic') return base;
  if (sc.rope_type === 'linear') return base.map((f) => f / sc.factor);
  if (sc.rope_type === 'yarn') {
    // Dimension pair j turns L / (2π θ^(2j/hd)) times over L positions; solve for j at a number of turns.
    const pairAt = (turns: number) =>
      (hd / 2) * (Math.log(sc.original_max_position_embeddings / (2 * Math.PI * turns)) / Math.log(c.rope_theta));
    let from = pairAt(sc.beta_fast);
    let to = pairAt(sc.beta_slow);
    if (sc.truncate) {
      from = Math.floor(from);
      to = Math.ceil(to);
    }
    from = Math.max(from, 0);
    to = Math.min(to, hd - 1);
    if (to === from) to += 0.001;
    return base.map((f, j) => {
      const original = j <= from ? 1 : j >= to ? 0 : 1 - (j - from) / (to - from);
      return original * f + (1 - original) * (f / sc.factor);
    });
  }
  const lowWavelen = sc.original_max_position_embeddings / sc.low_freq_factor;
  const highWavelen = sc.original_max_position_embeddings / sc.high_freq_factor;
  return base.map((f) => {
    const wavelen = (2 * Math.PI) / f;
    if (wavelen < highWavelen) return f;
    if (wavelen > lowWavelen) return f / sc.factor;
    const smooth =
      (sc.original_max_position_embeddings / wavelen - sc.low_freq_factor) / (sc.high_freq_factor - sc.low_freq_factor);
    return (1 - smooth) * (f / sc.factor) + smooth * f;
  });
}
