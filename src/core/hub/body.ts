/**
 * A download's response body into memory: checked against the announced size, gathered and hashed as it arrives
 * (file-sink.ts), progress per chunk; an interruption keeps the bytes so far in the cache (`?rhythmscope=partial`)
 * for a Range resume.
 */
import { H_ETAG, H_TOTAL, bytesResponse, partialKey, type CacheLike } from './cache';
import { HubError, abortReason } from './errors';
import { memorySink, type FileSink, type SinkOptions } from './file-sink';

export interface BodyRead {
  /** The resolve URL (the cache key) and the file's path in the repo, for messages. */
  url: string;
  file: string;
  cache: CacheLike;
  signal?: AbortSignal;
  /** Bytes already held from a kept partial download; the body continues after them. */
  kept?: Uint8Array;
  /** The whole file's size, when announced. */
  total?: number;
  /** What a resume's If-Range will carry, kept with the partial bytes. */
  validator?: string;
  /** Take the sha256 of the whole file (the kept prefix first) while reading. */
  hash?: boolean;
  /** Where the bytes are gathered (default: inline; the page passes a worker's). */
  newSink?: (opts: SinkOptions) => FileSink;
  /** Keep the bytes so far for a resume when the body breaks off (default); not for a read of the cache itself. */
  keepPartial?: boolean;
  onProgress?: (p: { received: number; total?: number; fetched: number }) => void;
}

/** BYOB reads go through one scratch buffer of this size (the network hands over ~1 MB at a time). */
const SCRATCH_BYTES = 4 << 20;

/**
 * The body's chunks in order. Where the body is a byte stream (fetch bodies in browsers and Node) reads land in a
 * reused scratch buffer, so a chunk is valid only until the next one is asked for; a scratch buffer taken by the
 * sink meanwhile (detached: the download's worker has it) is replaced by one it handed back, or a new one once it
 * has room (back-pressure: a cache read outruns the worker).
 */
async function* chunksOf(res: Response, sink: FileSink): AsyncGenerator<Uint8Array> {
  if (!res.body) {
    yield new Uint8Array(await res.arrayBuffer());
    return;
  }
  let byob: ReadableStreamBYOBReader | undefined;
  try {
    byob = res.body.getReader({ mode: 'byob' });
  } catch {
    byob = undefined; // not a byte stream
  }
  const plain = byob ? undefined : res.body.getReader();
  let scratch = new ArrayBuffer(SCRATCH_BYTES);
  const read = async (): Promise<Uint8Array | undefined> => {
    if (!byob) return (await plain!.read()).value;
    if (scratch.byteLength === 0) {
      await sink.room();
      const free = sink.spare();
      scratch = free && free.byteLength >= SCRATCH_BYTES ? free : new ArrayBuffer(SCRATCH_BYTES);
    }
    const { done, value } = await byob.read(new Uint8Array(scratch));
    if (value) scratch = value.buffer as ArrayBuffer; // the same memory, handed back for the next read
    return done ? undefined : value;
  };
  let finished = false;
  try {
    for (let chunk = await read(); chunk; chunk = await read()) yield chunk;
    finished = true;
  } finally {
    if (!finished) void (byob ?? plain)!.cancel().catch(() => undefined); // stopped early: free the connection
  }
}

export interface BodyBytes {
  bytes: Uint8Array;
  /** Network bytes read by this call (the kept prefix is not). */
  fetched: number;
  /** The whole file's sha256 in hex, when asked for. */
  sha256?: string;
  /** performance.now() at the last byte read (the gathering and hash may finish after it). */
  lastByteAt: number;
}

export async function readBody(res: Response, r: BodyRead): Promise<BodyBytes> {
  const { url, file, cache, total } = r;
  const start = r.kept?.length ?? 0;
  // The sink holds the file's bytes so far, whole if the connection drops.
  const sink = (r.newSink ?? memorySink)({ size: total, hash: r.hash ?? false });
  if (r.kept) sink.write(r.kept);
  let received = start;
  let fetched = 0;
  try {
    for await (const chunk of chunksOf(res, sink)) {
      // A fetch's body stops by itself when its signal aborts; a cached body does not.
      if (r.signal?.aborted) throw abortReason(r.signal);
      if (total !== undefined && received + chunk.length > total) {
        await cache.delete(partialKey(url));
        throw new HubError(
          'size-changed',
          `the server sent more than the ${total} bytes it announced: the file changed during the download; load it again`,
          { file },
        );
      }
      received += chunk.length;
      fetched += chunk.length;
      sink.write(chunk); // last: the sink may take the chunk's buffer
      r.onProgress?.({ received, total, fetched });
    }
  } catch (e) {
    if (e instanceof HubError || r.keepPartial === false || total === undefined || received === 0) sink.close();
    else await keepPartial(r, total, sink);
    if (e instanceof HubError) throw e;
    if (r.signal?.aborted) throw abortReason(r.signal);
    throw new HubError(
      'interrupted',
      `the download stopped at ${received} of ${total ?? '?'} bytes (${(e as Error).message})${total !== undefined ? '; load again to resume' : ''}`,
      { file },
    );
  }
  const lastByteAt = globalThis.performance?.now() ?? Date.now();
  if (total !== undefined && received !== total) {
    sink.close();
    await cache.delete(partialKey(url));
    throw new HubError(
      'size-changed',
      `the file ended after ${received} of the ${total} bytes announced: it changed during the download; load it again`,
      { file },
    );
  }
  r.onProgress?.({ received, total: received, fetched });
  const { bytes, sha256 } = await sink.finish().catch((e: Error) => {
    throw new HubError('interrupted', `${e.message}; load again`, { file });
  });
  return { bytes, fetched, sha256, lastByteAt };
}

/** An interrupted download's bytes so far, kept for a Range resume (none kept when there is no room). */
async function keepPartial(r: BodyRead, total: number, sink: FileSink): Promise<void> {
  const kept = await sink.finish().catch(() => undefined);
  if (!kept || kept.bytes.length >= total) return;
  const headers: Record<string, string> = { [H_TOTAL]: String(total) };
  if (r.validator) headers[H_ETAG] = r.validator;
  await r.cache.put(partialKey(r.url), bytesResponse(kept.bytes, headers)).catch(() => undefined);
}
