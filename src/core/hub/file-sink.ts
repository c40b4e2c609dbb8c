/**
 * Where a downloaded file's bytes are gathered as they arrive, hashed (sha256) on the way when asked.
 *
 * In the browser a big file is gathered in its own worker (sink-worker.ts), not on the page that reads the network:
 * the page's share is then only the reads themselves. Gathering means writing every byte into fresh memory, and
 * first touches of fresh memory cost ~2.7 ms per MB on this kind of VM (docs/performance.md): done on the page, that
 * and the reads together held a 1 Gbit/s download at ~80% of the link. Each read buffer is transferred to the worker
 * (no copy) and handed back once written, so the page's reads stay in memory already touched; the worker hashes
 * each chunk right after writing it, and at the end hands the whole buffer back (no copy). A cached file comes as a
 * Blob instead (`gather`): the worker reads it itself, straight into the file's buffer, and hashes it on the way,
 * so the page's thread does nothing for it. Elsewhere (Node, tests, small files) the bytes are gathered inline.
 */
import { Sha256 } from './sha';

export interface SinkOptions {
  /** The file's size when announced (the buffer is allocated once); it grows otherwise. */
  size?: number;
  /** Take the sha256 of the bytes while gathering them. */
  hash: boolean;
}

export interface SinkResult {
  bytes: Uint8Array;
  /** Hex, when the sink was asked to hash. */
  sha256?: string;
}

export interface FileSink {
  /** The next bytes of the file, in order. May take the chunk's buffer (it is then detached). */
  write(chunk: Uint8Array): void;
  /** A buffer handed back once its chunk is written, free for the next read (undefined when none is). */
  spare(): ArrayBuffer | undefined;
  /**
   * Resolves once the sink holds fewer than MAX_LENT of the reader's buffers (at once for sinks that take none).
   * A reader waits on it before making a new buffer: a read faster than the worker (a cache read) then reuses the
   * buffers handed back instead of piling up fresh ones, each a first touch of new memory and bytes queued twice.
   */
  room(): Promise<void>;
  /** Gathers a whole Blob (a cached copy) instead of written chunks: its bytes and, when asked, their sha256. */
  gather(blob: Blob, onProgress?: (received: number) => void): Promise<SinkResult>;
  /** Every byte written, in one buffer, and their sha256 when hashing; the sink is closed after. */
  finish(): Promise<SinkResult>;
  /** Drops the bytes (a failed or cancelled read). */
  close(): void;
}

/** One buffer for the file (grown by doubling when the size is unknown), hashed chunk by chunk. */
export class Gather {
  private buf: Uint8Array;
  private length = 0;
  private readonly sha?: Sha256;

  constructor(opts: SinkOptions) {
    this.buf = new Uint8Array(opts.size ?? 1 << 16);
    if (opts.hash) this.sha = new Sha256();
  }

