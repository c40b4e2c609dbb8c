import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryCache } from './cache';
import { downloadFile } from './download';
import {
  MAX_LENT,
  gatherBlob,
  memorySink,
  portSink,
  serveSink,
  workerSink,
  type FileSink,
  type SinkOptions,
  type SinkPort,
} from './file-sink';
import { bytesOf, fakeHub, sha256Hex } from './testing/fakeHub';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A sink whose "worker" is the other end of a MessageChannel in this thread. */
function channelSink(opts: SinkOptions): FileSink & { closed: () => boolean } {
  const { port1, port2 } = new MessageChannel();
  serveSink(port2 as unknown as SinkPort);
  let closed = false;
  const s = portSink(port1 as unknown as SinkPort, opts, () => {
    closed = true;
    port1.close();
    port2.close();
  });
  return { ...s, closed: () => closed };
}

/** `data` written in `step`-byte views at an offset of fresh buffers, as BYOB reads hand them over. */
function writeInViews(sink: FileSink, data: Uint8Array, step: number): ArrayBuffer[] {
  const sent: ArrayBuffer[] = [];
  for (let i = 0; i < data.length; i += step) {
    const n = Math.min(step, data.length - i);
    const buffer = new ArrayBuffer(n + 5);
    new Uint8Array(buffer, 5, n).set(data.subarray(i, i + n));
    sink.write(new Uint8Array(buffer, 5, n));
    sent.push(buffer);
  }
  return sent;
}

/** A sink whose worker never answers; `fail` rejects its start, as a worker that cannot load does. */
function unservedSink(opts: SinkOptions): { s: FileSink; fail: (e: Error) => void } {
  const { port1 } = new MessageChannel(); // nobody serves the other end
  let fail!: (e: Error) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  return { s: portSink(port1 as unknown as SinkPort, opts, () => port1.close(), failed), fail };
}

/** Lets the channel's messages through. */
const tick = () => new Promise((r) => setTimeout(r, 10));

