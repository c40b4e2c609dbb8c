/**
 * Attention dumps (formats.md) in and out of the worker: a dump read into a sequence (maps from the file, entropy
 * from its logits when present), and the current sequence written as one, layer by layer at its offset.
 */
import { encodeAttentionDumpHeader, parseAttentionDump } from '../core/io/dump';
import { analyzeCache, responseEntropy } from '../core/rhythm';
import { accumulateMaps, type Sequence } from './analysis-sequence';

/** Reads a dump into a sequence with its record; `progress` as the worker reports it. */
export async function sequenceFromDump(
  name: string,
  bytes: ArrayBuffer | Uint8Array,
  options: Record<string, unknown>,
  progress: (f: number, m: string) => void,
  signal: AbortSignal,
): Promise<Sequence> {
  progress(0.05, `Reading ${name}`);
  const dump = parseAttentionDump(new Uint8Array(bytes), name);
  signal.throwIfAborted();
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
  progress(0.3, 'Accumulating the layers');
  const cache = await accumulateMaps(partial, options);
  const record = analyzeCache(
    cache,
    { tokens: dump.tokens, tokenIds: dump.tokenIds, numLayers: dump.numLayers, entropy, model: dump.model },
    options,
  );
  return { ...partial, cache, record };
}

/**
 * The sequence as dump bytes. Cached maps are written directly; otherwise `rerun` runs the model once and calls
 * `write` with every layer's maps.
 */
export async function dumpOfSequence(
  s: Sequence,
  rerun: (write: (l: number, d: Float32Array) => void) => Promise<void>,
  progress: (f: number, m: string) => void,
): Promise<{ bytes: Uint8Array; fileName: string }> {
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
      progress((i + 1) / s.layerIndices.length, `layer ${l}`);
    });
  else await rerun(write);
  if (s.logits)
    out.set(
      new Uint8Array(s.logits.data.buffer, s.logits.data.byteOffset, s.logits.data.byteLength),
      total - s.logits.data.byteLength,
    );
  return {
    bytes: out,
    fileName: `${s.name.replace(/[^A-Za-z0-9._-]+/g, '-') || 'sequence'}-attention.safetensors`,
  };
}
