/**
 * The page's handle on the engine worker. One worker at a time; a backend change starts a fresh
 * worker, because tensors belong to the backend that created them.
 */
import { EngineClient } from '../../worker/client';

let client: EngineClient | null = null;
let factory: () => EngineClient = () => EngineClient.spawn();

export function engine(): EngineClient {
  if (!client) client = factory();
  return client;
}

/** Stops the current worker (pending calls fail) and starts a new one. */
export function restartEngine(): EngineClient {
  client?.terminate();
  client = factory();
  return client;
}

/** Tests: run the UI actions against an in-process engine. */
export function setEngineFactory(make: () => EngineClient): void {
  factory = make;
  client?.terminate();
  client = null;
}
