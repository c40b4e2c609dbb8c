import { describe, expect, it } from 'vitest';
import { choiceHint, choiceValue, mapChoices, parseChoice, resolveChoice } from './choices';

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
      { kind: 'mean', set: 'receiver' },
    ] as const) {
      expect(parseChoice(choiceValue(c))).toEqual(c);
    }
    expect(parseChoice('L1')).toBeNull();
  });
  it('lists the receiver mean when the record has receiver heads and their maps are kept', () => {
    const withReceiver = { ...heads, receiver: [[1, 0]] as [number, number][] };
    expect(mapChoices(withReceiver, maps).map((o) => o.value)).toEqual([
      'mean-local',
      'mean-global',
      'mean-receiver',
      'L0H1',
      'L1H0',
    ]);
    expect(mapChoices({ ...heads, receiver: [[7, 7]] }, maps).map((o) => o.value)).not.toContain('mean-receiver');
  });
});

describe('map hints (the hover text of the picker)', () => {
  const sets = { ...heads, receiver: [[1, 0]] as [number, number][] };
  it('say what each mean is, with its head count and the signal it feeds', () => {
    expect(choiceHint({ kind: 'mean', set: 'local' }, sets)).toBe(
      'Mean attention of the 1 local head (short reach: they read the last few tokens, and WAAD is measured on them).',
    );
    expect(choiceHint({ kind: 'mean', set: 'global' }, sets)).toBe(
      'Mean attention of the 2 global heads (long reach: FAI is measured on them, so their bright columns are the anchors).',
    );
    expect(choiceHint({ kind: 'mean', set: 'receiver' }, sets)).toBe(
      'Mean attention of the 1 receiver head (attention piled onto a few columns: the dashed “FAI other heads” of the rhythm chart).',
    );
  });
  it('say that a single head is shown alone, with the sets it belongs to', () => {
    const rows = ': row t shows how token t spreads its attention over the tokens before it.';
    expect(choiceHint({ kind: 'head', layer: 0, head: 1 }, sets)).toBe(
      `Layer 0, head 1 alone, one of the local and global heads${rows}`,
    );
    expect(choiceHint({ kind: 'head', layer: 1, head: 0 }, sets)).toBe(
      `Layer 1, head 0 alone, one of the global and receiver heads${rows}`,
    );
    expect(choiceHint({ kind: 'head', layer: 5, head: 2 }, heads)).toBe(`Layer 5, head 2 alone${rows}`);
  });
  it('every listed option carries its hint', () => {
    for (const o of mapChoices(sets, maps)) expect(o.hint).toBe(choiceHint(o.choice, sets));
  });
});
