import { describe, expect, it } from 'vitest';
import { parseAppParams, withParam } from './urlParams';

describe('parseAppParams', () => {
  it('defaults to auto, no model, no test hook', () => {
    expect(parseAppParams('')).toEqual({ backend: 'auto', model: undefined, test: false, warnings: [] });
  });
  it('reads backend (case-insensitive), model and test', () => {
    const p = parseAppParams('?backend=WASM&model=%2Fmodels%2Fx%2F&test=1');
    expect(p).toEqual({ backend: 'wasm', model: '/models/x/', test: true, warnings: [] });
  });
  it('warns about an unknown backend and falls back to auto', () => {
    const p = parseAppParams('?backend=cuda');
    expect(p.backend).toBe('auto');
    expect(p.warnings[0]).toMatch(/"backend".*"cuda"/);
  });
});

describe('withParam', () => {
  it('sets, replaces and removes one parameter, keeping the others', () => {
    const a = withParam('http://h/app?test=1', 'backend', 'cpu');
    expect(a).toBe('http://h/app?test=1&backend=cpu');
    expect(withParam(a, 'backend', 'wasm')).toBe('http://h/app?test=1&backend=wasm');
    expect(withParam(a, 'backend', undefined)).toBe('http://h/app?test=1');
  });
});
