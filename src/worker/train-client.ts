/** The page's side of the training worker: an EngineClient over the training operation table. */
import { EngineClient } from './client';
import type { TrainOperations } from './train-protocol';

export type TrainClient = EngineClient<TrainOperations>;

/** Starts a training worker (Vite bundles it as its own ES module worker). */
export function spawnTrainClient(): TrainClient {
  const worker = new Worker(new URL('./train-worker.ts', import.meta.url), {
    type: 'module',
    name: 'rhythmscope-train',
  });
  return new EngineClient<TrainOperations>(worker);
}
