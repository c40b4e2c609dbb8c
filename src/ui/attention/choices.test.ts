import { describe, expect, it } from 'vitest';
import { choiceValue, mapChoices, parseChoice, resolveChoice } from './choices';

const heads = {
  local: [[0, 1]] as [number, number][],
  global: [
    [1, 0],
    [0, 1],
  ] as [number, number][],
};
const maps = new Map<string, Float32Array>([
  ['1:0', Float32Array.from([1, 0, 0.2, 0.8])],
  ['0:1', Float32Array.from([1, 0, 0.6, 0.4])],
]);

describe('map choices', () => {
  it('lists the means whose heads are all kept, then each kept head with its role', () => {
    expect(mapChoices(heads, maps).map((o) => [o.value, o.label])).toEqual([
      ['mean-local', 'Mean of 1 local heads'],
      ['mean-global', 'Mean of 2 global heads'],
      ['L0H1', 'Layer 0 · head 1 (local, global)'],
      ['L1H0', 'Layer 1 · head 0 (global)'],
    ]);
    expect(mapChoices({ local: [[5, 5]], global: [] }, maps).map((o) => o.value)).toEqual(['L0H1', 'L1H0']);
  });
  it('resolves a mean by hand: global = ([1,0,.2,.8] + [1,0,.6,.4]) / 2', () => {
    const m = resolveChoice({ kind: 'mean', set: 'global' }, heads, maps, 2)!;
    expect(Array.from(m).map((x) => Number(x.toFixed(6)))).toEqual([1, 0, 0.4, 0.6]);
    expect(resolveChoice({ kind: 'head', layer: 1, head: 0 }, heads, maps, 2)).toBe(maps.get('1:0'));
    expect(resolveChoice({ kind: 'head', layer: 3, head: 0 }, heads, maps, 2)).toBeNull();
    expect(resolveChoice({ kind: 'mean', set: 'local' }, { local: [[9, 9]], global: [] }, maps, 2)).toBeNull();
  });
  it('values round-trip', () => {
    for (const c of [
      { kind: 'head', layer: 12, head: 3 },
      { kind: 'mean', set: 'local' },
      { kind: 'mean', set: 'global' },
    ] as const) {
      expect(parseChoice(choiceValue(c))).toEqual(c);
    }
    expect(parseChoice('L1')).toBeNull();
  });
});
