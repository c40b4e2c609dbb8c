/**
 * A sha256 taken while a download arrives. In the browser the hashing runs in its own worker
 * (hash-worker.ts), on another core than the page that receives the bytes: hashing on the page itself (~200 MB/s
 * here) held up the reads of a fast download. Elsewhere (Node, tests) it runs inline.
 */
import { Sha256 } from './sha';

export interface ChunkHash {
  /** The next bytes of the file, in order. The chunk may be reused by the caller once this returns. */
  update(chunk: Uint8Array): void;
  /** The digest in hex, once every chunk is hashed; the hash is closed after. */
  hex(): Promise<string>;
  /** Stops the hash early (a failed or cancelled download); hex() is not called after. */
  close(): void;
}

export function inlineHash(): ChunkHash {
  const h = new Sha256();
  return { update: (c) => void h.update(c), hex: async () => h.hex(), close() {} };
}

/** The two ends of a message channel as the worker and the page see them (a MessagePort or a Worker). */
export interface HashPort {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
}

type Request = { chunk: ArrayBuffer } | { digest: true };

/** The worker's side: hashes the chunks it is sent, answers `{ hex }` to a digest request. */
export function serveHash(port: HashPort): void {
  const h = new Sha256();
  port.onmessage = (e: MessageEvent<Request>) => {
    if ('chunk' in e.data) h.update(new Uint8Array(e.data.chunk));
    else port.postMessage({ hex: h.hex() });
  };
}

/**
 * The page's side over `port`: each chunk is copied and its copy transferred (the worker lags behind while the
 * read goes on). `failed` rejects hex() when the worker cannot run, so the caller can hash the bytes itself.
 */
export function portHash(port: HashPort, close: () => void, failed?: Promise<never>): ChunkHash {
  let resolve!: (hex: string) => void;
  const answer = new Promise<string>((r) => (resolve = r));
  port.onmessage = (e: MessageEvent<{ hex: string }>) => resolve(e.data.hex);
  failed?.catch(() => undefined); // observed in hex(); a failure before that is not an unhandled rejection
  return {
    update(chunk) {
      const copy = chunk.slice();
      port.postMessage({ chunk: copy.buffer } satisfies Request, [copy.buffer]);
    },
    async hex() {
      port.postMessage({ digest: true } satisfies Request);
      try {
        return await (failed ? Promise.race([answer, failed]) : answer);
      } finally {
        close();
      }
    },
    close,
  };
}

/** The browser's hash: a worker per file; inline where workers are missing. */
export function workerHash(): ChunkHash {
  if (typeof Worker === 'undefined') return inlineHash();
  const worker = new Worker(new URL('./hash-worker.ts', import.meta.url), {
    type: 'module',
    name: 'rhythmscope-sha256',
  });
  const failed = new Promise<never>((_, reject) => {
    worker.onerror = (e) => reject(new Error(`the sha256 worker failed: ${e.message || 'could not start'}`));
  });
  return portHash(worker, () => worker.terminate(), failed);
}
