import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../core/errors';
import { hubCacheDir, resolveModelPath } from './model-path';

const HASH = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const OLD = '0000000000000000000000000000000000000abc';

describe('hubCacheDir', () => {
  it('follows huggingface_hub: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub', () => {
    expect(hubCacheDir({ HF_HUB_CACHE: '/c', HF_HOME: '/h' }, '/home/u')).toBe('/c');
    expect(hubCacheDir({ HF_HOME: '/h' }, '/home/u')).toBe('/h/hub');
    expect(hubCacheDir({}, '/home/u')).toBe('/home/u/.cache/huggingface/hub');
    expect(hubCacheDir({ XDG_CACHE_HOME: '/x' }, '/home/u')).toBe('/x/huggingface/hub');
  });
});

describe('resolveModelPath with a fake cache', () => {
  let root: string;
  let cache: string;
  let repo: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hf-cache-'));
    cache = join(root, 'hub');
    repo = join(cache, 'models--Qwen--Qwen3-0.6B');
    // blobs + symlinked snapshot files, as huggingface_hub lays them out
    await mkdir(join(repo, 'blobs'), { recursive: true });
    await writeFile(join(repo, 'blobs', 'cfg'), '{"model_type":"qwen3"}');
    for (const h of [HASH, OLD]) {
      await mkdir(join(repo, 'snapshots', h), { recursive: true });
      await symlink(join(repo, 'blobs', 'cfg'), join(repo, 'snapshots', h, 'config.json'));
    }
    await mkdir(join(repo, 'refs'), { recursive: true });
    await writeFile(join(repo, 'refs', 'main'), `${HASH}\n`);
    await writeFile(join(repo, 'refs', 'v1'), OLD);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));
  const env = () => ({ HF_HUB_CACHE: cache });

  it('finds ORG/NAME through refs/main', async () => {
    expect(await resolveModelPath('Qwen/Qwen3-0.6B', '--model', env())).toEqual({
      path: join(repo, 'snapshots', HASH),
      repoId: 'Qwen/Qwen3-0.6B',
    });
  });

  it('finds ORG/NAME@REV by ref name or commit hash; HF_HOME/hub works too', async () => {
    expect((await resolveModelPath('Qwen/Qwen3-0.6B@v1', '--model', env())).path).toBe(join(repo, 'snapshots', OLD));
    expect((await resolveModelPath(`Qwen/Qwen3-0.6B@${OLD}`, '--model', env())).path).toBe(
      join(repo, 'snapshots', OLD),
    );
    expect((await resolveModelPath('Qwen/Qwen3-0.6B', '--model', { HF_HOME: root })).path).toBe(
      join(repo, 'snapshots', HASH),
    );
  });

  it('names a snapshot folder or the repo folder by its repo id', async () => {
    const snap = join(repo, 'snapshots', HASH);
    expect(await resolveModelPath(snap, '--model', {})).toEqual({ path: snap, repoId: 'Qwen/Qwen3-0.6B' });
    expect(await resolveModelPath(repo, '--model', {})).toEqual({ path: snap, repoId: 'Qwen/Qwen3-0.6B' });
  });

  it('opens the one model of a cache root given as a folder, and asks which when it holds several', async () => {
    const snap = join(repo, 'snapshots', HASH);
    expect(await resolveModelPath(cache, '--model', {})).toEqual({ path: snap, repoId: 'Qwen/Qwen3-0.6B' });
    const two = await mkdtemp(join(tmpdir(), 'hf-two-'));
    await mkdir(join(two, 'models--a--b', 'snapshots'), { recursive: true });
    await mkdir(join(two, 'models--c--d', 'snapshots'), { recursive: true });
    await expect(resolveModelPath(two, '--model', {})).rejects.toThrow(
      `${two}, field "--model": is a Hugging Face cache with 2 models (a/b, c/d); pick one with HF_HUB_CACHE=${two} --model ORG/NAME`,
    );
    await rm(two, { recursive: true, force: true });
  });

  it('leaves ordinary paths alone (existing or not)', async () => {
    expect(await resolveModelPath(root, '--model', env())).toEqual({ path: root });
    expect(await resolveModelPath('./no/such/dir/x', '--model', env())).toEqual({ path: './no/such/dir/x' });
  });

  it('says where it looked when the repo or the revision is missing', async () => {
    const missing = resolveModelPath('Org/Absent', '--model', env());
    await expect(missing).rejects.toThrow(InputError);
    await expect(missing).rejects.toThrow(`looked for ${join(cache, 'models--Org--Absent')}`);
    await expect(resolveModelPath('Qwen/Qwen3-0.6B@nope', '--model', env())).rejects.toThrow(
      /revision "nope" has no snapshot .*looked for .*snapshots\/nope; snapshots present: /,
    );
  });
});
