/** Loads a fine-tuned model folder (bytes) into the engine through the normal model-load path. */
import type { ModelFolderBytes } from '../../worker/train-protocol';
import { loadModelChoice } from '../model/actions';
import { FOLDER_FILES } from './exportName';

export function loadFolderIntoEngine(name: string, files: ModelFolderBytes): Promise<boolean> {
  const list = FOLDER_FILES.map((f) => new File([files[f].slice()], f));
  return loadModelChoice({ kind: 'folder', name, files: list, paths: [...FOLDER_FILES] });
}
