/**
 * Attention dumps (docs/formats.md): a safetensors file with one `attn.L{l}` tensor [H, N, N] per layer
 * (row t = query, column s = key; causal, rows sum to 1), optional `logits` [N, V], and metadata
 * `tokens`, `prompt_length`, optional `token_ids`, `num_layers`, `model`.
 *
 * Validation tolerances (why two: half floats carry ~3 significant digits, so an N=1024 row of F16 values
 * can drift by ~1e-2 from 1 through rounding alone):
 *   F32 rows must sum to 1 within ROW_TOLERANCE.F32 = 1e-3; F16/BF16 within 2e-2.
 *   Mass above the diagonal (sum of |A[t][s]| for s > t) and any negative entry must stay within the same tolerance.
 *   NaN or ±Inf anywhere (attention or logits) is an error.
 */
import { InputError } from '../errors';
import {
  encodeSafetensorsHeader,
  parseSafetensors,
  writeSafetensors,
  type SafeDtype,
  type TensorSource,
} from './safetensors';

export interface AttentionDump {
  fileName: string;
  numHeads: number;
  seqLen: number;
  /** 0-based indices of the layers present, ascending. */
  layerIndices: number[];
  numLayers: number;
  tokens: string[];
  tokenIds?: number[];
  promptLength: number;
  model?: string;
  /** Layer l's attention [H, N, N] row-major, decoded to float32 (a fresh array per call). */
  layer(l: number): Float32Array;
  logits?: { data: Float32Array; vocabSize: number };
}

const ROW_TOLERANCE: Record<SafeDtype, number> = { F32: 1e-3, F16: 2e-2, BF16: 2e-2 };

const LAYER_NAME = /^attn\.L(0|[1-9][0-9]*)$/;

const attnName = (l: number) => `attn.L${l}`;

export function parseAttentionDump(bytes: Uint8Array, fileName: string): AttentionDump {
  const src = parseSafetensors(bytes, fileName);
  const where = (field: string) => ({ file: fileName, field });

  const layerIndices: number[] = [];
  for (const name of src.names) {
    const m = LAYER_NAME.exec(name);
    if (m) layerIndices.push(Number(m[1]));
    else if (name.startsWith('attn.'))
      throw new InputError('attention tensors must be named attn.L{layer}, e.g. attn.L0', where(name));
  }
  if (layerIndices.length === 0)
    throw new InputError('no attention tensors (attn.L0, attn.L1, …) in the file', { file: fileName });
  layerIndices.sort((a, b) => a - b);

  // Shapes: every layer [H, N, N] with the same H and N.
  const first = src.info(attnName(layerIndices[0]))!;
  const [numHeads, seqLen] = first.shape;
  for (const l of layerIndices) {
    const { shape } = src.info(attnName(l))!;
    if (shape.length !== 3 || shape[1] !== shape[2] || shape[0] < 1 || shape[1] < 1) {
      throw new InputError(`shape [${shape.join(', ')}] must be [heads, N, N]`, where(attnName(l)));
    }
    if (shape[0] !== numHeads || shape[1] !== seqLen) {
      throw new InputError(
        `shape [${shape.join(', ')}] differs from ${attnName(layerIndices[0])} [${first.shape.join(', ')}]`,
        where(attnName(l)),
      );
    }
  }

  const meta = readDumpMetadata(src, seqLen, layerIndices, fileName);
  for (const l of layerIndices) {
    const name = attnName(l);
    checkAttention(src.readFloat32(name), numHeads, seqLen, ROW_TOLERANCE[src.info(name)!.dtype], name, fileName);
  }
  const logits = readLogits(src, seqLen, fileName);

  return {
    fileName,
    numHeads,
    seqLen,
    layerIndices,
    ...meta,
    layer(l: number) {
      if (!layerIndices.includes(l))
        throw new InputError(`no layer ${l} in this dump (layers: ${layerIndices.join(', ')})`, where(attnName(l)));
      return src.getFloat32(attnName(l));
    },
    ...(logits ? { logits } : {}),
  };
}

function parseJsonField(text: string | undefined, field: string, fileName: string): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError('metadata value is not valid JSON', { file: fileName, field });
  }
}

