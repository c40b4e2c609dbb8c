import { describe, expect, it } from 'vitest';
import {
  changedOptions,
  optionsFromSearch,
  optionsToParams,
  parseStoredDocument,
  parseStoredOptions,
  serializeOptions,
} from './persist';

describe('settings in the URL and storage', () => {
  it('writes only options that differ from the defaults, Infinity as text', () => {
    expect(optionsToParams({ W: 4, q: 0.4, H_hi: Infinity, sink: true })).toEqual([
      ['rhythm.W', '4'],
      ['rhythm.H_hi', 'Infinity'],
      ['rhythm.sink', 'true'],
    ]);
    expect(optionsToParams({})).toEqual([]);
    expect(changedOptions({ layers: [1, 2] })).toEqual({ layers: [1, 2] });
  });

  it('reads them back, keeping valid ones and naming the invalid one', () => {
    const search =
      '?test=1&rhythm.W=4&rhythm.H_hi=Infinity&rhythm.q=7&rhythm.tau_waad=median&rhythm.layers=%5B1%2C2%5D';
    const r = optionsFromSearch(search);
    expect(r.options).toEqual({ W: 4, H_hi: Infinity, tau_waad: 'median', layers: [1, 2] });
    expect(r.present).toBe(true);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/rhythm\.q/);
    expect(optionsFromSearch('?backend=wasm').present).toBe(false);
  });

  it('round-trips through storage; garbage gives the defaults', () => {
    const opts = { W: 3, H_hi: Infinity, alpha: 0.25 };
    expect(parseStoredOptions(serializeOptions(opts))).toEqual(opts);
    expect(parseStoredOptions('{"W": -1}')).toEqual({});
    expect(parseStoredOptions('not json')).toEqual({});
    expect(parseStoredOptions(null)).toEqual({});
  });

  it('reads a stored document only when both texts are strings', () => {
    expect(parseStoredDocument('{"prompt":"1+2=?\\n","response":"A:3"}')).toEqual({
      prompt: '1+2=?\n',
      response: 'A:3',
    });
    expect(parseStoredDocument('{"prompt":1}')).toBeNull();
    expect(parseStoredDocument('{')).toBeNull();
  });
});
