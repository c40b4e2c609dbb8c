import { describe, expect, it } from 'vitest';
import { argmaxRange, median, middleThirdLayers, selectLayers, splitHeads, topCountMask, topQMask } from './select';

describe('layer rule', () => {
  it('matches hand-computed cases', () => {
    expect(middleThirdLayers(1)).toEqual([0]); // L < 3: all layers
    expect(middleThirdLayers(2)).toEqual([0, 1]);
    expect(middleThirdLayers(3)).toEqual([1, 2]); // lo = 1, hi = 2, 2 layers ≤ 5 -> 1..2
    expect(middleThirdLayers(4)).toEqual([1, 2]); // lo = ⌊4/3⌋ = 1, hi = ⌊8/3⌋ = 2
    expect(middleThirdLayers(8)).toEqual([2, 3, 4, 5]); // lo = 2, hi = ⌊16/3⌋ = 5, 4 layers ≤ 5
    // L = 36: lo = 12, hi = 24, hi−lo = 12: 12 + ⌊(2·i·12 + 4)/8⌋ = 12 + ⌊0.5⌋, ⌊3.5⌋, ⌊6.5⌋, ⌊9.5⌋, ⌊12.5⌋
    expect(middleThirdLayers(36)).toEqual([12, 15, 18, 21, 24]);
    // L = 12: lo = 4, hi = 8, hi−lo+1 = 5 ≤ 5 -> 4..8
    expect(middleThirdLayers(12)).toEqual([4, 5, 6, 7, 8]);
    // L = 24: lo = 8, hi = 16, d = 8: 8 + ⌊(16i+4)/8⌋ = 8+0, 8+2, 8+4, 8+6, 8+8
    expect(middleThirdLayers(24)).toEqual([8, 10, 12, 14, 16]);
    // L = 20: lo = 6, hi = 13, d = 7: ⌊4/8⌋=0, ⌊18/8⌋=2, ⌊32/8⌋=4, ⌊46/8⌋=5, ⌊60/8⌋=7
    expect(middleThirdLayers(20)).toEqual([6, 8, 10, 11, 13]);
  });

  it('resolves the option', () => {
    expect(selectLayers(4, 'all')).toEqual([0, 1, 2, 3]);
    expect(selectLayers(4, [3, 0])).toEqual([0, 3]);
    expect(() => selectLayers(4, [4])).toThrow(/layers: layer 4 is out of range 0..3/);
  });
});

describe('head split', () => {
  it('sorts by (d, layer, head) and takes ⌈0.3·M⌉ from each end', () => {
    const spans = [
      { layer: 1, head: 0, d: 2 },
      { layer: 1, head: 1, d: 1 },
      { layer: 2, head: 0, d: 1 }, // ties with (1,1): layer 1 first
      { layer: 2, head: 1, d: 5 },
      { layer: 3, head: 0, d: 3 },
    ];
    // M = 5, n = ⌈1.5⌉ = 2; order: (1,1) 1, (2,0) 1, (1,0) 2, (3,0) 3, (2,1) 5
    const s = splitHeads(spans, 0.3);
    expect(s.local).toEqual([
      [1, 1],
      [2, 0],
    ]);
    expect(s.global).toEqual([
      [3, 0],
      [2, 1],
    ]);
  });

  it('overlaps for tiny M', () => {
    // M = 1: n = ⌈0.3⌉ = 1, the one head is local and global
    expect(splitHeads([{ layer: 0, head: 0, d: 4 }], 0.3)).toMatchObject({ local: [[0, 0]], global: [[0, 0]] });
    // M = 2, headFraction 0.6: n = ⌈1.2⌉ = 2 -> both sets hold both heads
    const two = splitHeads(
      [
        { layer: 0, head: 1, d: 1 },
        { layer: 0, head: 0, d: 3 },
      ],
      0.6,
    );
    expect(two.local).toEqual([
      [0, 1],
      [0, 0],
    ]);
    expect(two.global).toEqual([
      [0, 1],
      [0, 0],
    ]);
  });

  it('treats float32-level differences in d as ties', () => {
    const s = splitHeads(
      [
        { layer: 5, head: 0, d: 1.0000000001 },
        { layer: 4, head: 0, d: 1 },
        { layer: 0, head: 0, d: 9 },
      ],
      0.3,
    );
    expect(s.local).toEqual([[4, 0]]); // tie -> lower layer first, n = 1
  });
});

describe('top q, median, argmax', () => {
  it('top q takes ⌈q·n⌉ largest, ties to the earlier position', () => {
    // n = 5, q = 0.4: ⌈2⌉ = 2. Values 1, 3, 2, 3, 0: the two 3s (positions 1, 3)
    expect(topQMask([1, 3, 2, 3, 0], 0.4)).toEqual([false, true, false, true, false]);
    // n = 6, q = 0.4: ⌈2.4⌉ = 3. Values 2, 1, 2, 2, 5, 2: 5 at 4, then the 2s at 0 and 2 (earlier)
    expect(topQMask([2, 1, 2, 2, 5, 2], 0.4)).toEqual([true, false, true, false, true, false]);
    // all equal, n = 3, q = 0.4: ⌈1.2⌉ = 2 -> positions 0, 1
    expect(topQMask([7, 7, 7], 0.4)).toEqual([true, true, false]);
    // q = 0.3, n = 10: 3 exactly (not 4)
    expect(topQMask([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 0.3).filter(Boolean).length).toBe(3);
    expect(topCountMask([1, 2], 5)).toEqual([true, true]);
  });

  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5); // (2 + 3) / 2
    expect(median([5])).toBe(5);
  });

  it('argmax over a range, ties to the earlier index, empty range -1', () => {
    expect(argmaxRange([1, 5, 5, 2], 0, 3, 0)).toBe(1);
    expect(argmaxRange([1, 5, 5, 2], -2, 0, 0)).toBe(0);
    expect(argmaxRange([1, 5], 0, -1, 0)).toBe(-1);
  });
});
