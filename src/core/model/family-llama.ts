/**
 * Llama-style decoders as transformers' LlamaForCausalLM / Qwen2ForCausalLM / Qwen3ForCausalLM store them:
 * pre-RMSNorm, grouped-query attention, RoPE (rotate-half, `rope_theta`, frequency scaling in rope.ts), a gated
 * MLP (SwiGLU unless `hidden_act` says otherwise). The three differ only in flags: Qwen2 always has q/k/v bias,
 * Qwen3 normalises q and k per head before RoPE, Llama/Qwen3 may have attention_bias, Llama mlp_bias. Linear
 * weights are stored [out, in] and transposed once at load.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ConfigReader } from './config-reader';
import { host, transposeHost, type Family } from './family';
import { parseRope, ropeAttentionFactor, ropeInverseFrequencies } from './rope';
import type { Activation, LlamaConfig } from './types';

const TYPES = ['llama', 'qwen2', 'qwen3'] as const;

/** Keys of mixture-of-experts configs: refused by name (the MLP here is dense). */
const MOE_KEYS = ['num_experts', 'num_local_experts', 'n_routed_experts', 'moe_intermediate_size'];

/** `hidden_act` names (transformers' ACT2FN) of the gate's activation; swish is silu. */
const GATE_ACTIVATIONS: Record<string, Activation> = {
  silu: 'silu',
  swish: 'silu',
  gelu: 'gelu',
  gelu_new: 'gelu_new',
  gelu_pytorch_tanh: 'gelu_pytorch_tanh',
  relu: 'relu',
};

function parseConfig(r: ConfigReader): LlamaConfig {
  const obj = r.obj;
  const model_type = obj.model_type as LlamaConfig['model_type'];
  const n_layer = r.positiveInt('num_hidden_layers', ['n_layer']);
  const n_head = r.positiveInt('num_attention_heads', ['n_head']);
  const n_embd = r.positiveInt('hidden_size', ['n_embd']);
  const n_positions = r.positiveInt('max_position_embeddings', ['n_positions']);
  const vocab_size = r.positiveInt('vocab_size');
  const intermediate_size = r.positiveInt('intermediate_size');
  const n_kv_head = r.positiveInt('num_key_value_heads', [], n_head);
  if (n_head % n_kv_head !== 0) {
    r.fail('num_key_value_heads', `${n_kv_head} KV heads do not divide the ${n_head} attention heads`);
  }
  if (!r.has('head_dim') && n_embd % n_head !== 0) {
    r.fail(
      'hidden_size',
      `hidden_size (${n_embd}) must be divisible by num_attention_heads (${n_head}) when head_dim is absent`,
    );
  }
  const head_dim = r.positiveInt('head_dim', [], n_embd / n_head);
  if (head_dim % 2 !== 0) r.fail('head_dim', `RoPE needs an even head_dim, got ${head_dim}`);
  const act = obj.hidden_act ?? 'silu';
  if (typeof act !== 'string' || !Object.hasOwn(GATE_ACTIVATIONS, act))
    r.fail('hidden_act', `unsupported ${JSON.stringify(act)}; supported: ${Object.keys(GATE_ACTIVATIONS).join(', ')}`);

  // Attention variants this decoder does not compute: refuse by key rather than compute something else.
  if (obj.use_sliding_window === true) r.fail('use_sliding_window', 'sliding-window attention is not supported');
  if (model_type === 'llama' && r.has('sliding_window'))
    r.fail('sliding_window', 'sliding-window attention is not supported');
  if (Array.isArray(obj.layer_types) && obj.layer_types.some((t) => t !== 'full_attention')) {
    r.fail('layer_types', 'only "full_attention" layers are supported (no sliding-window layers)');
  }
  for (const k of MOE_KEYS) if (r.has(k) && obj[k] !== 0) r.fail(k, 'mixture-of-experts models are not supported');
  let attentionBias = false;
  if (model_type === 'qwen2') {
    if (obj.attention_bias !== undefined && obj.attention_bias !== null) {
      r.fail('attention_bias', 'qwen2 has no attention_bias option (q/k/v always have a bias, o_proj none)');
    }
  } else attentionBias = r.bool('attention_bias', false);
  const mlp_bias = model_type === 'llama' ? r.bool('mlp_bias', false) : false;
  if (model_type !== 'llama' && obj.mlp_bias === true) r.fail('mlp_bias', `${model_type} has no MLP bias`);
  const rope = parseRope(r, n_positions);

  return {
    model_type,
    n_layer,
    n_head,
    n_embd,
    n_positions,
    vocab_size,
    n_kv_head,
    head_dim,
    intermediate_size,
    rms_norm_eps: r.positiveNumber('rms_norm_eps', 1e-6),
    rope_theta: rope.theta,
    rope_scaling: rope.scaling,
    hidden_act: GATE_ACTIVATIONS[act],
    qkv_bias: model_type === 'qwen2' || attentionBias,
    o_bias: attentionBias,
    mlp_bias,
    qk_norm: model_type === 'qwen3',
    tie_word_embeddings: r.bool('tie_word_embeddings', false),
    bos_token_id: r.optionalTokenId('bos_token_id'),
    eos_token_id: r.optionalTokenId('eos_token_id'),
    raw: obj,
  };
}

