import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors';
import { initNodeBackend } from './node';

describe('initNodeBackend', () => {
  it('auto picks wasm and reports the active backend', async () => {
    const r = await initNodeBackend();
    expect(r.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(r.requested).toBe('auto');
    expect(r.attempts).toEqual([{ name: 'wasm', ok: true, note: expect.any(String) }]);
    expect(r.reason).toMatch(/^wasm was chosen automatically/);
  });

  it('cpu when asked, and back to wasm', async () => {
    const cpu = await initNodeBackend('cpu');
    expect(cpu.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(cpu.reason).toMatch(/^cpu was requested/);
    const wasm = await initNodeBackend('wasm');
    expect(wasm.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('rejects browser-only and unknown backends with an InputError', async () => {
    await expect(initNodeBackend('webgpu')).rejects.toBeInstanceOf(InputError);
    await expect(initNodeBackend('webgl')).rejects.toThrow('webgl is browser-only');
    await expect(initNodeBackend('cuda' as never)).rejects.toThrow('unknown backend "cuda"');
  });

  it('leaves no tensors behind', async () => {
    await initNodeBackend();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await initNodeBackend('auto');
    expect(tf.memory().numTensors).toBe(before);
  });
});
