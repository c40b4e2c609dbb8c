import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './index';

// The browser entry, run in Node with a faked environment: no GPU, no canvas, WebAssembly present.
describe('initBackend (browser entry, in Node)', () => {
  it('auto picks wasm when no GPU backend exists, and reports why the others were not tried', async () => {
    const r = await initBackend({ env: { WebAssembly } });
    expect(r.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(r.fallbackAdapter).toBeUndefined();
    expect(r.unavailable?.map((u) => u.name)).toEqual(['webgpu', 'webgl']);
    expect(r.unavailable?.[0].note).toBe('navigator.gpu is missing');
    expect(r.reason).toBe(
      'wasm was chosen automatically: wasm (XNNPACK) is the fastest CPU backend ' +
        '(not used: webgpu: navigator.gpu is missing; webgl: no OffscreenCanvas or document to make a WebGL canvas)',
    );
    expect(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
  });

  it("a forced backend that can't start falls through to the ranking, and the report says so", async () => {
    const warn = console.warn;
    console.warn = () => {};
    try {
      // A fallback adapter is "available", but tfjs-backend-webgpu registers nothing without navigator.gpu.
      const env = {
        WebAssembly,
        navigator: { gpu: { requestAdapter: async () => ({ info: { isFallbackAdapter: true } }) } },
      };
      const r = await initBackend({ requested: 'webgpu', env });
      expect(r.attempts[0]).toMatchObject({ name: 'webgpu', ok: false });
      expect(r.attempts[0].note).toBe(
        'its package registered no backend here; the WebGPU adapter is a software fallback (slower than wasm)',
      );
      expect(r.name).toBe('wasm');
      expect(r.name).toBe(tf.getBackend());
      expect(r.fallbackAdapter).toBe(true);
      expect(r.reason).toMatch(/^webgpu was requested but could not be used, so wasm was chosen/);
    } finally {
      console.warn = warn;
    }
  });

  it('cpu on request', async () => {
    const r = await initBackend({ requested: 'cpu', env: {} });
    expect(r.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('rejects an unknown backend name', async () => {
    await expect(initBackend({ requested: 'cuda' as never })).rejects.toThrow('unknown backend "cuda"');
  });

  it('wasm by name starts without probing the GPUs (the probe runs only when it fails)', async () => {
    const probed: string[] = [];
    const env = {
      WebAssembly,
      navigator: {
        gpu: {
          requestAdapter: async () => {
            probed.push('webgpu');
            return null;
          },
        },
      },
      OffscreenCanvas: class {
        constructor() {
          probed.push('webgl');
        }
        getContext() {
          return null;
        }
      },
    };
    const r = await initBackend({ requested: 'wasm', env: env as never });
    expect(probed).toEqual([]);
    expect(r.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(r.reason).toBe('wasm was requested; wasm (XNNPACK) is the fastest CPU backend');
    expect(r.attempts).toEqual([{ name: 'wasm', ok: true, note: 'initialized and computed a test matMul' }]);
    const auto = await initBackend({ env: env as never });
    expect(probed).toEqual(['webgpu', 'webgl']); // auto still ranks what the platform offers
    expect(auto.name).toBe('wasm');
  });
});
