/**
 * Where Hub files live in the Cache Storage API (`rhythmscope-hub-v1`). A complete file is stored under its
 * resolve URL; an interrupted download under the same URL with `?rhythmscope=partial` (its bytes so far, the
 * validator and the full size, for a Range resume); a fully downloaded revision has a manifest under
 * `{resolve base}?rhythmscope=manifest` listing its files, so a reload opens it without the network and the
 * cached-models panel can list and delete it.
 */
import { resolveBase, resolveUrl, type RepoRef } from './repo';

export const CACHE_NAME = 'rhythmscope-hub-v1';

/** The part of the Cache interface used here (tests pass an in-memory one). */
export interface CacheLike {
  match(key: string): Promise<Response | undefined>;
  put(key: string, response: Response): Promise<void>;
  delete(key: string): Promise<boolean>;
  keys(): Promise<readonly { url: string }[]>;
}

/** Headers stored with a cached body. */
export const H_SIZE = 'x-rhythmscope-size';
export const H_SHA256 = 'x-rhythmscope-sha256';
export const H_ETAG = 'x-rhythmscope-etag';
export const H_TOTAL = 'x-rhythmscope-total';

/**
 * A file's bytes as a response to store. A Blob body, not the bytes themselves: Chromium then stores it without
 * streaming it through the page's thread (344 MB: ~1 s of the page's CPU against ~3 s, and the write takes half the
 * time).
 */
export const bytesResponse = (bytes: Uint8Array, headers: Record<string, string>) =>
  new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]), { headers });

export const fileKey = (endpoint: string, ref: RepoRef, file: string) => resolveUrl(endpoint, ref, file);
export const partialKey = (fileUrl: string) => `${fileUrl}?rhythmscope=partial`;
export const manifestKey = (endpoint: string, ref: RepoRef) => `${resolveBase(endpoint, ref)}?rhythmscope=manifest`;

export interface ManifestFile {
  path: string;
  size: number;
  sha256?: string;
}

export interface Manifest {
  endpoint: string;
  repo: string;
  revision: string;
  modelType: string;
  files: ManifestFile[];
  /** Files the repo does not have (optional tokenizer/template files): not asked for again. */
  absent: string[];
  savedAt: string;
}

export const manifestBytes = (m: Manifest) => m.files.reduce((s, f) => s + f.size, 0);

export async function readManifest(cache: CacheLike, endpoint: string, ref: RepoRef): Promise<Manifest | undefined> {
  const res = await cache.match(manifestKey(endpoint, ref));
  if (!res) return undefined;
  try {
    const m = (await res.json()) as Manifest;
    return Array.isArray(m.files) && Array.isArray(m.absent) ? m : undefined;
  } catch {
    return undefined;
  }
}

export async function writeManifest(cache: CacheLike, m: Manifest): Promise<void> {
  const body = JSON.stringify(m);
  await cache.put(
    manifestKey(m.endpoint, { repo: m.repo, revision: m.revision }),
    new Response(body, { headers: { 'content-type': 'application/json' } }),
  );
}

/** Every cached revision with a manifest, newest first. */
export async function listCachedModels(cache: CacheLike): Promise<Manifest[]> {
  const out: Manifest[] = [];
  for (const req of await cache.keys()) {
    if (!req.url.endsWith('?rhythmscope=manifest')) continue;
    const res = await cache.match(req.url);
    try {
      const m = (await res?.json()) as Manifest | undefined;
      if (m && Array.isArray(m.files)) out.push(m);
    } catch {
      // An unreadable manifest is skipped; deleting by prefix still removes its files.
    }
  }
  return out.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
}

/** Removes one revision: its manifest, files and partial downloads. Returns the number of entries removed. */
export async function deleteCachedModel(cache: CacheLike, endpoint: string, ref: RepoRef): Promise<number> {
  const base = resolveBase(endpoint, ref);
  let n = 0;
  for (const req of await cache.keys()) {
    if (req.url.startsWith(base) && (await cache.delete(req.url))) n++;
  }
  return n;
}

/** An in-memory CacheLike (tests; and a stand-in where the Cache Storage API is missing). */
export function memoryCache(): CacheLike & { entries: Map<string, { body: Uint8Array; headers: [string, string][] }> } {
  const entries = new Map<string, { body: Uint8Array; headers: [string, string][] }>();
  return {
    entries,
    async match(key) {
      const e = entries.get(key);
      return e ? new Response(e.body.slice(), { headers: e.headers }) : undefined;
    },
    async put(key, res) {
      const body = new Uint8Array(await res.arrayBuffer());
      entries.set(key, { body, headers: [...res.headers.entries()] });
    },
    async delete(key) {
      return entries.delete(key);
    },
    async keys() {
      return [...entries.keys()].map((url) => ({ url }));
    },
  };
}
