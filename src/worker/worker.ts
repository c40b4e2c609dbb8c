/**
 * Entry of the engine Web Worker: owns tfjs, the backend and the model, so the page never blocks.
 * The tfjs wasm binaries are bundled by Vite (`?url`) and served by the app itself, never a CDN.
 */
/// <reference lib="webworker" />
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
// wasm is the backend of every CPU-only machine and every fallback: a static import fetches its package together
// with tfjs-core instead of after the worker started (~0.3 s later on this machine). It only registers the
// backend; initBackend still chooses, and the .wasm binary is fetched only when wasm is tried.
import '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../core/backend/index';
import { createEngine } from './engine';
import { startHost, type HostPort } from './host';

performance.mark('rs:worker:start');

const wasmPaths: Record<string, string> = {
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
};

const engine = createEngine({
  initBackend: (requested) => initBackend({ requested, wasmPaths }),
});

startHost(self as unknown as HostPort, engine.handlers);
