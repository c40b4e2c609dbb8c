/**
 * Differentiable, batched GPT-2 forward for training (Hugging Face layout and names, tied LM head).
 * Weights are tf.Variables named like HF's GPT2LMHeadModel without the "transformer." prefix, so a
 * checkpoint is a plain HF model.safetensors that the inference runtime loads like any other.
 * Written for tfjs-wasm's fast paths: every linear is a 2-D matMul on [B*T, D] with a custom gradient
 * (./linear.ts), LayerNorm and the attention core have hand-written gradients without transposed or row-sum
 * kernels (./layer-norm.ts, ./causal-attention.ts); embeddings are one-hot × table because gather has no gradient
 * on wasm. `builtinGrads` switches all of them to tfjs's own autodiff (the reference in tests and benchmarks).
 */
import * as tf from '@tensorflow/tfjs-core';
import { gpt2Family, gpt2QueryScale } from '../model/family-gpt2';
import { causalMaskData, mlpActivation } from '../model/ops';
import type { GPT2Config } from '../model/types';
import { Rng } from '../tasks/prng';
import { causalAttentionBuiltin, makeCausalAttention } from './causal-attention';
import { layerNorm, layerNormBuiltin } from './layer-norm';
import { linear, linearBuiltin, matMulFast } from './linear';

export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

/**
 * HF parameter names and shapes of a GPT-2 with a tied head (no lm_head.weight): the model definition's own list
 * (../model/family-gpt2.ts, so n_inner is honoured), in the order initialisation draws them (ln_f last).
 */
export function gpt2ParamShapes(c: GPT2Config): { name: string; shape: number[] }[] {
  const all = gpt2Family.tensors(c);
  const isFinal = (name: string) => name.startsWith('ln_f.');
  return [...all.filter((t) => !isFinal(t.name)), ...all.filter((t) => isFinal(t.name))];
}

/**
 * GPT-2 initialisation (as HF's _init_weights): N(0, 0.02) for matrices and embeddings, the residual
 * projections (c_proj) scaled by 1/sqrt(2·n_layer), biases 0, LayerNorm weights 1. Seeded, JS-side
 * Box–Muller on our own PRNG, so the same seed gives the same weights on every backend.
 */
export function initGpt2Params(c: GPT2Config, seed: number): NamedArray[] {
  const rng = new Rng(seed);
  const normal = (): number => {
    const u = 1 - rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  return gpt2ParamShapes(c).map(({ name, shape }) => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (/ln_\w+\.weight$/.test(name)) data.fill(1);
    else if (!name.endsWith('.bias')) {
      const std = name.endsWith('c_proj.weight') ? 0.02 / Math.sqrt(2 * c.n_layer) : 0.02;
      for (let i = 0; i < data.length; i++) data[i] = normal() * std;
    }
    return { name, shape, data };
  });
}

export class GPT2Train {
  readonly config: GPT2Config;
  readonly vars = new Map<string, tf.Variable>();
  /** Use tfjs's own autodiff instead of the hand-written gradients (tests and measurements only). */
  builtinGrads = false;

  private static instances = 0;

  constructor(config: GPT2Config, params: NamedArray[]) {
    this.config = config;
    GPT2Train.instances++; // variable names must be unique per engine
    const byName = new Map(params.map((p) => [p.name.replace(/^transformer\./, ''), p]));
    for (const { name, shape } of gpt2ParamShapes(config)) {
      const p = byName.get(name);
      if (!p) throw new Error(`missing parameter ${name}`);
      if (p.shape.join(',') !== shape.join(',')) throw new Error(`${name}: shape [${p.shape}] != expected [${shape}]`);
      const initial = tf.tensor(p.data, shape);
      this.vars.set(name, tf.variable(initial, true, `gpt2train${GPT2Train.instances}/${name}`));
      initial.dispose(); // the variable keeps its own reference to the data
    }
  }

  static init(config: GPT2Config, seed: number): GPT2Train {
    return new GPT2Train(config, initGpt2Params(config, seed));
  }

  /** HF name of a variable, from its tf.Variable name. */
  hfName(variableName: string): string {
    return variableName.slice(variableName.indexOf('/') + 1);
  }

