/**
 * Random models of any family, generated tensor by tensor on demand (nothing held on the host beyond the tensor being
 * read): benchmarks build SmolLM2- or Qwen3-shaped models this way. Uniform draws with a GELU/SiLU-friendly scale;
 * norms are 1. Same seed and name -> same tensor.
 */
import type { TensorSource } from '../../io/safetensors';
import { familyOf, parseModelConfig } from '../families';
import { mulberry32 } from '../sampling';
import type { ModelConfig } from '../types';

export interface RandomLlamaShape {
  modelType?: 'llama' | 'qwen2' | 'qwen3';
  layers: number;
  heads: number;
  kvHeads: number;
  hidden: number;
  headDim?: number;
  inner: number;
  vocab: number;
  context: number;
  tied?: boolean;
}

export function randomLlamaConfigJson(s: RandomLlamaShape): string {
  return JSON.stringify({
    model_type: s.modelType ?? 'llama',
    num_hidden_layers: s.layers,
    num_attention_heads: s.heads,
    num_key_value_heads: s.kvHeads,
    hidden_size: s.hidden,
    head_dim: s.headDim,
    intermediate_size: s.inner,
    vocab_size: s.vocab,
    max_position_embeddings: s.context,
    rms_norm_eps: 1e-6,
    rope_theta: 10000,
    tie_word_embeddings: s.tied ?? true,
  });
}

function hash(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A TensorSource whose every tensor the config needs is drawn when read (std 1/√fan-in for matrices). */
export function randomSource(config: ModelConfig, seed = 1): TensorSource {
  const shapes = new Map(
    familyOf(config)
      .tensors(config)
      .map((t) => [t.name, t.shape]),
  );
  const untied = config.model_type === 'gpt2' ? false : !config.tie_word_embeddings;
  if (untied) shapes.set('lm_head.weight', [config.vocab_size, config.n_embd]);
  return {
    fileName: 'random',
    metadata: {},
    names: [...shapes.keys()],
    info: (name) => {
      const shape = shapes.get(name);
      return shape && { name, dtype: 'F32', shape: [...shape] };
    },
    getFloat32(name) {
      const shape = shapes.get(name);
      if (!shape) throw new Error(`random source: no tensor ${name}`);
      const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
      if (/norm|ln_/.test(name) && shape.length === 1) return data.fill(1);
      const rng = mulberry32((seed ^ hash(name)) >>> 0);
      const scale = Math.sqrt(3) * (shape.length === 2 ? 1 / Math.sqrt(shape[shape.length - 1]) : 0.02);
      for (let i = 0; i < data.length; i++) data[i] = scale * (2 * rng() - 1);
      return data;
    },
  };
}

export function randomLlama(s: RandomLlamaShape): { config: ModelConfig; source: TensorSource } {
  const config = parseModelConfig(randomLlamaConfigJson(s), 'random/config.json');
  return { config, source: randomSource(config) };
}
