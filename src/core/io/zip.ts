/**
 * ZIP archives (PKWARE APPNOTE 6.3), enough for model folders: write "stored" (method 0) archives, read stored and
 * deflate (method 8) entries. Browser and Node: deflate goes through DecompressionStream('deflate-raw').
 * Not supported (an InputError says so): zip64, split archives, encryption, other methods.
 */
import { InputError } from '../errors';
import type { ModelFiles } from './files';
import { filesFromMap } from './files';

export interface ZipEntry {
  path: string;
  bytes: Uint8Array;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const END_SIZE = 22;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_UTF8 = 0x0800;
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1; // fixed date: archives of the same files are byte-identical

/** CRC-32 tables for slicing-by-8 (8 bytes per step, ~4× the byte-wise loop): row k = CRC of a byte followed by k zeros. */
const CRC_TABLES = (() => {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const prev = t[(k - 1) * 256 + n];
      t[k * 256 + n] = (prev >>> 8) ^ t[prev & 0xff];
    }
  }
  return t;
})();

/** CRC-32 (ISO-HDLC, the zip/gzip/PNG one), as an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array): number {
  const t = CRC_TABLES;
  let c = 0xffffffff;
  let i = 0;
  for (const end = bytes.length - 7; i < end; i += 8) {
    const lo = (c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24))) >>> 0;
    const hi = bytes[i + 4] | (bytes[i + 5] << 8) | (bytes[i + 6] << 16) | (bytes[i + 7] << 24);
    c =
      t[1792 + (lo & 0xff)] ^
      t[1536 + ((lo >>> 8) & 0xff)] ^
      t[1280 + ((lo >>> 16) & 0xff)] ^
      t[1024 + (lo >>> 24)] ^
      t[768 + (hi & 0xff)] ^
      t[512 + ((hi >>> 8) & 0xff)] ^
      t[256 + ((hi >>> 16) & 0xff)] ^
      t[hi >>> 24];
  }
  for (; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** True when the bytes start like a zip archive (a local header, or the end record of an empty archive). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const sig = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  return sig === SIG_LOCAL || sig === SIG_END;
}

/** A zip archive of the entries, every one stored (method 0) with its CRC-32 and a UTF-8 name. */
export function writeZip(entries: ZipEntry[]): Uint8Array<ArrayBuffer> {
  if (entries.length > 0xffff) throw new Error(`writeZip: ${entries.length} entries need zip64 (not supported)`);
  const enc = new TextEncoder();
  const names = entries.map((e) => enc.encode(e.path));
  let localSize = 0;
  let centralSize = 0;
  entries.forEach((e, i) => {
    localSize += 30 + names[i].length + e.bytes.length;
    centralSize += 46 + names[i].length;
  });
  if (localSize + centralSize + END_SIZE > 0xffffffff)
    throw new Error('writeZip: over 4 GiB needs zip64 (not supported)');
  const out = new Uint8Array(localSize + centralSize + END_SIZE);
  const view = new DataView(out.buffer);
  let local = 0;
  let central = localSize;
  entries.forEach((e, i) => {
    const name = names[i];
    const crc = crc32(e.bytes);
    // The fields shared by the local and the central header, from "version needed" on.
    const common = (at: number) => {
      view.setUint16(at, 20, true); // version needed: 2.0
      view.setUint16(at + 2, FLAG_UTF8, true);
      view.setUint16(at + 4, 0, true); // method: stored
      view.setUint16(at + 6, 0, true); // time 00:00
      view.setUint16(at + 8, DOS_DATE_1980_01_01, true);
      view.setUint32(at + 10, crc, true);
      view.setUint32(at + 14, e.bytes.length, true); // compressed size
      view.setUint32(at + 18, e.bytes.length, true); // uncompressed size
      view.setUint16(at + 22, name.length, true);
      view.setUint16(at + 24, 0, true); // extra length
    };
    view.setUint32(central, SIG_CENTRAL, true);
    view.setUint16(central + 4, (3 << 8) | 20, true); // made by: Unix, 2.0
    common(central + 6);
    // comment length, disk, internal attributes: 0; external attributes: a regular file, rw-r--r--
    view.setUint32(central + 38, (0o100644 << 16) >>> 0, true);
    view.setUint32(central + 42, local, true);
    out.set(name, central + 46);
    central += 46 + name.length;

    view.setUint32(local, SIG_LOCAL, true);
    common(local + 4);
    out.set(name, local + 30);
    out.set(e.bytes, local + 30 + name.length);
    local += 30 + name.length + e.bytes.length;
  });
  view.setUint32(central, SIG_END, true);
  view.setUint16(central + 8, entries.length, true);
  view.setUint16(central + 10, entries.length, true);
  view.setUint32(central + 12, centralSize, true);
  view.setUint32(central + 16, localSize, true);
  return out;
}

const METHOD_NAMES: Record<number, string> = {
  1: 'shrink',
  6: 'implode',
  9: 'deflate64',
  12: 'bzip2',
  14: 'lzma',
  93: 'zstd',
  95: 'xz',
  99: 'AES encryption',
};

/**
 * The files of a zip archive, in central-directory order (directory entries left out). Reads stored and deflate
 * entries and checks each one's size and CRC-32. Every problem is an InputError naming `fileName` (and the entry).
 */
