/** Test helpers: a tiny random GPT-2 over the task vocabulary, as RL's PolicyInit and as the inference runtime. */
import { writeSafetensors, parseSafetensors } from '../../io/safetensors';
import { Decoder } from '../../model/decoder';
import type { GPT2Config } from '../../model/types';
import { EOS_ID, EOS_TOKEN, TASK_TOKENS } from '../../tasks/index';
import { CharTokenizer } from '../../tokenizer/char';
import { initGpt2Params, type NamedArray } from '../../train/gpt2-train';
import type { PolicyInit } from '../trainer';

export function tinyConfig(over: Partial<GPT2Config> = {}): GPT2Config {
  return {
    model_type: 'gpt2',
    n_layer: 2,
    n_head: 2,
    n_embd: 16,
    n_positions: 128,
    vocab_size: TASK_TOKENS.length,
    layer_norm_epsilon: 1e-5,
    activation_function: 'relu',
    bos_token_id: EOS_ID,
    eos_token_id: EOS_ID,
    raw: {},
    ...over,
  };
}

/** Random weights with a larger scale than GPT-2's init so attention maps and samples are not near-uniform. */
export function tinyWeights(config: GPT2Config, seed: number, scale = 5): NamedArray[] {
  return initGpt2Params(config, seed).map((p) =>
    /ln_|bias/.test(p.name) ? p : { ...p, data: p.data.map((x) => x * scale) },
  );
}

export function tinyPolicy(seed = 1, over: Partial<GPT2Config> = {}): PolicyInit & { config: GPT2Config } {
  const config = tinyConfig(over);
  return {
    config,
    weights: tinyWeights(config, seed),
    tokenizer: new CharTokenizer([...TASK_TOKENS], { eosToken: EOS_TOKEN }),
  };
}

/** The same weights in the inference runtime (for cross-checks). */
export function runtimeOf(init: PolicyInit): Decoder {
  const bytes = writeSafetensors(init.weights);
  return Decoder.fromSource(init.config, parseSafetensors(bytes, 'tiny.safetensors'));
}
