import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryCache } from './cache';
import { downloadFile } from './download';
import { inlineHash, portHash, serveHash, workerHash, type ChunkHash, type HashPort } from './hash-stream';
import { sha256Hex } from './sha';
import { bytesOf, fakeHub } from './testing/fakeHub';

/** A hash whose "worker" is the other end of a MessageChannel in this thread. */
function channelHash(): ChunkHash & { closed: () => boolean } {
  const { port1, port2 } = new MessageChannel();
  serveHash(port2 as unknown as HashPort);
  let closed = false;
  const h = portHash(port1 as unknown as HashPort, () => {
    closed = true;
    port1.close();
    port2.close();
  });
  return { ...h, closed: () => closed };
}

describe('hash over a message port (the worker protocol)', () => {
  it('hashes chunks in order from views at any offset; takes their buffers and hands them back', async () => {
    const data = bytesOf(10_000, 3);
    const h = channelHash();
    const sent: ArrayBuffer[] = [];
    for (let i = 0; i < data.length; i += 777) {
      const n = Math.min(777, data.length - i);
      const buffer = new ArrayBuffer(n + 5);
      const chunk = new Uint8Array(buffer, 5, n); // a view, as a BYOB read's result is
      chunk.set(data.subarray(i, i + n));
      h.update(chunk);
      expect(buffer.byteLength).toBe(0); // transferred to the worker, not copied
      sent.push(buffer);
    }
    expect(h.spare()).toBeUndefined(); // nothing back yet: the worker answers later
    expect(await h.hex()).toBe(createHash('sha256').update(data).digest('hex'));
    expect(h.closed()).toBe(true);
    let back = 0;
    for (let b = h.spare(); b; b = h.spare()) back += b.byteLength > 5 ? 1 : 0;
    expect(back).toBe(sent.length); // every buffer came back whole, free for later reads
  });

  it('inline and worker-less defaults agree', async () => {
    const data = bytesOf(300, 1);
    const a = inlineHash();
    a.update(data);
    const b = workerHash(); // no Worker in Node: inline
    b.update(data);
    expect(await a.hex()).toBe(await b.hex());
  });

  it('a worker that fails rejects hex(); the download then hashes the bytes whole', async () => {
    const { port1 } = new MessageChannel();
    const failing = portHash(port1 as unknown as HashPort, () => port1.close(), Promise.reject(new Error('no worker')));
    await expect(failing.hex()).rejects.toThrow(/no worker/);

    const data = bytesOf(2000, 8);
    const url = 'https://hub.test/O/N/resolve/main/model.safetensors';
    const hub = fakeHub({ '/O/N/resolve/main/model.safetensors': { bytes: data, etag: `"${await sha256Hex(data)}"` } });
    const newHash = () => {
      const { port1: p } = new MessageChannel();
      return portHash(p as unknown as HashPort, () => p.close(), Promise.reject(new Error('no worker')));
    };
    const got = await downloadFile({
      url,
      file: 'model.safetensors',
      revisionLabel: 'O/N@main',
      cache: memoryCache(),
      fetchFn: hub.fetchFn,
      tokenOrigin: 'https://hub.test',
      newHash,
    });
    expect(got!.sha256).toBe(await sha256Hex(data));
  });

  it('a download hashes through the port, and a resume sends the kept prefix first', async () => {
    const data = bytesOf(3000, 6);
    const sha = await sha256Hex(data);
    const url = 'https://hub.test/O/N/resolve/main/model.safetensors';
    const file = { bytes: data, etag: `"${sha}"`, cutAt: 1234 };
    const hub = fakeHub({ '/O/N/resolve/main/model.safetensors': file });
    const hashes: ReturnType<typeof channelHash>[] = [];
    const opts = {
      url,
      file: 'model.safetensors',
      revisionLabel: 'O/N@main',
      cache: memoryCache(),
      fetchFn: hub.fetchFn,
      tokenOrigin: 'https://hub.test',
      newHash: () => {
        const h = channelHash();
        hashes.push(h);
        return h;
      },
    };
    await expect(downloadFile(opts)).rejects.toThrow(/stopped at 1234/);
    expect(hashes[0].closed()).toBe(true); // the interrupted download's hash was stopped
    const got = await downloadFile(opts);
    expect(got!.fetched).toBe(3000 - 1234);
    expect(got!.sha256).toBe(sha);
    expect(hashes[1].closed()).toBe(true);
  });
});
