/**
 * The worker's analysis operations: one teacher-forced forward with the rhythm accumulator as onAttention,
 * re-analysis from what that pass left behind, on-demand head maps, and attention dumps in and out.
 *
 * The worker keeps the current sequence: its HeadCache (O(L·H·N)) always, and every layer's raw map
 * [H, N, N] when they fit MAP_BUDGET_BYTES (tiny and small models), so a map option change (W, H_lo, H_hi,
 * sink), a head map or a dump export needs no rerun. Bigger models rerun the forward for those instead.
 * The page only ever receives the record, thumbnails and the one map it shows, never L·H·N² maps.
 */
import * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../core/errors';
import { encodeAttentionDumpHeader, parseAttentionDump } from '../core/io/dump';
import type { LoadedModel } from '../core/model/load';
import type { AttentionCallback, CausalLM } from '../core/model/types';
import {
  RhythmAccumulator,
  analyzeCache,
  mapOptionsOf,
  needsMaps,
  resolveOptions,
  responseEntropy,
  responseEntropyFromTensorAsync,
  type HeadCache,
  type HeadRef,
} from '../core/rhythm';
import type { Handlers } from './host';
import type { AnalysisOutcome, AnalyzeInput, HeadSummary, MapRequest } from './protocol';
import { layerPause } from './slowdown';

/** Raw maps kept in the worker for the current sequence (L·H·N²·4 bytes). */
export const MAP_BUDGET_BYTES = 256 * 1024 * 1024;
/** Logits kept for the dump export (entropy survives a round trip). */
const LOGITS_BUDGET_BYTES = 64 * 1024 * 1024;
export const THUMBNAIL_SIZE = 64;

/** The analysed sequence the worker holds between calls. */
interface Sequence {
  name: string;
  source: 'model' | 'dump';
  tokens: string[];
  ids?: number[];
  promptLength: number;
  numLayers: number;
  numHeads: number;
  layerIndices: number[];
  /** Raw [H, N, N] map of a layer, or null when maps are not cached (rerun the model). */
  layer: ((l: number) => Float32Array) | null;
  entropy?: number[];
  logits?: { data: Float32Array; vocabSize: number };
  cache: HeadCache;
  record: AnalysisOutcome['record'];
  /** The model that produced it (a rerun must use the same one). */
  loaded?: LoadedModel;
}

type AnalysisHandlers = Pick<Handlers, 'analyze' | 'reanalyze' | 'headMap' | 'importDump' | 'exportDump'>;

function checkAborted(signal: AbortSignal) {
  signal.throwIfAborted();
}

/** Tokenizes / validates the input into prompt ⊕ response ids. */
function sequenceIds(loaded: LoadedModel, input: AnalyzeInput): { ids: number[]; promptLength: number } {
  const { tokenizer, model } = loaded;
  let ids: number[], promptLength: number;
  if (input.kind === 'text') {
    const p = tokenizer.encode(input.prompt);
    const r = tokenizer.encode(input.response);
    if (r.length === 0)
      throw new InputError('the response is empty: paste or generate a response to analyze', { field: 'response' });
    ids = [...p, ...r];
    promptLength = p.length;
  } else {
    ids = input.ids;
    promptLength = input.promptLength;
    const V = model.config.vocab_size;
    ids.forEach((id, i) => {
      if (!Number.isInteger(id) || id < 0 || id >= V)
        throw new InputError(`token id ${id} is outside 0..${V - 1}`, { field: `ids[${i}]` });
    });
    if (!(Number.isInteger(promptLength) && promptLength >= 0 && promptLength < ids.length))
      throw new InputError(`must be in 0..${ids.length - 1} so the response is not empty`, { field: 'prompt_length' });
  }
  const max = model.config.n_positions;
  if (ids.length > max)
    throw new InputError(`the sequence has ${ids.length} tokens; the model's context holds ${max}`, {
      field: 'response',
    });
  return { ids, promptLength };
}

export function headSummary(seq: Sequence): HeadSummary {
  const { numLayers: L, numHeads: H } = seq;
  // The accumulator pools by whole blocks (N = 70 gives 35 × 35) and keeps small maps whole: use its size.
  const s = seq.cache.thumbnails.values().next().value?.size ?? 0;
  const spans = new Float32Array(L * H).fill(NaN);
  const thumbnails = new Float32Array(L * H * s * s);
  for (const [l, v] of seq.cache.layers) if (l < L) spans.set(v.span, l * H);
  for (const [l, t] of seq.cache.thumbnails) if (l < L) thumbnails.set(t.data, l * H * s * s);
  return {
    name: seq.name,
    source: seq.source,
    numLayers: L,
    numHeads: H,
    seqLen: seq.tokens.length,
    promptLength: seq.promptLength,
    spans,
    thumbnailSize: s,
    thumbnails,
    layerIndices: seq.layerIndices,
    mapsCached: seq.layer !== null,
  };
}

