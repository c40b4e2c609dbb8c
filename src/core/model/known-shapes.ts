/**
 * The size-deciding part of config.json for the models the picker suggests, as the repos publish it: enough for
 * the parameter count, the download size and the memory estimate without fetching anything. One place for the
 * picker (src/ui/model/hub/suggested.ts) and the tests that check the estimates against published counts.
 */
export type ConfigShape = Readonly<Record<string, unknown>>;

const qwen2 = (hidden: number, inter: number, layers: number, heads: number, kv: number, ctx: number, tied: boolean) =>
  ({
    model_type: 'qwen2',
    hidden_size: hidden,
    intermediate_size: inter,
    num_hidden_layers: layers,
    num_attention_heads: heads,
    num_key_value_heads: kv,
    vocab_size: 151936,
    max_position_embeddings: ctx,
    tie_word_embeddings: tied,
    torch_dtype: 'bfloat16',
  }) as const;

export const QWEN3_0_6B: ConfigShape = {
  model_type: 'qwen3',
  hidden_size: 1024,
  intermediate_size: 3072,
  num_hidden_layers: 28,
  num_attention_heads: 16,
  num_key_value_heads: 8,
  head_dim: 128,
  vocab_size: 151936,
  max_position_embeddings: 40960,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
};

export const SMOLLM2_135M: ConfigShape = {
  model_type: 'llama',
  hidden_size: 576,
  intermediate_size: 1536,
  num_hidden_layers: 30,
  num_attention_heads: 9,
  num_key_value_heads: 3,
  vocab_size: 49152,
  max_position_embeddings: 8192,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
};

export const QWEN2_5_0_5B: ConfigShape = qwen2(896, 4864, 24, 14, 2, 32768, true);

/** Qwen2.5-1.5B's architecture with an untied LM head and a 128k context. */
export const DEEPSEEK_R1_DISTILL_QWEN_1_5B: ConfigShape = qwen2(1536, 8960, 28, 12, 2, 131072, false);

export const QWEN2_5_MATH_1_5B: ConfigShape = qwen2(1536, 8960, 28, 12, 2, 4096, true);

export const LLAMA_3_2_1B: ConfigShape = {
  model_type: 'llama',
  hidden_size: 2048,
  intermediate_size: 8192,
  num_hidden_layers: 16,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  head_dim: 64,
  vocab_size: 128256,
  max_position_embeddings: 131072,
  tie_word_embeddings: true,
  torch_dtype: 'bfloat16',
};