export async function readZip(bytes: Uint8Array, fileName: string): Promise<ZipEntry[]> {
  const fail = (message: string, entry?: string): never => {
    throw new InputError(entry === undefined ? message : `entry "${entry}": ${message}`, { file: fileName });
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);

  // The end record is the last thing in the file, followed only by its comment (≤ 65535 bytes).
  let end = -1;
  for (let at = bytes.length - END_SIZE; at >= Math.max(0, bytes.length - END_SIZE - 0xffff); at--) {
    if (u32(at) === SIG_END && at + END_SIZE + u16(at + 20) === bytes.length) {
      end = at;
      break;
    }
  }
  if (end < 0) {
    if (bytes.length >= 4 && u32(0) === SIG_LOCAL) fail('truncated zip archive (no end of central directory record)');
    fail('not a zip archive (bad signature: no end of central directory record)');
  }
  const count = u16(end + 10);
  const dirSize = u32(end + 12);
  const dirOffset = u32(end + 16);
  if (
    (end >= 20 && u32(end - 20) === SIG_ZIP64_LOCATOR) ||
    count === 0xffff ||
    dirSize === 0xffffffff ||
    dirOffset === 0xffffffff
  ) {
    fail('zip64 archives are not supported (re-create it without zip64, e.g. `zip -r` on files under 4 GiB)');
  }
  if (u16(end + 4) !== 0 || u16(end + 6) !== 0 || u16(end + 8) !== count)
    fail('split (multi-disk) zip archives are not supported');
  if (dirOffset + dirSize > end)
    fail(`truncated or corrupt zip archive (central directory at ${dirOffset}+${dirSize} runs past byte ${end})`);

  const utf8 = new TextDecoder('utf-8');
  const out: ZipEntry[] = [];
  const seen = new Set<string>();
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > dirOffset + dirSize || u32(at) !== SIG_CENTRAL)
      fail(`corrupt central directory (bad signature of entry ${i + 1} of ${count})`);
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const crc = u32(at + 16);
    const packed = u32(at + 20);
    const size = u32(at + 24);
    const nameLen = u16(at + 28);
    const next = at + 46 + nameLen + u16(at + 30) + u16(at + 32);
    if (next > dirOffset + dirSize) fail(`corrupt central directory (entry ${i + 1} runs past its end)`);
    // Names without the UTF-8 flag are CP437 by the spec; the ASCII subset model files use reads the same.
    const path = utf8.decode(bytes.subarray(at + 46, at + 46 + nameLen));
    const localAt = u32(at + 42);
    at = next;
    if (packed === 0xffffffff || size === 0xffffffff || localAt === 0xffffffff)
      fail('zip64 entries are not supported', path);
    if (path.endsWith('/')) continue; // a directory
    if (seen.has(path)) fail('appears twice in the archive', path);
    seen.add(path);
    if (flags & FLAG_ENCRYPTED) fail('encrypted entries are not supported', path);
    if (method !== 0 && method !== 8)
      fail(
        `unsupported compression method ${method}${METHOD_NAMES[method] ? ` (${METHOD_NAMES[method]})` : ''}; only stored and deflate are read`,
        path,
      );

    if (localAt + 30 > dirOffset || u32(localAt) !== SIG_LOCAL)
      fail(`bad local header signature at byte ${localAt}`, path);
    const dataAt = localAt + 30 + u16(localAt + 26) + u16(localAt + 28);
    if (dataAt + packed > dirOffset) fail(`truncated data (${packed} bytes at ${dataAt} run past the file data)`, path);
    const raw = bytes.subarray(dataAt, dataAt + packed);
    let data: Uint8Array;
    if (method === 0) {
      if (packed !== size) fail(`stored entry with compressed size ${packed} ≠ size ${size}`, path);
      data = raw.slice();
    } else {
      data = await inflateRaw(raw, size, (m) => fail(m, path));
    }
    if (data.length !== size) fail(`decompressed to ${data.length} bytes, the directory says ${size}`, path);
    const actual = crc32(data);
    if (actual !== crc) fail(`CRC-32 mismatch (stored ${hex(crc)}, data ${hex(actual)}): the archive is corrupt`, path);
    out.push({ path, bytes: data });
  }
  return out;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/** Raw deflate → bytes, stopping as soon as the output would exceed `size` (a corrupt or hostile entry). */
async function inflateRaw(raw: Uint8Array, size: number, fail: (message: string) => never): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined')
    fail('deflate entries need DecompressionStream (Node ≥ 18 or a current browser)');
  const out = new Uint8Array(size);
  let filled = 0;
  const input = new Blob([raw as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  const reader = input.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (filled + value.length > size) {
        void reader.cancel();
        fail(`decompresses to more than the ${size} bytes the directory says`);
      }
      out.set(value, filled);
      filled += value.length;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    fail(`corrupt deflate data (${e instanceof Error ? e.message : String(e)})`);
  }
  return filled === size ? out : out.subarray(0, filled);
}

/**
 * A model folder packed as a zip: files at the archive's root, or all inside one folder (whose name is stripped,
 * as when a folder is zipped with `zip -r gpt2.zip gpt2/`). macOS resource forks and .DS_Store are left out.
 */
export function modelEntriesFromZip(entries: ZipEntry[], fileName: string): Record<string, Uint8Array> {
  const kept = entries.filter((e) => !e.path.startsWith('__MACOSX/') && !e.path.split('/').includes('.DS_Store'));
  if (kept.length === 0) throw new InputError('the zip archive holds no files', { file: fileName });
  const tops = new Set(kept.map((e) => (e.path.includes('/') ? e.path.slice(0, e.path.indexOf('/') + 1) : '')));
  const prefix = tops.size === 1 && !tops.has('') ? [...tops][0] : '';
  const out: Record<string, Uint8Array> = {};
  for (const e of kept) out[e.path.slice(prefix.length)] = e.bytes;
  return out;
}

/** A zip archive of a model folder as ModelFiles (named after the archive, without ".zip"). */
export async function filesFromZip(bytes: Uint8Array, fileName: string): Promise<ModelFiles> {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return filesFromMap(base.replace(/\.zip$/i, ''), modelEntriesFromZip(await readZip(bytes, fileName), fileName));
}
