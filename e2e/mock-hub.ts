/**
 * A mock Hugging Face Hub for the e2e tests, on 127.0.0.1: `{hub}/{org}/{name}/resolve/{rev}/{file}` serves small
 * files itself and answers weight files (`*.safetensors`) with a 302 to a second origin (as the Hub does with its
 * CDN), which serves them with Range, ETag = sha256 and CORS headers. Per repo: a token it requires (401
 * until given), files it cuts halfway the first time, a throttle, or no CORS headers at all. Every request is
 * logged (path, status, range, bytes sent, whether it carried a token).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockRepo {
  /** The revisions it has (default ["main"]). */
  revisions?: string[];
  files: Record<string, Uint8Array>;
  /** Answer 401 unless `Authorization: Bearer <token>`. */
  token?: string;
  /** Files the CDN cuts after half their bytes, the first time they are asked for. */
  cutOnce?: string[];
  /**
   * Files replaced by a new version (here: a longer one) halfway through their first download: that answer
   * announces the old length and ETag, sends the old first half, then the new bytes from there on.
   */
  changeMidway?: Record<string, Uint8Array>;
  /** CDN bytes per second (progress stays on screen long enough to be seen). */
  bytesPerSecond?: number;
  /** No CORS headers on any answer (the browser then refuses to read it). */
  noCors?: boolean;
}

export interface LoggedRequest {
  origin: 'hub' | 'cdn';
  repo: string;
  file: string;
  status: number;
  range?: string;
  bytes: number;
  authorized: boolean;
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers':
    'ETag, Content-Length, Content-Range, Accept-Ranges, X-Linked-Etag, X-Linked-Size, X-Error-Code',
};

// Memoised per file contents, as the real Hub keeps its hashes: hashing per request would load the machine.
const hashes = { sha1: new WeakMap<Uint8Array, string>(), sha256: new WeakMap<Uint8Array, string>() };
function sha(algo: 'sha1' | 'sha256', b: Uint8Array): string {
  let hex = hashes[algo].get(b);
  if (hex === undefined) hashes[algo].set(b, (hex = createHash(algo).update(b).digest('hex')));
  return hex;
}
/** A view of `b` as a Buffer, without a copy. */
const view = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

export class MockHub {
  readonly log: LoggedRequest[] = [];
  private hub?: Server;
  private cdn?: Server;
  private cut = new Set<string>();
  hubUrl = '';
  cdnUrl = '';

  constructor(readonly repos: Record<string, MockRepo>) {
    for (const [id, r] of Object.entries(repos)) for (const f of r.cutOnce ?? []) this.cut.add(`${id}/${f}`);
  }

