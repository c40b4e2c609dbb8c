import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { BackendName } from './rank';
import { NoBackendError, selectBackend } from './select';

/**
 * Real cpu backend, plus fake "webgpu"/"webgl" registrations that fail in the two ways tfjs can fail:
 * the factory rejects (setBackend returns false but getBackend() still says "webgpu"), or the backend
 * initializes but has no kernels (it cannot compute).
 */
async function load(name: BackendName): Promise<void> {
  if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  else if (name === 'webgpu' && !tf.findBackendFactory('webgpu')) {
    tf.registerBackend('webgpu', async () => Promise.reject(new Error('no GPU device')));
  } else if (name === 'webgl' && !tf.findBackendFactory('webgl')) {
    const cpu = (await import('@tensorflow/tfjs-backend-cpu')).MathBackendCPU;
    tf.registerBackend('webgl', () => new cpu()); // no kernels are registered for 'webgl'
  } else if (name === 'wasm') throw new Error('wasm binaries not found');
}

const why = (name: BackendName) => `${name} reason`;
const quietly = async <T>(f: () => Promise<T>): Promise<T> => {
  const warn = console.warn;
  console.warn = () => {}; // tfjs logs failed initializations
  try {
    return await f();
  } finally {
    console.warn = warn;
  }
};

describe('selectBackend', () => {
  it('skips a backend whose initialization fails even though tfjs keeps its name', async () => {
    const r = await quietly(() => selectBackend({ requested: 'auto', order: ['webgpu', 'cpu'], load, why }));
    expect(r.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(r.attempts.map((a) => [a.name, a.ok])).toEqual([
      ['webgpu', false],
      ['cpu', true],
    ]);
    expect(r.attempts[0].note).toContain('initialization failed');
    expect(r.reason).toBe(
      'cpu was chosen automatically: cpu reason; webgpu failed (tf.setBackend reported failure (initialization failed))',
    );
  });

  it('skips a backend that initializes but cannot compute', async () => {
    const r = await quietly(() => selectBackend({ requested: 'auto', order: ['webgl', 'wasm', 'cpu'], load, why }));
    expect(r.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(r.attempts[0]).toMatchObject({ name: 'webgl', ok: false });
    expect(r.attempts[0].note).toMatch(/kernel|not registered/i);
    expect(r.attempts[1]).toEqual({ name: 'wasm', ok: false, note: 'wasm binaries not found' });
  });

  it('tries a requested backend first, even when it is not in the ranking, and says when it could not be used', async () => {
    const r = await quietly(() =>
      selectBackend({ requested: 'webgpu', order: ['cpu'], load, why, fallbackAdapter: true }),
    );
    expect(r.name).toBe('cpu');
    expect(r.requested).toBe('webgpu');
    expect(r.fallbackAdapter).toBe(true);
    expect(r.reason).toMatch(
      /^webgpu was requested but could not be used, so cpu was chosen: cpu reason; webgpu failed/,
    );
    const ok = await selectBackend({ requested: 'cpu', order: ['wasm', 'cpu'], load, why });
    expect(ok.attempts).toHaveLength(1);
    expect(ok.reason).toBe('cpu was requested; cpu reason');
  });

  it('quotes the probe: why nominally better backends were passed over, and why a failure happened', async () => {
    const notes = { webgpu: 'software fallback adapter', webgl: 'no WebGL context' };
    const auto = await selectBackend({ requested: 'auto', order: ['cpu'], load, why, notes });
    expect(auto.reason).toBe(
      'cpu was chosen automatically: cpu reason (not used: webgpu: software fallback adapter; webgl: no WebGL context)',
    );
    const forced = await quietly(() => selectBackend({ requested: 'webgpu', order: ['cpu'], load, why, notes }));
    expect(forced.attempts[0].note).toBe(
      'tf.setBackend reported failure (initialization failed); software fallback adapter',
    );
  });

  it('gives up on a backend that hangs', async () => {
    const hangingLoad = (name: BackendName) => (name === 'webgl' ? new Promise<void>(() => {}) : load(name));
    const r = await selectBackend({ requested: 'webgl', order: ['cpu'], load: hangingLoad, why, attemptTimeoutMs: 30 });
    expect(r.name).toBe('cpu');
    expect(r.attempts[0]).toEqual({ name: 'webgl', ok: false, note: 'gave no answer within 30 ms' });
  });

  it('throws, naming every attempt, when nothing works', async () => {
    await expect(selectBackend({ requested: 'auto', order: ['wasm'], load, why })).rejects.toThrow(
      'no tfjs backend could be initialized (wasm: wasm binaries not found)',
    );
  });

  it('runs concurrent selections one after the other', async () => {
    const both = await Promise.all([
      selectBackend({ requested: 'cpu', order: ['cpu'], load, why }),
      quietly(() => selectBackend({ requested: 'auto', order: ['webgpu', 'cpu'], load, why })),
    ]);
    expect(both.map((r) => r.name)).toEqual(['cpu', 'cpu']);
    expect(both[1].attempts.map((a) => a.ok)).toEqual([false, true]);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('leaves no tensors behind', async () => {
    await selectBackend({ requested: 'cpu', order: ['cpu'], load, why });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await selectBackend({ requested: 'cpu', order: ['cpu'], load, why });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a failed selection carries its attempts; a later one skips them and reports them first', async () => {
    const err = await quietly(() => selectBackend({ requested: 'wasm', order: ['wasm'], load, why })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NoBackendError);
    const prior = (err as NoBackendError).attempts;
    expect(prior).toEqual([{ name: 'wasm', ok: false, note: 'wasm binaries not found' }]);
    const tried: BackendName[] = [];
    const r = await quietly(() =>
      selectBackend({
        requested: 'wasm',
        order: ['wasm', 'cpu'],
        why,
        priorAttempts: prior,
        load: (n) => {
          tried.push(n);
          return load(n);
        },
      }),
    );
    expect(tried).toEqual(['cpu']); // wasm is not tried twice
    expect(r.name).toBe('cpu');
    expect(r.attempts.map((a) => [a.name, a.ok])).toEqual([
      ['wasm', false],
      ['cpu', true],
    ]);
    expect(r.reason).toBe(
      'wasm was requested but could not be used, so cpu was chosen: cpu reason; wasm failed (wasm binaries not found)',
    );
  });
});
