/**
 * Tries tfjs backends in order and reports the truth: a backend counts only when tf.setBackend succeeded,
 * tf.getBackend() names it afterwards (setBackend can fail and still leave the name set, or leave another
 * backend active), and a small matMul on it gives the right numbers. Shared by the browser and Node entries.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from './rank';

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  note: string;
}

export interface BackendReport {
  /** The active backend: always tf.getBackend() after init. */
  name: BackendName;
  /** A human sentence: why this one. */
  reason: string;
  requested: BackendName | 'auto';
  /** Every backend tried, in order. */
  attempts: BackendAttempt[];
  /** WebGPU offered only a software fallback adapter (SwiftShader). */
  fallbackAdapter?: boolean;
  /** Backends not tried because this platform lacks them, with why. */
  unavailable?: { name: BackendName; note: string }[];
  /** wasm: the threads tfjs-wasm computes with (1 = its single-threaded build; threads need cross-origin isolation). */
  threads?: number;
}

export interface SelectOptions {
  requested: BackendName | 'auto';
  /** Available backends, best first (rankBackends). A requested backend is tried first even if absent here. */
  order: BackendName[];
  /** Imports and configures a backend's package; throws when the backend can't exist here. */
  load(name: BackendName): Promise<void>;
  /** Why a backend ranks where it does (describeRank). */
  why(name: BackendName): string;
  fallbackAdapter?: boolean;
  unavailable?: { name: BackendName; note: string }[];
  /** What the probe found out per backend (e.g. "software fallback adapter"), quoted in notes and reasons. */
  notes?: Partial<Record<BackendName, string>>;
  /** Give up on a backend that neither works nor fails within this time (default 30 s). */
  attemptTimeoutMs?: number;
  /** Backends already tried and failed (an earlier selection): not tried again, listed first in the report. */
  priorAttempts?: BackendAttempt[];
}

/** selectBackend's error when nothing started: every attempt, so a caller can go on from there. */
export class NoBackendError extends Error {
  constructor(
    message: string,
    readonly attempts: BackendAttempt[],
  ) {
    super(message);
    this.name = 'NoBackendError';
  }
}

const ATTEMPT_TIMEOUT_MS = 30_000;

/** Preference without regard to speed, used to name the backends an automatic choice passed over. */
const NOMINAL_ORDER: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]: proves the backend compiles and runs a kernel. */
async function checkBackendComputes(): Promise<void> {
  const product = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])));
  try {
    const got = Array.from(await product.data());
    if (got.join(',') !== '19,22,43,50')
      throw new Error(`a test matMul gave [${got.join(', ')}] instead of [19, 22, 43, 50]`);
  } finally {
    product.dispose();
  }
}

/**
 * tfjs-backend-cpu prints a multi-line "install tfjs-node" banner to stderr on its first tensor in Node;
 * the CLI's stderr is for one-line errors, so mark the banner as already shown (a no-op in browsers).
 */
function silenceCpuNodeBanner(): void {
  const backend = tf.backend() as unknown as { firstUse?: boolean };
  if (typeof backend.firstUse === 'boolean') backend.firstUse = false;
}

/** A lost GPU device or a wasm fetch can leave a promise pending forever: bound each attempt in time. */
async function attemptWithTimeout(name: BackendName, opts: SelectOptions): Promise<string | null> {
  const ms = opts.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`gave no answer within ${ms} ms`), ms);
  });
  try {
    return await Promise.race([attempt(name, opts), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function attempt(name: BackendName, opts: SelectOptions): Promise<string | null> {
  // Marks (browser bench, Node's perf_hooks alike): import, initialization and the test computation per backend.
  const mark = (phase: string) => performance.mark(`rs:backend:${name}:${phase}`);
  try {
    mark('import');
    await opts.load(name);
    if (!tf.findBackendFactory(name)) return 'its package registered no backend here';
    mark('init');
    const ok = await tf.setBackend(name);
    const active = tf.getBackend();
    if (!ok) return 'tf.setBackend reported failure (initialization failed)';
    if (active !== name) return `tf.setBackend succeeded but "${active}" is active`;
    if (name === 'cpu') silenceCpuNodeBanner();
    mark('check');
    await checkBackendComputes();
    mark('ready');
    if (tf.getBackend() !== name) return `"${tf.getBackend()}" became active while testing it`;
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** tfjs has one global active backend: selections run one at a time so two callers can't interleave. */
let queue: Promise<unknown> = Promise.resolve();

export function selectBackend(opts: SelectOptions): Promise<BackendReport> {
  const run = queue.then(() => selectNow(opts));
  queue = run.catch(() => undefined);
  return run;
}

async function selectNow(opts: SelectOptions): Promise<BackendReport> {
  const { requested, order } = opts;
  const attempts: BackendAttempt[] = [...(opts.priorAttempts ?? [])];
  const candidates = (requested === 'auto' ? [...order] : [requested, ...order.filter((n) => n !== requested)]).filter(
    (n) => !attempts.some((a) => a.name === n),
  );
  for (const name of candidates) {
    let failure = await attemptWithTimeout(name, opts);
    const probeNote = opts.notes?.[name];
    if (failure !== null && probeNote) failure = `${failure}; ${probeNote}`;
    attempts.push({ name, ok: failure === null, note: failure ?? 'initialized and computed a test matMul' });
    if (failure !== null) continue;
    const report: BackendReport = {
      name: tf.getBackend() as BackendName,
      reason: explain(name, requested, attempts, opts),
      requested,
      attempts,
    };
    if (opts.fallbackAdapter !== undefined) report.fallbackAdapter = opts.fallbackAdapter;
    if (opts.unavailable?.length) report.unavailable = opts.unavailable;
    return report;
  }
  const tried = attempts.map((a) => `${a.name}: ${a.note}`).join('; ');
  throw new NoBackendError(`no tfjs backend could be initialized (${tried || 'none available'})`, attempts);
}

function explain(
  chosen: BackendName,
  requested: BackendName | 'auto',
  attempts: BackendAttempt[],
  opts: SelectOptions,
): string {
  const why = opts.why(chosen);
  const failed = attempts.filter((a) => !a.ok).map((a) => `${a.name} failed (${a.note})`);
  const failures = failed.length ? `; ${failed.join('; ')}` : '';
  if (requested === chosen) return `${chosen} was requested; ${why}`;
  if (requested !== 'auto')
    return `${requested} was requested but could not be used, so ${chosen} was chosen: ${why}${failures}`;
  // Name the nominally better backends that were not even tried (unavailable, or ranked lower as software).
  const tried = new Set(attempts.map((a) => a.name));
  const skipped = NOMINAL_ORDER.slice(0, NOMINAL_ORDER.indexOf(chosen))
    .filter((n) => !tried.has(n) && opts.notes?.[n])
    .map((n) => `${n}: ${opts.notes![n]}`);
  const passedOver = skipped.length ? ` (not used: ${skipped.join('; ')})` : '';
  return `${chosen} was chosen automatically: ${why}${passedOver}${failures}`;
}
