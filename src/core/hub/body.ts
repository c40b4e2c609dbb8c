/**
 * A download's response body into memory: checked against the announced size, hashed as it arrives, progress per
 * chunk; an interruption keeps the bytes so far in the cache (`?rhythmscope=partial`) for a Range resume.
 */
import { H_ETAG, H_TOTAL, partialKey, type CacheLike } from './cache';
import { HubError, abortReason } from './errors';
import type { ChunkHash } from './hash-stream';

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
  hash?: ChunkHash;
  /** Keep the bytes so far for a resume when the body breaks off (default); not for a read of the cache itself. */
  keepPartial?: boolean;
  onProgress?: (p: { received: number; total?: number; fetched: number }) => void;
}

/** BYOB reads go through one scratch buffer of this size (the network hands over ~1 MB at a time). */
const SCRATCH_BYTES = 4 << 20;

/**
 * The body's chunks in order. Where the body is a byte stream (fetch bodies in browsers and Node) reads land in a
 * reused scratch buffer, so a chunk is valid only until the next one is asked for; a scratch buffer taken by the
 * consumer meanwhile (detached: the hash worker has it) is replaced by `spare()` or a new one.
 */
async function* chunksOf(res: Response, spare: () => ArrayBuffer | undefined): AsyncGenerator<Uint8Array> {
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
      const free = spare();
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

export async function readBody(res: Response, r: BodyRead): Promise<{ bytes: Uint8Array; fetched: number }> {
  const { url, file, cache, total, hash } = r;
  const start = r.kept?.length ?? 0;
  // Copied from the scratch buffer into one buffer for the file, which stays whole if the connection drops.
  let buf = new Uint8Array(total ?? Math.max(start, 1 << 16));
  if (r.kept) {
    buf.set(r.kept);
    hash?.update(r.kept); // after the copy: the hash may take the kept bytes' buffer
  }
  let received = start;
  let fetched = 0;
  try {
    for await (const chunk of chunksOf(res, () => hash?.spare())) {
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
      if (received + chunk.length > buf.length) {
        const next = new Uint8Array(Math.max(received + chunk.length, buf.length * 2));
        next.set(buf.subarray(0, received));
        buf = next;
      }
      buf.set(chunk, received);
      received += chunk.length;
      fetched += chunk.length;
      hash?.update(chunk); // last: the hash may take the chunk's buffer
      r.onProgress?.({ received, total, fetched });
    }
  } catch (e) {
    if (e instanceof HubError) throw e;
    if (r.keepPartial !== false && total !== undefined && received > 0 && received < total) {
      const headers: Record<string, string> = { [H_TOTAL]: String(total) };
      if (r.validator) headers[H_ETAG] = r.validator;
      // No room to keep it: the next attempt starts the file over.
      await cache.put(partialKey(url), new Response(buf.slice(0, received), { headers })).catch(() => undefined);
    }
    if (r.signal?.aborted) throw abortReason(r.signal);
    throw new HubError(
      'interrupted',
      `the download stopped at ${received} of ${total ?? '?'} bytes (${(e as Error).message})${total !== undefined ? '; load again to resume' : ''}`,
      { file },
    );
  }
  if (total !== undefined && received !== total) {
    await cache.delete(partialKey(url));
    throw new HubError(
      'size-changed',
      `the file ended after ${received} of the ${total} bytes announced: it changed during the download; load it again`,
      { file },
    );
  }
  r.onProgress?.({ received, total: received, fetched });
  return { bytes: buf.length === received ? buf : buf.slice(0, received), fetched };
}
