/**
 * The Train panel's session: the pool of training workers and the state of the comparison they run (which worker
 * holds which run, each run's options, what is being resumed, active time). Shared by the actions (./actions.ts),
 * the worker events (./events.ts) and the tuned-model actions (./tuned.ts); plain module state, as the stores hold
 * only what the panel renders.
 */
import type { BackendName } from '../../core/backend/index';
import type { RlOptions } from '../../core/rl/options';
import type { TrainClient } from '../../worker/train-client';
import { useModelStore } from '../model/modelStore';
import { useTrainStore } from './trainStore';

export const session = {
  /** The pool of training workers (grown on demand, kept between comparisons). */
  clients: [] as TrainClient[],
  clientBackend: null as string | null,
  /** Comparison index of each run key while a new comparison's runs come from the pool (null: indices as sent). */
  keyIndex: null as Map<string, number> | null,
  /** Per comparison index: the worker that trains (or trained) the run and the run's index there. */
  placement: new Map<number, { worker: number; local: number }>(),
  startController: null as AbortController | null,
  /** Wall ms of training before the current active stretch, and when that stretch began (null while paused). */
  activeBefore: 0,
  activeSince: null as number | null,
  /** Full options per run index (sparse while one saved run is resumed). */
  runOptions: [] as RlOptions[],
  storeWarned: false,
  /** Index of the saved run being resumed (its lines append to the reopened charts), else null. */
  resuming: null as { index: number; fromStep: number } | null,
  checkpointEvery: 5,
};

export const activeMs = () =>
  session.activeBefore + (session.activeSince === null ? 0 : performance.now() - session.activeSince);

/** The engine's backend; a software (SwiftShader) WebGPU adapter would make training crawl, so wasm then. */
export function trainBackendFor(
  engineBackend: { name: BackendName; fallbackAdapter?: boolean } | null,
): BackendName | 'auto' {
  if (!engineBackend) return 'auto';
  if (engineBackend.name === 'webgpu' && engineBackend.fallbackAdapter) return 'wasm';
  return engineBackend.name;
}

/** `n` training workers on the engine's backend (a backend change replaces the pool). */
export async function trainClients(n: number): Promise<TrainClient[]> {
  const requested = trainBackendFor(useModelStore.getState().backend);
  if (session.clientBackend !== requested) dropClients();
  session.clientBackend = requested;
  const { spawnTrainClient } = await import('../../worker/train-client');
  while (session.clients.length < n) {
    const c = spawnTrainClient();
    session.clients.push(c);
    const report = await c.call('init', { backend: requested });
    useTrainStore.setState({ backend: report.simdAttention ? `${report.name} (SIMD attention kernel)` : report.name });
  }
  return session.clients.slice(0, n);
}

export function dropClients(): void {
  for (const c of session.clients) c.terminate();
  session.clients = [];
  session.placement = new Map();
}

/** The worker holding run `index` of the live comparison and the run's index there (the tuned-model actions). */
export function trainClientFor(index: number): { client: TrainClient; run: number } | null {
  const p = session.placement.get(index);
  const client = p && session.clients[p.worker];
  return client ? { client, run: p.local } : null;
}
