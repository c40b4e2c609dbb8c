/**
 * The worker's analysis operations: one teacher-forced forward with the rhythm accumulator as onAttention,
 * re-analysis from what that pass left behind, on-demand head maps, and attention dumps in and out.
 *
 * The worker keeps the current sequence (analysis-sequence.ts): its HeadCache (O(L·H·N)) always, and every layer's
 * raw map [H, N, N] when they fit MAP_BUDGET_BYTES (tiny and small models), so a map option change (W, H_lo, H_hi,
 * sink), a head map or a dump export needs no rerun. Bigger models rerun the forward for those instead.
 * The page only ever receives the record, thumbnails and the one map it shows, never L·H·N² maps.
 * Logits [N, V] exist only when they fit LOGITS_BUDGET_BYTES (kept for the dump export); otherwise the entropy
 * comes from the LM head tile by tile (analysis-forward.ts).
 */
import { InputError } from '../core/errors';
import type { LoadedModel } from '../core/model/load';
import {
  RhythmAccumulator,
  analyzeCache,
  mapOptionsOf,
  needsMaps,
  resolveOptions,
  responseEntropyFromRowsAsync,
  responseEntropyFromTensorAsync,
  type HeadRef,
} from '../core/rhythm';
import { dumpOfSequence, sequenceFromDump } from './analysis-dump';
import { runForward } from './analysis-forward';
import {
  LOGITS_BUDGET_BYTES,
  MAP_BUDGET_BYTES,
  THUMBNAIL_SIZE,
  accumulateMaps,
  headSummary,
  requestedHeads,
  sequenceIds,
  type Sequence,
} from './analysis-sequence';
import type { Handlers } from './host';
import type { AnalysisOutcome } from './protocol';

export { MAP_BUDGET_BYTES, THUMBNAIL_SIZE, headSummary } from './analysis-sequence';
export { forwardByLayer } from './analysis-forward';

type AnalysisHandlers = Pick<Handlers, 'analyze' | 'reanalyze' | 'headMap' | 'importDump' | 'exportDump'>;

export interface AnalysisDebug {
  /** Sleep after each layer of a forward (test-only, see DebugSettings.analysisLayerDelayMs). */
  layerDelayMs?: () => number;
  /** Logits [N, V] are kept (for the dump export) up to this many bytes; above it, entropy comes tile by tile. */
  logitsBudgetBytes?: number;
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

  /** A forward for maps only (head maps, dump export of a big model): no LM head. */
  const rerunMaps = async (
    ids: number[],
    onLayer: (l: number, d: Float32Array) => void,
    progress: (f: number, m: string) => void = () => {},
  ) => {
    const { model } = requireModel();
    await runForward(model, ids, { acc: null, onLayer, progress, output: 'none', layerDelayMs: opts.layerDelayMs?.() });
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
    const keepLogits = N * V * 4 <= (opts.logitsBudgetBytes ?? LOGITS_BUDGET_BYTES);
    const layers = new Map<number, Float32Array>();
    const acc = new RhythmAccumulator({
      seqLen: N,
      promptLength,
      ...mapOptionsOf(options),
      thumbnailSize: THUMBNAIL_SIZE,
    });
    let result: Awaited<ReturnType<typeof runForward>> = {};
    try {
      signal.throwIfAborted();
      performance.mark('rs:analysis:forward'); // marks: see bench/browser.ts
      result = await runForward(model, ids, {
        acc,
        onLayer: keep ? (l, d) => layers.set(l, d.slice()) : null,
        progress,
        output: keepLogits ? 'logits' : 'entropy',
        signal,
        layerDelayMs: opts.layerDelayMs?.(),
      });
      performance.mark('rs:analysis:entropy');
      const entropy = result.logits
        ? await responseEntropyFromTensorAsync(result.logits, promptLength)
        : await responseEntropyFromRowsAsync(result.entropyRows!, promptLength);
      const logits = result.logits ? { data: (await result.logits.data()) as Float32Array, vocabSize: V } : undefined;
      performance.mark('rs:analysis:finish');
      const cache = await acc.finishAsync();
      signal.throwIfAborted();
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
      result.logits?.dispose();
      result.entropyRows?.dispose();
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
    await rerunMaps(s.ids!, (l, d) => {
      for (const [hl, h] of heads) if (hl === l) out.set(`${l}:${h}`, d.slice(h * NN, (h + 1) * NN));
    });
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
        s.cache = await accumulateMaps(s, options);
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
      seq = await sequenceFromDump(name, bytes, options, ctx.progress, ctx.signal);
      return outcome(seq, 'dump', started);
    },

    async exportDump(_params, ctx) {
      const s = requireSequence();
      return dumpOfSequence(
        s,
        async (write) => {
          requireSameModel(s);
          await rerunMaps(s.ids!, write, ctx.progress);
        },
        ctx.progress,
      );
    },
  };
}
