/**
 * An in-memory Hub behind a fetch function, for unit tests: files by URL with ETags, Range and If-Range, a
 * token check, a redirect to another origin, and failures on demand (cut a body after N bytes, change a file).
 */
import { toHex } from '../sha';

export interface FakeFile {
  bytes: Uint8Array;
  etag?: string;
  /** Send only this many bytes, then fail the stream (once, unless `cutAlways`). */
  cutAt?: number;
  cutAlways?: boolean;
  /** Ignore Range (answer 200 with the whole file). */
  noRange?: boolean;
  /** Announce this Content-Length instead of the real one. */
  announce?: number;
}

export interface FakeRequest {
  url: string;
  headers: Record<string, string>;
  status: number;
  /** Body bytes the fake sent. */
  sent: number;
}

export function fakeHub(
  files: Record<string, FakeFile>,
  opts: { token?: string; redirect?: (url: string) => string | undefined } = {},
) {
  const requests: FakeRequest[] = [];
  const fetchFn = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    const log: FakeRequest = { url, headers, status: 0, sent: 0 };
    requests.push(log);
    if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    const answer = (status: number, body: BodyInit | null, h: Record<string, string> = {}) => {
      log.status = status;
      return new Response(body, { status, headers: h });
    };
    const target = opts.redirect?.(url);
    if (target) {
      // The redirect is followed here as a browser would; the token must not travel to the other origin.
      log.status = 302;
      const next = { ...init, headers: { ...headers } };
      if (new URL(target).origin !== new URL(url).origin) delete (next.headers as Record<string, string>).authorization;
      return fetchFn(target, next);
    }
    if (opts.token && headers.authorization !== `Bearer ${opts.token}`) return answer(401, 'unauthorized');
    const f = files[new URL(url).pathname] ?? files[url];
    if (!f) return answer(404, 'not found');
    const total = f.bytes.length;
    const common: Record<string, string> = f.etag ? { etag: f.etag } : {};
    let start = 0;
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(headers.range ?? '');
    const ifRange = headers['if-range'];
    if (range && !f.noRange && (!ifRange || ifRange === f.etag)) {
      start = Number(range[1]);
      if (start >= total) return answer(416, null, { 'content-range': `bytes */${total}` });
      status = 206;
      common['content-range'] = `bytes ${start}-${total - 1}/${total}`;
    }
    const body = f.bytes.subarray(start);
    const cut = f.cutAt !== undefined ? Math.max(0, f.cutAt - start) : undefined;
    if (cut !== undefined && !f.cutAlways) f.cutAt = undefined;
    common['content-length'] = String(f.announce !== undefined ? f.announce - start : body.length);
    const n = cut !== undefined ? Math.min(cut, body.length) : body.length;
    // Two chunks, so progress is reported between them; pulled one at a time, as a network body is.
    const chunks = [body.slice(0, n >> 1), body.slice(n >> 1, n)].filter((c) => c.length > 0);
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(c) {
          if (init.signal?.aborted) return c.error(new DOMException('aborted', 'AbortError'));
          const next = chunks.shift();
          if (next) {
            log.sent += next.length;
            c.enqueue(next);
          } else if (cut !== undefined) c.error(new TypeError('network error'));
          else c.close();
        },
      },
      { highWaterMark: 0 },
    );
    return answer(status, stream, common);
  };
  return { fetchFn: fetchFn as typeof fetch, requests };
}

export function bytesOf(n: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** The sha256 of whole bytes by Web Crypto: the independent reference the streamed hashes are checked against. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}
