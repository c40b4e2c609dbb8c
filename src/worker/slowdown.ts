/**
 * Test-only: a view of a model whose logits arrive `delayMs` later, so e2e tests can press Stop while
 * tokens are still streaming even on a tiny, very fast model. Numbers are unchanged; only the awaited
 * `data()` of each logits tensor is delayed (no busy-waiting, the worker stays responsive).
 * Enabled only through the `debug` operation (the page exposes it only with ?test=1).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { CausalLM, DecodeState } from '../core/model/types';

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
    dispose: () => model.dispose(),
  };
  if (model.createCache) {
    view.createCache = (options) => {
      const cache = model.createCache!(options);
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
    };
  }
  return view;
}
