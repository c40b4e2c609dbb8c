/** Node-only: a model folder on disk (a directory or a .zip of one). Never import this from browser code. */
import { closeSync, openSync, readSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../errors';
import type { ModelFiles } from './files';
import type { RangeFile } from './range';
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
    open: (path) => openRangeFile(join(root, path)),
  };
}

/** A file on disk for reading by range (undefined when absent); each read opens it, so nothing is left open. */
export async function openRangeFile(path: string): Promise<RangeFile | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  if (!info.isFile()) throw new InputError('not a regular file', { file: path });
  return {
    size: info.size,
    inMemory: false,
    read(offset, length) {
      const out = new Uint8Array(length);
      const fd = openSync(path, 'r');
      try {
        let got = 0;
        while (got < length) {
          const n = readSync(fd, out, got, length - got, offset + got);
          if (n === 0) break; // end of file
          got += n;
        }
        return got < length ? out.subarray(0, got) : out;
      } finally {
        closeSync(fd);
      }
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