  get numParams(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  private v<R extends tf.Rank>(name: string): tf.Tensor<R> {
    return this.vars.get(name)! as unknown as tf.Tensor<R>;
  }

  private lin(x: tf.Tensor2D, prefix: string): tf.Tensor2D {
    const f = this.builtinGrads ? linearBuiltin : linear;
    return f(x, this.v<tf.Rank.R2>(`${prefix}.weight`), this.v<tf.Rank.R1>(`${prefix}.bias`));
  }

  private layerNorm(x: tf.Tensor2D, prefix: string): tf.Tensor2D {
    const f = this.builtinGrads ? layerNormBuiltin : layerNorm;
    return f(
      x,
      this.v<tf.Rank.R1>(`${prefix}.weight`),
      this.v<tf.Rank.R1>(`${prefix}.bias`),
      this.config.layer_norm_epsilon,
    );
  }

  /**
   * Causal self-attention on h [B*T, D] -> [B*T, D]. q, k and v come from column slices of c_attn (three 2-D
   * products; slicing the small weight is far cheaper on wasm than slicing the [B, T, 3H, hd] activations).
   */
  private attention(h: tf.Tensor2D, B: number, T: number, layer: number, core: AttentionCore): tf.Tensor2D {
    const { n_head: H, n_embd: D } = this.config;
    const hd = D / H;
    const w = this.v<tf.Rank.R2>(`h.${layer}.attn.c_attn.weight`); // [D, 3D]
    const b = this.v<tf.Rank.R1>(`h.${layer}.attn.c_attn.bias`); // [3D]
    const f = this.builtinGrads ? linearBuiltin : linear;
    const heads = (i: number): tf.Tensor3D => {
      const y = f(h, tf.slice(w, [0, i * D], [D, D]), tf.slice(b, [i * D], [D])); // [B*T, D]
      return tf.reshape(tf.transpose(tf.reshape(y, [B, T, H, hd]), [0, 2, 1, 3]), [B * H, T, hd]); // [B*H, T, hd]
    };
    const ctx = core(heads(0), heads(1), heads(2)); // [B*H, T, hd]
    const merged = tf.reshape(tf.transpose(tf.reshape(ctx, [B, H, T, hd]), [0, 2, 1, 3]), [B * T, D]) as tf.Tensor2D; // [B*T, D]
    return this.lin(merged, `h.${layer}.attn.c_proj`);
  }

  /**
   * Logits [B*T, V] for ids [B, T] (row-major, b*T + t). Differentiable in the variables; call inside
   * tf.tidy / optimizer code. T must not exceed n_positions. `onAttention` sees each layer's attention
   * probabilities [B*H, T, T] (row b·H + h) during the call; read them there, never keep the tensor.
   */
  forward(ids: tf.Tensor2D, onAttention?: (layer: number, probs: tf.Tensor3D) => void): tf.Tensor2D {
    const [B, T] = ids.shape;
    const { n_embd: D, vocab_size: V, n_positions } = this.config;
    if (T > n_positions) throw new Error(`sequence length ${T} exceeds n_positions ${n_positions}`);
    const oneHot = tf.cast(tf.oneHot(tf.reshape(ids, [B * T]) as tf.Tensor1D, V), 'float32') as tf.Tensor2D; // [B*T, V]
    const wte = this.v<tf.Rank.R2>('wte.weight');
    const mm = this.builtinGrads ? tf.matMul : matMulFast;
    const tok = mm(oneHot, wte); // [B*T, D]
    const pos = tf.slice(this.v<tf.Rank.R2>('wpe.weight'), [0, 0], [T, D]); // [T, D]
    let x = tf.reshape(tf.add(tf.reshape(tok, [B, T, D]), pos), [B * T, D]) as tf.Tensor2D; // [B*T, D]
    // Additive causal mask, broadcast over batch·heads: 0 on and below the diagonal, -1e9 above.
    const mask = tf.tensor2d(causalMaskData(T), [T, T]);
    const coreOf = (layer: number): AttentionCore => {
      const onProbs = onAttention && ((p: tf.Tensor3D) => onAttention(layer, p));
      const scale = gpt2QueryScale(this.config, layer);
      return this.builtinGrads
        ? (q, k, v) => causalAttentionBuiltin(q, k, v, mask, scale, onProbs)
        : makeCausalAttention(mask, scale, onProbs);
    };
    for (let l = 0; l < this.config.n_layer; l++) {
      x = tf.add(x, this.attention(this.layerNorm(x, `h.${l}.ln_1`), B, T, l, coreOf(l)));
      const m = mlpActivation(
        this.lin(this.layerNorm(x, `h.${l}.ln_2`), `h.${l}.mlp.c_fc`),
        this.config.activation_function,
      );
      x = tf.add(x, this.lin(m, `h.${l}.mlp.c_proj`));
    }
    x = this.layerNorm(x, 'ln_f');
    return mm(x, tf.transpose(wte)); // [B*T, V], tied head
  }

  /** Current weights in HF names (tied head: no lm_head.weight). */
  toArrays(): NamedArray[] {
    return [...this.vars.entries()].map(([name, v]) => ({
      name,
      shape: v.shape.slice(),
      data: v.dataSync() as Float32Array,
    }));
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

type AttentionCore = (q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D) => tf.Tensor3D;
