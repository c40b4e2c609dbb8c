/**
 * Entry of the training Web Worker: its own tfjs instance and backend, so the engine worker (and the workbench
 * views on top of it) stay responsive while a model trains. Same host machinery as ./worker.ts.
 */
/// <reference lib="webworker" />
// RlRun needs tfjs-core's gradients, which tfjs-core does not register by itself.
import '../core/train/gradients';
import { initBackend } from '../core/backend/index';
import { startHost, type HostPort } from './host';
import { WASM_PATHS } from './wasm-paths';
import { createTrainEngine } from './train';
import { TRAIN_IMMEDIATE, type TrainOperations } from './train-protocol';

const engine = createTrainEngine({
  initBackend: (requested) => initBackend({ requested, wasmPaths: WASM_PATHS }),
});

startHost<TrainOperations>(self as unknown as HostPort, engine.handlers, { immediate: TRAIN_IMMEDIATE });
