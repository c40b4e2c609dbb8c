/** Node-only: a model folder on disk (a directory or a .zip of one). Never import this from browser code. */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../errors';
import type { ModelFiles } from './files';
import { filesFromZip, looksLikeZip } from './zip';

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

/**
 * A model given on the command line: a directory, or a .zip archive of one (files at its root or inside one
 * folder). Anything else is an InputError naming the path and `field` (the flag).
 */
export async function openModelFiles(path: string, field = '--model'): Promise<ModelFiles> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new InputError('not a model folder or .zip (no such file or directory)', { file: path, field });
  }
  if (info.isDirectory()) return filesFromDir(path);
  const bytes = new Uint8Array(await readFile(path));
  if (!/\.zip$/i.test(path) && !looksLikeZip(bytes)) {
    throw new InputError('not a model folder or .zip (a plain file)', { file: path, field });
  }
  return filesFromZip(bytes, path);
}
