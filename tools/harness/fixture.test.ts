import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeF32, encodeF32, parseFixture, type FixtureJson } from './fixture';

describe('fixture encoding', () => {
  it('float32 base64 round-trips exactly, including odd lengths and specials', () => {
    const a = Float32Array.from([0, -1.5, 3.4028234663852886e38, 1e-45, NaN, Infinity, 0.1]);
    const b = decodeF32(encodeF32(a), a.length);
    expect(Array.from(b)).toEqual(Array.from(a));
    const big = new Float32Array(100_000).map((_, i) => Math.sin(i));
    expect(decodeF32(encodeF32(big))).toEqual(big); // longer than one String.fromCharCode chunk
  });
  it('rejects a wrong length', () => {
    expect(() => decodeF32(encodeF32(new Float32Array(3)), 4)).toThrow(/expected 4 floats, got 3/);
    expect(() => decodeF32(btoa('abc'))).toThrow(/multiple of 4/);
  });
});

describe('tools/harness/fixture.json', () => {
  const path = new URL('./fixture.json', import.meta.url);
  it('is under 2 MB and consistent with its record', () => {
    expect(statSync(path).size).toBeLessThan(2 * 1024 * 1024);
    const f = parseFixture(JSON.parse(readFileSync(path, 'utf8')) as FixtureJson);
    const N = f.seqLen;
    expect(N).toBeGreaterThanOrEqual(150);
    expect(f.record.tokens.length).toBe(N);
    expect(f.record.waad.length).toBe(N - f.promptLength);
    expect(f.thumbnails.size).toBe(f.numLayers);
    expect(f.spans.size).toBe(f.numLayers);
    for (const [l, h] of [...f.record.heads.local, ...f.record.heads.global]) {
      const m = f.maps.get(`${l}:${h}`)!;
      expect(m).toBeDefined();
      // rows sum to 1 (spot check)
      for (const t of [0, f.promptLength, N - 1]) {
        let sum = 0;
        for (let s = 0; s < N; s++) sum += m[t * N + s];
        expect(sum).toBeCloseTo(1, 4);
        for (let s = t + 1; s < N; s++) expect(m[t * N + s]).toBe(0); // causal: no weight on future keys
      }
    }
  });
});
