/**
 * GPT-2 (Radford et al. 2019; transformers' GPT2LMHeadModel layout): pre-LayerNorm blocks, learned absolute
 * positions, a GELU MLP, biases everywhere, c_attn/c_fc/c_proj stored as Conv1D [in, out] (already the decoder's
 * layout). Tensors may carry the `transformer.` prefix; `lm_head.weight`, when stored, unties the head.
 */
import type { ConfigReader } from './config-reader';
import { host, type Family } from './family';
import type { GPT2Config } from './types';

type Activation = GPT2Config['activation_function'];
const ACTIVATIONS: readonly Activation[] = ['gelu_new', 'gelu_pytorch_tanh', 'gelu', 'relu'];

/** Width of the MLP's hidden layer (HF: n_inner, default 4·n_embd). */
export function mlpWidth(config: GPT2Config): number {
  return config.n_inner ?? 4 * config.n_embd;
}

/**
 * What layer `l`'s q is multiplied by, so that q·k carries the scores' scale: 1/√head_dim (scale_attn_weights,
 * on by default), and 1/(l + 1) with scale_attn_by_inverse_layer_idx.
 */
export function gpt2QueryScale(c: GPT2Config, l: number): number {
  const byWidth = c.scale_attn_weights === false ? 1 : 1 / Math.sqrt(c.n_embd / c.n_head);
  return c.scale_attn_by_inverse_layer_idx === true ? byWidth / (l + 1) : byWidth;
}

function parseConfig(r: ConfigReader): GPT2Config {
  const obj = r.obj;
  const n_layer = r.positiveInt('n_layer', ['num_hidden_layers']);
  const n_head = r.positiveInt('n_head', ['num_attention_heads']);
  const n_embd = r.positiveInt('n_embd', ['hidden_size']);
  const n_positions = r.positiveInt('n_positions', ['max_position_embeddings', 'n_ctx']);
  const vocab_size = r.positiveInt('vocab_size');
  if (n_embd % n_head !== 0) r.fail('n_embd', `n_embd (${n_embd}) must be divisible by n_head (${n_head})`);
  const layer_norm_epsilon = r.positiveNumber('layer_norm_epsilon', 1e-5); // HF defaults: 1e-5, gelu_new
  const act = obj.activation_function ?? 'gelu_new';
  if (!ACTIVATIONS.includes(act as Activation)) {
    r.fail('activation_function', `unsupported ${JSON.stringify(act)}; supported: ${ACTIVATIONS.join(', ')}`);
  }
  let n_inner: number | undefined;
  if (r.has('n_inner')) {
    const v = obj.n_inner;
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      r.fail('n_inner', `must be a positive integer or null, got ${JSON.stringify(v)}`);
    n_inner = v as number;
  }
  // Variants of the attention the runtime does not implement: refuse rather than compute something else.
  if (obj.add_cross_attention === true)
    r.fail('add_cross_attention', 'cross-attention (encoder-decoder) is not supported');
  return {
    model_type: 'gpt2',
    n_layer,
    n_head,
    n_embd,
    n_positions,
    vocab_size,
    layer_norm_epsilon,
    activation_function: act as Activation,
    n_inner,
    scale_attn_weights: r.bool('scale_attn_weights', true),
    scale_attn_by_inverse_layer_idx: r.bool('scale_attn_by_inverse_layer_idx', false),
    bos_token_id: r.optionalTokenId('bos_token_id'),
    eos_token_id: r.optionalTokenId('eos_token_id'),
    raw: obj,
  };
}

export const gpt2Family: Family<GPT2Config> = {
  modelTypes: ['gpt2'],
  parseConfig,

  spec: (c) => ({
    layers: c.n_layer,
    heads: c.n_head,
    kvHeads: c.n_head,
    headDim: c.n_embd / c.n_head,
    hidden: c.n_embd,
    inner: mlpWidth(c),
    vocab: c.vocab_size,
    context: c.n_positions,
    norm: 'layer',
    eps: c.layer_norm_epsilon,
    ropeInvFreq: null,
    activation: c.activation_function,
    gated: false,
    qkNorm: false,
  }),

  tensors(c) {
    const { n_layer: L, n_embd: D, n_positions: P, vocab_size: V } = c;
    const F = mlpWidth(c);
    const out = [
      { name: 'wte.weight', shape: [V, D] },
      { name: 'wpe.weight', shape: [P, D] },
      { name: 'ln_f.weight', shape: [D] },
      { name: 'ln_f.bias', shape: [D] },
    ];
    for (let i = 0; i < L; i++) {
      const p = `h.${i}.`;
      out.push(
        { name: `${p}ln_1.weight`, shape: [D] },
        { name: `${p}ln_1.bias`, shape: [D] },
        { name: `${p}attn.c_attn.weight`, shape: [D, 3 * D] },
        { name: `${p}attn.c_attn.bias`, shape: [3 * D] },
        { name: `${p}attn.c_proj.weight`, shape: [D, D] },
        { name: `${p}attn.c_proj.bias`, shape: [D] },
        { name: `${p}ln_2.weight`, shape: [D] },
        { name: `${p}ln_2.bias`, shape: [D] },
        { name: `${p}mlp.c_fc.weight`, shape: [D, F] },
        { name: `${p}mlp.c_fc.bias`, shape: [F] },
        { name: `${p}mlp.c_proj.weight`, shape: [F, D] },
        { name: `${p}mlp.c_proj.bias`, shape: [D] },
      );
    }
    return out;
  },

  resolve(has, name) {
    for (const candidate of [`transformer.${name}`, name]) if (has(candidate)) return candidate;
    return undefined;
  },

  headName: (_c, has) => (has('lm_head.weight') ? 'lm_head.weight' : null),

  layer(c, i, read) {
    const D = c.n_embd;
    const F = mlpWidth(c);
    const p = `h.${i}.`;
    const scale = gpt2QueryScale(c, i);
    const qkv = read(`${p}attn.c_attn.weight`); // [D, 3D] row-major: q | k | v column blocks
    for (let r = 0; r < D; r++) for (let col = 0; col < D; col++) qkv[r * 3 * D + col] *= scale;
    const qkvBias = read(`${p}attn.c_attn.bias`);
    for (let col = 0; col < D; col++) qkvBias[col] *= scale;
    return {
      norm1: host(read(`${p}ln_1.weight`), [D]),
      norm1Bias: host(read(`${p}ln_1.bias`), [D]),
      qkv: host(qkv, [D, 3 * D]),
      qkvBias: host(qkvBias, [3 * D]),
      out: host(read(`${p}attn.c_proj.weight`), [D, D]),
      outBias: host(read(`${p}attn.c_proj.bias`), [D]),
      norm2: host(read(`${p}ln_2.weight`), [D]),
      norm2Bias: host(read(`${p}ln_2.bias`), [D]),
      up: host(read(`${p}mlp.c_fc.weight`), [D, F]),
      upBias: host(read(`${p}mlp.c_fc.bias`), [F]),
      down: host(read(`${p}mlp.c_proj.weight`), [F, D]),
      downBias: host(read(`${p}mlp.c_proj.bias`), [D]),
    };
  },

  globals(c, read) {
    const D = c.n_embd;
    return {
      embed: host(read('wte.weight'), [c.vocab_size, D]),
      positions: host(read('wpe.weight'), [c.n_positions, D]),
      finalNorm: host(read('ln_f.weight'), [D]),
      finalNormBias: host(read('ln_f.bias'), [D]),
    };
  },
};
