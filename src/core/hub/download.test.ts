import { describe, expect, it, vi } from 'vitest';
import { H_SHA256, H_SIZE, memoryCache, partialKey } from './cache';
import { authHeaders, downloadFile, parseContentRange, type DownloadOptions } from './download';
import { HubError } from './errors';
import { memorySink, type SinkOptions } from './file-sink';
import { shaFromEtag } from './sha';
import { bytesOf, fakeHub, sha256Hex, type FakeFile } from './testing/fakeHub';

const ORIGIN = 'https://hub.test';
const URL1 = `${ORIGIN}/ORG/NAME/resolve/main/model.safetensors`;

async function setup(
  file: FakeFile,
  extra: Partial<DownloadOptions> = {},
  hubOpts: Parameters<typeof fakeHub>[1] = {},
) {
  const hub = fakeHub({ '/ORG/NAME/resolve/main/model.safetensors': file }, hubOpts);
  const cache = memoryCache();
  const opts: DownloadOptions = {
    url: URL1,
    file: 'model.safetensors',
    revisionLabel: 'ORG/NAME@main',
    cache,
    fetchFn: hub.fetchFn,
    tokenOrigin: ORIGIN,
    pageUrl: `${ORIGIN}/ORG/NAME`,
    ...extra,
  };
  return { hub, cache, opts };
}

async function failure(p: Promise<unknown>): Promise<HubError> {
  try {
    await p;
  } catch (e) {
    return e as HubError;
  }
  throw new Error('expected a failure');
}

