import type { TransferStatus } from './progress';
import { describe, expect, it } from 'vitest';
import { listCachedModels, memoryCache } from './cache';
import { HubError } from './errors';
import { openHubModel, shardsOfIndex } from './open';
import { bytesOf, fakeHub, type FakeFile } from './testing/fakeHub';

const E = 'https://hub.test';
const ref = { repo: 'ORG/NAME', revision: 'refs/pr/1' };
const base = '/ORG/NAME/resolve/refs%2Fpr%2F1/';
const json = (v: unknown): FakeFile => ({ bytes: new TextEncoder().encode(JSON.stringify(v)) });
const config = {
  model_type: 'qwen3',
  hidden_size: 8,
  intermediate_size: 16,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  num_key_value_heads: 1,
  head_dim: 4,
  vocab_size: 10,
  max_position_embeddings: 64,
};

function repo(cfg: Record<string, unknown> = config): Record<string, FakeFile> {
  return {
    [`${base}config.json`]: json(cfg),
    [`${base}tokenizer.json`]: json({ model: {} }),
    [`${base}model.safetensors.index.json`]: json({
      metadata: { total_size: 300 },
      weight_map: { a: 'model-2.safetensors', b: 'model-1.safetensors', c: 'model-2.safetensors' },
    }),
    [`${base}model-1.safetensors`]: { bytes: bytesOf(100) },
    [`${base}model-2.safetensors`]: { bytes: bytesOf(200) },
  };
}

const paths = (reqs: { url: string }[]) =>
  reqs.map((r) => decodeURIComponent(new URL(r.url).pathname.slice(base.length)));

describe('openHubModel', () => {
  it('reads config first, then tokenizer files, the index and its shards; a second open reads only the cache', async () => {
    const hub = fakeHub(repo());
    const cache = memoryCache();
    const seen: number[] = [];
    const opened = await openHubModel({
      endpoint: E,
      ref,
      cache,
      fetchFn: hub.fetchFn,
      onProgress: (p) => seen.push(p.received),
    });
    expect(paths(hub.requests)).toEqual([
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'chat_template.jinja',
      'generation_config.json',
      'model.safetensors.index.json',
      'model-1.safetensors',
      'model-2.safetensors',
    ]);
    expect(Object.keys(opened.files).sort()).toEqual([
      'config.json',
      'model-1.safetensors',
      'model-2.safetensors',
      'model.safetensors.index.json',
      'tokenizer.json',
    ]);
    expect(opened.name).toBe('ORG/NAME@refs/pr/1');
    expect(opened.manifest.absent).toEqual(['tokenizer_config.json', 'chat_template.jinja', 'generation_config.json']);
    expect(seen.at(-1)).toBe(opened.manifest.files.reduce((s, f) => s + f.size, 0));
    expect(await opened.saved).toBeUndefined();

    hub.requests.length = 0;
    const reopened: TransferStatus[] = [];
    const again = await openHubModel({
      endpoint: E,
      ref,
      cache,
      fetchFn: hub.fetchFn,
      onProgress: (p) => reopened.push(p),
    });
    expect(hub.requests).toHaveLength(0);
    // The reopen shows its progress through the cache, with no network rate.
    expect(reopened.length).toBeGreaterThan(0);
    expect(reopened.every((p) => p.fromCache && p.rate === 0)).toBe(true);
    expect(reopened.at(-1)!.received).toBe(reopened.at(-1)!.total);
    expect(again.fetched).toBe(0);
    expect(again.files['model-2.safetensors']).toEqual(bytesOf(200));
    expect((await listCachedModels(cache)).map((m) => m.repo)).toEqual(['ORG/NAME']);
  });

  it('reports progress at most once per interval, and always the end of each file', async () => {
    const hub = fakeHub(repo());
    let t = 0;
    const seen: string[] = [];
    const opened = await openHubModel({
      endpoint: E,
      ref,
      cache: memoryCache(),
      fetchFn: hub.fetchFn,
      now: () => t++, // 1 ms per report asked for
      progressIntervalMs: 1000,
      onProgress: (p) => seen.push(`${p.file} ${p.fileReceived}/${p.fileTotal}`),
    });
    await opened.saved;
    // The first report passes; after it, only the ends of files (fileReceived = fileTotal) do.
    expect(seen.slice(1).every((s) => /(\d+)\/\1$/.test(s))).toBe(true);
    expect(seen.at(-1)).toBe('model-2.safetensors 200/200');
  });

  it('writes no manifest when a file could not be kept, and says why', async () => {
    const hub = fakeHub(repo());
    const cache = memoryCache();
    const put = cache.put.bind(cache);
    cache.put = async (key, res) => {
      if (key.endsWith('model-2.safetensors')) throw new TypeError('Unexpected internal error.');
      return put(key, res);
    };
    const opened = await openHubModel({ endpoint: E, ref, cache, fetchFn: hub.fetchFn });
    expect(opened.files['model-2.safetensors']).toEqual(bytesOf(200));
    expect(await opened.saved).toBe('model-2.safetensors: Unexpected internal error.');
    expect(await listCachedModels(cache)).toEqual([]);
  });

  it('falls back to model.safetensors when there is no index', async () => {
    const files = repo();
    delete files[`${base}model.safetensors.index.json`];
    files[`${base}model.safetensors`] = { bytes: bytesOf(50) };
    const hub = fakeHub(files);
    const opened = await openHubModel({ endpoint: E, ref, cache: memoryCache(), fetchFn: hub.fetchFn });
    expect(opened.files['model.safetensors']).toHaveLength(50);
    expect(opened.manifest.absent).toContain('model.safetensors.index.json');
  });

  it('refuses an unsupported family, or a model judged too large, before any weight', async () => {
    const hub = fakeHub(repo({ ...config, model_type: 'mamba' }));
    const err = (await openHubModel({ endpoint: E, ref, cache: memoryCache(), fetchFn: hub.fetchFn }).catch(
      (e) => e,
    )) as HubError;
    expect(err.kind).toBe('unsupported');
    expect(err.message).toMatch(/config\.json.*model_type.*"mamba"/);
    expect(paths(hub.requests)).toEqual(['config.json']);

    const hub2 = fakeHub(repo());
    const tooBig = new HubError('too-large', 'too large');
    const e2 = await openHubModel({
      endpoint: E,
      ref,
      cache: memoryCache(),
      fetchFn: hub2.fetchFn,
      checkConfig: () => {
        throw tooBig;
      },
    }).catch((e) => e);
    expect(e2).toBe(tooBig);
    expect(paths(hub2.requests)).toEqual(['config.json']);
  });

  it('refuses weights that the storage quota cannot hold, saying how much is needed', async () => {
    const hub = fakeHub(repo());
    const err = (await openHubModel({
      endpoint: E,
      ref,
      cache: memoryCache(),
      fetchFn: hub.fetchFn,
      storageEstimate: async () => ({ quota: 1000, usage: 900 }),
    }).catch((e) => e)) as HubError;
    expect(err.kind).toBe('quota');
    expect(err.details.neededBytes).toBe(300);
    expect(paths(hub.requests)).not.toContain('model-1.safetensors');
  });

  it('lists the shards of an index once each, sorted', () => {
    expect(shardsOfIndex({ weight_map: { a: 's2', b: 's1', c: 's2' }, metadata: { total_size: 9 } })).toEqual({
      shards: ['s1', 's2'],
      totalSize: 9,
    });
    expect(() => shardsOfIndex({})).toThrow(/weight_map/);
  });
});
