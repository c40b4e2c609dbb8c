/**
 * Entry of the engine Web Worker: owns tfjs, the backend and the model, so the page never blocks.
 * The tfjs wasm binaries are bundled by Vite and served by the app itself, never a CDN (./wasm-paths.ts).
 */
/// <reference lib="webworker" />
// wasm is the backend of every CPU-only machine and every fallback: a static import fetches its package together
// with tfjs-core instead of after the worker started (~0.3 s later on this machine). It only registers the
// backend; initBackend still chooses, and the .wasm binary is fetched only when wasm is tried.
import '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../core/backend/index';
import { createEngine } from './engine';
import { startHost, type HostPort } from './host';
import { WASM_PATHS } from './wasm-paths';

performance.mark('rs:worker:start');

const engine = createEngine({
  initBackend: (requested, opts) => initBackend({ requested, wasmPaths: WASM_PATHS, threads: opts?.threads }),
});

startHost(self as unknown as HostPort, engine.handlers);
