/**
 * Where `--model` points: a folder or .zip as given, a Hugging Face cache snapshot folder, a cache root holding one
 * model, or `ORG/NAME[@REV]` looked up in the local Hugging Face cache (never the network). The cache is laid out
 * as huggingface_hub writes it:
 *   <cache>/models--ORG--NAME/refs/<REV>        (a file holding the commit hash)
 *   <cache>/models--ORG--NAME/snapshots/<hash>/ (the files, usually symlinks into blobs/)
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from '../core/errors';

export interface ModelPath {
  /** The folder or file to open. */
  path: string;
  /** "ORG/NAME" when the model lives in a Hugging Face cache (a nicer name than the snapshot hash). */
  repoId?: string;
}

type Env = Record<string, string | undefined>;

/** The hub cache folder, in huggingface_hub's order: HF_HUB_CACHE, HF_HOME/hub, XDG_CACHE_HOME, ~/.cache. */
export function hubCacheDir(env: Env = process.env, home = homedir()): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HUGGINGFACE_HUB_CACHE) return env.HUGGINGFACE_HUB_CACHE;
  if (env.HF_HOME) return join(env.HF_HOME, 'hub');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'huggingface', 'hub');
}

const REPO_ID = /^([A-Za-z0-9][\w.-]*)\/([A-Za-z0-9][\w.-]*)(?:@([^\s@]+))?$/;
const REPO_FOLDER = /^models--(.+?)--(.+)$/;

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

/** `models--ORG--NAME` → "ORG/NAME". */
function repoIdOfFolder(folder: string): string | undefined {
  const m = REPO_FOLDER.exec(folder);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

export async function resolveModelPath(
  arg: string,
  field = '--model',
  env: Env = process.env,
  home = homedir(),
): Promise<ModelPath> {
  const info = await statOrNull(arg);
  if (info) {
    const abs = resolve(arg);
    // A snapshot folder: …/models--ORG--NAME/snapshots/<hash>
    if (info.isDirectory() && basename(dirname(abs)) === 'snapshots') {
      const repoId = repoIdOfFolder(basename(dirname(dirname(abs))));
      if (repoId) return { path: arg, repoId };
    }
    // The repo folder itself (models--ORG--NAME): open its main snapshot.
    const repoId = info.isDirectory() ? repoIdOfFolder(basename(abs)) : undefined;
    if (repoId && (await statOrNull(join(abs, 'snapshots')))?.isDirectory()) {
      return { path: await snapshotOf(abs, 'main', field), repoId };
    }
    if (info.isDirectory()) {
      const inCache = await cacheRootModel(abs, field);
      if (inCache) return inCache;
    }
    return { path: arg };
  }
  const m = REPO_ID.exec(arg);
  if (!m) return { path: arg }; // not a repo id: the opener reports the missing path
  const cache = hubCacheDir(env, home);
  const repoDir = join(cache, `models--${m[1]}--${m[2]}`);
  if (!(await statOrNull(repoDir))?.isDirectory()) {
    throw new InputError(
      `no such folder or .zip, and ${m[1]}/${m[2]} is not in the Hugging Face cache (looked for ${repoDir}; ` +
        'the cache is HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub; nothing is downloaded)',
      { file: arg, field },
    );
  }
  return { path: await snapshotOf(repoDir, m[3] ?? 'main', field), repoId: `${m[1]}/${m[2]}` };
}

/**
 * A cache root given as the folder (no config.json, `models--ORG--NAME` folders inside): its one model's main
 * snapshot; with several, an error listing them, since the folder alone cannot say which.
 */
async function cacheRootModel(dir: string, field: string): Promise<ModelPath | null> {
  if (await statOrNull(join(dir, 'config.json'))) return null;
  let repos: string[];
  try {
    repos = (await readdir(dir)).filter((f) => REPO_FOLDER.test(f)).sort();
  } catch {
    return null;
  }
  if (repos.length === 0) return null;
  if (repos.length > 1)
    throw new InputError(
      `is a Hugging Face cache with ${repos.length} models (${repos.map(repoIdOfFolder).join(', ')}); ` +
        `pick one with HF_HUB_CACHE=${dir} --model ORG/NAME`,
      { file: dir, field },
    );
  return { path: await snapshotOf(join(dir, repos[0]), 'main', field), repoId: repoIdOfFolder(repos[0]) };
}

/** The snapshot folder of `rev` (a branch/tag in refs/, or a commit hash in snapshots/). */
async function snapshotOf(repoDir: string, rev: string, field: string): Promise<string> {
  const snapshots = join(repoDir, 'snapshots');
  let hash = rev;
  const ref = join(repoDir, 'refs', rev);
  if ((await statOrNull(ref))?.isFile()) hash = (await readFile(ref, 'utf8')).trim();
  const snapshot = join(snapshots, hash);
  if ((await statOrNull(snapshot))?.isDirectory()) return snapshot;
  let present: string[] = [];
  try {
    present = await readdir(snapshots);
  } catch {
    // no snapshots folder: say so below
  }
  const what = hash === rev ? `revision "${rev}"` : `revision "${rev}" (commit ${hash})`;
  throw new InputError(
    `${what} has no snapshot in the Hugging Face cache (looked for ${snapshot}; snapshots present: ${present.join(', ') || 'none'})`,
    { file: repoDir, field },
  );
}
