/**
 * The operations the worker offers, over the shared core: backend choice, model loading,
 * generation and a logits probe. It owns the one loaded model and swaps it only after a new one
 * loaded completely, so a failed load leaves the previous model working.
 * Runs in Node too (tests), given a backend initializer.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName, BackendReport } from '../core/backend/index';
import { InputError } from '../core/errors';
import { filesFromBlobs, filesFromMap, filesFromUrl, type ModelFiles } from '../core/io/files';
import { generate } from '../core/model/generate';
import { specOf } from '../core/model/families';
import { loadModel, type LoadedModel } from '../core/model/load';
import { createAnalysisHandlers } from './analysis';
import { createCorpusHandlers } from './corpus';
import type { Handlers } from './host';
import type { DebugSettings, ModelInfo, ModelSource, PickedFolder } from './protocol';
import { withTokenDelay } from './slowdown';

export interface EngineDeps {
  /** Chooses and initializes the tfjs backend (browser: initBackend with wasm paths; Node: initNodeBackend). */
  initBackend(requested: BackendName | 'auto', opts?: { threads?: number }): Promise<BackendReport>;
  /** Opens a model source (the browser uses fetch for URLs). */
  openSource?(source: ModelSource | PickedFolder): ModelFiles;
}

export function openModelSource(source: ModelSource | PickedFolder): ModelFiles {
  if (source.kind === 'picked') return filesFromBlobs(source.name, source.files);
  if (source.kind === 'url') {
    if (!source.url.trim()) throw new InputError('the model URL is empty', { field: 'model URL' });
    return filesFromUrl(source.url);
  }
  const entries: Record<string, Uint8Array> = {};
  for (const [path, buf] of Object.entries(source.files)) entries[path] = new Uint8Array(buf);
  return filesFromMap(source.name, entries);
}

export function describeModel(loaded: LoadedModel): ModelInfo {
  const { model, tokenizer } = loaded;
  const c = model.config;
  const spec = specOf(c);
  return {
    name: model.name,
    numParams: model.numParams,
    files: loaded.files,
    tokenizerKind: tokenizer.kind,
    vocabSize: tokenizer.vocabSize,
    eosId: tokenizer.eosId,
    chatTemplate: tokenizer.chatTemplate,
    nLayer: c.n_layer,
    nHead: c.n_head,
    nEmbd: c.n_embd,
    nPositions: c.n_positions,
    modelType: c.model_type,
    nKvHead: spec.kvHeads,
    headDim: spec.headDim,
    config: c.raw,
  };
}

export interface Engine {
  handlers: Handlers;
  /** The loaded model, if any (tests). */
  current(): LoadedModel | null;
}

