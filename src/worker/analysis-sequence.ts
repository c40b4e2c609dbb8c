/**
 * The analysed sequence the worker holds between calls, and the pure pieces around it: turning the request into
 * prompt ⊕ response ids, the head summary the page shows, and which heads a map request names.
 */
import { InputError } from '../core/errors';
import type { LoadedModel } from '../core/model/load';
import { RhythmAccumulator, mapOptionsOf, type HeadCache, type HeadRef } from '../core/rhythm';
import type { AnalysisOutcome, AnalyzeInput, HeadSummary, MapRequest } from './protocol';

/** Raw maps kept in the worker for the current sequence (L·H·N²·4 bytes). */
export const MAP_BUDGET_BYTES = 256 * 1024 * 1024;
/** Logits kept for the dump export (entropy survives a round trip). */
export const LOGITS_BUDGET_BYTES = 64 * 1024 * 1024;
export const THUMBNAIL_SIZE = 64;

export interface Sequence {
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

/** Tokenizes / validates the input into prompt ⊕ response ids. */
export function sequenceIds(loaded: LoadedModel, input: AnalyzeInput): { ids: number[]; promptLength: number } {
  const { tokenizer, model } = loaded;
  let ids: number[], promptLength: number;
  if (input.kind === 'text') {
    const p = tokenizer.encodePrompt(input.prompt);
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

export function requestedHeads(s: Sequence, choice: MapRequest): HeadRef[] {
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
  const heads = s.record.heads[choice.kind] ?? []; // receiver: absent in records from older files
  if (heads.length === 0) throw new InputError(`this analysis has no ${choice.kind} heads`, { field: 'heads' });
  return heads;
}

/** Accumulates the sequence's raw maps again (new map options, or a dump just read): no model. */
export async function accumulateMaps(
  s: Pick<Sequence, 'tokens' | 'promptLength' | 'layerIndices' | 'layer' | 'numHeads'>,
  options: Record<string, unknown>,
): Promise<HeadCache> {
  const acc = new RhythmAccumulator({
    seqLen: s.tokens.length,
    promptLength: s.promptLength,
    ...mapOptionsOf(options),
    thumbnailSize: THUMBNAIL_SIZE,
  });
  try {
    for (const l of s.layerIndices) acc.addLayerData(l, s.layer!(l), s.numHeads);
    return await acc.finishAsync(); // async reads: WebGPU's synchronous ones break (analysis-forward.ts)
  } finally {
    acc.dispose();
  }
}
