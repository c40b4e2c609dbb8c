/** Node-only: a model folder on disk. Never import this from browser code. */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { ModelFiles } from './files';

export function filesFromDir(dir: string): ModelFiles {
  const root = resolve(dir);
  return {
    name: basename(root),
    async get(path) {
      try {
        return new Uint8Array(await readFile(join(root, path)));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async list() {
      return (await readdir(root)).filter((f) => f.length > 0);
    },
  };
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
