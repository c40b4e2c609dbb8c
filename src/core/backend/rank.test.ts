import { describe, expect, it } from 'vitest';
import { describeRank, isBackendName, rankBackends, type Capabilities } from './rank';

const none: Capabilities = { hasWebGPU: false, fallbackAdapter: false, hasWebGL: false, hasWasm: false };

describe('rankBackends', () => {
  const cases: [string, Partial<Capabilities>, string[]][] = [
    [
      'everything, hardware WebGPU',
      { hasWebGPU: true, hasWebGL: true, hasWasm: true },
      ['webgpu', 'webgl', 'wasm', 'cpu'],
    ],
    [
      'fallback WebGPU ranks below wasm',
      { hasWebGPU: true, fallbackAdapter: true, hasWebGL: true, hasWasm: true },
      ['webgl', 'wasm', 'webgpu', 'cpu'],
    ],
    ['fallback WebGPU, no WebGL', { hasWebGPU: true, fallbackAdapter: true, hasWasm: true }, ['wasm', 'webgpu', 'cpu']],
    ['fallback WebGPU, no wasm', { hasWebGPU: true, fallbackAdapter: true }, ['webgpu', 'cpu']],
    ['hardware WebGPU only', { hasWebGPU: true }, ['webgpu', 'cpu']],
    ['hardware WebGPU + wasm', { hasWebGPU: true, hasWasm: true }, ['webgpu', 'wasm', 'cpu']],
    ['no WebGPU', { hasWebGL: true, hasWasm: true }, ['webgl', 'wasm', 'cpu']],
    ['WebGL only', { hasWebGL: true }, ['webgl', 'cpu']],
    ['wasm only (Node, worker without canvas)', { hasWasm: true }, ['wasm', 'cpu']],
    ['nothing', {}, ['cpu']],
    [
      'software WebGL ranks below wasm',
      { hasWebGL: true, softwareWebGL: true, hasWasm: true },
      ['wasm', 'webgl', 'cpu'],
    ],
    [
      'both software',
      { hasWebGPU: true, fallbackAdapter: true, hasWebGL: true, softwareWebGL: true, hasWasm: true },
      ['wasm', 'webgpu', 'webgl', 'cpu'],
    ],
    [
      'hardware WebGPU, software WebGL',
      { hasWebGPU: true, hasWebGL: true, softwareWebGL: true, hasWasm: true },
      ['webgpu', 'wasm', 'webgl', 'cpu'],
    ],
    ['fallbackAdapter without WebGPU is ignored', { fallbackAdapter: true, hasWasm: true }, ['wasm', 'cpu']],
  ];
  it.each(cases)('%s', (_label, caps, expected) => {
    expect(rankBackends({ ...none, ...caps })).toEqual(expected);
  });
});

describe('describeRank', () => {
  it('explains fallback and hardware WebGPU differently', () => {
    expect(describeRank('webgpu', { ...none, hasWebGPU: true, fallbackAdapter: true })).toContain('slower than wasm');
    expect(describeRank('webgpu', { ...none, hasWebGPU: true })).toContain('hardware');
    expect(describeRank('cpu', none)).toContain('last resort');
  });
  it('recognizes backend names', () => {
    expect(isBackendName('wasm')).toBe(true);
    expect(isBackendName('tensorflow')).toBe(false);
    expect(isBackendName(3)).toBe(false);
  });
});
