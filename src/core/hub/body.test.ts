import { describe, expect, it } from 'vitest';
import { readBody } from './body';
import { H_TOTAL, memoryCache, partialKey } from './cache';
import { MAX_LENT, portSink, serveSink, type SinkOptions, type SinkPort } from './file-sink';
import { bytesOf, sha256Hex } from './testing/fakeHub';

const URL1 = 'https://hub.test/O/N/resolve/main/w.safetensors';

/** A byte stream (read with a BYOB reader, as fetch bodies are) of `data` in `chunk`-byte pieces, failing at `cutAt`. */
function byteBody(data: Uint8Array, chunk: number, cutAt?: number) {
  let pos = 0;
  let cancelled = false;
  const stream = new ReadableStream({
    type: 'bytes',
    pull(c) {
      if (cutAt !== undefined && pos >= cutAt) return c.error(new TypeError('connection reset'));
      if (pos >= data.length) {
        c.close();
        return c.byobRequest?.respond(0); // a pending BYOB read ends only when answered
      }
      const n = Math.min(chunk, data.length - pos, cutAt !== undefined ? cutAt - pos : Infinity);
      c.enqueue(data.slice(pos, pos + n));
      pos += n;
    },
    cancel() {
      cancelled = true;
    },
  });
  return { res: new Response(stream), cancelled: () => cancelled };
}

describe('readBody', () => {
  it('reads a byte stream through BYOB reads into one buffer, hashing and reporting each chunk', async () => {
    const data = bytesOf(10_000, 2);
    const seen: number[] = [];
    const { res } = byteBody(data, 3000);
    const got = await readBody(res, {
      url: URL1,
      file: 'w.safetensors',
      cache: memoryCache(),
      total: data.length,
      hash: true,
      onProgress: (p) => seen.push(p.received),
    });
    expect(got.bytes).toEqual(data);
    expect(got.fetched).toBe(10_000);
    expect(got.sha256).toBe(await sha256Hex(data));
    expect(seen).toEqual([3000, 6000, 9000, 10_000, 10_000]);
  });

  it('a sink that takes the read buffers (the worker): later reads get a spare or a new buffer', async () => {
    const data = bytesOf(20_000, 7);
    const newSink = (o: SinkOptions) => {
      const { port1, port2 } = new MessageChannel();
      serveSink(port2 as unknown as SinkPort);
      return portSink(port1 as unknown as SinkPort, o, () => (port1.close(), port2.close()));
    };
    await new Promise((r) => setTimeout(r, 0));
    const kept = data.slice(0, 2000);
    const { res } = byteBody(data.subarray(2000), 3000);
    const got = await readBody(res, {
      url: URL1,
      file: 'w',
      cache: memoryCache(),
      kept,
      total: 20_000,
      hash: true,
      newSink,
    });
    expect(got.bytes).toEqual(data);
    expect(got.sha256).toBe(await sha256Hex(data)); // the kept prefix, then every chunk
  });

  it('a read faster than the worker waits for buffers to come back: at most MAX_LENT are with it', async () => {
    const data = bytesOf(40 * 500, 9); // 40 chunks, all readable at once (as from the cache)
    let lent = 0;
    let most = 0;
    const newSink = (o: SinkOptions) => {
      const { port1, port2 } = new MessageChannel();
      serveSink(port2 as unknown as SinkPort);
      // Count the buffers in flight at the page's end of the channel.
      const page: SinkPort = {
        postMessage(m: { chunk?: ArrayBuffer }, transfer?: Transferable[]) {
          if (m.chunk) most = Math.max(most, ++lent);
          port1.postMessage(m, transfer ?? []);
        },
        onmessage: null,
      };
      port1.onmessage = (e) => {
        if ('back' in e.data) lent--;
        page.onmessage!(e);
      };
      return portSink(page, o, () => (port1.close(), port2.close()));
    };
    const sink = newSink({ size: data.length, hash: true });
    await new Promise((r) => setTimeout(r, 10)); // the worker runs: buffers are lent from the first chunk
    const { res } = byteBody(data, 500);
    const got = await readBody(res, { url: URL1, file: 'w', cache: memoryCache(), hash: true, newSink: () => sink });
    expect(got.bytes).toEqual(data);
    expect(got.sha256).toBe(await sha256Hex(data));
    expect(most).toBe(MAX_LENT); // without the wait: one per chunk
  });

  it('after a kept prefix, continues it; an unknown size grows the buffer', async () => {
    const data = bytesOf(5000, 3);
    const { res } = byteBody(data.subarray(1200), 700);
    const got = await readBody(res, { url: URL1, file: 'w', cache: memoryCache(), kept: data.slice(0, 1200) });
    expect(got.bytes).toEqual(data);
    expect(got.fetched).toBe(3800);
  });

  it('a dropped connection keeps the bytes so far for a resume and says how far it got', async () => {
    const data = bytesOf(4000, 4);
    const cache = memoryCache();
    const { res } = byteBody(data, 1000, 2500);
    const read = readBody(res, { url: URL1, file: 'w.safetensors', cache, total: 4000, validator: '"v"' });
    await expect(read).rejects.toThrow(/stopped at 2500 of 4000 bytes \(connection reset\); load again to resume/);
    const kept = (await cache.match(partialKey(URL1)))!;
    expect(kept.headers.get(H_TOTAL)).toBe('4000');
    expect(new Uint8Array(await kept.arrayBuffer())).toEqual(data.subarray(0, 2500));
  });

  it('more bytes than announced: refused, and the connection is let go', async () => {
    const data = bytesOf(4000, 5);
    const { res, cancelled } = byteBody(data, 1000);
    const read = readBody(res, { url: URL1, file: 'w.safetensors', cache: memoryCache(), total: 2500 });
    await expect(read).rejects.toThrow(/more than the 2500 bytes/);
    expect(cancelled()).toBe(true);
  });
});
