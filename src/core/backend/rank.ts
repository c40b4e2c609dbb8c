/**
 * Which tfjs backend to prefer, as a pure function of what the platform offers (unit-tested for every case).
 * Order: WebGPU on a hardware adapter > WebGL > wasm > cpu. Software renderers (a WebGPU fallback adapter such
 * as SwiftShader, or a software WebGL renderer) are slower than wasm's XNNPACK kernels, so they rank below wasm
 * but above the pure-JS cpu backend.
 */
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface Capabilities {
  /** navigator.gpu gave an adapter. */
  hasWebGPU: boolean;
  /** That adapter is a software fallback (adapter.info.isFallbackAdapter). */
  fallbackAdapter: boolean;
  /** A WebGL context can be made here (a canvas, or OffscreenCanvas in a worker). */
  hasWebGL: boolean;
  /** WebAssembly is available. */
  hasWasm: boolean;
  /** The WebGL renderer is a software one (SwiftShader, llvmpipe); optional, default false. */
  softwareWebGL?: boolean;
}

export function isBackendName(x: unknown): x is BackendName {
  return typeof x === 'string' && (BACKEND_NAMES as readonly string[]).includes(x);
}

/** Available backends, best first; cpu is always last and always present. */
export function rankBackends(caps: Capabilities): BackendName[] {
  const fast: BackendName[] = [];
  const slow: BackendName[] = []; // software GPU emulation: below wasm, above cpu
  if (caps.hasWebGPU) (caps.fallbackAdapter ? slow : fast).push('webgpu');
  if (caps.hasWebGL) (caps.softwareWebGL ? slow : fast).push('webgl');
  const order = [...fast];
  if (caps.hasWasm) order.push('wasm');
  order.push(...slow, 'cpu');
  return order;
}

/** One human sentence on why `name` stands where it does in the ranking (for BackendReport.reason). */
export function describeRank(name: BackendName, caps: Capabilities): string {
  switch (name) {
    case 'webgpu':
      return caps.fallbackAdapter
        ? 'WebGPU has only a software fallback adapter (e.g. SwiftShader), which is slower than wasm'
        : 'WebGPU has a hardware adapter, the fastest option';
    case 'webgl':
      return caps.softwareWebGL
        ? 'WebGL runs on a software renderer, which is slower than wasm'
        : 'WebGL runs on the GPU';
    case 'wasm':
      return 'wasm (XNNPACK) is the fastest CPU backend';
    case 'cpu':
      return 'cpu (plain JavaScript) is the last resort';
  }
}
