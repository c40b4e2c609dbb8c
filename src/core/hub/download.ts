/**
 * One Hub file: from the cache when a complete, checked copy is there; else streamed from the network with
 * progress, resumed from a kept partial download with a Range request (If-Range on the validator, so a file that
 * changed on the server is fetched whole again), checked (size; sha256 where the ETag is one, hashed while the
 * bytes arrive, the kept prefix of a resume first) and stored.
 */
import { H_ETAG, H_SHA256, H_SIZE, H_TOTAL, bytesResponse, partialKey, type CacheLike } from './cache';
import { readBody, type BodyBytes } from './body';
import { HubError, abortReason } from './errors';
import { memorySink, type FileSink, type SinkOptions, type SinkResult } from './file-sink';
import { shaFromEtag } from './sha';

export interface FileProgress {
  /** Bytes of this file held so far (kept partial bytes included). */
  received: number;
  /** The file's size, once known. */
  total?: number;
  /** Bytes read from the network for this file in this call. */
  fetched: number;
  /** The bytes come from the cache (a checked reopen), not the network. */
  fromCache?: boolean;
}

export interface DownloadOptions {
  /** The resolve URL; also the cache key. */
  url: string;
  /** The path in the repo and the revision, for messages. */
  file: string;
  revisionLabel: string;
  cache: CacheLike;
  fetchFn?: typeof fetch;
  /** Sent as a Bearer token to `tokenOrigin` only (never to another origin). */
  token?: string;
  tokenOrigin: string;
  pageUrl?: string;
  signal?: AbortSignal;
  /** A 404 means "the repo has no such file" (undefined) rather than an error. */
  optional?: boolean;
  /** What a cached copy must pass: its recorded size, or also its sha256 (default). */
  verifyCached?: 'size' | 'sha256';
  onProgress?: (p: FileProgress) => void;
  /** Where the bytes are gathered and hashed while they arrive (default: inline; the page passes a worker's). */
  newSink?: (opts: SinkOptions) => FileSink;
}

export interface Downloaded {
  bytes: Uint8Array;
  sha256?: string;
  fromCache: boolean;
  /** Network bytes this call read (0 from the cache; less than the size after a resume). */
  fetched: number;
  /**
   * The cache write of a downloaded file, which goes on after the bytes are returned (it is the slowest step:
   * Cache Storage writes at ~100 MB/s here). Resolves undefined once kept, or the reason it could not be kept
   * (the bytes are still good); never rejects. Already settled for a cache hit.
   */
  stored: Promise<string | undefined>;
}

/** A performance measure `rs:hub:{what}:{file}` from `start` to `end` (now by default) for bench/hub.ts. */
function measure(what: string, file: string, start: number, end = now()): void {
  try {
    globalThis.performance?.measure?.(`rs:hub:${what}:${file}`, { start, end });
  } catch {
    // a platform without the User Timing options form: nothing is recorded
  }
}

const now = () => globalThis.performance?.now() ?? Date.now();

export function authHeaders(url: string, token: string | undefined, tokenOrigin: string): Record<string, string> {
  if (!token) return {};
  return new URL(url).origin === new URL(tokenOrigin).origin ? { authorization: `Bearer ${token}` } : {};
}

/** `bytes START-END/TOTAL` → its numbers (TOTAL may be `*`, unknown). */
export function parseContentRange(value: string | null): { start: number; end: number; total?: number } | undefined {
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(value?.trim() ?? '');
  if (!m) return undefined;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? undefined : Number(m[3]) };
}

interface Partial {
  bytes: Uint8Array;
  total: number;
  validator?: string;
}

async function readPartial(cache: CacheLike, url: string): Promise<Partial | undefined> {
  const res = await cache.match(partialKey(url));
  if (!res) return undefined;
  const total = Number(res.headers.get(H_TOTAL));
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (!(total > 0) || bytes.length === 0 || bytes.length >= total) return undefined;
  return { bytes, total, validator: res.headers.get(H_ETAG) ?? undefined };
}

/** A strong ETag or a Last-Modified date: what If-Range may carry (a weak ETag may not). */
function validatorOf(res: Response): string | undefined {
  const etag = res.headers.get('etag');
  if (etag && !etag.startsWith('W/')) return etag;
  return res.headers.get('last-modified') ?? undefined;
}

/**
 * A complete, checked copy from the cache, or undefined (none, or one that fails its check: deleted, so the caller
 * fetches the file again). The body goes to the sink as a Blob (for Cache Storage a handle, not a read): the
 * download's worker reads it straight into the file's buffer and hashes it on the way, with progress.
 */
async function cachedCopy(opts: DownloadOptions): Promise<Downloaded | undefined> {
  const { url, file, cache, signal } = opts;
  const started = now();
  const res = await cache.match(url);
  if (!res) return undefined;
  const size = Number(res.headers.get(H_SIZE));
  const sha = res.headers.get(H_SHA256) ?? undefined;
  const hash = sha !== undefined && opts.verifyCached !== 'size';
  // Cached bytes are not network bytes: the rate and ETA count only the latter.
  const progress = (received: number) => opts.onProgress?.({ received, total: size, fetched: 0, fromCache: true });
  const sink = (opts.newSink ?? memorySink)({ size, hash });
  let read: SinkResult | undefined;
  let onAbort: (() => void) | undefined;
  try {
    if (!(size >= 0)) throw new Error('no recorded size');
    const blob = await res.blob();
    if (blob.size !== size) throw new Error(`${blob.size} bytes, not the ${size} recorded`);
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(abortReason(signal!));
      if (signal?.aborted) onAbort();
      signal?.addEventListener('abort', onAbort);
    });
    read = await Promise.race([sink.gather(blob, progress), aborted]);
  } catch {
    if (signal?.aborted) throw abortReason(signal);
    read = undefined; // cut short or of another size: fetched again below
  } finally {
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    sink.close(); // a cancelled read's worker stops here
  }
  if (read) measure('cache-read', file, started);
  if (read && (!hash || read.sha256 === sha))
    return { bytes: read.bytes, sha256: sha, fromCache: true, fetched: 0, stored: Promise.resolve(undefined) };
  await cache.delete(url);
  return undefined;
}

