/**
 * The loaded model's folder as bytes, for the training worker: local folders and zips through the model
 * picker's own modelSourceOf (src/ui/model/actions.ts); a built-in or URL model is fetched again (the browser
 * cache usually has it).
 */
import { InputError } from '../../core/errors';
import type { ModelChoice } from '../model/catalog';
import { modelSourceOf } from '../model/actions';
import type { TrainModel } from '../../worker/train-protocol';
import { FOLDER_FILES } from './exportName';

export async function modelBytes(
  choice: ModelChoice,
  name: string,
  fetchFn: typeof fetch = fetch,
): Promise<TrainModel> {
  const source = await modelSourceOf(choice);
  const files: Record<string, ArrayBuffer> = {};
  if (source.kind === 'files') {
    for (const f of FOLDER_FILES) if (source.files[f]) files[f] = source.files[f];
  } else {
    const base = source.url.endsWith('/') ? source.url : `${source.url}/`;
    for (const f of FOLDER_FILES) {
      const res = await fetchFn(`${base}${f}`);
      if (res.status === 404) continue;
      if (!res.ok) throw new Error(`${base}${f}: HTTP ${res.status}`);
      files[f] = await res.arrayBuffer();
    }
  }
  for (const f of FOLDER_FILES) {
    if (!files[f]) {
      const why =
        f === 'char_vocab.json'
          ? ' (training needs a character-vocabulary model such as the built-in rhythm-mini)'
          : '';
      throw new InputError(`missing file${why}`, { file: `${name}/${f}` });
    }
  }
  return { name, files };
}
