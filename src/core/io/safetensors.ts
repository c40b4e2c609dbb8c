/**
 * safetensors reader/writer (https://github.com/huggingface/safetensors, format in docs/formats.md):
 * u64 little-endian header length, UTF-8 JSON header, then the data section.
 * The reader validates the whole header up front, so a TensorSource never fails later on a bad offset;
 * it reads each tensor's bytes by range when asked (from memory, a file on disk or a Blob) and decodes F32, F16
 * and BF16 to Float32Array, so a file on disk is never held whole. The writer writes F32 only.
 */
import { InputError } from '../errors';
import { bytesFile, readFloat32Range, type RangeFile } from './range';

export { float32ToF16Bits, float32ToBF16Bits, f16BitsToFloat32, bf16BitsToFloat32 } from './half';

export type SafeDtype = 'F32' | 'F16' | 'BF16';

export interface TensorInfo {
  name: string;
  dtype: SafeDtype;
  shape: number[];
}

export interface TensorSource {
  readonly fileName: string;
  readonly metadata: Record<string, string>;
  readonly names: string[];
  info(name: string): TensorInfo | undefined;
  /** A fresh float32 copy of the tensor's data (row-major). Throws for an unknown name. */
  getFloat32(name: string): Float32Array;
  /**
   * Read-only access without a copy where possible: an aligned F32 tensor comes back as a view of the file's
   * bytes (never modify it or transfer its buffer); other dtypes are decoded as in getFloat32.
   */
  readFloat32?(name: string): Float32Array;
}

/** What parseSafetensors returns: a TensorSource whose zero-copy reader always exists. */
export interface SafetensorsFile extends TensorSource {
  readFloat32(name: string): Float32Array;
}

export const DTYPE_BYTES: Record<SafeDtype, number> = { F32: 4, F16: 2, BF16: 2 };

/** The spec caps headers at 100 MB; a bigger claimed length means a corrupt or foreign file. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

interface Entry extends TensorInfo {
  begin: number; // absolute byte offsets into the file
  end: number;
}

function product(shape: number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function readHeader(file: RangeFile, fileName: string): { header: Record<string, unknown>; dataStart: number } {
  if (file.size < 8) {
    throw new InputError(`file is ${file.size} bytes, shorter than the 8-byte safetensors header length`, {
      file: fileName,
      field: 'header length',
    });
  }
  const prefix = file.read(0, 8);
  if (prefix.length < 8)
    throw new InputError('file ends inside the header length', { file: fileName, field: 'header length' });
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const headerLen = hi * 2 ** 32 + lo;
  if (hi !== 0 || headerLen > MAX_HEADER_BYTES || 8 + headerLen > file.size) {
    throw new InputError(
      `header length ${headerLen} runs past the end of the file (${file.size} bytes); not a safetensors file?`,
      { file: fileName, field: 'header length' },
    );
  }
  const headerBytes = file.read(8, headerLen);
  if (headerBytes.length < headerLen)
    throw new InputError('file ends inside the header', { file: fileName, field: 'header' });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    throw new InputError('header is not valid UTF-8', { file: fileName, field: 'header' });
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new InputError(`header is not valid JSON (${(e as Error).message})`, { file: fileName, field: 'header' });
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new InputError('header is not a JSON object', { file: fileName, field: 'header' });
  }
  return { header: header as Record<string, unknown>, dataStart: 8 + headerLen };
}

function readMetadata(raw: unknown, fileName: string): Record<string, string> {
  if (raw === undefined) return {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError('__metadata__ must be an object of strings', { file: fileName, field: '__metadata__' });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') {
      throw new InputError(`value must be a string, got ${v === null ? 'null' : typeof v}`, {
        file: fileName,
        field: `__metadata__.${k}`,
      });
    }
    out[k] = v;
  }
  return out;
}

function readEntry(name: string, raw: unknown, dataStart: number, dataLen: number, fileName: string): Entry {
  const where = { file: fileName, field: name };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InputError('tensor entry must be an object with dtype, shape and data_offsets', where);
  }
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (dtype === undefined) throw new InputError('tensor entry has no "dtype"', where);
  if (shape === undefined) throw new InputError('tensor entry has no "shape"', where);
  if (offsets === undefined) throw new InputError('tensor entry has no "data_offsets"', where);
  if (typeof dtype !== 'string') throw new InputError('"dtype" must be a string', where);
  if (!(dtype in DTYPE_BYTES)) {
    throw new InputError(`unsupported dtype "${dtype}" (supported: F32, F16, BF16)`, where);
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegInt)) {
    throw new InputError('"shape" must be an array of non-negative integers', where);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegInt)) {
    throw new InputError('"data_offsets" must be [begin, end] non-negative integers', where);
  }
  const [begin, end] = offsets as number[];
  if (begin > end) throw new InputError(`data_offsets begin ${begin} > end ${end}`, where);
  if (end > dataLen) {
    throw new InputError(`data_offsets [${begin}, ${end}] run past the data section (${dataLen} bytes)`, where);
  }
  const d = dtype as SafeDtype;
  const expected = product(shape as number[]) * DTYPE_BYTES[d];
  if (end - begin !== expected) {
    throw new InputError(
      `byte length ${end - begin} != ${expected} (shape [${(shape as number[]).join(', ')}] x ${DTYPE_BYTES[d]} bytes of ${d})`,
      where,
    );
  }
  return { name, dtype: d, shape: [...(shape as number[])], begin: dataStart + begin, end: dataStart + end };
}

/** Parses and validates a safetensors file in memory. Data stays in `bytes` and is decoded per tensor on demand. */
export function parseSafetensors(bytes: Uint8Array, fileName: string): SafetensorsFile {
  return openSafetensors(bytesFile(bytes), fileName);
}

