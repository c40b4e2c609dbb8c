/**
 * Entry of the engine Web Worker: owns tfjs, the backend and the model, so the page never blocks.
 * The tfjs wasm binaries are bundled by Vite (`?url`) and served by the app itself, never a CDN.
 */
/// <reference lib="webworker" />
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { initBackend } from '../core/backend/index';
import { createEngine } from './engine';
import { startHost, type HostPort } from './host';

const wasmPaths: Record<string, string> = {
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
};

/**
 * Keep every GPUAdapter alive for the worker's lifetime. tfjs-webgpu keeps only the GPUDevice; after a garbage
 * collection (an analysis frees many MB) Chromium dropped the adapter's Instance and every later mapAsync /
 * createBuffer failed ("A valid external Instance reference no longer exists").
 */
function retainGpuAdapters(): void {
  const gpu = (self.navigator as unknown as { gpu?: { requestAdapter: (options?: unknown) => Promise<unknown> } }).gpu;
  if (!gpu) return;
  const kept: unknown[] = [];
  const original = gpu.requestAdapter.bind(gpu);
  gpu.requestAdapter = async (options?: unknown) => {
    const adapter = await original(options);
    if (adapter) kept.push(adapter);
    return adapter;
  };
  (self as unknown as { __rhythmscopeGpu: unknown }).__rhythmscopeGpu = { gpu, kept };
}
retainGpuAdapters();

const engine = createEngine({
  initBackend: (requested) => initBackend({ requested, wasmPaths }),
});

startHost(self as unknown as HostPort, engine.handlers);
