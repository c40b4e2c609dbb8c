/** Loads a fine-tuned model folder (bytes; any family) into the engine through the normal model-load path. */
import type { ModelFolderBytes } from '../../worker/train-protocol';
import { loadModelChoice } from '../model/actions';
import { folderFileNames } from './exportName';

export function loadFolderIntoEngine(name: string, files: ModelFolderBytes): Promise<boolean> {
  const paths = folderFileNames(files);
  const list = paths.map((f) => new File([files[f].slice()], f));
  return loadModelChoice({ kind: 'folder', name, files: list, paths });
}
