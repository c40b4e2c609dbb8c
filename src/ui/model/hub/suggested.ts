/**
 * A short list of Hub models worth opening, with the config numbers that decide their size (copied from each
 * repo's config.json), so the picker can show download size and memory on the current backend without fetching.
 */
export interface SuggestedModel {
  id: string;
  note: string;
  gated?: boolean;
  config: Record<string, unknown>;
}

const qwen2 = (
  hidden: number,
  inter: number,
  layers: number,
  heads: number,
  kv: number,
  ctx: number,
  tied: boolean,
) => ({
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
});

export const SUGGESTED_MODELS: SuggestedModel[] = [
  {
    id: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    note: 'Llama family, small and quick: chat template',
    config: {
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
    },
  },
  {
    id: 'Qwen/Qwen2.5-0.5B-Instruct',
    note: 'Qwen2 family (q/k/v biases): chat template',
    config: qwen2(896, 4864, 24, 14, 2, 32768, true),
  },
  {
    id: 'Qwen/Qwen3-0.6B',
    note: 'Qwen3 family: thinking on or off',
    config: {
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
    },
  },
  {
    id: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B',
    note: 'Qwen2 family, a reasoning model (long <think> traces)',
    config: qwen2(1536, 8960, 28, 12, 2, 131072, false),
  },
  {
    id: 'Qwen/Qwen2.5-Math-1.5B',
    note: 'Qwen2 family, a math base model',
    config: qwen2(1536, 8960, 28, 12, 2, 4096, true),
  },
  {
    id: 'meta-llama/Llama-3.2-1B-Instruct',
    note: 'Llama 3.2 (RoPE llama3): gated, needs an access token',
    gated: true,
    config: {
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
    },
  },
];
