/** Helpers shared by the CLI commands (Node-only). */
import { access, constants } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError } from '../core/errors';
import { isDirectory, openModelFiles } from '../core/io/node-files';
import { loadModel, type LoadedModel } from '../core/model/load';

/** A progress line on stderr, so stdout stays clean for data. */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Loads a model folder (or a .zip of one), reporting progress on stderr. */
export async function loadModelDir(dir: string, flag = '--model'): Promise<LoadedModel> {
  let last = '';
  const loaded = await loadModel(await openModelFiles(dir, flag), {
    onProgress: (_fraction, message) => {
      if (message !== last) note(`[model] ${message}`); // one line per stage, not per tensor
      last = message;
    },
  });
  return loaded;
}

/** Fails early (before any slow work) when the output's directory is missing or not writable. */
export async function checkOutputPath(path: string, flag = '--out'): Promise<void> {
  const dir = dirname(resolve(path));
  if (!(await isDirectory(dir))) throw new InputError(`directory ${dir} does not exist`, { file: path, field: flag });
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new InputError(`directory ${dir} is not writable`, { file: path, field: flag });
  }
  if (await isDirectory(path)) throw new InputError('is a directory', { file: path, field: flag });
}

/** Checks token ids against the model's vocabulary and context. */
export function checkIds(ids: number[], vocabSize: number, maxPositions: number, field: string): void {
  if (ids.length === 0) throw new InputError('no tokens', { field });
  const bad = ids.findIndex((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
  if (bad >= 0) throw new InputError(`token id ${ids[bad]} (position ${bad}) is outside the vocabulary [0, ${vocabSize})`, { field });
  if (ids.length > maxPositions) {
    throw new InputError(`${ids.length} tokens exceed the model's context of ${maxPositions} (n_positions)`, { field });
  }
}

export function formatBytes(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`;
}