export async function downloadFile(opts: DownloadOptions): Promise<Downloaded | undefined> {
  const { url, file, cache, signal } = opts;
  const fetchFn = opts.fetchFn ?? fetch;
  if (signal?.aborted) throw abortReason(signal);
  const hit = await cachedCopy(opts);
  if (hit) return hit;

  let partial = await readPartial(cache, url);
  const requested = now();
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = authHeaders(url, opts.token, opts.tokenOrigin);
    if (partial) {
      headers.range = `bytes=${partial.bytes.length}-`;
      if (partial.validator) headers['if-range'] = partial.validator;
    }
    let res: Response;
    try {
      res = await fetchFn(url, { headers, signal, cache: 'no-store' });
    } catch (e) {
      if (signal?.aborted) throw abortReason(signal);
      throw new HubError(
        'network',
        `could not reach ${new URL(url).origin} (${(e as Error).message}): check the connection, and that the host allows cross-origin requests (CORS) from this page`,
        { file },
      );
    }
    if (res.status === 401 || res.status === 403) {
      void res.body?.cancel();
      throw new HubError(
        'gated',
        opts.token
          ? `access denied (HTTP ${res.status}) with the token given: accept the model's terms on its page, and use a token that can read it`
          : `this model needs access (HTTP ${res.status}): it is gated or private. Accept its terms on the model page, then give an access token`,
        { file },
        { pageUrl: opts.pageUrl, status: res.status },
      );
    }
    if (res.status === 404) {
      void res.body?.cancel();
      if (opts.optional) return undefined;
      throw new HubError(
        'not-found',
        `not found (HTTP 404) at revision ${opts.revisionLabel}: the repo, the revision or the file does not exist`,
        { file },
        { status: 404 },
      );
    }
    if (res.status === 416 && partial && attempt === 0) {
      // The kept bytes no longer fit the file: start over.
      await cache.delete(partialKey(url));
      partial = undefined;
      continue;
    }
    if (!res.ok) {
      void res.body?.cancel();
      throw new HubError(
        'http',
        `HTTP ${res.status} ${res.statusText} from ${new URL(res.url || url).origin}`,
        { file },
        { status: res.status },
      );
    }
    let total: number | undefined;
    if (res.status === 206 && partial) {
      const range = parseContentRange(res.headers.get('content-range'));
      if (!range || range.start !== partial.bytes.length || range.total !== partial.total) {
        // Not the continuation of what is kept (the file changed): fetch it whole.
        void res.body?.cancel();
        await cache.delete(partialKey(url));
        partial = undefined;
        if (attempt === 0) continue;
        throw new HubError('size-changed', 'the server answered the resume with another part of the file', { file });
      }
      total = partial.total;
    } else {
      if (partial) await cache.delete(partialKey(url)); // 200: the server sent the whole file (no Range, or changed)
      partial = undefined;
      const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
      const length = res.headers.get('content-length');
      total = !encoded && length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
    }
    const sha256 = shaFromEtag(res.headers.get('x-linked-etag')) ?? shaFromEtag(res.headers.get('etag'));
    const validator = validatorOf(res) ?? partial?.validator;
    // Hashed as the bytes arrive (a resume's kept prefix first): after the last byte only what is in flight remains.
    const body = await readBody(res, {
      url,
      file,
      cache,
      signal,
      kept: partial?.bytes,
      total,
      validator,
      hash: sha256 !== undefined,
      newSink: opts.newSink,
      onProgress: opts.onProgress,
    });
    measure('read', file, requested, body.lastByteAt);
    measure('check', file, body.lastByteAt);
    return await checkAndStore(opts, body, sha256);
  }
}

/**
 * The sha256 check (of the hash taken while reading) gates the bytes; then the cache write starts and finishes in
 * the background (`stored`).
 */
async function checkAndStore(opts: DownloadOptions, body: BodyBytes, sha256: string | undefined): Promise<Downloaded> {
  const { url, file, cache } = opts;
  const { bytes, fetched } = body;
  const started = now();
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    [H_SIZE]: String(bytes.length),
  };
  if (sha256) headers[H_SHA256] = sha256;
  if (sha256 && body.sha256 !== sha256) {
    await cache.delete(partialKey(url));
    await cache.delete(url);
    throw new HubError(
      'checksum',
      `the downloaded bytes do not match the sha256 the server gives (${sha256.slice(0, 12)}…): the file changed during the download or arrived damaged; load it again`,
      { file },
    );
  }
  await cache.delete(partialKey(url)); // the whole file is here: a kept partial is of no more use
  // Only after the check: run at the same time, the cache's copy of the bytes slowed the hash threefold.
  const put = cache.put(url, bytesResponse(bytes, headers)).then(
    () => undefined,
    (e: unknown) => (e as Error | undefined) ?? new Error('the cache refused the file'),
  );
  const stored = put.then(async (error) => {
    measure('store', file, started);
    if (!error) return undefined;
    return error.name === 'QuotaExceededError'
      ? `no room in the browser's storage for ${bytes.length} more bytes: delete cached models`
      : error.message || String(error);
  });
  return { bytes, sha256, fromCache: false, fetched, stored };
}
