/**
 * config.json of a GPT-2 family model (Hugging Face `GPT2Config`), validated up front so that a bad
 * file fails with one clear InputError naming the file and the key, never deep inside the forward.
 */
import { InputError } from '../errors';
import type { GPT2Config } from './types';

type Activation = GPT2Config['activation_function'];
const ACTIVATIONS: readonly Activation[] = ['gelu_new', 'gelu_pytorch_tanh', 'gelu', 'relu'];

/**
 * Canonical GPT-2 key -> the other names Hugging Face accepts for it (GPT2Config.attribute_map, and
 * `n_ctx`, which older configs carry next to or instead of n_positions).
 */
const ALIASES: Record<string, string[]> = {
  n_layer: ['num_hidden_layers'],
  n_head: ['num_attention_heads'],
  n_embd: ['hidden_size'],
  n_positions: ['max_position_embeddings', 'n_ctx'],
  vocab_size: [],
};

export function parseGPT2Config(text: string, fileName = 'config.json'): GPT2Config {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message})`, { file: fileName });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError('expected a JSON object', { file: fileName });
  }
  const obj = raw as Record<string, unknown>;
  const fail = (field: string, message: string): never => {
    throw new InputError(message, { file: fileName, field });
  };

  if (obj.model_type === undefined) fail('model_type', 'missing; expected "gpt2"');
  if (obj.model_type !== 'gpt2') {
    fail('model_type', `unsupported model type ${JSON.stringify(obj.model_type)}; only "gpt2" is supported`);
  }

  const positiveInt = (key: string): number => {
    // Take the canonical key, else an alias; if several are present they must agree.
    const present = [key, ...(ALIASES[key] ?? [])].filter((k) => obj[k] !== undefined && obj[k] !== null);
    if (present.length === 0) {
      const alt = ALIASES[key]?.length ? ` (or ${ALIASES[key].join(' / ')})` : '';
      return fail(key, `missing required key${alt}`);
    }
    for (const k of present) {
      const v = obj[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
        fail(k, `must be a positive integer, got ${JSON.stringify(v)}`);
      }
    }
    const first = obj[present[0]] as number;
    for (const k of present.slice(1)) {
      if (obj[k] !== first) fail(k, `${k} = ${obj[k]} disagrees with ${present[0]} = ${first}`);
    }
    return first;
  };

  const n_layer = positiveInt('n_layer');
  const n_head = positiveInt('n_head');
  const n_embd = positiveInt('n_embd');
  const n_positions = positiveInt('n_positions');
  const vocab_size = positiveInt('vocab_size');
  if (n_embd % n_head !== 0) {
    fail('n_embd', `n_embd (${n_embd}) must be divisible by n_head (${n_head})`);
  }

  // HF defaults: layer_norm_epsilon 1e-5, activation gelu_new.
  const eps = obj.layer_norm_epsilon ?? 1e-5;
  if (typeof eps !== 'number' || !(eps > 0) || !Number.isFinite(eps)) {
    fail('layer_norm_epsilon', `must be a positive number, got ${JSON.stringify(eps)}`);
  }
  const act = obj.activation_function ?? 'gelu_new';
  if (!ACTIVATIONS.includes(act as Activation)) {
    fail('activation_function', `unsupported ${JSON.stringify(act)}; supported: ${ACTIVATIONS.join(', ')}`);
  }

  let n_inner: number | undefined;
  if (obj.n_inner !== undefined && obj.n_inner !== null) {
    const v = obj.n_inner;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) fail('n_inner', `must be a positive integer or null, got ${JSON.stringify(v)}`);
    n_inner = v as number;
  }

  // Variants of the attention the runtime does not implement: refuse rather than compute something else.
  if (obj.add_cross_attention === true) fail('add_cross_attention', 'cross-attention (encoder-decoder) is not supported');
  if (obj.scale_attn_weights === false) fail('scale_attn_weights', 'only scale_attn_weights = true is supported');
  if (obj.scale_attn_by_inverse_layer_idx === true) {
    fail('scale_attn_by_inverse_layer_idx', 'only scale_attn_by_inverse_layer_idx = false is supported');
  }

  const optionalTokenId = (key: string): number | undefined => {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return fail(key, `must be a non-negative integer, got ${JSON.stringify(v)}`);
    return v;
  };

  return {
    model_type: 'gpt2',
    n_layer,
    n_head,
    n_embd,
    n_positions,
    vocab_size,
    layer_norm_epsilon: eps as number,
    activation_function: act as Activation,
    n_inner,
    bos_token_id: optionalTokenId('bos_token_id'),
    eos_token_id: optionalTokenId('eos_token_id'),
    raw: obj,
  };
}

/** Width of the MLP's hidden layer (HF: n_inner, default 4·n_embd). */
export function mlpWidth(config: GPT2Config): number {
  return config.n_inner ?? 4 * config.n_embd;
}

/** Parameter count implied by a config (tied head counted once, untied adds V·D). */
export function countParams(config: GPT2Config, tiedHead = true): number {
  const { n_layer: L, n_embd: D, n_positions: P, vocab_size: V } = config;
  const F = mlpWidth(config);
  const perLayer = 2 * D /* ln_1 */ + D * 3 * D + 3 * D /* c_attn */ + D * D + D /* attn.c_proj */ +
    2 * D /* ln_2 */ + D * F + F /* c_fc */ + F * D + D; /* mlp.c_proj */
  return V * D + P * D + L * perLayer + 2 * D /* ln_f */ + (tiedHead ? 0 : V * D);
}