export interface AnalysisDebug {
  /** Sleep after each layer of a forward (test-only, see DebugSettings.analysisLayerDelayMs). */
  layerDelayMs?: () => number;
}

export function createAnalysisHandlers(
  requireModel: () => LoadedModel,
  mapBudgetBytes = MAP_BUDGET_BYTES,
  opts: AnalysisDebug = {},
): AnalysisHandlers {
  let seq: Sequence | null = null;

  const requireSequence = (): Sequence => {
    if (!seq)
      throw new InputError('nothing has been analysed yet: generate or paste a response, or import a dump', {
        field: 'analysis',
      });
    return seq;
  };

  /**
   * One forward of `ids` on the loaded model, feeding the accumulator (when given) and `onLayer` with each
   * layer's raw map read back to JS.
   * On WebGPU every read is asynchronous: tfjs-webgpu's synchronous read (an OffscreenCanvas copy) returns zeros
   * in headless Chromium's SwiftShader adapter and then loses the device ("A valid external Instance reference no
   * longer exists"; the next upload fails with "createBuffer failed … mappedAtCreation"). So there the layer maps
   * are kept as tensors during the forward and read after it; other backends read each layer inside the forward
   * (one layer in memory at a time).
   */
  const forward = async (
    ids: number[],
    acc: RhythmAccumulator | null,
    onLayer: ((l: number, data: Float32Array) => void) | null,
    progress: (f: number, m: string) => void,
    signal?: AbortSignal,
  ) => {
    const { model } = requireModel();
    const L = model.config.n_layer;
    const deferred: [number, tf.Tensor][] = [];
    const readLater = onLayer !== null && tf.getBackend() === 'webgpu';
    try {
      const logits = await forwardByLayer(
        model,
        ids,
        (l, probs) => {
          acc?.onAttention(l, probs);
          if (readLater) deferred.push([l, tf.keep(tf.clone(probs))]);
          else if (onLayer) onLayer(l, probs.dataSync() as Float32Array);
          progress((l + 1) / (L + 1), `layer ${l + 1} of ${L}`);
        },
        layerPause(opts.layerDelayMs?.() ?? 0, signal),
      ); // [N, V]; caller disposes
      try {
        for (const [l, t] of deferred) onLayer!(l, (await t.data()) as Float32Array);
      } catch (e) {
        logits.dispose();
        throw e;
      }
      return logits;
    } finally {
      for (const [, t] of deferred) t.dispose();
    }
  };

  /** Runs the model on a sequence: cache, entropy, and the raw maps when they fit. */
  const runModel = async (
    ids: number[],
    promptLength: number,
    options: Record<string, unknown>,
    signal: AbortSignal,
    progress: (f: number, m: string) => void,
  ): Promise<Sequence> => {
    const loaded = requireModel();
    const { model, tokenizer } = loaded;
    const N = ids.length,
      H = model.config.n_head,
      L = model.config.n_layer,
      V = model.config.vocab_size;
    const keep = L * H * N * N * 4 <= mapBudgetBytes;
    const layers = new Map<number, Float32Array>();
    const acc = new RhythmAccumulator({
      seqLen: N,
      promptLength,
      ...mapOptionsOf(options),
      thumbnailSize: THUMBNAIL_SIZE,
    });
    let logitsT: Awaited<ReturnType<typeof forward>> | undefined;
    try {
      checkAborted(signal);
      performance.mark('rs:analysis:forward'); // marks: see bench/browser.ts
      logitsT = await forward(ids, acc, keep ? (l, d) => layers.set(l, d.slice()) : null, progress, signal);
      performance.mark('rs:analysis:entropy');
      const entropy = await responseEntropyFromTensorAsync(logitsT, promptLength);
      const logits =
        N * V * 4 <= LOGITS_BUDGET_BYTES ? { data: (await logitsT.data()) as Float32Array, vocabSize: V } : undefined;
      performance.mark('rs:analysis:finish');
      const cache = await acc.finishAsync();
      checkAborted(signal);
      performance.mark('rs:analysis:record');
      const tokens = ids.map((id) => tokenizer.tokenString(id));
      const record = analyzeCache(cache, { tokens, tokenIds: ids, numLayers: L, entropy, model: model.name }, options);
      return {
        name: model.name,
        source: 'model',
        tokens,
        ids,
        promptLength,
        numLayers: L,
        numHeads: H,
        layerIndices: Array.from({ length: L }, (_, l) => l),
        layer: keep ? (l) => layers.get(l)! : null,
        entropy,
        logits,
        cache,
        record,
        loaded,
      };
    } finally {
      logitsT?.dispose();
      acc.dispose();
    }
  };

  /** Accumulates the cached raw maps again with new map options (no model). */
  const fromMaps = async (s: Sequence, options: Record<string, unknown>): Promise<HeadCache> => {
    const acc = new RhythmAccumulator({
      seqLen: s.tokens.length,
      promptLength: s.promptLength,
      ...mapOptionsOf(options),
      thumbnailSize: THUMBNAIL_SIZE,
    });
    try {
      for (const l of s.layerIndices) acc.addLayerData(l, s.layer!(l), s.numHeads);
      return await acc.finishAsync(); // async reads: see forward()
    } finally {
      acc.dispose();
    }
  };

  const outcome = (s: Sequence, how: AnalysisOutcome['how'], started: number): AnalysisOutcome => ({
    record: s.record,
    summary: headSummary(s),
    how,
    ms: performance.now() - started,
  });

  /** A rerun needs the model that made the sequence; another model may have been loaded since. */
  const requireSameModel = (s: Sequence) => {
    if (s.loaded !== requireModel())
      throw new InputError('another model was loaded since this analysis: analyze the response again', {
        field: 'model',
      });
  };

  /** Raw maps of the requested heads of the current sequence (cached, or by one rerun of the forward). */
  const headMaps = async (s: Sequence, heads: HeadRef[]): Promise<Float32Array[]> => {
    const N = s.tokens.length,
      NN = N * N;
    if (s.layer) return heads.map(([l, h]) => s.layer!(l).subarray(h * NN, (h + 1) * NN));
    requireSameModel(s);
    const out = new Map<string, Float32Array>();
    const logits = await forward(
      s.ids!,
      null,
      (l, d) => {
        for (const [hl, h] of heads) if (hl === l) out.set(`${l}:${h}`, d.slice(h * NN, (h + 1) * NN));
      },
      () => {},
    );
    logits.dispose();
    return heads.map(([l, h]) => out.get(`${l}:${h}`)!);
  };

  return {
    async analyze({ input, options }, ctx) {
      const started = performance.now();
      resolveOptions(options); // bad options fail before the forward
      const { ids, promptLength } = sequenceIds(requireModel(), input);
      ctx.progress(0, 'Running the model');
      seq = await runModel(ids, promptLength, options, ctx.signal, ctx.progress);
      const result = outcome(seq, 'forward', started);
      performance.mark('rs:analysis:done');
      return result;
    },

    async reanalyze({ options }, ctx) {
      const started = performance.now();
      const s = requireSequence();
      resolveOptions(options);
      let how: AnalysisOutcome['how'];
      if (!needsMaps(s.cache.mapOptions, resolveOptions(options))) {
        how = 'cache';
      } else if (s.layer) {
        ctx.progress(0.1, 'Recomputing from the cached maps');
        s.cache = await fromMaps(s, options);
        how = 'maps';
      } else {
        requireSameModel(s);
        ctx.progress(0, 'Rerunning the model (maps are not cached for a model this size)');
        seq = await runModel(s.ids!, s.promptLength, options, ctx.signal, ctx.progress);
        return outcome(seq, 'forward', started);
      }
      s.record = analyzeCache(
        s.cache,
        { tokens: s.tokens, tokenIds: s.ids, numLayers: s.numLayers, entropy: s.entropy, model: s.name },
        options,
      );
      return outcome(s, how, started);
    },

    async headMap({ choice }) {
      const s = requireSequence();
      const N = s.tokens.length;
      const heads = requestedHeads(s, choice);
      const maps = await headMaps(s, heads);
      const map = new Float32Array(N * N);
      for (const m of maps) for (let i = 0; i < map.length; i++) map[i] += m[i];
      if (maps.length > 1) for (let i = 0; i < map.length; i++) map[i] /= maps.length;
      return { choice, map, seqLen: N, heads };
    },

    async importDump({ name, bytes, options }, ctx) {
      const started = performance.now();
      resolveOptions(options);
      ctx.progress(0.05, `Reading ${name}`);
      const dump = parseAttentionDump(new Uint8Array(bytes), name);
      checkAborted(ctx.signal);
      const entropy = dump.logits
        ? responseEntropy(dump.logits.data, dump.logits.vocabSize, dump.seqLen, dump.promptLength)
        : undefined;
      const partial: Omit<Sequence, 'cache' | 'record'> = {
        name: dump.model ?? name,
        source: 'dump',
        tokens: dump.tokens,
        ids: dump.tokenIds,
        promptLength: dump.promptLength,
        numLayers: dump.numLayers,
        numHeads: dump.numHeads,
        layerIndices: dump.layerIndices,
        layer: (l) => dump.layer(l),
        entropy,
        logits: dump.logits,
      };
      ctx.progress(0.3, 'Accumulating the layers');
      const cache = await fromMaps(partial as Sequence, options);
      const record = analyzeCache(
        cache,
        { tokens: dump.tokens, tokenIds: dump.tokenIds, numLayers: dump.numLayers, entropy, model: dump.model },
        options,
      );
      seq = { ...partial, cache, record };
      return outcome(seq, 'dump', started);
    },

    async exportDump(_params, ctx) {
      const s = requireSequence();
      const N = s.tokens.length,
        H = s.numHeads,
        layerBytes = H * N * N * 4;
      const header = encodeAttentionDumpHeader({
        numHeads: H,
        seqLen: N,
        layerIndices: s.layerIndices,
        numLayers: s.numLayers,
        tokens: s.tokens,
        tokenIds: s.ids,
        promptLength: s.promptLength,
        model: s.name,
        vocabSize: s.logits?.vocabSize,
      });
      const total = header.length + s.layerIndices.length * layerBytes + (s.logits ? s.logits.data.byteLength : 0);
      const out = new Uint8Array(total);
      out.set(header, 0);
      // Layers ascend in the header; each is written at its offset as it comes (little-endian float32).
      const offsetOf = (l: number) => header.length + s.layerIndices.indexOf(l) * layerBytes;
      const write = (l: number, d: Float32Array) =>
        out.set(new Uint8Array(d.buffer, d.byteOffset, layerBytes), offsetOf(l));
      if (s.layer)
        s.layerIndices.forEach((l, i) => {
          write(l, s.layer!(l));
          ctx.progress((i + 1) / s.layerIndices.length, `layer ${l}`);
        });
      else {
        requireSameModel(s);
        (await forward(s.ids!, null, write, ctx.progress)).dispose();
      }
      if (s.logits)
        out.set(
          new Uint8Array(s.logits.data.buffer, s.logits.data.byteOffset, s.logits.data.byteLength),
          total - s.logits.data.byteLength,
        );
      return {
        bytes: out,
        fileName: `${s.name.replace(/[^A-Za-z0-9._-]+/g, '-') || 'sequence'}-attention.safetensors`,
      };
    },
  };
}

