/**
 * What this browser context (page or Web Worker) offers, probed without `window` or `document` being
 * required: navigator.gpu for WebGPU, OffscreenCanvas (workers) or a DOM canvas for WebGL, WebAssembly.
 * The environment is a parameter so tests can fake it.
 */
import type { BackendName, Capabilities } from './rank';

/** The few globals the probe reads (globalThis in practice). */
export interface ProbeEnv {
  navigator?: { gpu?: { requestAdapter(options?: { powerPreference?: string }): Promise<unknown> } };
  OffscreenCanvas?: new (width: number, height: number) => { getContext(kind: string): unknown };
  document?: { createElement(tag: string): unknown };
  WebAssembly?: unknown;
}

export interface ProbeResult extends Capabilities {
  /** Why a backend is missing, per backend. */
  notes: Partial<Record<BackendName, string>>;
  /** The WebGL renderer string, when readable (e.g. "ANGLE (…SwiftShader…)"). */
  webglRenderer?: string;
}

const ADAPTER_TIMEOUT_MS = 5000;
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

interface GpuAdapterLike {
  info?: { isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

/** Asks for an adapter the way tfjs-backend-webgpu does ('high-performance'), so we judge the one it will get. */
async function probeWebGPU(
  env: ProbeEnv,
  timeoutMs: number,
): Promise<{ ok: boolean; fallback: boolean; note?: string }> {
  const gpu = env.navigator?.gpu;
  if (!gpu || typeof gpu.requestAdapter !== 'function')
    return { ok: false, fallback: false, note: 'navigator.gpu is missing' };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const adapter = await Promise.race([gpu.requestAdapter({ powerPreference: 'high-performance' }), timeout]);
    if (adapter === 'timeout')
      return { ok: false, fallback: false, note: `requestAdapter gave no answer in ${timeoutMs} ms` };
    if (!adapter) return { ok: false, fallback: false, note: 'navigator.gpu.requestAdapter() returned no adapter' };
    const a = adapter as GpuAdapterLike;
    return { ok: true, fallback: (a.info?.isFallbackAdapter ?? a.isFallbackAdapter) === true };
  } catch (e) {
    return { ok: false, fallback: false, note: `requestAdapter failed: ${(e as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

interface GlLike {
  RENDERER: number;
  getParameter(p: number): unknown;
  getExtension(name: string): unknown;
}

function probeWebGL(env: ProbeEnv): { ok: boolean; renderer?: string; note?: string } {
  let canvas: { getContext(kind: string): unknown } | undefined;
  try {
    // tfjs-backend-webgl itself uses OffscreenCanvas when there is one (the only option in a worker).
    if (typeof env.OffscreenCanvas === 'function') canvas = new env.OffscreenCanvas(1, 1);
    else if (env.document) canvas = env.document.createElement('canvas') as typeof canvas;
    if (!canvas) return { ok: false, note: 'no OffscreenCanvas or document to make a WebGL canvas' };
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as GlLike | null;
    if (!gl) return { ok: false, note: 'could not create a WebGL context' };
    const info = gl.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_RENDERER_WEBGL: number } | null;
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    // Free the probe's context now: browsers cap the number of live contexts.
    (gl.getExtension('WEBGL_lose_context') as { loseContext(): void } | null)?.loseContext();
    return { ok: true, renderer };
  } catch (e) {
    return { ok: false, note: `WebGL probe failed: ${(e as Error).message}` };
  }
}

export async function probeCapabilities(
  env: ProbeEnv = globalThis as unknown as ProbeEnv,
  opts: { adapterTimeoutMs?: number } = {},
): Promise<ProbeResult> {
  const notes: ProbeResult['notes'] = {};
  const webgpu = await probeWebGPU(env, opts.adapterTimeoutMs ?? ADAPTER_TIMEOUT_MS);
  if (webgpu.note) notes.webgpu = webgpu.note;
  else if (webgpu.fallback) notes.webgpu = 'the WebGPU adapter is a software fallback (slower than wasm)';
  const webgl = probeWebGL(env);
  if (webgl.note) notes.webgl = webgl.note;
  const softwareWebGL = webgl.ok && SOFTWARE_RENDERER.test(webgl.renderer ?? '');
  if (softwareWebGL) notes.webgl = `software WebGL renderer "${webgl.renderer}" (slower than wasm)`;
  const hasWasm = typeof env.WebAssembly === 'object' && env.WebAssembly !== null;
  if (!hasWasm) notes.wasm = 'WebAssembly is missing';
  const result: ProbeResult = {
    hasWebGPU: webgpu.ok,
    fallbackAdapter: webgpu.fallback,
    hasWebGL: webgl.ok,
    softwareWebGL,
    hasWasm,
    notes,
  };
  if (webgl.renderer) result.webglRenderer = webgl.renderer;
  return result;
}