  async start(): Promise<void> {
    this.cdn = await listen((req, res) => this.serveCdn(req, res));
    this.hub = await listen((req, res) => this.serveHub(req, res));
    this.cdnUrl = `http://127.0.0.1:${(this.cdn.address() as AddressInfo).port}`;
    this.hubUrl = `http://127.0.0.1:${(this.hub.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const s of [this.hub, this.cdn]) {
      if (!s) continue;
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  }

  private headersFor(repo: MockRepo | undefined): Record<string, string> {
    return repo?.noCors ? {} : { ...CORS };
  }

  private preflight(req: IncomingMessage, res: ServerResponse, repo: MockRepo | undefined): boolean {
    if (req.method !== 'OPTIONS') return false;
    res.writeHead(
      204,
      repo?.noCors
        ? {}
        : {
            ...CORS,
            'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
            'Access-Control-Allow-Headers': 'authorization, range, if-range, cache-control',
            'Access-Control-Max-Age': '600',
          },
    );
    res.end();
    return true;
  }

  private serveHub(req: IncomingMessage, res: ServerResponse): void {
    const m = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec((req.url ?? '').split('?')[0]);
    const id = m ? m[1] : '';
    const repo = this.repos[id];
    if (this.preflight(req, res, repo)) return;
    const authorized = !!req.headers.authorization;
    const entry = (status: number, file: string, bytes = 0) =>
      this.log.push({ origin: 'hub', repo: id, file, status, bytes, authorized });
    const fail = (status: number, code: string, file: string) => {
      entry(status, file);
      res.writeHead(status, { ...this.headersFor(repo), 'X-Error-Code': code, 'Content-Type': 'text/plain' });
      res.end(code);
    };
    if (!m || !repo) return fail(404, 'RepoNotFound', m?.[3] ?? '');
    const rev = decodeURIComponent(m[2]);
    const file = m[3].split('/').map(decodeURIComponent).join('/');
    if (repo.token && req.headers.authorization !== `Bearer ${repo.token}`) return fail(401, 'GatedRepo', file);
    if (!(repo.revisions ?? ['main']).includes(rev)) return fail(404, 'RevisionNotFound', file);
    const bytes = repo.files[file];
    if (!bytes) return fail(404, 'EntryNotFound', file);
    if (file.endsWith('.safetensors')) {
      entry(302, file);
      res.writeHead(302, {
        ...this.headersFor(repo),
        Location: `${this.cdnUrl}/repos/${id}/${encodeURIComponent(file)}`,
        'X-Linked-Etag': `"${sha('sha256', bytes)}"`,
        'X-Linked-Size': String(bytes.length),
      });
      res.end();
      return;
    }
    entry(200, file, bytes.length);
    res.writeHead(200, {
      ...this.headersFor(repo),
      ETag: `"${sha('sha1', bytes)}"`,
      'Content-Length': bytes.length,
      'Content-Type': 'application/octet-stream',
    });
    res.end(req.method === 'HEAD' ? undefined : Buffer.from(bytes));
  }

  private serveCdn(req: IncomingMessage, res: ServerResponse): void {
    const m = /^\/repos\/([^/]+\/[^/]+)\/(.+)$/.exec((req.url ?? '').split('?')[0]);
    const id = m?.[1] ?? '';
    const repo = this.repos[id];
    if (this.preflight(req, res, repo)) return;
    const file = m ? decodeURIComponent(m[2]) : '';
    const bytes = repo?.files[file];
    const log: LoggedRequest = {
      origin: 'cdn',
      repo: id,
      file,
      status: 404,
      bytes: 0,
      authorized: !!req.headers.authorization,
      range: req.headers.range,
    };
    this.log.push(log);
    if (!bytes) {
      res.writeHead(404, this.headersFor(repo));
      res.end();
      return;
    }
    const etag = `"${sha('sha256', bytes)}"`;
    const headers: Record<string, string | number> = {
      ...this.headersFor(repo),
      ETag: etag,
      'Accept-Ranges': 'bytes',
      'Content-Type': 'application/octet-stream',
    };
    let start = 0;
    let end = bytes.length; // exclusive
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    const ranged = !!range && (!ifRange || ifRange === etag);
    if (ranged) {
      start = Number(range[1]);
      if (range[2]) end = Math.min(end, Number(range[2]) + 1);
      if (start >= bytes.length || end <= start) {
        log.status = 416;
        res.writeHead(416, { ...headers, 'Content-Range': `bytes */${bytes.length}` });
        res.end();
        return;
      }
      headers['Content-Range'] = `bytes ${start}-${end - 1}/${bytes.length}`;
    }
    const body = bytes.subarray(start, end);
    log.status = ranged ? 206 : 200;
    res.writeHead(log.status, { ...headers, 'Content-Length': body.length });
    const key = `${id}/${file}`;
    const next = repo.changeMidway?.[file];
    if (next && start === 0) {
      // The file changes on the server while this answer is under way.
      delete repo.changeMidway![file];
      repo.files[file] = next;
      const half = Math.floor(bytes.length / 2);
      res.write(view(bytes.subarray(0, half)));
      res.end(view(next.subarray(half)));
      log.bytes = half + next.length - half;
      return;
    }
    const cutAt = Math.floor(bytes.length / 2) - start;
    const stopAt = this.cut.delete(key) ? Math.max(0, Math.min(body.length, cutAt)) : body.length;
    const chunk = 64 * 1024;
    const rate = repo.bytesPerSecond;
    const started = performance.now();
    let at = 0;
    // Paced: every few milliseconds, as many bytes as the rate allows since the start (a timer per 64 KB chunk
    // could not go past ~60 MB/s). Unpaced: as fast as the socket drains.
    const pump = () => {
      if (res.destroyed) return; // the client went away
      const until = rate ? Math.min(stopAt, Math.floor(((performance.now() - started) / 1000) * rate)) : stopAt;
      while (at < until) {
        const to = Math.min(at + chunk, until);
        const more = res.write(view(body.subarray(at, to)));
        log.bytes += to - at;
        at = to;
        if (!more && at < stopAt) return void res.once('drain', pump);
      }
      if (at < stopAt) return void setTimeout(pump, 5);
      // The connection drops mid-file, once what was written has reached the client.
      if (stopAt < body.length) res.write(Buffer.alloc(0), () => setTimeout(() => res.destroy(), 100));
      else res.end();
    };
    pump();
  }
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  return new Promise((resolve) => {
    const s = createServer(handler);
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}
