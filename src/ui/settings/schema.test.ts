import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, MAP_OPTIONS, resolveOptions } from '../../core/rhythm/options';
import { changeKind, optionFields, OPTION_META, parseDraft, toDrafts, validateDrafts, type Drafts } from './schema';

const field = (key: string) => optionFields().find((f) => f.key === key)!;

describe('settings schema', () => {
  it('covers exactly the engine option list, with help, flags and the engine map options', () => {
    const keys = optionFields()
      .map((f) => f.key)
      .sort();
    expect(keys).toEqual([...Object.keys(DEFAULT_OPTIONS), 'heads'].sort());
    expect(Object.keys(OPTION_META).sort()).toEqual(keys);
    for (const f of optionFields()) expect(f.help.length).toBeGreaterThan(20);
    expect(
      optionFields()
        .filter((f) => f.needsMaps)
        .map((f) => f.key)
        .sort(),
    ).toEqual([...MAP_OPTIONS].sort());
    expect(field('W').flag).toBe('--window');
    expect(field('H_lo').flag).toBe('--h-lo');
  });

  it('defaults round-trip: drafts of the defaults validate to the engine defaults', () => {
    const d = toDrafts({});
    expect(d).toMatchObject({
      W: '10',
      H_hi: '100',
      layers: 'middle-third',
      sink: false,
      tau_waad: 'median',
      heads: '',
    });
    expect(validateDrafts(d)).toEqual({ options: resolveOptions({}), errors: {} });
  });

  it('writes record-style values: Infinity, lists, pinned heads', () => {
    const d = toDrafts({ H_hi: 'Infinity', layers: [1, 3], heads: { local: [[0, 1]], global: [[1, 0]] } } as Record<
      string,
      unknown
    >);
    expect(d).toMatchObject({ H_hi: '∞', layers: '1, 3', heads: '{"local":[[0,1]],"global":[[1,0]]}' });
    expect(validateDrafts(d).options).toMatchObject({
      H_hi: Infinity,
      layers: [1, 3],
      heads: { local: [[0, 1]], global: [[1, 0]] },
    });
  });

  it('parses numbers and passes words through to the engine', () => {
    expect(parseDraft(field('W'), ' 12 ')).toBe(12);
    expect(parseDraft(field('W'), '1e1')).toBe(10);
    expect(parseDraft(field('W'), 'ten')).toBe('ten');
    expect(parseDraft(field('layers'), '12, 15 18')).toEqual([12, 15, 18]);
    expect(parseDraft(field('layers'), 'all')).toBe('all');
    expect(parseDraft(field('tau_waad'), 'median')).toBe('median');
    expect(parseDraft(field('tau_waad'), '0.5')).toBe(0.5);
    expect(parseDraft(field('H_hi'), '∞')).toBe('∞');
    expect(parseDraft(field('heads'), '')).toBeUndefined();
    expect(parseDraft(field('sink'), true)).toBe(true);
  });

  it('reports the engine messages inline, per field', () => {
    const v = validateDrafts({ ...toDrafts({}), W: '0', q: 'abc', layers: 'middle' });
    expect(v.options).toBeUndefined();
    expect(v.errors.W).toBe('option W must be ≥ 1 (finite) (got 0)');
    expect(v.errors.q).toBe('option q must be in (0, 1] (got "abc")');
    expect(v.errors.layers).toMatch(/^option layers must be 'middle-third', 'all'/);
    expect(Object.keys(v.errors).sort()).toEqual(['W', 'layers', 'q']);
  });

  it('puts a cross-field error on the field the engine names', () => {
    const d: Drafts = { ...toDrafts({}), H_lo: '50', H_hi: '20' };
    expect(validateDrafts(d).errors).toEqual({ H_lo: 'option H_lo (50) must be ≤ H_hi (20)' });
    expect(validateDrafts({ ...toDrafts({}), heads: '{"local": []}' }).errors.heads).toMatch(/heads.local/);
    expect(validateDrafts({ ...toDrafts({}), heads: '{oops' }).errors.heads).toBeDefined();
  });

  it('says whether a change needs the maps (W, H_lo, H_hi, sink) or recomputes instantly', () => {
    const base = resolveOptions({});
    expect(changeKind({}, { ...base, q: 0.3, alpha: 0.2 })).toEqual({ changed: ['q', 'alpha'], needsMaps: false });
    expect(changeKind({}, { ...base, W: 20 })).toEqual({ changed: ['W'], needsMaps: true });
    expect(changeKind({ H_hi: 'Infinity' } as Record<string, unknown>, { ...base, H_hi: Infinity })).toEqual({
      changed: [],
      needsMaps: false,
    });
    expect(changeKind({}, { ...base, sink: true }).needsMaps).toBe(true);
    expect(changeKind({}, base)).toEqual({ changed: [], needsMaps: false });
  });
});