  write(chunk: Uint8Array): void {
    const end = this.length + chunk.length;
    if (end > this.buf.length) {
      const next = new Uint8Array(Math.max(end, this.buf.length * 2));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    this.buf.set(chunk, this.length);
    // Hashed from where it was just written: the bytes are still in the CPU's cache.
    this.sha?.update(this.buf.subarray(this.length, end));
    this.length = end;
  }

  result(): SinkResult {
    const bytes = this.buf.length === this.length ? this.buf : this.buf.slice(0, this.length);
    return { bytes, sha256: this.sha?.hex() };
  }
}

/** Largest BYOB read of a Blob (the reads land in the file's own buffer). */
const BLOB_READ_BYTES = 4 << 20;

/**
 * A Blob's bytes in one buffer of its size, read with BYOB reads straight into it (no copy past the read) and
 * hashed right after each read; a stream that is not a byte stream is copied in chunk by chunk.
 */
export async function gatherBlob(
  blob: Blob,
  hash: boolean,
  onProgress?: (received: number) => void,
): Promise<SinkResult> {
  const size = blob.size;
  let buf = new ArrayBuffer(size);
  const sha = hash ? new Sha256() : undefined;
  const stream = blob.stream();
  let byob: ReadableStreamBYOBReader | undefined;
  try {
    byob = stream.getReader({ mode: 'byob' });
  } catch {
    byob = undefined;
  }
  const plain = byob ? undefined : stream.getReader();
  let n = 0;
  while (n < size) {
    let chunk: Uint8Array | undefined;
    if (byob) {
      const { done, value } = await byob.read(new Uint8Array(buf, n, Math.min(BLOB_READ_BYTES, size - n)));
      if (value) buf = value.buffer as ArrayBuffer; // the same memory, handed back
      chunk = done ? undefined : value;
    } else {
      const { done, value } = await plain!.read();
      if (!done && value) {
        if (n + value.length > size) throw new Error(`the copy holds more than its ${size} bytes`);
        chunk = new Uint8Array(buf, n, value.length);
        chunk.set(value);
      }
    }
    if (!chunk) break;
    sha?.update(chunk);
    n += chunk.length;
    onProgress?.(n);
  }
  if (n !== size) throw new Error(`the copy ended after ${n} of its ${size} bytes`);
  return { bytes: new Uint8Array(buf), sha256: sha?.hex() };
}

export function memorySink(opts: SinkOptions): FileSink {
  const g = new Gather(opts);
  return {
    write: (c) => g.write(c),
    spare: () => undefined,
    room: () => Promise.resolve(),
    gather: (blob, onProgress) => gatherBlob(blob, opts.hash, onProgress),
    finish: async () => g.result(),
    close() {},
  };
}

/** Read buffers the worker may hold at once (4 MB each at most; a read fills ~0.25–1 MB of one). */
export const MAX_LENT = 8;

/** The two ends of a message channel as the worker and the page see them (a MessagePort or a Worker). */
export interface SinkPort {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
}

type ToWorker =
  | { start: SinkOptions }
  | { chunk: ArrayBuffer; offset: number; length: number }
  | { finish: true }
  | { blob: Blob; hash: boolean };
type FromWorker =
  { ready: true } | { back: ArrayBuffer } | { progress: number } | { done: SinkResult } | { failed: string };

/** The worker's side: says it runs, gathers what it is sent (handing each buffer back), answers `finish`. */
export function serveSink(port: SinkPort): void {
  let g: Gather | undefined;
  const failed = (err: unknown) =>
    port.postMessage({ failed: (err as Error).message || String(err) } satisfies FromWorker);
  port.onmessage = (e: MessageEvent<ToWorker>) => {
    const m = e.data;
    try {
      if ('start' in m) g = new Gather(m.start);
      else if ('blob' in m) {
        gatherBlob(m.blob, m.hash, (n) => port.postMessage({ progress: n } satisfies FromWorker)).then(
          (done) => port.postMessage({ done } satisfies FromWorker, [done.bytes.buffer]),
          failed,
        );
      } else if ('chunk' in m) {
        g!.write(new Uint8Array(m.chunk, m.offset, m.length));
        port.postMessage({ back: m.chunk } satisfies FromWorker, [m.chunk]);
      } else {
        const done = g!.result();
        port.postMessage({ done } satisfies FromWorker, [done.bytes.buffer]);
      }
    } catch (err) {
      failed(err); // e.g. no memory for the file's buffer
    }
  };
  port.postMessage({ ready: true } satisfies FromWorker);
}

/**
 * The page's side over `port`. Until the worker says it runs, chunks are copied and queued on the page; a worker
 * that fails to start (`failed` rejects first) leaves them to an inline sink, so no byte is lost. A worker that
 * fails later makes the next write() throw and finish() reject, with the worker's reason.
 */
export function portSink(port: SinkPort, opts: SinkOptions, close: () => void, failed?: Promise<never>): FileSink {
  const spares: ArrayBuffer[] = [];
  let lent = 0; // read buffers with the worker
  let waiting: (() => void)[] = []; // room() callers
  const wake = (all: boolean) => {
    const now = all ? waiting : waiting.slice(0, 1);
    waiting = all ? [] : waiting.slice(1);
    for (const w of now) w();
  };
  let queue: Uint8Array[] | undefined = []; // before `ready`
  let workerless = false; // the worker never ran: everything is gathered here
  let inline: Gather | undefined; // made for the first chunk then (a gathered Blob needs none)
  const inlineGather = () => (inline ??= new Gather(opts));
  let error: Error | undefined;
  let settle: { resolve: (r: SinkResult) => void; reject: (e: Error) => void } | undefined;
  let markStarted!: () => void;
  const started = new Promise<void>((r) => (markStarted = r));
  let markNeverRan!: () => void;
  const neverRan = new Promise<void>((r) => (markNeverRan = r));
  let onProgress: ((received: number) => void) | undefined; // a gathered Blob's
  // The worker's buffer for written chunks is made on the first one (a gathered Blob needs none).
  let startSent = false;
  const start = () => {
    if (!startSent) port.postMessage({ start: opts } satisfies ToWorker);
    startSent = true;
  };
  const send = (c: Uint8Array) => {
    const m: ToWorker = { chunk: c.buffer as ArrayBuffer, offset: c.byteOffset, length: c.length };
    port.postMessage(m, [m.chunk]);
    lent++;
  };
  const fail = (e: Error) => {
    error ??= e; // the first reason: later chunks fail only because of it
    markStarted();
    settle?.reject(error);
    wake(true); // no buffer will come back: the next write() throws instead
  };
  port.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if ('ready' in m) {
      const waiting = queue ?? [];
      queue = undefined;
      for (const c of waiting) send(c);
      markStarted();
    } else if ('back' in m) {
      spares.push(m.back);
      lent--;
      wake(false);
    } else if ('progress' in m) onProgress?.(m.progress);
    else if ('done' in m) settle?.resolve(m.done);
    else fail(new Error(`the download's worker failed: ${m.failed}`));
  };
  failed?.catch((e: Error) => {
    if (!queue) return fail(e);
    workerless = true;
    for (const c of queue) inlineGather().write(c); // it never ran: the queued bytes are all here
    queue = undefined;
    markStarted();
    markNeverRan();
  });
  return {
    write(chunk) {
      if (error) throw error; // stop the download now, not after its last byte
      start();
      if (workerless) inlineGather().write(chunk);
      else if (queue)
        queue.push(chunk.slice()); // the read buffer is reused: keep a copy until the worker runs
      else send(chunk);
    },
    spare: () => spares.pop(),
    room: () => (error || lent < MAX_LENT ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve))),
    async finish() {
      try {
        start();
        await started; // the queue is sent, or the bytes are inline, or the worker failed
        if (workerless) return inlineGather().result();
        if (error) throw error;
        const done = new Promise<SinkResult>((resolve, reject) => (settle = { resolve, reject }));
        port.postMessage({ finish: true } satisfies ToWorker);
        return await done;
      } finally {
        close();
        wake(true);
      }
    },
    async gather(blob, progress) {
      try {
        onProgress = progress;
        const done = new Promise<SinkResult>((resolve, reject) => (settle = { resolve, reject }));
        port.postMessage({ blob, hash: opts.hash } satisfies ToWorker);
        // A worker that never runs: the Blob is still here, read inline.
        return await Promise.race([done, neverRan.then(() => gatherBlob(blob, opts.hash, progress))]);
      } finally {
        close();
      }
    },
    close() {
      close();
      wake(true);
    },
  };
}

/**
 * The browser's sink: a worker per file, except for small files that need no hash (config, tokenizer: a worker
 * would cost more than it saves); inline where workers are missing.
 */
export function workerSink(opts: SinkOptions): FileSink {
  const small = !opts.hash && opts.size !== undefined && opts.size < 4 << 20;
  if (typeof Worker === 'undefined' || small) return memorySink(opts);
  const worker = new Worker(new URL('./sink-worker.ts', import.meta.url), {
    type: 'module',
    name: 'rhythmscope-download',
  });
  const failed = new Promise<never>((_, reject) => {
    worker.onerror = (e) => reject(new Error(`the download's worker failed: ${e.message || 'could not start'}`));
  });
  return portSink(worker, opts, () => worker.terminate(), failed);
}