export const llamaFamily: Family<LlamaConfig> = {
  modelTypes: TYPES,
  parseConfig,

  spec: (c) => ({
    layers: c.n_layer,
    heads: c.n_head,
    kvHeads: c.n_kv_head,
    headDim: c.head_dim,
    hidden: c.n_embd,
    inner: c.intermediate_size,
    vocab: c.vocab_size,
    context: c.n_positions,
    norm: 'rms',
    eps: c.rms_norm_eps,
    ropeInvFreq: ropeInverseFrequencies(c.rope_theta, c.head_dim, c.rope_scaling),
    ropeAttentionFactor: ropeAttentionFactor(c.rope_scaling),
    activation: c.hidden_act,
    gated: true,
    qkNorm: c.qk_norm,
  }),

  tensors(c) {
    const { n_embd: D, vocab_size: V, head_dim: hd, intermediate_size: F } = c;
    const [qDim, kvDim] = [c.n_head * hd, c.n_kv_head * hd];
    const out = [
      { name: 'model.embed_tokens.weight', shape: [V, D] },
      { name: 'model.norm.weight', shape: [D] },
    ];
    for (let i = 0; i < c.n_layer; i++) {
      const p = `model.layers.${i}.`;
      out.push(
        { name: `${p}input_layernorm.weight`, shape: [D] },
        { name: `${p}self_attn.q_proj.weight`, shape: [qDim, D] },
        { name: `${p}self_attn.k_proj.weight`, shape: [kvDim, D] },
        { name: `${p}self_attn.v_proj.weight`, shape: [kvDim, D] },
        { name: `${p}self_attn.o_proj.weight`, shape: [D, qDim] },
        { name: `${p}post_attention_layernorm.weight`, shape: [D] },
        { name: `${p}mlp.gate_proj.weight`, shape: [F, D] },
        { name: `${p}mlp.up_proj.weight`, shape: [F, D] },
        { name: `${p}mlp.down_proj.weight`, shape: [D, F] },
      );
      if (c.qkv_bias) {
        out.push(
          { name: `${p}self_attn.q_proj.bias`, shape: [qDim] },
          { name: `${p}self_attn.k_proj.bias`, shape: [kvDim] },
          { name: `${p}self_attn.v_proj.bias`, shape: [kvDim] },
        );
      }
      if (c.o_bias) out.push({ name: `${p}self_attn.o_proj.bias`, shape: [D] });
      if (c.qk_norm)
        out.push(
          { name: `${p}self_attn.q_norm.weight`, shape: [hd] },
          { name: `${p}self_attn.k_norm.weight`, shape: [hd] },
        );
      if (c.mlp_bias) {
        out.push(
          { name: `${p}mlp.gate_proj.bias`, shape: [F] },
          { name: `${p}mlp.up_proj.bias`, shape: [F] },
          { name: `${p}mlp.down_proj.bias`, shape: [D] },
        );
      }
    }
    return out;
  },

  resolve(has, name) {
    // A bare LlamaModel saves without the "model." prefix.
    for (const candidate of [name, name.replace(/^model\./, '')]) if (has(candidate)) return candidate;
    return undefined;
  },

  headName: (c) => (c.tie_word_embeddings ? null : 'lm_head.weight'),

  layer(c, i, read) {
    const { n_embd: D, head_dim: hd, intermediate_size: F, n_head: H, n_kv_head: Hkv } = c;
    const p = `model.layers.${i}.`;
    const scale = 1 / Math.sqrt(hd);
    // q | k | v as one [D, (H + 2 H_kv) hd] matrix: one product per layer. q is scaled here unless a q norm
    // follows (then the norm's weight carries the scale): RoPE is linear, so scaling before it is the same.
    const width = (H + 2 * Hkv) * hd;
    const qScale = c.qk_norm ? 1 : scale;
    const qkv = new Float32Array(D * width);
    const qkvBias = c.qkv_bias ? new Float32Array(width) : undefined;
    let col0 = 0;
    for (const [name, rows, s] of [
      ['q', H * hd, qScale],
      ['k', Hkv * hd, 1],
      ['v', Hkv * hd, 1],
    ] as const) {
      const w = read(`${p}self_attn.${name}_proj.weight`); // [rows, D]
      for (let r = 0; r < rows; r++) for (let d = 0; d < D; d++) qkv[d * width + col0 + r] = w[r * D + d] * s;
      if (qkvBias) {
        const b = read(`${p}self_attn.${name}_proj.bias`);
        for (let r = 0; r < rows; r++) qkvBias[col0 + r] = b[r] * s;
      }
      col0 += rows;
    }
    let qkNorm: Float32Array | undefined;
    if (c.qk_norm) {
      const [qn, kn] = [read(`${p}self_attn.q_norm.weight`), read(`${p}self_attn.k_norm.weight`)];
      qkNorm = new Float32Array((H + Hkv) * hd);
      for (let h = 0; h < H; h++) for (let j = 0; j < hd; j++) qkNorm[h * hd + j] = qn[j] * scale;
      for (let g = 0; g < Hkv; g++) qkNorm.set(kn, (H + g) * hd);
    }
    const t = (name: string, rows: number, cols: number) =>
      host(transposeHost(read(`${p}${name}`), rows, cols), [cols, rows]);
    const opt = (on: boolean, name: string, n: number) => (on ? host(read(`${p}${name}`), [n]) : undefined);
    return {
      norm1: host(read(`${p}input_layernorm.weight`), [D]),
      qkv: host(qkv, [D, width]),
      qkvBias: qkvBias && host(qkvBias, [width]),
      qkNorm: qkNorm && host(qkNorm, [H + Hkv, hd]),
      out: t('self_attn.o_proj.weight', D, H * hd),
      outBias: opt(c.o_bias, 'self_attn.o_proj.bias', D),
      norm2: host(read(`${p}post_attention_layernorm.weight`), [D]),
      gate: t('mlp.gate_proj.weight', F, D),
      gateBias: opt(c.mlp_bias, 'mlp.gate_proj.bias', F),
      up: t('mlp.up_proj.weight', F, D),
      upBias: opt(c.mlp_bias, 'mlp.up_proj.bias', F),
      down: t('mlp.down_proj.weight', D, F),
      downBias: opt(c.mlp_bias, 'mlp.down_proj.bias', D),
    };
  },

  layerFromTensors(c, i, get) {
    const p = `model.layers.${i}.`;
    const { n_head: H, n_kv_head: Hkv, head_dim: hd } = c;
    const scale = 1 / Math.sqrt(hd);
    const qScale = c.qk_norm ? 1 : scale;
    const t = (name: string) => tf.transpose(get(`${p}${name}`)); // [out, in] -> [in, out]
    const qkv = tf.concat(
      [tf.mul(t('self_attn.q_proj.weight'), qScale), t('self_attn.k_proj.weight'), t('self_attn.v_proj.weight')],
      1,
    );
    const bias = (name: string) => get(`${p}${name}`);
    const qkvBias = c.qkv_bias
      ? tf.concat([
          tf.mul(bias('self_attn.q_proj.bias'), qScale),
          bias('self_attn.k_proj.bias'),
          bias('self_attn.v_proj.bias'),
        ])
      : undefined;
    const qkNorm = c.qk_norm
      ? tf.concat([
          tf.tile(tf.reshape(tf.mul(bias('self_attn.q_norm.weight'), scale), [1, hd]), [H, 1]),
          tf.tile(tf.reshape(bias('self_attn.k_norm.weight'), [1, hd]), [Hkv, 1]),
        ]) // [H + H_kv, hd]
      : undefined;
    const opt = (on: boolean, name: string) => (on ? bias(name) : undefined);
    return {
      norm1: bias('input_layernorm.weight'),
      qkv,
      qkvBias,
      qkNorm,
      out: t('self_attn.o_proj.weight'),
      outBias: opt(c.o_bias, 'self_attn.o_proj.bias'),
      norm2: bias('post_attention_layernorm.weight'),
      gate: t('mlp.gate_proj.weight'),
      gateBias: opt(c.mlp_bias, 'mlp.gate_proj.bias'),
      up: t('mlp.up_proj.weight'),
      upBias: opt(c.mlp_bias, 'mlp.up_proj.bias'),
      down: t('mlp.down_proj.weight'),
      downBias: opt(c.mlp_bias, 'mlp.down_proj.bias'),
    };
  },

  globalNames: () => ({ embed: 'model.embed_tokens.weight', finalNorm: 'model.norm.weight' }),

  globals: (c, read) => ({
    embed: host(read('model.embed_tokens.weight'), [c.vocab_size, c.n_embd]),
    finalNorm: host(read('model.norm.weight'), [c.n_embd]),
  }),
};