describe('file sinks', () => {
  it('inline: gathers chunks into one buffer of the announced size, hashing them; grows when the size is unknown', async () => {
    const data = bytesOf(10_000, 3);
    for (const size of [10_000, undefined]) {
      const s = memorySink({ size, hash: true });
      writeInViews(s, data, 777);
      const r = await s.finish();
      expect(r.bytes).toEqual(data);
      expect(r.bytes.buffer.byteLength).toBe(10_000); // no slack left in the result
      expect(r.sha256).toBe(sha(data));
    }
    const plain = memorySink({ size: 10, hash: false });
    plain.write(data.subarray(0, 10));
    expect(await plain.finish()).toEqual({ bytes: data.subarray(0, 10), sha256: undefined });
  });

  it('over a port: takes each read buffer (no copy on the page), hands it back, returns the whole file and its hash', async () => {
    const data = bytesOf(10_000, 4);
    const s = channelSink({ size: 10_000, hash: true });
    await tick(); // the worker says it runs: from now on buffers are transferred
    const sent = writeInViews(s, data, 777);
    expect(sent.every((b) => b.byteLength === 0)).toBe(true); // detached: in the worker
    await tick();
    let back = 0;
    for (let b = s.spare(); b; b = s.spare())
      back += b.byteLength === 777 + 5 || b.byteLength === (10_000 % 777) + 5 ? 1 : 0;
    expect(back).toBe(sent.length); // every buffer came back whole, free for later reads
    const r = await s.finish();
    expect(r.bytes).toEqual(data);
    expect(r.sha256).toBe(sha(data));
    expect(s.closed()).toBe(true);
  });

  it('chunks written before the worker runs are copied and queued, then sent in order', async () => {
    const data = bytesOf(5000, 5);
    const s = channelSink({ hash: true }); // size unknown: the worker's buffer grows
    const early = writeInViews(s, data.subarray(0, 2000), 500); // before any message got through
    expect(early.every((b) => b.byteLength === 505)).toBe(true); // copied: the caller may reuse them
    for (const b of early) new Uint8Array(b).fill(0); // ...and does
    writeInViews(s, data.subarray(2000), 600);
    const r = await s.finish();
    expect(r.bytes).toEqual(data);
    expect(r.sha256).toBe(sha(data));
  });

  it('a worker that never starts: the queued and later chunks are gathered inline, nothing lost', async () => {
    const data = bytesOf(3000, 6);
    const { s, fail } = unservedSink({ size: 3000, hash: true });
    writeInViews(s, data.subarray(0, 1000), 300);
    fail(new Error('could not start'));
    await tick();
    writeInViews(s, data.subarray(1000), 300);
    const r = await s.finish();
    expect(r.bytes).toEqual(data);
    expect(r.sha256).toBe(sha(data));
  });

  it('a worker that fails after starting stops the writes and makes finish() reject, with its first reason', async () => {
    const { port1, port2 } = new MessageChannel();
    serveSink(port2 as unknown as SinkPort);
    const s = portSink(port1 as unknown as SinkPort, { size: 2 ** 53, hash: false }, () => port1.close());
    await tick(); // ready
    s.write(new Uint8Array(4)); // the first chunk asks for the file's buffer
    await tick(); // its allocation fails
    expect(() => s.write(new Uint8Array(4))).toThrow(/the download's worker failed: .*(length|size|alloc)/i);
    await expect(s.finish()).rejects.toThrow(/the download's worker failed: .*(length|size|alloc)/i);
    port2.close();
  });

  it('a download whose worker fails midway is refused, naming the file and the reason', async () => {
    const data = bytesOf(3000, 9);
    const hub = fakeHub({ '/O/N/resolve/main/w.bin': { bytes: data } });
    const newSink = (o: SinkOptions): FileSink => {
      const { port1, port2 } = new MessageChannel();
      // A worker that runs, then fails at the first chunk (as on a failed allocation).
      port2.onmessage = (e: MessageEvent) => 'chunk' in e.data && port2.postMessage({ failed: 'out of memory' });
      port2.postMessage({ ready: true });
      return portSink(port1 as unknown as SinkPort, o, () => (port1.close(), port2.close()));
    };
    const cache = memoryCache();
    const opts = {
      url: 'https://hub.test/O/N/resolve/main/w.bin',
      file: 'w.bin',
      revisionLabel: 'O/N@main',
      cache,
      fetchFn: hub.fetchFn,
      tokenOrigin: 'https://hub.test',
      newSink,
    };
    const failure = await downloadFile(opts).catch((e: unknown) => e);
    expect(failure).toMatchObject({ kind: 'interrupted' });
    expect((failure as Error).message).toMatch(/^w\.bin: .*the download's worker failed: out of memory/);
    expect(await cache.match(opts.url)).toBeUndefined(); // nothing half-done is kept as the file
  });

  it('back-pressure: room() waits while MAX_LENT read buffers are with the worker, and resolves as they come back', async () => {
    const data = bytesOf(100 * (MAX_LENT + 2), 8);
    const s = channelSink({ size: data.length, hash: true });
    await tick();
    await s.room(); // nothing lent yet
    writeInViews(s, data.subarray(0, 100 * (MAX_LENT - 1)), 100);
    await s.room(); // MAX_LENT − 1 with the worker: still room
    writeInViews(s, data.subarray(100 * (MAX_LENT - 1)), 100); // MAX_LENT + 2 with the worker
    let roomy = false;
    const room = s.room().then(() => (roomy = true));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(roomy).toBe(false); // no message has come through yet
    await tick(); // the worker writes the chunks and hands their buffers back
    await room;
    expect(s.spare()).toBeDefined();
    expect((await s.finish()).sha256).toBe(sha(data));
  });

  it(
    'a worker that fails or a sink closed while the reader waits for room lets it go on (to the error)',
    { timeout: 5000 },
    async () => {
      for (const end of ['failed', 'closed'] as const) {
        const port: SinkPort = { postMessage: () => undefined, onmessage: null }; // a worker that keeps every buffer
        const s = portSink(port, { size: 10_000, hash: false }, () => undefined);
        port.onmessage!({ data: { ready: true } } as MessageEvent);
        writeInViews(s, bytesOf(100 * MAX_LENT, 1), 100);
        let roomy = false;
        const room = s.room().then(() => (roomy = true));
        await tick();
        expect(roomy).toBe(false);
        if (end === 'failed') port.onmessage!({ data: { failed: 'gone' } } as MessageEvent);
        else s.close();
        await room;
        if (end === 'failed') expect(() => s.write(new Uint8Array(1))).toThrow(/gone/);
      }
    },
  );

  it('gathers a Blob in the worker: read into the file’s buffer, hashed, progress up to its size', async () => {
    const data = bytesOf(9000, 10);
    const s = channelSink({ size: 9000, hash: true });
    const seen: number[] = [];
    const r = await s.gather(new Blob([data]), (n) => seen.push(n));
    expect(r.bytes).toEqual(data);
    expect(r.bytes.buffer.byteLength).toBe(9000);
    expect(r.sha256).toBe(sha(data));
    expect(seen.at(-1)).toBe(9000);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(s.closed()).toBe(true);
  });

  it('gathers a Blob inline when the worker never runs, and rejects with the reason when it fails', async () => {
    const data = bytesOf(3000, 11);
    const { s, fail } = unservedSink({ size: 3000, hash: true });
    const r = s.gather(new Blob([data]));
    fail(new Error('could not start'));
    expect((await r).sha256).toBe(sha(data));

    const { port1: a, port2: b } = new MessageChannel();
    b.onmessage = () => b.postMessage({ failed: 'no memory' }); // runs, then fails on the Blob
    const t = portSink(a as unknown as SinkPort, { size: 3000, hash: true }, () => (a.close(), b.close()));
    await expect(t.gather(new Blob([data]))).rejects.toThrow(/the download's worker failed: no memory/);
  });

  it('gatherBlob: copies chunks from a stream that is not a byte stream; refuses a short or long one', async () => {
    const data = bytesOf(5000, 12);
    const blobOf = (pieces: Uint8Array[], size: number) =>
      ({
        size,
        stream: () =>
          new ReadableStream<Uint8Array>({
            start(c) {
              for (const p of pieces) c.enqueue(p);
              c.close();
            },
          }),
      }) as unknown as Blob;
    const whole = await gatherBlob(blobOf([data.slice(0, 1234), data.slice(1234)], 5000), true);
    expect(whole.bytes).toEqual(data);
    expect(whole.sha256).toBe(sha(data));
    await expect(gatherBlob(blobOf([data.slice(0, 4000)], 5000), false)).rejects.toThrow(
      /ended after 4000 of its 5000/,
    );
    await expect(gatherBlob(blobOf([data], 4000), false)).rejects.toThrow(/more than its 4000 bytes/);
  });

  it('workerSink falls back to inline where there are no workers (Node)', async () => {
    const s = workerSink({ size: 3, hash: true });
    s.write(new Uint8Array([1, 2, 3]));
    expect((await s.finish()).sha256).toBe(sha(new Uint8Array([1, 2, 3])));
  });

  it('a download gathers through the port; a resume sends the kept prefix first', async () => {
    const data = bytesOf(3000, 6);
    const url = 'https://hub.test/O/N/resolve/main/model.safetensors';
    const hub = fakeHub({
      '/O/N/resolve/main/model.safetensors': { bytes: data, etag: `"${sha(data)}"`, cutAt: 1234 },
    });
    const sinks: ReturnType<typeof channelSink>[] = [];
    const opts = {
      url,
      file: 'model.safetensors',
      revisionLabel: 'O/N@main',
      cache: memoryCache(),
      fetchFn: hub.fetchFn,
      tokenOrigin: 'https://hub.test',
      newSink: (o: SinkOptions) => {
        const s = channelSink(o);
        sinks.push(s);
        return s;
      },
    };
    await expect(downloadFile(opts)).rejects.toThrow(/stopped at 1234/);
    expect(sinks[0].closed()).toBe(true); // the interrupted download's worker was stopped, its bytes kept
    const got = await downloadFile(opts);
    expect(got!.fetched).toBe(3000 - 1234);
    expect(got!.bytes).toEqual(data);
    expect(got!.sha256).toBe(await sha256Hex(data));
    expect(sinks[1].closed()).toBe(true);
  });
});
