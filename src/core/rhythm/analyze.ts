/**
 * One-call analysis: from an attention dump (formats.md) or from a model forward pass.
 * Both feed the same streaming accumulator, then analyzeCache.
 */
import type { AttentionDump } from '../io/dump';
import type * as tf from '@tensorflow/tfjs-core';
import { InputError } from '../errors';
import type { CausalLM } from '../model/types';
import { RhythmAccumulator, type AccumulatorOptions, type HeadCache } from './accumulator';
import { forwardEntropy } from '../model/head';
import { responseEntropy, responseEntropyFromRows } from './entropy';
import type { RhythmOptions } from './options';
import { analyzeCache, type AnalysisRecord } from './record';

/** An attention dump as io/dump.ts reads it (tests may build one in memory). */
export type DumpLike = AttentionDump;

export type CaptureOptions = Pick<AccumulatorOptions, 'thumbnailSize' | 'keepMaps'>;

export interface Analysis {
  record: AnalysisRecord;
  /** Keep it to recompute with other non-map options via analyzeCache (no rerun). */
  cache: HeadCache;
}

function withFile<T>(fileName: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InputError && !e.where.file) throw new InputError(e.reason, { ...e.where, file: fileName });
    throw e;
  }
}

/** Accumulates every layer of a dump (each layer goes through a tensor, one at a time). */
export function accumulateDump(
  dump: DumpLike,
  options: Partial<RhythmOptions> = {},
  capture: CaptureOptions = {},
): HeadCache {
  return withFile(dump.fileName, () => {
    const acc = new RhythmAccumulator({
      seqLen: dump.seqLen,
      promptLength: dump.promptLength,
      W: options.W,
      H_lo: options.H_lo,
      H_hi: options.H_hi,
      sink: options.sink,
      ...capture,
    });
    try {
      for (const l of dump.layerIndices) acc.addLayerData(l, dump.layer(l), dump.numHeads);
      return acc.finish();
    } finally {
      acc.dispose();
    }
  });
}

/** Record (and cache) of one dumped sequence; entropy from the dump's logits when present. */
export function analyzeDump(
  dump: DumpLike,
  options: Partial<RhythmOptions> = {},
  capture: CaptureOptions = {},
): Analysis {
  const cache = accumulateDump(dump, options, capture);
  return withFile(dump.fileName, () => {
    const entropy = dump.logits
      ? responseEntropy(dump.logits.data, dump.logits.vocabSize, dump.seqLen, dump.promptLength)
      : undefined;
    const record = analyzeCache(
      cache,
      { tokens: dump.tokens, tokenIds: dump.tokenIds, numLayers: dump.numLayers, entropy, model: dump.model },
      options,
    );
    return { record, cache };
  });
}

export interface ModelSequence {
  /** prompt ⊕ response ids. */
  ids: number[];
  promptLength: number;
  /** Display strings of all N tokens. */
  tokens: string[];
}

/** One forward pass with the accumulator as onAttention; entropy from the same pass's LM head, tile by tile. */
export function analyzeModel(
  model: CausalLM,
  seq: ModelSequence,
  options: Partial<RhythmOptions> = {},
  capture: CaptureOptions = {},
): Analysis {
  const acc = new RhythmAccumulator({
    seqLen: seq.ids.length,
    promptLength: seq.promptLength,
    W: options.W,
    H_lo: options.H_lo,
    H_hi: options.H_hi,
    sink: options.sink,
    ...capture,
  });
  let rows: tf.Tensor1D | undefined;
  try {
    rows = forwardEntropy(model, seq.ids, acc.onAttention); // [N]: the head tile by tile, no [N, V] logits
    const entropy = responseEntropyFromRows(rows, seq.promptLength);
    const cache = acc.finish();
    const record = analyzeCache(
      cache,
      { tokens: seq.tokens, tokenIds: seq.ids, numLayers: model.config.n_layer, entropy, model: model.name },
      options,
    );
    return { record, cache };
  } finally {
    rows?.dispose();
    acc.dispose();
  }
}
