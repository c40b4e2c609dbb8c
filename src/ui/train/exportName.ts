/** Names of fine-tuned model folders and their zip, and the zip's entries. Pure. */
import type { ModelFolderBytes } from '../../worker/train-protocol';

/** Keeps names portable as file and folder names. */
function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'model';
}

/** `<model>-<strategy>-s<seed>-step<N>`, e.g. "rhythm-mini-coupled-s0-step10". */
export function tunedName(model: string, strategy: string, seed: number, step: number): string {
  return `${safe(model)}-${safe(strategy)}-s${seed}-step${step}`;
}

/** The model folder's files, in the order a reader expects to meet them. */
export const FOLDER_FILES = ['config.json', 'model.safetensors', 'char_vocab.json'] as const;

/** Zip entries: one folder named after the model holding config.json, model.safetensors and char_vocab.json. */
export function folderEntries(folder: string, files: ModelFolderBytes): { path: string; bytes: Uint8Array }[] {
  return FOLDER_FILES.map((f) => {
    const bytes = files[f];
    if (!bytes) throw new Error(`the fine-tuned model has no ${f}`);
    return { path: `${folder}/${f}`, bytes };
  });
}