function parseIntField(text: string | undefined, field: string, fileName: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\s*[0-9]+\s*$/.test(text))
    throw new InputError(`must be a non-negative integer string, got ${JSON.stringify(text)}`, {
      file: fileName,
      field,
    });
  return Number(text);
}

function readDumpMetadata(src: TensorSource, seqLen: number, layerIndices: number[], fileName: string) {
  const md = src.metadata;
  const tokens = parseJsonField(md.tokens, 'tokens', fileName);
  if (tokens === undefined)
    throw new InputError('missing metadata (JSON array of N token strings)', { file: fileName, field: 'tokens' });
  if (!Array.isArray(tokens) || !tokens.every((t) => typeof t === 'string')) {
    throw new InputError('must be a JSON array of strings', { file: fileName, field: 'tokens' });
  }
  if (tokens.length !== seqLen) {
    throw new InputError(`has ${tokens.length} entries, attention has N = ${seqLen}`, {
      file: fileName,
      field: 'tokens',
    });
  }

  const promptLength = parseIntField(md.prompt_length, 'prompt_length', fileName);
  if (promptLength === undefined)
    throw new InputError('missing metadata (integer string)', { file: fileName, field: 'prompt_length' });
  if (promptLength >= seqLen) {
    throw new InputError(`${promptLength} leaves no response tokens (N = ${seqLen}; need 0 <= prompt_length < N)`, {
      file: fileName,
      field: 'prompt_length',
    });
  }

  const tokenIds = parseJsonField(md.token_ids, 'token_ids', fileName);
  if (tokenIds !== undefined) {
    if (!Array.isArray(tokenIds) || !tokenIds.every((t) => Number.isSafeInteger(t) && t >= 0)) {
      throw new InputError('must be a JSON array of non-negative integers', { file: fileName, field: 'token_ids' });
    }
    if (tokenIds.length !== seqLen)
      throw new InputError(`has ${tokenIds.length} entries, attention has N = ${seqLen}`, {
        file: fileName,
        field: 'token_ids',
      });
  }

  const maxLayer = layerIndices[layerIndices.length - 1];
  const declared = parseIntField(md.num_layers, 'num_layers', fileName);
  if (declared !== undefined && declared <= maxLayer) {
    throw new InputError(`${declared} but the file has ${attnName(maxLayer)}`, { file: fileName, field: 'num_layers' });
  }
  // Without num_layers, formats.md says "the count of attn tensors"; a gap (e.g. only attn.L5) can only mean more.
  const numLayers = declared ?? Math.max(layerIndices.length, maxLayer + 1);

  return {
    numLayers,
    tokens: tokens as string[],
    promptLength,
    ...(tokenIds !== undefined ? { tokenIds: tokenIds as number[] } : {}),
    ...(md.model !== undefined ? { model: md.model } : {}),
  };
}

/**
 * One pass over [H, N, N]: per row, the causal sum, the minimum, and the absolute mass above the diagonal.
 * NaN/Inf propagate into the sums, so the per-element loop has no finiteness branch; a bad row is rescanned.
 */
function checkAttention(a: Float32Array, H: number, N: number, tol: number, name: string, fileName: string): void {
  for (let h = 0; h < H; h++) {
    for (let t = 0; t < N; t++) {
      const row = (h * N + t) * N;
      let sum = 0;
      let min = 0;
      for (let i = row, end = row + t + 1; i < end; i++) {
        const v = a[i];
        sum += v;
        if (v < min) min = v;
      }
      let upper = 0;
      for (let i = row + t + 1, end = row + N; i < end; i++) upper += Math.abs(a[i]);
      const fail = (msg: string) =>
        new InputError(`${name} row ${t} ${msg} (head ${h})`, { file: fileName, field: name });
      if (!Number.isFinite(sum) || !Number.isFinite(upper)) {
        let s = 0;
        while (s < N - 1 && Number.isFinite(a[row + s])) s++;
        throw fail(`has ${a[row + s]} at column ${s}`);
      }
      if (min < -tol) throw fail(`has a negative entry ${min}`);
      if (upper > tol)
        throw fail(`has mass ${upper.toPrecision(3)} above the diagonal (causal attention has none; tolerance ${tol})`);
      if (Math.abs(sum - 1) > tol) throw fail(`sums to ${sum.toPrecision(4)}, expected 1 ± ${tol}`);
    }
  }
}