describe('downloadFile', () => {
  it('fetches, stores, then serves from the cache without the network', async () => {
    const data = bytesOf(1000);
    const { hub, cache, opts } = await setup({ bytes: data });
    const progress: number[] = [];
    const got = await downloadFile({ ...opts, onProgress: (p) => progress.push(p.received) });
    expect(got!.bytes).toEqual(data);
    expect(got!.fromCache).toBe(false);
    expect(got!.fetched).toBe(1000);
    expect(progress).toEqual([500, 1000, 1000]);
    expect(await got!.stored).toBeUndefined();
    const again = await downloadFile(opts);
    expect(again!.fromCache).toBe(true);
    expect(again!.fetched).toBe(0);
    expect(again!.bytes).toEqual(data);
    expect(hub.requests).toHaveLength(1);
    expect((await cache.match(URL1))!.headers.get(H_SIZE)).toBe('1000');
  });

  it('resumes an interrupted download with Range + If-Range, fetching only the rest', async () => {
    const data = bytesOf(1000, 7);
    const etag = `"${await sha256Hex(data)}"`;
    const { hub, cache, opts } = await setup({ bytes: data, etag, cutAt: 600 });
    const err = await failure(downloadFile(opts));
    expect(err.kind).toBe('interrupted');
    expect(err.message).toContain('600 of 1000');
    expect((await cache.match(partialKey(URL1)))!.headers.get('x-rhythmscope-total')).toBe('1000');
    const got = await downloadFile(opts);
    expect(got!.bytes).toEqual(data);
    expect(got!.fetched).toBe(400);
    expect(hub.requests[1].headers.range).toBe('bytes=600-');
    expect(hub.requests[1].headers['if-range']).toBe(etag);
    expect(hub.requests[1].status).toBe(206);
    expect(await cache.match(partialKey(URL1))).toBeUndefined();
    expect(await got!.stored).toBeUndefined();
    expect((await cache.match(URL1))!.headers.get(H_SHA256)).toBe(etag.slice(1, -1));
  });

  it('starts the file over when the server ignores Range (200)', async () => {
    const data = bytesOf(1000, 3);
    const file: FakeFile = { bytes: data, etag: '"v1"', cutAt: 300 };
    const { hub, opts } = await setup(file);
    await failure(downloadFile(opts));
    file.noRange = true;
    const got = await downloadFile(opts);
    expect(got!.bytes).toEqual(data);
    expect(got!.fetched).toBe(1000);
    expect(hub.requests[1].status).toBe(200);
  });

  it('starts over when the file changed on the server (If-Range no longer matches)', async () => {
    const file: FakeFile = { bytes: bytesOf(1000, 1), etag: '"v1"', cutAt: 500 };
    const { opts } = await setup(file);
    await failure(downloadFile(opts));
    const newer = bytesOf(1200, 2);
    file.bytes = newer;
    file.etag = '"v2"';
    const got = await downloadFile(opts);
    expect(got!.bytes).toEqual(newer);
    expect(got!.fetched).toBe(1200);
  });

  it('keeps the partial bytes when cancelled, and resumes after', async () => {
    const data = bytesOf(800, 5);
    const controller = new AbortController();
    const { hub, opts } = await setup({ bytes: data, etag: '"e"' });
    const err = await failure(
      downloadFile({
        ...opts,
        signal: controller.signal,
        onProgress: (p) => p.received >= 400 && p.received < 800 && controller.abort(),
      }),
    );
    expect(err.name).toBe('AbortError');
    const got = await downloadFile(opts);
    expect(got!.bytes).toEqual(data);
    expect(hub.requests[1].headers.range).toBe('bytes=400-');
    expect(got!.fetched).toBe(400);
  });

  it('checks the sha256 the ETag gives, and refuses bytes that differ', async () => {
    const { cache, opts } = await setup({ bytes: bytesOf(100), etag: `"${'0'.repeat(64)}"` });
    const err = await failure(downloadFile(opts));
    expect(err.kind).toBe('checksum');
    expect(await cache.match(URL1)).toBeUndefined();
  });

  it('hashes while the bytes arrive: the file is not hashed again after the last byte', async () => {
    const data = bytesOf(5000, 9);
    const { opts } = await setup({ bytes: data, etag: `"${await sha256Hex(data)}"` });
    const digest = vi.spyOn(globalThis.crypto.subtle, 'digest');
    try {
      const got = (await downloadFile(opts))!;
      expect(got.bytes).toEqual(data);
      expect(got.sha256).toBe(await sha256Hex(data));
      expect(digest).toHaveBeenCalledTimes(1); // only the call just above
    } finally {
      digest.mockRestore();
    }
  });

  it('a resume hashes the kept prefix: a damaged kept prefix fails the check and is dropped', async () => {
    const data = bytesOf(1000, 4);
    const file: FakeFile = { bytes: data, etag: `"${await sha256Hex(data)}"`, cutAt: 600 };
    const { hub, cache, opts } = await setup(file);
    await failure(downloadFile(opts));
    const kept = cache.entries.get(partialKey(URL1))!;
    kept.body[17] ^= 0xff; // one byte of the kept prefix changes on disk
    const err = await failure(downloadFile(opts));
    expect(err.kind).toBe('checksum');
    expect(hub.requests[1].headers.range).toBe('bytes=600-');
    expect(await cache.match(partialKey(URL1))).toBeUndefined();
    const got = (await downloadFile(opts))!; // then the file is fetched whole
    expect(got.bytes).toEqual(data);
    expect(got.fetched).toBe(1000);
  });

  it('takes x-linked-etag first and ignores git sha1 and weak ETags', () => {
    const sha = 'ab'.repeat(32);
    expect(shaFromEtag(`"${sha}"`)).toBe(sha);
    expect(shaFromEtag(`"${'a'.repeat(40)}"`)).toBeUndefined();
    expect(shaFromEtag(`W/"${sha}"`)).toBeUndefined();
  });

  it('fetches again a cached copy that fails its check (size or sha256)', async () => {
    const data = bytesOf(100);
    const { hub, cache, opts } = await setup({ bytes: data });
    await cache.put(URL1, new Response(data.slice(0, 50), { headers: { [H_SIZE]: '100' } }));
    const first = (await downloadFile(opts))!;
    expect(first.fromCache).toBe(false);
    await first.stored;
    await cache.put(URL1, new Response(data, { headers: { [H_SIZE]: '100', [H_SHA256]: 'f'.repeat(64) } }));
    const second = (await downloadFile(opts))!;
    expect(second.fromCache).toBe(false);
    await second.stored;
    expect(hub.requests).toHaveLength(2);
    expect((await downloadFile(opts))!.fromCache).toBe(true);
  });

  it('a cache hit gathers the cached body as a Blob: hashed on the way, progress with no network bytes', async () => {
    const data = bytesOf(3000, 5);
    const sha = await sha256Hex(data);
    const { cache, opts } = await setup({ bytes: data });
    await cache.put(URL1, new Response(data, { headers: { [H_SIZE]: '3000', [H_SHA256]: sha } }));
    let hashed = 0;
    const newSink = (o: SinkOptions) => {
      const s = memorySink(o);
      return { ...s, gather: (b: Blob, p?: (n: number) => void) => ((hashed += o.hash ? b.size : 0), s.gather(b, p)) };
    };
    const progress: { received: number; fetched: number }[] = [];
    const got = (await downloadFile({ ...opts, newSink, onProgress: (p) => progress.push(p) }))!;
    expect(got.fromCache).toBe(true);
    expect(got.bytes).toEqual(data);
    expect(hashed).toBe(3000);
    expect(progress.at(-1)).toEqual({ received: 3000, total: 3000, fetched: 0, fromCache: true });
    expect(progress.every((p) => p.fetched === 0)).toBe(true);
    // verifyCached 'size': no hash taken.
    hashed = 0;
    expect((await downloadFile({ ...opts, newSink, verifyCached: 'size' }))!.fromCache).toBe(true);
    expect(hashed).toBe(0);
  });

  it('a cancelled cache read stops, keeps the cached copy and writes no partial', async () => {
    const data = bytesOf(2000, 6);
    const { hub, cache, opts } = await setup({ bytes: data });
    await cache.put(URL1, new Response(data, { headers: { [H_SIZE]: '2000' } }));
    const controller = new AbortController();
    // A cached body in two halves, the second a little later (as a disk read goes).
    const slowCache = {
      ...cache,
      async match(key: string) {
        if (key !== URL1) return cache.match(key);
        const body = new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(data.slice(0, 1000));
            setTimeout(() => {
              try {
                c.enqueue(data.slice(1000));
                c.close();
              } catch {
                // cancelled meanwhile
              }
            }, 20);
          },
        });
        return new Response(body, { headers: { [H_SIZE]: '2000' } });
      },
    };
    const got = downloadFile({
      ...opts,
      cache: slowCache,
      signal: controller.signal,
      onProgress: (p) => p.received >= 1000 && controller.abort(),
    });
    expect((await failure(got)).name).toBe('AbortError');
    expect(hub.requests).toHaveLength(0);
    expect(await cache.match(partialKey(URL1))).toBeUndefined();
    expect(await cache.match(URL1)).toBeDefined();
  });

  it('says when the file changes size mid-download', async () => {
    const short = await setup({ bytes: bytesOf(100), announce: 150 });
    const e1 = await failure(downloadFile(short.opts));
    expect(e1.kind).toBe('size-changed');
    expect(e1.message).toContain('100 of the 150');
    const long = await setup({ bytes: bytesOf(100), announce: 60 });
    expect((await failure(downloadFile(long.opts))).kind).toBe('size-changed');
  });

  it('401/403: a gated model, with its page; 404: the file and revision named', async () => {
    const gated = await setup({ bytes: bytesOf(10) }, {}, { token: 'hf_secret' });
    const e = await failure(downloadFile(gated.opts));
    expect(e.kind).toBe('gated');
    expect(e.details.pageUrl).toBe(`${ORIGIN}/ORG/NAME`);
    expect(e.message).toContain('model.safetensors');
    const ok = await downloadFile({ ...gated.opts, token: 'hf_secret' });
    expect(ok!.bytes).toHaveLength(10);

    const missing = await setup({ bytes: bytesOf(10) });
    const nf = await failure(
      downloadFile({ ...missing.opts, url: `${ORIGIN}/ORG/NAME/resolve/main/nope.json`, file: 'nope.json' }),
    );
    expect(nf.kind).toBe('not-found');
    expect(nf.message).toMatch(/nope\.json.*ORG\/NAME@main/);
    expect(await downloadFile({ ...missing.opts, url: `${ORIGIN}/x`, optional: true })).toBeUndefined();
  });

  it('sends the token to the endpoint origin only, never across a redirect', async () => {
    expect(authHeaders(URL1, 'hf_x', ORIGIN)).toEqual({ authorization: 'Bearer hf_x' });
    expect(authHeaders('https://cdn.test/file', 'hf_x', ORIGIN)).toEqual({});
    expect(authHeaders('https://hub.test:444/file', 'hf_x', ORIGIN)).toEqual({});
    const cdn = 'https://cdn.test/blob/1';
    const { hub, opts } = await setup(
      { bytes: bytesOf(10) },
      { token: 'hf_x' },
      {
        redirect: (u) => (u === URL1 ? cdn : undefined),
      },
    );
    // The CDN file lives under its own path in the fake.
    (hub as unknown as { fetchFn: typeof fetch }).fetchFn = hub.fetchFn;
    await downloadFile(opts).catch(() => undefined);
    expect(hub.requests[0].headers.authorization).toBe('Bearer hf_x');
    expect(hub.requests[1].url).toBe(cdn);
    expect(hub.requests[1].headers.authorization).toBeUndefined();
  });

  it('a failed fetch names CORS; a store that fails still returns the bytes and says why they are not kept', async () => {
    const { opts } = await setup({ bytes: bytesOf(10) });
    const net = await failure(
      downloadFile({
        ...opts,
        fetchFn: (async () => {
          throw new TypeError('Failed to fetch');
        }) as typeof fetch,
      }),
    );
    expect(net.kind).toBe('network');
    expect(net.message).toMatch(/cross-origin requests \(CORS\)/);
    const full = memoryCache();
    full.put = async () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    const q = (await downloadFile({ ...opts, cache: full }))!;
    expect(q.bytes).toHaveLength(10);
    expect(await q.stored).toMatch(/no room .* for 10 more bytes/);
    const broken = memoryCache();
    broken.put = async () => {
      throw new TypeError("Failed to execute 'put' on 'Cache': Unexpected internal error.");
    };
    const b = (await downloadFile({ ...opts, cache: broken }))!;
    expect(b.bytes).toEqual(bytesOf(10));
    expect(await b.stored).toMatch(/Unexpected internal error/);
    expect(await broken.match(URL1)).toBeUndefined();
  });

  it('parses Content-Range', () => {
    expect(parseContentRange('bytes 600-999/1000')).toEqual({ start: 600, end: 999, total: 1000 });
    expect(parseContentRange('bytes 0-9/*')).toEqual({ start: 0, end: 9, total: undefined });
    expect(parseContentRange('items 0-1/2')).toBeUndefined();
  });
});
