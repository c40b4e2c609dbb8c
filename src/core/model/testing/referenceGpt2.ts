/**
 * Reference GPT-2 forward in plain JS loops over Float32Arrays (float64 accumulators), written from the
 * GPT-2 paper / HF GPT2Model semantics and independently of the decoder, to check it. Slow; for tests only.
 */
export interface ReferenceTensor {
  shape: number[];
  data: Float32Array;
}

export interface ReferenceConfig {
  n_layer: number;
  n_head: number;
  n_embd: number;
  vocab_size: number;
  layer_norm_epsilon: number;
  /** gelu_new / gelu_pytorch_tanh (default), gelu (erf), relu */
  activation_function?: string;
  /** Scores ÷ √head_dim unless false; ÷ (layer + 1) as well when scale_attn_by_inverse_layer_idx. */
  scale_attn_weights?: boolean;
  scale_attn_by_inverse_layer_idx?: boolean;
}

export interface ReferenceOutput {
  logits: Float32Array; // [N, V]
  attention: Float32Array[]; // per layer [H, N, N]
}

export function referenceGpt2Forward(
  config: ReferenceConfig,
  tensors: Map<string, ReferenceTensor>,
  ids: number[],
): ReferenceOutput {
  const { n_layer: L, n_head: H, n_embd: D, vocab_size: V } = config;
  const N = ids.length;
  const hd = D / H;
  const get = (name: string): Float32Array => {
    const t = tensors.get(name) ?? tensors.get(`transformer.${name}`);
    if (!t) throw new Error(`reference: missing ${name}`);
    return t.data;
  };

  // x[t][i] = wte[id_t][i] + wpe[t][i]
  const wte = get('wte.weight');
  const wpe = get('wpe.weight');
  let x: number[][] = [];
  for (let t = 0; t < N; t++) {
    const row: number[] = [];
    for (let i = 0; i < D; i++) row.push(wte[ids[t] * D + i] + wpe[t * D + i]);
    x.push(row);
  }

  const layerNorm = (rows: number[][], w: Float32Array, b: Float32Array): number[][] =>
    rows.map((r) => {
      const mean = r.reduce((s, v) => s + v, 0) / r.length;
      const variance = r.reduce((s, v) => s + (v - mean) * (v - mean), 0) / r.length;
      const inv = 1 / Math.sqrt(variance + config.layer_norm_epsilon);
      return r.map((v, i) => (v - mean) * inv * w[i] + b[i]);
    });
  // Conv1D as HF stores it: out[j] = sum_i in[i] * W[i][j] + b[j], W of shape [in, out].
  const linear = (rows: number[][], w: Float32Array, b: Float32Array | null, outDim: number): number[][] =>
    rows.map((r) => {
      const out: number[] = [];
      for (let j = 0; j < outDim; j++) {
        let s = b ? b[j] : 0;
        for (let i = 0; i < r.length; i++) s += r[i] * w[i * outDim + j];
        out.push(s);
      }
      return out;
    });
  const act = referenceActivation(config.activation_function ?? 'gelu_new');

  const attention: Float32Array[] = [];
  for (let l = 0; l < L; l++) {
    const p = `h.${l}.`;
    const a = layerNorm(x, get(`${p}ln_1.weight`), get(`${p}ln_1.bias`));
    const qkv = linear(a, get(`${p}attn.c_attn.weight`), get(`${p}attn.c_attn.bias`), 3 * D);
    const maps = new Float32Array(H * N * N);
    const merged: number[][] = Array.from({ length: N }, () => new Array(D).fill(0));
    for (let h = 0; h < H; h++) {
      for (let t = 0; t < N; t++) {
        // scores over keys s <= t, softmax, then the weighted sum of values
        const scores: number[] = [];
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let i = 0; i < hd; i++) dot += qkv[t][h * hd + i] * qkv[s][D + h * hd + i];
          if (config.scale_attn_weights !== false) dot /= Math.sqrt(hd);
          if (config.scale_attn_by_inverse_layer_idx) dot /= l + 1;
          scores.push(dot);
        }
        const m = Math.max(...scores);
        const e = scores.map((sc) => Math.exp(sc - m));
        const z = e.reduce((acc, v) => acc + v, 0);
        for (let s = 0; s <= t; s++) {
          const prob = e[s] / z;
          maps[(h * N + t) * N + s] = prob;
          for (let i = 0; i < hd; i++) merged[t][h * hd + i] += prob * qkv[s][2 * D + h * hd + i];
        }
      }
    }
    attention.push(maps);
    const attnOut = linear(merged, get(`${p}attn.c_proj.weight`), get(`${p}attn.c_proj.bias`), D);
    x = x.map((r, t) => r.map((v, i) => v + attnOut[t][i]));
    const m = layerNorm(x, get(`${p}ln_2.weight`), get(`${p}ln_2.bias`));
    const F = get(`${p}mlp.c_fc.bias`).length;
    const hidden = linear(m, get(`${p}mlp.c_fc.weight`), get(`${p}mlp.c_fc.bias`), F).map((r) => r.map(act));
    const mlpOut = linear(hidden, get(`${p}mlp.c_proj.weight`), get(`${p}mlp.c_proj.bias`), D);
    x = x.map((r, t) => r.map((v, i) => v + mlpOut[t][i]));
  }

  const f = layerNorm(x, get('ln_f.weight'), get('ln_f.bias'));
  // logits[t][v] = sum_i f[t][i] * E[v][i], E = lm_head.weight or (tied) wte
  const head = tensors.get('lm_head.weight')?.data ?? wte;
  const logits = new Float32Array(N * V);
  for (let t = 0; t < N; t++) {
    for (let v = 0; v < V; v++) {
      let s = 0;
      for (let i = 0; i < D; i++) s += f[t][i] * head[v * D + i];
      logits[t * V + v] = s;
    }
  }
  return { logits, attention };
}

/** An MLP activation by its transformers name (ACT2FN), elementwise. */
export function referenceActivation(name: string): (z: number) => number {
  switch (name) {
    case 'silu':
    case 'swish':
      return (z) => z / (1 + Math.exp(-z));
    case 'gelu':
      return (z) => 0.5 * z * (1 + erf(z / Math.SQRT2));
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
      return (z) => 0.5 * z * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z)));
    case 'relu':
      return (z) => Math.max(0, z);
    default:
      throw new Error(`reference: no activation ${name}`);
  }
}

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), enough for a 1e-4 comparison. */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-a * a));
}
