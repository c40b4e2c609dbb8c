/**
 * Choose and initialize the tfjs backend, and report honestly which one runs and why.
 * Browser-safe (page or Web Worker: no `window`); each backend package is imported lazily, so a bundle only
 * loads the backends it tries and Node never loads webgl/webgpu. In Node, prefer ./node.ts (initNodeBackend).
 */
import * as tf from '@tensorflow/tfjs-core';
import { installWasmSlice } from '../kernels/wasm-slice';
import { probeCapabilities, type ProbeEnv } from './probe';
import { BACKEND_NAMES, describeRank, isBackendName, rankBackends, type BackendName } from './rank';
import { NoBackendError, selectBackend, type BackendAttempt, type BackendReport } from './select';

/** What the ranking knows of a platform before any probe: describeRank's words for wasm and cpu need no more. */
const NO_GPU = { hasWebGPU: false, fallbackAdapter: false, hasWebGL: false, hasWasm: true };

export { BACKEND_NAMES, describeRank, isBackendName, rankBackends, type BackendName, type Capabilities } from './rank';
export { NoBackendError, selectBackend, type BackendAttempt, type BackendReport } from './select';
export { probeCapabilities, type ProbeEnv, type ProbeResult } from './probe';

export interface InitBackendOptions {
  /** 'auto' (default) ranks what the platform offers; a name forces that backend first (even a fallback WebGPU). */
  requested?: BackendName | 'auto';
  /**
   * Where the app serves the tfjs wasm binaries: a folder URL, or a map from the file names
   * ('tfjs-backend-wasm.wasm', '…-simd.wasm', '…-threaded-simd.wasm') to URLs. Never a CDN.
   */
  wasmPaths?: Record<string, string> | string;
  /** The globals to probe (tests); globalThis by default. */
  env?: ProbeEnv;
  /** wasm threads when the page is cross-origin isolated (default navigator.hardwareConcurrency). */
  threads?: number;
}

let wasmPathsSet = false;
let wasmThreadsSet = false;

/** Imports one backend package (which registers it with tfjs-core) and applies its settings. */
async function loadBackend(
  name: BackendName,
  wasmPaths: InitBackendOptions['wasmPaths'],
  threads?: number,
): Promise<void> {
  switch (name) {
    case 'webgpu':
      // Registers 'webgpu' only when navigator.gpu exists.
      await import('@tensorflow/tfjs-backend-webgpu');
      return;
    case 'webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      return;
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      installWasmSlice(); // tfjs-wasm's Slice copies its whole input first (../kernels/wasm-slice.ts)
      // Threads need SharedArrayBuffer, which only a cross-origin-isolated page (COOP/COEP) has.
      if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) {
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      } else if (!wasmThreadsSet) {
        // The threaded build: XNNPACK's pool, one thread per core unless asked otherwise (benchmarks compare).
        const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
        const cores = nav?.hardwareConcurrency ?? 1;
        const want = Math.max(1, Math.floor(threads ?? cores));
        wasm.setThreadsCount(want);
        // tfjs-wasm caps its pool at half the logical cores it reads from navigator (one thread on a 2-core
        // machine, whatever setThreadsCount says); this worker's navigator reports enough cores for `want`.
        if (nav && want > cores / 2)
          Object.defineProperty(nav, 'hardwareConcurrency', { value: want * 2, configurable: true });
        wasmThreadsSet = true;
      }
      // setWasmPaths throws once wasm has started initializing, so set the paths once.
      if (wasmPaths !== undefined && !wasmPathsSet) {
        wasm.setWasmPaths(wasmPaths);
        wasmPathsSet = true;
      }
      return;
    }
  }
}

/** The report, with the wasm thread count when wasm runs (a single-threaded build reports 1). */
export async function initBackend(opts: InitBackendOptions = {}): Promise<BackendReport> {
  const report = await chooseBackend(opts);
  if (report.name !== 'wasm') return report;
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  return { ...report, threads: Math.max(1, wasm.getThreadsCount()) };
}

async function chooseBackend(opts: InitBackendOptions): Promise<BackendReport> {
  const requested = opts.requested ?? 'auto';
  if (requested !== 'auto' && !isBackendName(requested)) {
    throw new Error(`unknown backend "${String(requested)}" (expected auto, ${BACKEND_NAMES.join(', ')})`);
  }
  const load = (name: BackendName) => loadBackend(name, opts.wasmPaths, opts.threads);
  let priorAttempts: BackendAttempt[] = [];
  if (requested === 'wasm' || requested === 'cpu') {
    // A CPU backend by name: the GPUs the platform has change nothing once it starts, so the probe (a WebGL
    // context and a GPU adapter request, ~0.1 s of start-up) runs only when it fails and a fallback is needed.
    try {
      return await selectBackend({ requested, order: [requested], load, why: (n) => describeRank(n, NO_GPU) });
    } catch (e) {
      if (!(e instanceof NoBackendError)) throw e;
      priorAttempts = e.attempts;
    }
  }
  performance.mark('rs:backend:probe');
  // A named GPU backend's package loads while the platform is probed (its fetch and parse overlap the probe's
  // adapter and WebGL round trips); selectBackend's own load then finds it imported. A failure here is left to
  // selectBackend, which reports it.
  const early = requested === 'webgpu' || requested === 'webgl' ? load(requested).catch(() => undefined) : undefined;
  const [caps] = await Promise.all([probeCapabilities(opts.env), early]);
  const order = rankBackends(caps);
  const unavailable = BACKEND_NAMES.filter((n) => !order.includes(n)).map((n) => ({
    name: n,
    note: caps.notes[n] ?? 'not available here',
  }));
  return selectBackend({
    requested,
    order,
    load,
    priorAttempts,
    why: (name) => describeRank(name, caps),
    fallbackAdapter: caps.hasWebGPU ? caps.fallbackAdapter : undefined,
    unavailable,
    notes: caps.notes,
  });
}
