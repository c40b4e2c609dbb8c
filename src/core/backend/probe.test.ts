import { describe, expect, it } from 'vitest';
import { probeCapabilities, type ProbeEnv } from './probe';
import { rankBackends } from './rank';

const RENDERER = 0x1f01;
const UNMASKED = 0x9246;

/** A fake WebGL context reporting `renderer`; records whether the probe released it. */
function fakeGl(renderer: string, withDebugInfo = true) {
  const state = { lost: false };
  const gl = {
    RENDERER,
    getParameter: (p: number) => (p === UNMASKED ? renderer : p === RENDERER ? 'WebKit WebGL' : null),
    getExtension: (name: string) => {
      if (name === 'WEBGL_debug_renderer_info') return withDebugInfo ? { UNMASKED_RENDERER_WEBGL: UNMASKED } : null;
      if (name === 'WEBGL_lose_context') return { loseContext: () => (state.lost = true) };
      return null;
    },
  };
  return { gl, state };
}

function offscreen(context: unknown | null, kinds: string[] = []): ProbeEnv['OffscreenCanvas'] {
  return class {
    getContext(kind: string) {
      kinds.push(kind);
      return kind === 'webgl2' ? context : null;
    }
  } as unknown as ProbeEnv['OffscreenCanvas'];
}

const gpuWith = (adapter: unknown) => ({ gpu: { requestAdapter: async () => adapter } });

describe('probeCapabilities', () => {
  it('sees a hardware WebGPU adapter and a hardware WebGL renderer in a worker (OffscreenCanvas)', async () => {
    const { gl, state } = fakeGl('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11)');
    const r = await probeCapabilities({
      navigator: gpuWith({ info: { isFallbackAdapter: false } }),
      OffscreenCanvas: offscreen(gl),
      WebAssembly: {},
    });
    expect(r).toMatchObject({
      hasWebGPU: true,
      fallbackAdapter: false,
      hasWebGL: true,
      softwareWebGL: false,
      hasWasm: true,
    });
    expect(r.webglRenderer).toContain('NVIDIA');
    expect(state.lost).toBe(true);
    expect(rankBackends(r)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
  });

  it('flags a SwiftShader fallback adapter (adapter.info or the older adapter.isFallbackAdapter)', async () => {
    for (const adapter of [{ info: { isFallbackAdapter: true } }, { isFallbackAdapter: true }]) {
      const r = await probeCapabilities({ navigator: gpuWith(adapter), WebAssembly: {} });
      expect(r.hasWebGPU).toBe(true);
      expect(r.fallbackAdapter).toBe(true);
      expect(r.notes.webgpu).toContain('software fallback');
      expect(rankBackends(r)).toEqual(['wasm', 'webgpu', 'cpu']);
    }
  });

  it('flags a software WebGL renderer', async () => {
    const { gl } = fakeGl('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)');
    const r = await probeCapabilities({ OffscreenCanvas: offscreen(gl), WebAssembly: {} });
    expect(r.softwareWebGL).toBe(true);
    expect(rankBackends(r)).toEqual(['wasm', 'webgl', 'cpu']);
  });

  it('falls back to WebGL1 and to the DOM canvas on the main thread', async () => {
    const { gl } = fakeGl('', false);
    const r = await probeCapabilities({
      document: { createElement: () => ({ getContext: (kind: string) => (kind === 'webgl' ? gl : null) }) },
    });
    expect(r.hasWebGL).toBe(true);
    expect(r.webglRenderer).toBe('WebKit WebGL'); // gl.RENDERER when the debug extension is absent
    expect(r.hasWasm).toBe(false);
    expect(r.notes.wasm).toBe('WebAssembly is missing');
  });

  it('explains what is missing', async () => {
    const r = await probeCapabilities({});
    expect(r).toMatchObject({ hasWebGPU: false, hasWebGL: false, hasWasm: false });
    expect(r.notes.webgpu).toBe('navigator.gpu is missing');
    expect(r.notes.webgl).toContain('no OffscreenCanvas or document');
    const noCtx = await probeCapabilities({ OffscreenCanvas: offscreen(null) });
    expect(noCtx.notes.webgl).toBe('could not create a WebGL context');
    const nullAdapter = await probeCapabilities({ navigator: gpuWith(null) });
    expect(nullAdapter.notes.webgpu).toContain('returned no adapter');
  });

  it('survives a throwing or hanging requestAdapter', async () => {
    const throwing = await probeCapabilities({
      navigator: { gpu: { requestAdapter: async () => Promise.reject(new Error('GPU process crashed')) } },
    });
    expect(throwing.hasWebGPU).toBe(false);
    expect(throwing.notes.webgpu).toContain('GPU process crashed');
    const hanging = await probeCapabilities(
      { navigator: { gpu: { requestAdapter: () => new Promise(() => {}) } } },
      { adapterTimeoutMs: 20 },
    );
    expect(hanging.hasWebGPU).toBe(false);
    expect(hanging.notes.webgpu).toContain('no answer in 20 ms');
  });
});
