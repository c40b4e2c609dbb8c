/**
 * The typed message protocol between the page and the engine worker.
 *
 * Every request carries an id; the worker answers with zero or more events for that id
 * (progress, streamed tokens) and then exactly one `result` or `error`. A `cancel` message
 * aborts the request with that id (the worker holds one AbortController per request).
 *
 * To add an operation (analysis, training, export ...): add an entry to `Operations`
 * (its params, its result and the stream events it may send), then a handler in worker.ts.
 * The client's `call()` is typed from this one table.
 */
import type { BackendName, BackendReport } from '../core/backend/index';
import type { ChatTemplateSpec } from '../core/chat/template';
import type { AnalysisRecord } from '../core/rhythm/record';
import type { HeadRef } from '../core/rhythm/options';
import type { CorpusOperations } from './corpus-protocol';

/** Where a model folder comes from. Bytes are transferred, not copied. */
export type ModelSource =
  { kind: 'url'; url: string; name?: string } | { kind: 'files'; name: string; files: Record<string, ArrayBuffer> };

/**
 * A folder the person picked, as its File objects (cloned as handles, not read): the worker reads config and
 * tokenizer whole and the weights tensor by tensor from slices, so the checkpoint is never copied whole.
 */
export interface PickedFolder {
  kind: 'picked';
  name: string;
  files: Record<string, Blob>;
}

/** What the page needs to know about the loaded model (no tensors cross the boundary). */
export interface ModelInfo {
  name: string;
  numParams: number;
  files: string[];
  tokenizerKind: 'char' | 'bpe' | 'ids';
  vocabSize: number;
  eosId?: number;
  /** The model's chat template (the page renders prompts with it; see src/ui/prompt/chat.ts). */
  chatTemplate?: ChatTemplateSpec;
  nLayer: number;
  /** Query heads. */
  nHead: number;
  nEmbd: number;
  nPositions: number;
  /** config.json model_type: gpt2, llama, qwen2, qwen3. */
  modelType?: string;
  /** Key/value heads (grouped-query attention: query head h reads KV head ⌊h / (nHead / nKvHead)⌋). */
  nKvHead?: number;
  headDim?: number;
  /** The folder's config.json as parsed (the model panel's facts: family, KV heads, dtype on disk, memory). */
  config?: Record<string, unknown>;
}

export interface GenerateParams {
  prompt: string;
  maxTokens: number;
  /** 0 = greedy. */
  temperature: number;
  topK?: number;
  topP?: number;
  seed?: number;
  stopStrings?: string[];
  /** false: recompute the whole sequence for every token (benchmarks compare it with the KV cache). Default true. */
  useCache?: boolean;
  /** Keep going past the end-of-sequence token (benchmarks need a fixed length). Default false. */
  ignoreEos?: boolean;
}

export interface GenerateOutcome {
  promptIds: number[];
  ids: number[];
  text: string;
  stopReason: 'max_tokens' | 'stop_token' | 'stop_string' | 'aborted' | 'context_full';
  /** Wall time of generation, and tokens per second (for the status line). */
  ms: number;
  tokensPerSecond: number;
}

export interface LogitsOutcome {
  /** [N, V] row-major; its buffer is transferred. */
  logits: Float32Array;
  seqLen: number;
  vocabSize: number;
}

/** One streamed token of a generation. */
export interface TokenEvent {
  index: number;
  tokenId: number;
  /** Display text of the token (rendered as text, never HTML). */
  text: string;
}

/** The operation table: params, result, and the stream events each operation may emit. */
export interface Operations extends CorpusOperations {
  /** `threads`: wasm threads when cross-origin isolated (default: all cores). */
  init: { params: { backend: BackendName | 'auto'; threads?: number }; result: BackendReport; stream: never };
  loadModel: { params: { source: ModelSource | PickedFolder }; result: ModelInfo; stream: never };
  generate: { params: GenerateParams; result: GenerateOutcome; stream: TokenEvent };
  forwardLogits: { params: { ids: number[] }; result: LogitsOutcome; stream: never };
  /** Teacher-forced analysis of prompt + response: one forward with the rhythm accumulator. */
  analyze: { params: AnalyzeParams; result: AnalysisOutcome; stream: never };
  /** New options for the current sequence: from the cache, the cached maps, or a rerun (see `how`). */
  reanalyze: { params: { options: Record<string, unknown> }; result: AnalysisOutcome; stream: never };
  /** The full [N, N] map of one head, or the mean of the local / global heads, of the current sequence. */
  headMap: { params: { choice: MapRequest }; result: HeadMapOutcome; stream: never };
  /** An attention dump's bytes (formats.md) -> analysis, without any model. */
  importDump: {
    params: { name: string; bytes: ArrayBuffer; options: Record<string, unknown> };
    result: AnalysisOutcome;
    stream: never;
  };
  /** The current sequence's attention dump (F32 safetensors), written layer by layer into one buffer. */
  exportDump: { params: Record<string, never>; result: { bytes: Uint8Array; fileName: string }; stream: never };
  /** Test-only knobs (the page exposes them only with ?test=1). */
  /** The settings now, the worker's live tensor count (tests check that cancelled work frees its tensors) and the
   * backend tfjs has active now (tests check it is the one asked for: a failed setBackend can leave another one). */
  debug: {
    params: DebugSettings;
    result: DebugSettings & { liveTensors: number; activeBackend: string };
    stream: never;
  };
}

