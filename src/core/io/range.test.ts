import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isInputError } from '../errors';
import { filesFromBlobs, filesFromMap, type ModelFiles } from './files';
import { filesFromDir, openRangeFile } from './node-files';
import { blobFile, bytesFile, readFloat32Range, type RangeFile } from './range';
import { float32ToBF16Bits, float32ToF16Bits, openSafetensors, writeSafetensors } from './safetensors';
import { readWeights } from './weights';

const f32 = (...v: number[]) => new Float32Array(v);
const where = { file: 'w.safetensors', field: 't' };

/** A RangeFile over `bytes` that copies every read (as a disk file does) and logs the ranges asked for. */
function diskLike(bytes: Uint8Array, size = bytes.length): RangeFile & { reads: [number, number][] } {
  const reads: [number, number][] = [];
  return {
    size,
    inMemory: false,
    reads,
    read(offset, length) {
      reads.push([offset, length]);
      return bytes.slice(offset, Math.min(offset + length, bytes.length));
    },
  };
}

function halves(bits: number[], pad = 0): Uint8Array {
  const out = new Uint8Array(pad + 2 * bits.length);
  out.set(new Uint8Array(new Uint16Array(bits).buffer), pad);
  return out;
}

function inputError(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    expect(isInputError(e), String(e)).toBe(true);
    return e as Error;
  }
  throw new Error('expected an InputError');
}

describe('readFloat32Range', () => {
  it('reads F32 at aligned and unaligned offsets; a view only when allowed and in memory', () => {
    const data = new Uint8Array(4 + 12);
    data.set(new Uint8Array(f32(1.5, -2, 3).buffer), 4);
    const mem = bytesFile(data);
    const view = readFloat32Range(mem, 4, 3, 'F32', false, where);
    expect(Array.from(view)).toEqual([1.5, -2, 3]);
    expect(view.buffer).toBe(data.buffer); // zero copy
    const copy = readFloat32Range(mem, 4, 3, 'F32', true, where);
    expect(copy.buffer).not.toBe(data.buffer);
    const shifted = new Uint8Array(1 + 12);
    shifted.set(data.subarray(4), 1);
    expect(Array.from(readFloat32Range(bytesFile(shifted), 1, 3, 'F32', false, where))).toEqual([1.5, -2, 3]);
    expect(Array.from(readFloat32Range(diskLike(data), 4, 3, 'F32', true, where))).toEqual([1.5, -2, 3]);
  });

  it('decodes F16 and BF16 by hand-checked bit patterns, in chunks from disk (odd offset too)', () => {
    // F16: 0x3c00 = 1, 0xc000 = -2, 0x3555 ≈ 0.33325, 0x7bff = 65504. BF16: 0x3f80 = 1, 0xc040 = -3, 0x3e80 = 0.25.
    const f16 = [0x3c00, 0xc000, 0x3555, 0x7bff, 0x0001];
    const want16 = [1, -2, 0.333251953125, 65504, 2 ** -24];
    const bf = [0x3f80, 0xc040, 0x3e80];
    for (const pad of [0, 1]) {
      const file = diskLike(halves(f16, pad));
      expect(Array.from(readFloat32Range(file, pad, 5, 'F16', true, where, 2))).toEqual(want16);
      expect(file.reads).toEqual([
        [pad, 4],
        [pad + 4, 4],
        [pad + 8, 2],
      ]); // three chunks of at most 2 elements
      expect(Array.from(readFloat32Range(bytesFile(halves(bf, pad)), pad, 3, 'BF16', false, where))).toEqual([
        1, -3, 0.25,
      ]);
    }
  });

  it('a range that runs past the end of the file is an InputError naming the file and the tensor', () => {
    const file = diskLike(halves([0x3c00, 0x3c00]), 100); // claims 100 bytes, has 4
    const e = inputError(() => readFloat32Range(file, 0, 4, 'F16', true, where));
    expect(e.message).toMatch(/w\.safetensors.*"t".*ends at byte 4, inside this tensor's data \[0, 8\)/);
    expect(() => readFloat32Range(bytesFile(new Uint8Array(6)), 0, 2, 'F32', false, where)).toThrow(/ends at byte 6/);
  });
});

describe('lazy weights: headers first, each tensor by its own range', () => {
  const file = () =>
    writeSafetensors([
      { name: 'a', shape: [2], data: f32(1, 2) },
      { name: 'b', shape: [3], data: f32(3, 4, 5) },
    ]);

  it('readWeights reads only the header; a tensor reads only its bytes, every time afresh', async () => {
    const bytes = file();
    const disk = diskLike(bytes);
    const files: ModelFiles = {
      ...filesFromMap('m', {}),
      open: async (p) => (p === 'model.safetensors' ? disk : undefined),
    };
    const src = await readWeights(files);
    const headerEnd = bytes.length - 20;
    expect(disk.reads).toEqual([
      [0, 8],
      [8, headerEnd - 8],
    ]);
    const b = src.getFloat32('b');
    expect(Array.from(b)).toEqual([3, 4, 5]);
    expect(disk.reads.at(-1)).toEqual([headerEnd + 8, 12]);
    b[0] = 99; // a fresh array each time: changing one read leaves the next untouched
    expect(src.getFloat32('b')[0]).toBe(3);
  });

  it('a shard whose tensor runs past the end of the file is caught at open, naming the shard and tensor', () => {
    const bytes = file();
    const e = inputError(() => openSafetensors(bytesFile(bytes.subarray(0, bytes.length - 4)), 's.safetensors'));
    expect(e.message).toMatch(/s\.safetensors, field "b".*run past the data section/);
  });
});

describe('files on disk (Node) by range', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rs-range-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a BF16 shard tensor by tensor; a shard cut after opening names the file and the tensor', async () => {
    const bits = [1, -0.5, 0.25, 8].map(float32ToBF16Bits);
    const header = JSON.stringify({
      x: { dtype: 'BF16', shape: [2, 2], data_offsets: [0, 8] },
      y: { dtype: 'F16', shape: [1], data_offsets: [8, 10] },
    });
    const head = new Uint8Array(8 + header.length);
    new DataView(head.buffer).setUint32(0, header.length, true);
    head.set(new TextEncoder().encode(header), 8);
    const shard = new Uint8Array([...head, ...halves(bits), ...halves([float32ToF16Bits(-3)])]);
    writeFileSync(join(dir, 'model-1.safetensors'), shard);
    writeFileSync(
      join(dir, 'model.safetensors.index.json'),
      JSON.stringify({ weight_map: { x: 'model-1.safetensors', y: 'model-1.safetensors' } }),
    );
    const src = await readWeights(filesFromDir(dir));
    expect(Array.from(src.getFloat32('x'))).toEqual([1, -0.5, 0.25, 8]);
    expect(Array.from(src.readFloat32!('y'))).toEqual([-3]);
    truncateSync(join(dir, 'model-1.safetensors'), shard.length - 1);
    expect(() => src.getFloat32('y')).toThrow(/model-1\.safetensors, field "y".*ends at byte/);
    expect(Array.from(src.getFloat32('x'))).toEqual([1, -0.5, 0.25, 8]); // the rest still reads
    await expect(readWeights(filesFromDir(dir))).rejects.toThrow(/model-1\.safetensors, field "y".*past the data/);
    expect(await openRangeFile(join(dir, 'nope'))).toBeUndefined();
    await expect(openRangeFile(dir)).rejects.toThrow(/not a regular file/);
  });
});

