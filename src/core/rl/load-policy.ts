/** RL's starting policy from a model folder: a Hugging Face GPT-2 with a character vocabulary (the built-in models). */
import type { ModelFiles } from '../io/files';
import type { CharTokenizer } from '../tokenizer/char';
import { loadTrainable } from '../train/checkpoint';
import type { PolicyInit } from './trainer';

export async function loadPolicy(files: ModelFiles): Promise<PolicyInit & { tokenizer: CharTokenizer }> {
  const ck = await loadTrainable(files);
  return { config: ck.config, weights: ck.weights, tokenizer: ck.tokenizer };
}
