/**
 * Node-only backend choice (CLI, tests, benchmarks): wasm, else cpu. WebGPU and WebGL exist only in browsers.
 * Never import this from browser code.
 */
import { InputError } from '../errors';
import { installWasmSlice } from '../kernels/wasm-slice';
import { BACKEND_NAMES, describeRank, isBackendName, type BackendName, type Capabilities } from './rank';
import { selectBackend, type BackendReport } from './select';

/** What Node offers: no GPU backends (tfjs-node is not used), wasm when WebAssembly exists, cpu always. */
export function nodeCapabilities(): Capabilities {
  return { hasWebGPU: false, fallbackAdapter: false, hasWebGL: false, hasWasm: typeof WebAssembly === 'object' };
}

async function loadNodeBackend(name: BackendName): Promise<void> {
  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm'); // single-threaded in Node, loads its .wasm from disk
    installWasmSlice(); // tfjs-wasm's Slice copies its whole input first (../kernels/wasm-slice.ts)
  } else if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  else throw new Error(`${name} is browser-only`);
}

export async function initNodeBackend(requested: BackendName | 'auto' = 'auto'): Promise<BackendReport> {
  if (requested !== 'auto' && !isBackendName(requested)) {
    throw new InputError(`unknown backend "${String(requested)}" (expected auto, ${BACKEND_NAMES.join(', ')})`, {
      field: 'backend',
    });
  }
  if (requested === 'webgpu' || requested === 'webgl') {
    throw new InputError(`${requested} is browser-only; in Node use wasm, cpu or auto`, { field: 'backend' });
  }
  const caps = nodeCapabilities();
  const order: BackendName[] = caps.hasWasm ? ['wasm', 'cpu'] : ['cpu'];
  return selectBackend({
    requested,
    order,
    load: loadNodeBackend,
    why: (name) =>
      name === 'wasm'
        ? 'wasm (XNNPACK, single-threaded in Node) is the fastest backend in Node'
        : describeRank(name, caps),
    unavailable: [
      { name: 'webgpu', note: 'browser-only' },
      { name: 'webgl', note: 'browser-only' },
    ],
  });
}