describe('browser files (Blob) by slice', () => {
  afterEach(() => vi.unstubAllGlobals());
  const bytes = writeSafetensors([
    { name: 'a', shape: [2], data: f32(1, 2) },
    { name: 'b', shape: [1], data: f32(7) },
  ]);

  it('without FileReaderSync (not a worker) the Blob is read whole once', async () => {
    const file = await blobFile(new Blob([bytes as Uint8Array<ArrayBuffer>]));
    expect(file.inMemory).toBe(true);
    const src = await readWeights(
      filesFromBlobs('m', { 'model.safetensors': new Blob([bytes as Uint8Array<ArrayBuffer>]) }),
    );
    expect(Array.from(src.getFloat32('b'))).toEqual([7]);
  });

  it('in a worker each tensor is one synchronous slice of the Blob', async () => {
    const slices: [number, number][] = [];
    class FakeBlob {
      constructor(readonly data: Uint8Array) {}
      get size() {
        return this.data.length;
      }
      slice(a: number, b: number) {
        slices.push([a, b]);
        return new FakeBlob(this.data.slice(a, b));
      }
    }
    vi.stubGlobal(
      'FileReaderSync',
      class {
        readAsArrayBuffer(blob: FakeBlob) {
          return blob.data.buffer;
        }
      },
    );
    const files = filesFromBlobs('m', { 'model.safetensors': new FakeBlob(bytes) as unknown as Blob });
    expect(await files.get('nope')).toBeUndefined();
    expect(await files.open!('toString')).toBeUndefined(); // no inherited names
    const src = await readWeights(files);
    expect(slices.length).toBe(2); // length prefix and header
    expect(Array.from(src.getFloat32('a'))).toEqual([1, 2]);
    expect(slices.at(-1)).toEqual([bytes.length - 12, bytes.length - 4]);
  });
});
