/**
 * Training any family the decoder runs with tfjs autodiff (tf.variableGrads): the variables are the stored tensors
 * under their Hugging Face names, and every forward derives the decoder's weight slots from them with tensor ops
 * (family.layerFromTensors) and runs the model's own Decoder.blockRows — the same forward as inference and analysis.
 * GPT-2 keeps its hand-written gradients (./gpt2-train.ts); this class serves the Llama-style families.
 * Same interface as GPT2Train where RL uses it: config, vars, hfName, forward(ids, onAttention), toArrays, dispose.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Decoder } from '../model/decoder';
import { familyOf, specOf } from '../model/families';
import { causalMaskData } from '../model/ops';
import type { DecoderWeights } from '../model/upload';
import type { ModelConfig } from '../model/types';
import type { NamedArray } from './gpt2-train';

/** Stored tensor names and shapes of `config` (lm_head when untied). */
export function decoderParamShapes(config: ModelConfig): { name: string; shape: number[] }[] {
  const out = familyOf(config).tensors(config);
  if (config.model_type !== 'gpt2' && !config.tie_word_embeddings)
    out.push({ name: 'lm_head.weight', shape: [config.vocab_size, config.n_embd] });
  return out;
}

export class DecoderTrain {
  readonly config: ModelConfig;
  readonly vars = new Map<string, tf.Variable>();
  private static instances = 0;
  private readonly prefix: string;

  constructor(config: ModelConfig, params: NamedArray[]) {
    const family = familyOf(config);
    if (!family.layerFromTensors || !family.globalNames)
      throw new Error(`${config.model_type}: no autodiff training for this family`);
    this.config = config;
    this.prefix = `dectrain${++DecoderTrain.instances}/`; // variable names must be unique per engine
    const byName = new Map(params.map((p) => [p.name, p]));
    const has = (name: string) => byName.has(name);
    for (const { name, shape } of decoderParamShapes(config)) {
      const stored = name === 'lm_head.weight' ? (has(name) ? name : undefined) : family.resolve(has, name);
      const p = stored && byName.get(stored);
      if (!p) throw new Error(`missing parameter ${name}`);
      if (p.shape.join(',') !== shape.join(',')) throw new Error(`${name}: shape [${p.shape}] != expected [${shape}]`);
      const initial = tf.tensor(p.data, shape);
      this.vars.set(name, tf.variable(initial, true, `${this.prefix}${name}`));
      initial.dispose();
    }
  }

  hfName(variableName: string): string {
    return variableName.slice(variableName.indexOf('/') + 1);
  }

  get numParams(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  /**
   * Logits [B*T, V] for ids [B, T] (row-major), differentiable in the variables; call inside tf.tidy / variableGrads.
   * `onAttention` sees each layer's probabilities [B*H, T, T] (row b·H + h), as GPT2Train gives them.
   */
  forward(ids: tf.Tensor2D, onAttention?: (layer: number, probs: tf.Tensor3D) => void): tf.Tensor2D {
    const [B, T] = ids.shape;
    const c = this.config;
    if (T > c.n_positions) throw new Error(`sequence length ${T} exceeds the context ${c.n_positions}`);
    const family = familyOf(c);
    const get = (name: string) => this.vars.get(name)!;
    const names = family.globalNames!(c);
    const embed = get(names.embed) as tf.Tensor2D; // [V, D]
    const head = c.model_type !== 'gpt2' && !c.tie_word_embeddings ? (get('lm_head.weight') as tf.Tensor2D) : embed;
    const spec = specOf(c);
    const weights: DecoderWeights = {
      embed,
      finalNorm: get(names.finalNorm),
      layers: Array.from({ length: spec.layers }, (_, l) => family.layerFromTensors!(c, l, get)),
      headT: [tf.transpose(head)], // [D, V]
      tiedHead: head === embed,
      numParams: this.numParams,
    };
    const decoder = new Decoder(c, weights, 'training');
    // One-hot × table rather than gather: gather has no gradient on wasm.
    const oneHot = tf.cast(tf.oneHot(tf.reshape(ids, [B * T]) as tf.Tensor1D, c.vocab_size), 'float32') as tf.Tensor2D; // [B*T, V]
    let x = tf.matMul(oneHot, embed) as tf.Tensor2D; // [B*T, D]
    const positions = new Int32Array(B * T);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) positions[b * T + t] = t;
    const rows = { R: B, M: T, positions, mask: tf.tensor4d(causalMaskData(T), [1, 1, T, T]) };
    const H = spec.heads;
    const onRows =
      onAttention && ((l: number, p: tf.Tensor4D) => onAttention(l, tf.reshape(p, [B * H, T, T]) as tf.Tensor3D));
    for (let l = 0; l < spec.layers; l++) x = decoder.blockRows(l, x, null, rows, onRows).x;
    return decoder.head(x, false); // [B*T, V]
  }

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
