/**
 * The loaded model's folder as bytes, for the training worker, any family: config.json, the weights (one file, or
 * the index and its shards) and the tokenizer's files (src/core/train/folder.ts). Local folders and zips come
 * through the model picker's own modelSourceOf (src/ui/model/actions.ts); a built-in or URL model is fetched
 * again (the browser cache usually has it).
 */
import { filesFromMap, filesFromUrl, type ModelFiles } from '../../core/io/files';
import { trainingFolder } from '../../core/train/folder';
import type { ModelChoice } from '../model/catalog';
import { modelSourceOf } from '../model/actions';
import type { TrainModel } from '../../worker/train-protocol';

export async function modelBytes(
  choice: ModelChoice,
  name: string,
  fetchFn: typeof fetch = fetch,
): Promise<TrainModel> {
  const source = await modelSourceOf(choice, fetchFn);
  let folder: ModelFiles;
  if (source.kind === 'files') {
    const entries: Record<string, Uint8Array> = {};
    for (const [path, buf] of Object.entries(source.files)) entries[path] = new Uint8Array(buf);
    folder = filesFromMap(name, entries);
  } else {
    folder = { ...filesFromUrl(source.url, fetchFn), name };
  }
  const files: Record<string, ArrayBuffer> = {};
  for (const [path, bytes] of Object.entries(await trainingFolder(folder))) {
    files[path] = (bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()).buffer as ArrayBuffer;
  }
  return { name, files };
}