function readLogits(src: TensorSource, seqLen: number, fileName: string): AttentionDump['logits'] {
  const info = src.info('logits');
  if (!info) return undefined;
  if (info.shape.length !== 2 || info.shape[0] !== seqLen || info.shape[1] < 1) {
    throw new InputError(`shape [${info.shape.join(', ')}] must be [N, vocab] with N = ${seqLen}`, {
      file: fileName,
      field: 'logits',
    });
  }
  const data = src.getFloat32('logits'); // a copy: the dump object keeps it
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const V = info.shape[1];
      throw new InputError(`row ${Math.floor(i / V)} has ${data[i]} at column ${i % V}`, {
        file: fileName,
        field: 'logits',
      });
    }
  }
  return { data, vocabSize: info.shape[1] };
}

type DumpToWrite = Omit<AttentionDump, 'fileName' | 'layer'> & { layers: Map<number, Float32Array> };

/** What a dump's header needs: everything but the data. `layerIndices` lists the layers that will follow. */
export type DumpLayout = Omit<AttentionDump, 'fileName' | 'layer' | 'logits'> & { vocabSize?: number };

/** Serializes a dump (F32). Layers are written in ascending index order; `layerIndices` is taken from `layers`. */
export function writeAttentionDump(d: DumpToWrite): Uint8Array {
  const { tensors, metadata } = dumpTensors(d);
  return writeSafetensors(tensors, metadata);
}

/**
 * The header of a dump whose data will be streamed after it: attn.L{l} for l in ascending `layerIndices`
 * ([H, N, N] F32 each), then `logits` [N, vocabSize] when vocabSize is given. Lets `forward` write each
 * layer as the model produces it, holding one layer in memory instead of all of them.
 */
export function encodeAttentionDumpHeader(layout: DumpLayout): Uint8Array {
  const { tensors, metadata } = dumpLayout(layout);
  return encodeSafetensorsHeader(tensors, metadata);
}

function dumpTensors(d: DumpToWrite) {
  const layerIndices = [...d.layers.keys()];
  const { tensors, metadata } = dumpLayout({ ...d, layerIndices, vocabSize: d.logits?.vocabSize });
  const withData = tensors.map((t) => ({
    ...t,
    data: t.name === 'logits' ? d.logits!.data : d.layers.get(Number(t.name.slice(6)))!,
  }));
  return { tensors: withData, metadata };
}

function dumpLayout(d: DumpLayout) {
  const { numHeads: H, seqLen: N } = d;
  if (d.tokens.length !== N) throw new Error(`writeAttentionDump: ${d.tokens.length} tokens for N = ${N}`);
  if (d.tokenIds && d.tokenIds.length !== N)
    throw new Error(`writeAttentionDump: ${d.tokenIds.length} token ids for N = ${N}`);
  if (!(Number.isInteger(d.promptLength) && d.promptLength >= 0 && d.promptLength < N)) {
    throw new Error(`writeAttentionDump: prompt_length ${d.promptLength} not in [0, ${N})`);
  }
  const indices = [...new Set(d.layerIndices)].sort((a, b) => a - b);
  if (indices.length === 0) throw new Error('writeAttentionDump: no layers');
  const tensors = indices.map((l) => ({ name: attnName(l), shape: [H, N, N] }));
  if (d.vocabSize !== undefined) tensors.push({ name: 'logits', shape: [N, d.vocabSize] });
  const metadata: Record<string, string> = {
    tokens: JSON.stringify(d.tokens),
    prompt_length: String(d.promptLength),
    num_layers: String(Math.max(d.numLayers, indices[indices.length - 1] + 1)),
  };
  if (d.tokenIds) metadata.token_ids = JSON.stringify(d.tokenIds);
  if (d.model !== undefined) metadata.model = d.model;
  return { tensors, metadata };
}