/** What to analyze: token ids (after a generation) or texts (a pasted response), tokenized in the worker. */
export type AnalyzeInput =
  { kind: 'ids'; ids: number[]; promptLength: number } | { kind: 'text'; prompt: string; response: string };

export interface AnalyzeParams {
  input: AnalyzeInput;
  /** Rhythm options (validated by the engine's resolveOptions). */
  options: Record<string, unknown>;
}

/** Per-head data of the whole model, small (O(L·H·s²)); flat typed arrays so they transfer in one piece. */
export interface HeadSummary {
  name: string;
  source: 'model' | 'dump';
  numLayers: number;
  numHeads: number;
  seqLen: number;
  promptLength: number;
  /** [L, H] span d (NaN for layers missing from a dump). */
  spans: Float32Array;
  thumbnailSize: number;
  /** [L, H, s, s] max-pooled raw maps (zeros for missing layers). */
  thumbnails: Float32Array;
  layerIndices: number[];
  /** Whether the worker holds every raw map (head maps and option changes need no rerun). */
  mapsCached: boolean;
}

export interface AnalysisOutcome {
  record: AnalysisRecord;
  summary: HeadSummary;
  /** How the numbers were obtained: a model forward, the per-head cache, the cached raw maps, or a dump. */
  how: 'forward' | 'cache' | 'maps' | 'dump';
  ms: number;
}

export type MapRequest = { kind: 'head'; layer: number; head: number } | { kind: 'local' | 'global' | 'receiver' };

export interface HeadMapOutcome {
  choice: MapRequest;
  /** [N, N] row-major raw attention (row = query). */
  map: Float32Array;
  seqLen: number;
  /** Heads averaged (one for a single head). */
  heads: HeadRef[];
}

export interface DebugSettings {
  /** Delay each generated token by this many ms (lets e2e tests press Stop mid-stream). */
  tokenDelayMs?: number;
  /** Sleep this many ms after each layer of an analysis forward (lets e2e tests cancel mid-forward). */
  analysisLayerDelayMs?: number;
}

export type OperationName = keyof Operations;
/** Another worker's table in the same style (the training worker's, ./train-protocol.ts) reuses host and client. */
type Entry<T, F extends 'params' | 'result' | 'stream'> = T extends Record<F, infer X> ? X : never;
export type ParamsOf<K extends keyof Ops, Ops = Operations> = Entry<Ops[K], 'params'>;
export type ResultOf<K extends keyof Ops, Ops = Operations> = Entry<Ops[K], 'result'>;
export type StreamOf<K extends keyof Ops, Ops = Operations> = Entry<Ops[K], 'stream'>;

/** Page -> worker. */
export type RequestOf<Ops> =
  | { [K in keyof Ops & string]: { kind: 'call'; id: number; op: K; params: ParamsOf<K, Ops> } }[keyof Ops & string]
  | { kind: 'cancel'; id: number };
export type WorkerRequest = RequestOf<Operations>;

/** A serializable error: InputErrors keep their name so the page can tell user errors from bugs. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
}

/** Worker -> page. */
export type WorkerResponse =
  | { kind: 'progress'; id: number; fraction: number; message: string }
  | { kind: 'stream'; id: number; event: unknown }
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number; error: WireError }
  /** Sent once when the worker's module has evaluated (lets the page detect a worker that fails to start). */
  | { kind: 'ready' };

export function toWireError(e: unknown): WireError {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

/** Errors re-created on the page side, same name and message as in the worker. */
export class WorkerError extends Error {
  constructor(wire: WireError) {
    super(wire.message);
    this.name = wire.name;
  }
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/** Collects the ArrayBuffers inside a value so postMessage can transfer rather than copy them. */
export function transferablesOf(value: unknown): Transferable[] {
  const out = new Set<ArrayBuffer>();
  const visit = (v: unknown, depth: number) => {
    if (depth > 4 || v === null || typeof v !== 'object') return;
    if (v instanceof ArrayBuffer) out.add(v);
    else if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) out.add(v.buffer);
    } else if (Array.isArray(v)) {
      // Arrays of numbers are common (ids); only look into arrays of objects.
      if (v.length && typeof v[0] === 'object') for (const x of v) visit(x, depth + 1);
    } else for (const x of Object.values(v)) visit(x, depth + 1);
  };
  visit(value, 0);
  return [...out];
}