export function createEngine(deps: EngineDeps): Engine {
  let backend: BackendReport | null = null;
  let loaded: LoadedModel | null = null;
  const debug: Required<DebugSettings> = { tokenDelayMs: 0, analysisLayerDelayMs: 0 };

  const requireModel = (): LoadedModel => {
    if (!loaded) throw new InputError('no model is loaded yet', { field: 'model' });
    return loaded;
  };

  const handlers: Handlers = {
    ...createAnalysisHandlers(requireModel, undefined, { layerDelayMs: () => debug.analysisLayerDelayMs }),
    ...createCorpusHandlers(requireModel, { tokenDelayMs: () => debug.tokenDelayMs }),
    async init({ backend: requested, threads }) {
      if (loaded) {
        // Tensors live on the backend that made them; a backend change needs a fresh worker.
        if (backend && requested !== backend.requested)
          throw new Error('init: backend change after a model load; restart the worker');
      }
      backend = await deps.initBackend(requested, { threads });
      return backend;
    },

    async loadModel({ source }, ctx) {
      if (!backend) throw new Error('loadModel: call init first');
      ctx.progress(0, 'Opening model folder');
      const files = (deps.openSource ?? openModelSource)(source);
      const next = await loadModel(files, {
        onProgress: throttledPhases('rs:load', ctx.progress),
        signal: ctx.signal,
        maxTensorBytes: deviceTensorLimit(),
      });
      // Swap only now that the new model is complete.
      const previous = loaded;
      loaded = next;
      previous?.model.dispose();
      ctx.progress(1, 'Model ready');
      return describeModel(next);
    },

    async generate(params, ctx) {
      const { model, tokenizer } = requireModel();
      if (!Number.isInteger(params.maxTokens) || params.maxTokens < 1)
        throw new InputError('must be a whole number of at least 1', { field: 'max tokens' });
      if (!(params.temperature >= 0)) throw new InputError('must be 0 (greedy) or more', { field: 'temperature' });
      if (params.prompt.length === 0) throw new InputError('the prompt is empty', { field: 'prompt' });
      const promptIds = tokenizer.encodePrompt(params.prompt);
      const started = performance.now();
      const out = await generate(withTokenDelay(model, debug.tokenDelayMs), promptIds, {
        maxTokens: params.maxTokens,
        temperature: params.temperature,
        topK: params.topK,
        topP: params.topP,
        seed: params.seed,
        stopTokens:
          tokenizer.eosId !== undefined && !params.ignoreEos
            ? [...(tokenizer.stopIds ?? [tokenizer.eosId])]
            : undefined,
        stopStrings: params.stopStrings,
        useCache: params.useCache ?? true,
        decode: (ids) => tokenizer.decode(ids),
        signal: ctx.signal,
        onToken: (tokenId, index) => ctx.emit({ index, tokenId, text: tokenizer.tokenString(tokenId) }),
      });
      const ms = performance.now() - started;
      return {
        promptIds,
        ids: out.ids,
        text: tokenizer.decode(out.ids),
        stopReason: out.stopReason,
        ms,
        tokensPerSecond: out.ids.length / Math.max(ms / 1000, 1e-9),
      };
    },

    async forwardLogits({ ids }) {
      const { model } = requireModel();
      const V = model.config.vocab_size;
      ids.forEach((id, i) => {
        if (!Number.isInteger(id) || id < 0 || id >= V)
          throw new InputError(`token id ${id} is outside 0..${V - 1}`, { field: `ids[${i}]` });
      });
      const logits = model.forward(ids); // [N, V]
      try {
        const data = (await logits.data()) as Float32Array;
        return { logits: data, seqLen: ids.length, vocabSize: logits.shape[1] };
      } finally {
        logits.dispose();
      }
    },

    async debug(settings) {
      for (const field of ['tokenDelayMs', 'analysisLayerDelayMs'] as const) {
        const v = settings[field];
        if (v === undefined) continue;
        if (!(v >= 0 && v <= 10_000)) throw new InputError('must be between 0 and 10000', { field });
        debug[field] = v;
      }
      return { ...debug, liveTensors: liveTensors(), activeBackend: tf.getBackend() };
    },
  };

  return { handlers, current: () => loaded };
}

/**
 * Passes progress on at most every `minIntervalMs` within a phase (the weight upload reports every tensor, and
 * each message costs the page a React render: unthrottled, the page fell 140 ms behind the worker at start-up),
 * always at a new phase (the message up to its first digit or colon) and at fraction 1. Each phase also leaves a
 * performance mark, so the browser bench can read where load time goes from the worker's timeline.
 */
export function throttledPhases(
  prefix: string,
  progress: (fraction: number, message: string) => void,
  minIntervalMs = 50,
  now = () => performance.now(),
): (fraction: number, message: string) => void {
  let last = '';
  let lastSent = -Infinity;
  return (fraction, message) => {
    const phase = message.split(/[\d:]/)[0].trim();
    const t = now();
    if (phase !== last) {
      last = phase;
      performance.mark(`${prefix}:${phase}`);
    } else if (fraction < 1 && t - lastSent < minIntervalMs) return;
    lastSent = t;
    progress(fraction, message);
  };
}

/** Number of live tensors (tests check that repeated calls do not leak). */
export function liveTensors(): number {
  return tf.memory().numTensors;
}

/**
 * WebGPU: the most bytes one tensor may take, the adapter's storage-binding and buffer limits (the LM head and an
 * untied embedding are split to fit; a layer weight past it is refused, naming wasm). Other backends: no limit.
 */
function deviceTensorLimit(): number | undefined {
  if (tf.getBackend() !== 'webgpu') return undefined;
  type Limits = { maxStorageBufferBindingSize?: number; maxBufferSize?: number };
  const limits = (tf.backend() as unknown as { device?: { limits?: Limits } }).device?.limits;
  if (!limits) return undefined;
  return Math.min(limits.maxStorageBufferBindingSize ?? Infinity, limits.maxBufferSize ?? Infinity);
}