/**
 * The model's forward (embed, every block, head: the same ops and tidy scopes as CausalLM.forward), with `afterLayer`
 * awaited between layers: a synchronous forward would see a Cancel (a message to this worker) only once it ended.
 */
export async function forwardByLayer(
  model: CausalLM,
  ids: number[],
  onAttention: AttentionCallback,
  afterLayer: () => Promise<void>,
): Promise<tf.Tensor2D> {
  model.checkIds(ids, 0);
  let x = tf.tidy(() => model.embed(ids, 0)); // [N, D]
  try {
    for (let l = 0; l < model.config.n_layer; l++) {
      const prev = x;
      x = tf.tidy(() => model.block(l, prev, null, onAttention).x); // [N, D]; the layer's K/V are freed
      prev.dispose();
      await afterLayer();
    }
    const h = x;
    return tf.tidy(() => model.head(h, false)); // [N, V]
  } finally {
    x.dispose();
  }
}

function requestedHeads(s: Sequence, choice: MapRequest): HeadRef[] {
  if (choice.kind === 'head') {
    const { layer, head } = choice;
    if (!s.layerIndices.includes(layer))
      throw new InputError(`layer ${layer} is not in this sequence (layers ${s.layerIndices.join(', ')})`, {
        field: 'layer',
      });
    if (!(Number.isInteger(head) && head >= 0 && head < s.numHeads))
      throw new InputError(`head ${head} is outside 0..${s.numHeads - 1}`, { field: 'head' });
    return [[layer, head]];
  }
  const heads = s.record.heads[choice.kind];
  if (heads.length === 0) throw new InputError(`this analysis has no ${choice.kind} heads`, { field: 'heads' });
  return heads;
}
