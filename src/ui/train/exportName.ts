/** Names of fine-tuned model folders and their zip, and the zip's entries. Pure. */
import { TOKENIZER_FOLDER_FILES } from '../../core/train/folder';
import type { ModelFolderBytes } from '../../worker/train-protocol';

/** Keeps names portable as file and folder names. */
function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'model';
}

/** `<model>-<strategy>-s<seed>-step<N>`, e.g. "rhythm-mini-coupled-s0-step10". */
export function tunedName(model: string, strategy: string, seed: number, step: number): string {
  return `${safe(model)}-${safe(strategy)}-s${seed}-step${step}`;
}

/**
 * The fine-tuned folder's file names, in the order a reader expects to meet them: config.json, model.safetensors,
 * then the tokenizer's files (char_vocab.json, or tokenizer.json and its companions, as the starting model had
 * them). Adam's state is not part of the model. A missing config, weights or tokenizer is an error.
 */
export function folderFileNames(files: ModelFolderBytes): string[] {
  for (const f of ['config.json', 'model.safetensors'])
    if (!files[f]) throw new Error(`the fine-tuned model has no ${f}`);
  const tokenizer = TOKENIZER_FOLDER_FILES.filter((f) => files[f]);
  if (!tokenizer.includes('char_vocab.json') && !tokenizer.includes('tokenizer.json'))
    throw new Error('the fine-tuned model has no tokenizer (char_vocab.json or tokenizer.json)');
  return ['config.json', 'model.safetensors', ...tokenizer];
}

/** Zip entries: one folder named after the model holding its files (folderFileNames). */
export function folderEntries(folder: string, files: ModelFolderBytes): { path: string; bytes: Uint8Array }[] {
  return folderFileNames(files).map((f) => ({ path: `${folder}/${f}`, bytes: files[f] }));
}