/**
 * Reads and validates a safetensors file's header; each tensor's bytes are read from `file` only when the tensor
 * is asked for, and not kept (a file on disk or a Blob is never held whole).
 */
export function openSafetensors(file: RangeFile, fileName: string): SafetensorsFile {
  const { header, dataStart } = readHeader(file, fileName);
  const dataLen = file.size - dataStart;
  const metadata = readMetadata(header['__metadata__'], fileName);
  const entries = new Map<string, Entry>();
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    entries.set(name, readEntry(name, raw, dataStart, dataLen, fileName));
  }
  // Overlap check: sort by begin; each non-empty tensor must start at or after the previous one's end.
  const sorted = [...entries.values()].filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].begin < sorted[i - 1].end) {
      throw new InputError(`data overlaps tensor "${sorted[i - 1].name}"`, { file: fileName, field: sorted[i].name });
    }
  }
  const read = (name: string, copy: boolean): Float32Array => {
    const e = entries.get(name);
    if (!e) throw new InputError('no such tensor', { file: fileName, field: name });
    const count = (e.end - e.begin) / DTYPE_BYTES[e.dtype];
    return readFloat32Range(file, e.begin, count, e.dtype, copy, { file: fileName, field: name });
  };
  return {
    fileName,
    metadata,
    names: [...entries.keys()],
    info(name) {
      const e = entries.get(name);
      return e ? { name: e.name, dtype: e.dtype, shape: [...e.shape] } : undefined;
    },
    getFloat32: (name) => read(name, true),
    readFloat32: (name) => read(name, false),
  };
}

/**
 * The header (length prefix + JSON padded with spaces to a multiple of 8) for F32 tensors of the given shapes,
 * laid out contiguously in the given order. Lets a writer stream the data afterwards, tensor by tensor.
 */
export function encodeSafetensorsHeader(
  tensors: { name: string; shape: number[] }[],
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name === '__metadata__' || t.name in header)
      throw new Error(`writeSafetensors: duplicate or reserved name "${t.name}"`);
    if (!t.shape.every((d) => isNonNegInt(d)))
      throw new Error(`writeSafetensors: "${t.name}" has a bad shape [${t.shape.join(', ')}]`);
    const bytes = product(t.shape) * 4;
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8; // keeps F32 data 4-byte aligned for zero-copy views
  const head = new Uint8Array(8 + padded).fill(0x20, 8); // spaces are valid JSON whitespace
  new DataView(head.buffer).setUint32(0, padded, true); // high 32 bits stay 0
  head.set(json, 8);
  return head;
}

/** A Float32Array's bytes (a view, no copy). */
export function float32Bytes(data: Float32Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * The file as chunks (header, then each tensor's bytes as a view of its data, no copy), so a large file
 * can be streamed to disk without building it in memory. Tensors are F32, written in the given order.
 */
export function encodeSafetensorsChunks(
  tensors: { name: string; shape: number[]; data: Float32Array }[],
  metadata?: Record<string, string>,
): Uint8Array[] {
  for (const t of tensors) {
    if (product(t.shape) !== t.data.length) {
      throw new Error(`writeSafetensors: "${t.name}" has ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    }
  }
  return [encodeSafetensorsHeader(tensors, metadata), ...tensors.map((t) => float32Bytes(t.data))];
}

/** Writes F32 tensors in the given order; the header is padded with spaces to a multiple of 8 bytes. */
export function writeSafetensors(
  tensors: { name: string; shape: number[]; data: Float32Array }[],
  metadata?: Record<string, string>,
): Uint8Array {
  const chunks = encodeSafetensorsChunks(tensors, metadata);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}
