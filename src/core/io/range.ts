/**
 * Random access to one file's bytes, so a weight file can be read tensor by tensor instead of whole:
 * a Node file (read at an offset), a browser Blob/File (a slice, read synchronously in a worker), or bytes
 * already in memory. Reads are synchronous because the weight upload that consumes them is.
 */
import { InputError } from '../errors';
import { bf16BitsToFloat32Array, f16BitsToFloat32Array } from './half';
import type { SafeDtype } from './safetensors';

export interface RangeFile {
  /** The file's length in bytes when it was opened. */
  readonly size: number;
  /**
   * True when `read` returns views of bytes held in memory (never modify them); false when every read is a
   * fresh buffer the caller owns.
   */
  readonly inMemory: boolean;
  /** Bytes [offset, offset + length); fewer only when the file now ends sooner (the caller checks). */
  read(offset: number, length: number): Uint8Array;
}

/** Bytes in memory as a RangeFile: reads are views, no copy. */
export function bytesFile(bytes: Uint8Array): RangeFile {
  return {
    size: bytes.length,
    inMemory: true,
    read: (offset, length) => bytes.subarray(offset, Math.min(offset + length, bytes.length)),
  };
}

interface SyncReader {
  readAsArrayBuffer(blob: Blob): ArrayBuffer;
}

/**
 * A Blob (a dropped File) read by slices. Synchronous reads need FileReaderSync, which only workers have;
 * elsewhere the Blob is read whole once (undefined is never returned).
 */
export async function blobFile(blob: Blob): Promise<RangeFile> {
  const Reader = (globalThis as { FileReaderSync?: new () => SyncReader }).FileReaderSync;
  if (!Reader) return bytesFile(new Uint8Array(await blob.arrayBuffer()));
  const reader = new Reader();
  return {
    size: blob.size,
    inMemory: false,
    read: (offset, length) => new Uint8Array(reader.readAsArrayBuffer(blob.slice(offset, offset + length))),
  };
}

/** Elements decoded per read when a half-float tensor is read from disk: bounds the raw bytes held at once. */
const HALF_CHUNK = 1 << 22;

/**
 * Reads `count` elements of `dtype` at byte `begin` as float32. `copy` false allows a view of in-memory bytes
 * (aligned F32 only). A read that comes back short (the file shrank or was cut since it was opened) is an
 * InputError naming the file and the tensor.
 */
export function readFloat32Range(
  file: RangeFile,
  begin: number,
  count: number,
  dtype: SafeDtype,
  copy: boolean,
  where: { file: string; field: string },
  halfChunk = HALF_CHUNK,
): Float32Array {
  const read = (offset: number, length: number): Uint8Array => {
    const bytes = file.read(offset, length);
    if (bytes.length !== length) {
      throw new InputError(
        `the file ends at byte ${offset + bytes.length}, inside this tensor's data [${offset}, ${offset + length}); truncated or changed since it was opened?`,
        where,
      );
    }
    return bytes;
  };
  if (dtype === 'F32') {
    const bytes = read(begin, 4 * count);
    const aligned = bytes.byteOffset % 4 === 0;
    if (!aligned) return new Float32Array(bytes.slice().buffer);
    const view = new Float32Array(bytes.buffer, bytes.byteOffset, count);
    return file.inMemory && copy ? view.slice() : view;
  }
  const decode = dtype === 'F16' ? f16BitsToFloat32Array : bf16BitsToFloat32Array;
  const out = new Float32Array(count);
  const chunk = file.inMemory ? count : halfChunk;
  for (let i = 0; i < count; i += chunk) {
    const n = Math.min(chunk, count - i);
    const bytes = read(begin + 2 * i, 2 * n);
    const halves =
      bytes.byteOffset % 2 === 0
        ? new Uint16Array(bytes.buffer, bytes.byteOffset, n)
        : new Uint16Array(bytes.slice().buffer);
    decode(halves, out, i);
  }
  return out;
}
