import { describe, expect, it } from 'vitest';
import {
  deleteCachedModel,
  fileKey,
  listCachedModels,
  manifestBytes,
  manifestKey,
  memoryCache,
  partialKey,
  readManifest,
  writeManifest,
  type Manifest,
} from './cache';

const ref = { repo: 'ORG/NAME', revision: 'refs/pr/1' };
const E = 'https://huggingface.co';

const manifest = (r = ref, savedAt = '2026-01-01T00:00:00Z'): Manifest => ({
  endpoint: E,
  repo: r.repo,
  revision: r.revision,
  modelType: 'qwen3',
  files: [
    { path: 'config.json', size: 10 },
    { path: 'model.safetensors', size: 1000, sha256: 'a'.repeat(64) },
  ],
  absent: ['chat_template.jinja'],
  savedAt,
});

describe('cache keys', () => {
  it('a file under its resolve URL; partials and manifests beside it', () => {
    const k = fileKey(E, ref, 'model.safetensors');
    expect(k).toBe('https://huggingface.co/ORG/NAME/resolve/refs%2Fpr%2F1/model.safetensors');
    expect(partialKey(k)).toBe(`${k}?rhythmscope=partial`);
    expect(manifestKey(E, ref)).toBe('https://huggingface.co/ORG/NAME/resolve/refs%2Fpr%2F1/?rhythmscope=manifest');
  });
  it('keys differ by endpoint and revision', () => {
    expect(fileKey('https://hf-mirror.com', ref, 'config.json')).not.toBe(fileKey(E, ref, 'config.json'));
    expect(fileKey(E, { ...ref, revision: 'main' }, 'config.json')).not.toBe(fileKey(E, ref, 'config.json'));
  });
});

describe('manifests', () => {
  it('round-trips, lists newest first and sums sizes', async () => {
    const cache = memoryCache();
    await writeManifest(cache, manifest());
    await writeManifest(cache, manifest({ repo: 'A/B', revision: 'main' }, '2026-02-01T00:00:00Z'));
    expect(await readManifest(cache, E, ref)).toEqual(manifest());
    const listed = await listCachedModels(cache);
    expect(listed.map((m) => m.repo)).toEqual(['A/B', 'ORG/NAME']);
    expect(manifestBytes(listed[1])).toBe(1010);
  });
  it('delete removes the revision’s files, partials and manifest, and nothing else', async () => {
    const cache = memoryCache();
    const other = { repo: 'ORG/NAME', revision: 'main' };
    await writeManifest(cache, manifest());
    await writeManifest(cache, manifest(other));
    await cache.put(fileKey(E, ref, 'config.json'), new Response('{}'));
    await cache.put(partialKey(fileKey(E, ref, 'model.safetensors')), new Response('xx'));
    await cache.put(fileKey(E, other, 'config.json'), new Response('{}'));
    expect(await deleteCachedModel(cache, E, ref)).toBe(3);
    expect([...cache.entries.keys()].sort()).toEqual([fileKey(E, other, 'config.json'), manifestKey(E, other)].sort());
  });
});
