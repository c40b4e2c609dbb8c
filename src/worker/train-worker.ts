/**
 * Entry of the training Web Worker: its own tfjs instance and backend, so the engine worker (and the workbench
 * views on top of it) stay responsive while a model trains. Same host machinery as ./worker.ts.
 */
/// <reference lib="webworker" />
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
// RlRun needs tfjs-core's gradients, which tfjs-core does not register by itself.
import '../core/train/gradients';
import { initBackend } from '../core/backend/index';
import { startHost, type HostPort } from './host';
import { createTrainEngine } from './train';
import { TRAIN_IMMEDIATE, type TrainOperations } from './train-protocol';

const wasmPaths: Record<string, string> = {
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
};

const engine = createTrainEngine({
  initBackend: (requested) => initBackend({ requested, wasmPaths }),
});

startHost<TrainOperations>(self as unknown as HostPort, engine.handlers, { immediate: TRAIN_IMMEDIATE });
