/**
 * Pauses of the worker's long computations. withTokenDelay and the analysis layer delay are test-only slowdowns
 * (enabled through the `debug` operation, which the page exposes only with ?test=1); layerPause's yields are not.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { CausalLM, DecodeState } from '../core/model/types';

/**
 * What an analysis forward awaits after each layer: `delayMs` of sleep when set (the debug setting
 * analysisLayerDelayMs), else a yield to the worker's event loop at most every `yieldEveryMs`, so a Cancel
 * message is handled mid-forward. Rejects with the signal's reason once it is aborted.
 */
export function layerPause(delayMs: number, signal?: AbortSignal, yieldEveryMs = 50): () => Promise<void> {
  let last = performance.now();
  return async () => {
    signal?.throwIfAborted();
    if (delayMs > 0) await sleep(delayMs, signal);
    else if (performance.now() - last >= yieldEveryMs) await nextTask();
    else return;
    last = performance.now();
    signal?.throwIfAborted();
  };
}

/** setTimeout, cut short by an abort (rejects with its reason). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** One macrotask later; a MessageChannel avoids the 4 ms clamp of nested setTimeout(0). */
function nextTask(): Promise<void> {
  if (typeof MessageChannel !== 'function') return new Promise((r) => setTimeout(r, 0));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

/**
 * Test-only: a view of a model whose logits arrive `delayMs` later, so e2e tests can press Stop while
 * tokens are still streaming even on a tiny, very fast model. Numbers are unchanged; only the awaited
 * `data()` of each logits tensor is delayed (no busy-waiting, the worker stays responsive).
 * Enabled only through the `debug` operation (the page exposes it only with ?test=1).
 */
function delayed<T extends tf.Tensor>(t: T, delayMs: number): T {
  const data = t.data.bind(t);
  // Instance override of one method; the tensor is otherwise untouched and disposed by its caller.
  (t as { data: typeof t.data }).data = (async () => {
    await new Promise((r) => setTimeout(r, delayMs));
    return data();
  }) as typeof t.data;
  return t;
}

export function withTokenDelay(model: CausalLM, delayMs: number): CausalLM {
  if (!(delayMs > 0)) return model;
  const view: CausalLM = {
    get config() {
      return model.config;
    },
    get name() {
      return model.name;
    },
    get numParams() {
      return model.numParams;
    },
    forward: (ids, options) => delayed(model.forward(ids, options), delayMs),
    checkIds: (ids, past) => model.checkIds(ids, past),
    embed: (ids, past) => model.embed(ids, past),
    block: (l, x, past, onAttention) => model.block(l, x, past, onAttention),
    head: (x, lastOnly) => model.head(x, lastOnly),
    headEntropy: (x) => model.headEntropy(x),
    createCache: (options) => {
      const cache = model.createCache(options);
      const slowed: DecodeState = {
        get length() {
          return cache.length;
        },
        get capacity() {
          return cache.capacity;
        },
        step: (ids) => delayed(cache.step(ids), delayMs),
        dispose: () => cache.dispose(),
      };
      return slowed;
    },
    dispose: () => model.dispose(),
  };
  return view;
}
