import { blobFile, bytesFile, type RangeFile } from './range';

/**
 * A model folder, abstracted: the same loader reads from a Node directory, dropped browser files,
 * a URL, or an in-memory map (tests). Paths are relative to the folder, e.g. "config.json".
 */
export interface ModelFiles {
  /** Display name of the folder (used in error messages and as the model's name). */
  readonly name: string;
  /** The file's bytes, or undefined when the folder has no such file. */
  get(path: string): Promise<Uint8Array | undefined>;
  /** Every path the source knows of, when it can list them (a URL source cannot). */
  list?(): Promise<string[]>;
  /**
   * The file for reading by byte range (weights are read tensor by tensor), or undefined when there is no such
   * file. Sources without it are read whole through `get`.
   */
  open?(path: string): Promise<RangeFile | undefined>;
}

/** A file of the folder for reading by range: `open` where the source has it, else its bytes in memory. */
export async function openFile(files: ModelFiles, path: string): Promise<RangeFile | undefined> {
  if (files.open) return files.open(path);
  const bytes = await files.get(path);
  return bytes && bytesFile(bytes);
}

/**
 * Browser files (a dropped folder) by path. Weights are read by slices where the reader runs in a worker
 * (FileReaderSync), so a large checkpoint is never copied into memory whole.
 */
export function filesFromBlobs(name: string, entries: Record<string, Blob>): ModelFiles {
  const blob = (path: string) => (Object.hasOwn(entries, path) ? entries[path] : undefined);
  return {
    name,
    async get(path) {
      const b = blob(path);
      return b && new Uint8Array(await b.arrayBuffer());
    },
    async list() {
      return Object.keys(entries);
    },
    async open(path) {
      const b = blob(path);
      return b && blobFile(b);
    },
  };
}

/** In-memory folder: tests, dropped files already read into memory, exports. */
export function filesFromMap(name: string, entries: Record<string, Uint8Array | string>): ModelFiles {
  const enc = new TextEncoder();
  const map = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries(entries)) map.set(k, typeof v === 'string' ? enc.encode(v) : v);
  return {
    name,
    async get(path) {
      return map.get(path);
    },
    async list() {
      return [...map.keys()];
    },
  };
}

/** Remote folder served over HTTP(S); a 404 means "no such file". */
export function filesFromUrl(baseUrl: string, fetchImpl: typeof fetch = fetch): ModelFiles {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const name = base.replace(/\/+$/, '').split('/').pop() || base;
  return {
    name,
    async get(path) {
      const res = await fetchImpl(
        new URL(path, new URL(base, globalThis.location?.href ?? 'http://localhost/')).toString(),
      );
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`${base}${path}: HTTP ${res.status} ${res.statusText}`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

export function decodeUtf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}
