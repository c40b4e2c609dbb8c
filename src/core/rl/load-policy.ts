/** RL's starting policy from a model folder of any family, with its tokenizer (which must have an end token). */
import type { ModelFiles } from '../io/files';
import { loadTrainable, type TrainableCheckpoint } from '../train/checkpoint';
import type { PolicyInit } from './trainer';

export async function loadPolicy(files: ModelFiles): Promise<PolicyInit & TrainableCheckpoint> {
  return loadTrainable(files);
}
