/**
 * What a model will need before any weight is downloaded, from its config.json alone: parameters, bytes on disk
 * (in the dtype the config names) and memory in the workbench, where every weight is float32. Memory =
 * weights + the KV cache at the given context + one layer's attention maps (the analysis streams layer by
 * layer) + the logits of one forward over the context.
 */
import type { BackendName } from '../backend/rank';

export const SUPPORTED_MODEL_TYPES = ['gpt2', 'llama', 'qwen2', 'qwen3'] as const;
export type SupportedModelType = (typeof SUPPORTED_MODEL_TYPES)[number];

export interface ModelShape {
  modelType: string;
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  vocab: number;
  context: number;
  tied: boolean;
  /** The dtype the weights are stored in (config `torch_dtype` / `dtype`), float32 when unnamed. */
  dtype: string;
}

export interface MemoryEstimate {
  params: number;
  /** Bytes of the weight files (params × the stored dtype's size). */
  diskBytes: number;
  weightsBytes: number;
  kvCacheBytes: number;
  mapsBytes: number;
  logitsBytes: number;
  totalBytes: number;
  /** The largest tensor uploaded whole, in float32 (a layer weight): what one GPU buffer must hold. */
  largestTensorBytes: number;
  context: number;
}

const num = (c: Record<string, unknown>, ...keys: string[]): number | undefined => {
  for (const k of keys) if (typeof c[k] === 'number' && Number.isFinite(c[k])) return c[k] as number;
  return undefined;
};

const DTYPE_BYTES: Record<string, number> = { float32: 4, float16: 2, bfloat16: 2, float64: 8 };
export const dtypeBytes = (dtype: string) => DTYPE_BYTES[dtype] ?? 4;

/** The shape numbers of a config.json (any supported family); missing required numbers throw. */
export function modelShape(config: Record<string, unknown>): ModelShape {
  const modelType = String(config.model_type ?? '');
  const req = (...keys: string[]) => {
    const v = num(config, ...keys);
    if (v === undefined || !(v > 0)) throw new Error(`config.json: missing ${keys.join(' / ')}`);
    return v;
  };
  const gpt2 = modelType === 'gpt2';
  const hidden = req('hidden_size', 'n_embd');
  const heads = req('num_attention_heads', 'n_head');
  const dtype = String(config.torch_dtype ?? config.dtype ?? 'float32');
  return {
    modelType,
    layers: req('num_hidden_layers', 'n_layer'),
    hidden,
    heads,
    kvHeads: gpt2 ? heads : (num(config, 'num_key_value_heads') ?? heads),
    headDim: gpt2 ? hidden / heads : (num(config, 'head_dim') ?? hidden / heads),
    intermediate: gpt2 ? (num(config, 'n_inner') ?? 4 * hidden) : req('intermediate_size'),
    vocab: req('vocab_size'),
    context: req('max_position_embeddings', 'n_positions', 'n_ctx'),
    // transformers' defaults: GPT-2 ties its head; Llama and Qwen configs do not unless they say so.
    tied: typeof config.tie_word_embeddings === 'boolean' ? config.tie_word_embeddings : gpt2,
    dtype,
  };
}

export function paramCount(s: ModelShape): number {
  const { hidden: E, heads: H, kvHeads: KV, headDim: D, intermediate: I, vocab: V, layers: L } = s;
  if (s.modelType === 'gpt2') {
    const attn = E * 3 * E + 3 * E + E * E + E;
    const mlp = E * I + I + I * E + E;
    return V * E + s.context * E + L * (attn + mlp + 4 * E) + 2 * E + (s.tied ? 0 : V * E);
  }
  let attn = E * H * D + 2 * E * KV * D + H * D * E;
  if (s.modelType === 'qwen2') attn += H * D + 2 * KV * D; // q/k/v biases
  if (s.modelType === 'qwen3') attn += 2 * D; // q_norm, k_norm
  return V * E + L * (attn + 3 * E * I + 2 * E) + E + (s.tied ? 0 : V * E);
}

/** Columns per LM-head block on the device (model/upload.ts HEAD_BLOCK; a test keeps the two equal). */
export const HEAD_BLOCK_COLUMNS = 8192;

/**
 * Elements of the largest single tensor the decoder must upload whole: a layer's weight (the fused q/k/v projection,
 * o_proj, an MLP matrix). The LM head ([D, ≤ 8192] column blocks) and an untied embedding (row blocks once it passes
 * a device buffer) are split to fit any limit that holds one row (model/upload.ts), so they never decide.
 */
export function largestTensor(s: ModelShape): number {
  const qkv = s.hidden * (s.heads + 2 * s.kvHeads) * s.headDim;
  return Math.max(qkv, s.hidden * s.intermediate, s.hidden * s.heads * s.headDim);
}

/**
 * `context`: the longest sequence the workbench will run (capped at the model's own); `backend` only changes
 * the note about where the bytes live, every backend holds float32.
 */
export function estimateMemory(config: Record<string, unknown>, _backend: BackendName, context = 2048): MemoryEstimate {
  const s = modelShape(config);
  const n = Math.min(context, s.context);
  const params = paramCount(s);
  const weightsBytes = params * 4;
  const kvCacheBytes = 2 * s.layers * s.kvHeads * s.headDim * n * 4;
  const mapsBytes = s.heads * n * n * 4;
  const logitsBytes = n * s.vocab * 4;
  return {
    params,
    diskBytes: params * dtypeBytes(s.dtype),
    weightsBytes,
    kvCacheBytes,
    mapsBytes,
    logitsBytes,
    totalBytes: weightsBytes + kvCacheBytes + mapsBytes + logitsBytes,
    largestTensorBytes: largestTensor(s) * 4,
    context: n,
  };
}
