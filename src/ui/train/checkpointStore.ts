/**
 * Fine-tuned checkpoints in IndexedDB (browser only): one record per run, overwritten at each checkpoint, so a
 * reload can reopen the run's charts (from its log lines) and load its model. Every failure (no IndexedDB,
 * private mode, quota) becomes a CheckpointStoreError with a plain message; callers show it, never crash.
 */
import type { RlOptions } from '../../core/rl/options';
import type { RunLogLine } from '../../core/rl/runlog';

export interface StoredCheckpoint {
  /** `<session>-<strategy>-s<seed>`: one per run of a comparison. */
  id: string;
  /** Comparison this run belongs to (the page's start time), so its runs reopen together. */
  session: string;
  /** Display and folder name, `<model>-<strategy>-s<seed>-step<N>`. */
  name: string;
  /** The starting model's name. */
  model: string;
  created: number;
  options: RlOptions;
  step: number;
  final: boolean;
  lines: RunLogLine[];
  initialAccuracy?: number | null;
  /** Position of the run in its comparison (the charts' order after a reopen). */
  index?: number;
  /** Adam's update count, set when `files` hold optimizer.safetensors (the run can be resumed). */
  adamStep?: number;
  /** The run's checkpoint interval (a resumed run keeps it). */
  checkpointEvery?: number;
  /** config.json, model.safetensors, the tokenizer's files; optimizer.safetensors while the run is short of its steps. */
  files: Record<string, Uint8Array>;
}

export type CheckpointMeta = Omit<StoredCheckpoint, 'files'>;

/** A saved run that stopped short of its steps and kept Adam's state: Resume continues it. */
export function isResumable(c: CheckpointMeta): boolean {
  return c.adamStep !== undefined && c.step < c.options.steps;
}

export class CheckpointStoreError extends Error {
  override name = 'CheckpointStoreError';
}

const DB_NAME = 'rhythmscope-train';
const STORE = 'checkpoints';

function describe(e: unknown): string {
  const name = (e as { name?: string })?.name;
  if (name === 'QuotaExceededError') return 'the browser storage is full (quota exceeded); delete old checkpoints';
  return e instanceof Error ? e.message : String(e ?? 'unknown error');
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(new CheckpointStoreError(`IndexedDB: ${describe(r.error)}`));
  });
}

let dbPromise: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined')
    return Promise.reject(new CheckpointStoreError('this browser offers no IndexedDB, so checkpoints are not saved'));
  dbPromise ??= new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(DB_NAME, 1);
    r.onupgradeneeded = () => {
      if (!r.result.objectStoreNames.contains(STORE)) r.result.createObjectStore(STORE, { keyPath: 'id' });
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(new CheckpointStoreError(`IndexedDB could not be opened: ${describe(r.error)}`));
    r.onblocked = () => reject(new CheckpointStoreError('IndexedDB is blocked by another tab of this app'));
  }).catch((e) => {
    dbPromise = null;
    throw e;
  });
  return dbPromise;
}

async function withStore<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  try {
    const db = await open();
    const tx = db.transaction(STORE, mode);
    const result = await request(fn(tx.objectStore(STORE)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(new CheckpointStoreError(`IndexedDB: ${describe(tx.error)}`));
      tx.onabort = () => reject(new CheckpointStoreError(`IndexedDB: ${describe(tx.error)}`));
    });
    return result;
  } catch (e) {
    throw e instanceof CheckpointStoreError ? e : new CheckpointStoreError(`IndexedDB: ${describe(e)}`);
  }
}

export async function saveCheckpoint(c: StoredCheckpoint): Promise<void> {
  await withStore('readwrite', (s) => s.put(c));
}

/** Every checkpoint without its files, newest first. */
export async function listCheckpoints(): Promise<CheckpointMeta[]> {
  const all = await withStore<StoredCheckpoint[]>('readonly', (s) => s.getAll());
  return all
    .map(({ files: _files, ...meta }) => meta)
    .sort((a, b) => b.created - a.created || a.id.localeCompare(b.id));
}

export async function getCheckpoint(id: string): Promise<StoredCheckpoint | null> {
  return (await withStore<StoredCheckpoint | undefined>('readonly', (s) => s.get(id))) ?? null;
}

export async function deleteCheckpoint(id: string): Promise<void> {
  await withStore('readwrite', (s) => s.delete(id));
}
