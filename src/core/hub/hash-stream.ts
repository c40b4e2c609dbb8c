/**
 * A sha256 taken while a download arrives. In the browser the hashing runs in its own worker (hash-worker.ts),
 * on another core than the page that receives the bytes: hashing on the page (~200 MB/s here) held up the reads of a
 * fast download. The read buffers themselves travel to the worker and come back for later reads, so hashing adds
 * no copy. Elsewhere (Node, tests) it runs inline.
 */
import { Sha256 } from './sha';

export interface ChunkHash {
  /**
   * The next bytes of the file, in order. May take the chunk's buffer (it is then detached): the caller must be
   * done with the chunk.
   */
  update(chunk: Uint8Array): void;
  /** A buffer handed back after hashing, free for the next read (undefined when none is). */
  spare(): ArrayBuffer | undefined;
  /** The digest in hex, once every chunk is hashed; the hash is closed after. */
  hex(): Promise<string>;
  /** Stops the hash early (a failed or cancelled download); hex() is not called after. */
  close(): void;
}

export function inlineHash(): ChunkHash {
  const h = new Sha256();
  return { update: (c) => void h.update(c), spare: () => undefined, hex: async () => h.hex(), close() {} };
}

/** The two ends of a message channel as the worker and the page see them (a MessagePort or a Worker). */
export interface HashPort {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
}

type ToWorker = { chunk: ArrayBuffer; offset: number; length: number } | { digest: true };
type FromWorker = { back: ArrayBuffer } | { hex: string };

/** The worker's side: hashes each chunk it is sent and hands its buffer back; answers a digest request. */
export function serveHash(port: HashPort): void {
  const h = new Sha256();
  port.onmessage = (e: MessageEvent<ToWorker>) => {
    const m = e.data;
    if ('digest' in m) return port.postMessage({ hex: h.hex() } satisfies FromWorker);
    h.update(new Uint8Array(m.chunk, m.offset, m.length));
    port.postMessage({ back: m.chunk } satisfies FromWorker, [m.chunk]);
  };
}

/**
 * The page's side over `port`: a chunk's buffer is transferred (no copy) and comes back once hashed. `failed`
 * rejects hex() when the worker cannot run, so the caller can hash the bytes itself.
 */
export function portHash(port: HashPort, close: () => void, failed?: Promise<never>): ChunkHash {
  const spares: ArrayBuffer[] = [];
  let resolve!: (hex: string) => void;
  const answer = new Promise<string>((r) => (resolve = r));
  port.onmessage = (e: MessageEvent<FromWorker>) => {
    if ('back' in e.data) spares.push(e.data.back);
    else resolve(e.data.hex);
  };
  failed?.catch(() => undefined); // observed in hex(); a failure before that is not an unhandled rejection
  return {
    update(chunk) {
      const m: ToWorker = { chunk: chunk.buffer as ArrayBuffer, offset: chunk.byteOffset, length: chunk.length };
      port.postMessage(m, [m.chunk]);
    },
    spare: () => spares.pop(),
    async hex() {
      port.postMessage({ digest: true } satisfies ToWorker);
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
