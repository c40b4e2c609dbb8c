import { describe, expect, it } from 'vitest';
import { scaleLinear } from 'd3';
import {
  brushSpan,
  legendLayout,
  legendOffsets,
  markerArea,
  nearestPosition,
  rolePoints,
  showTokenLabels,
  xDomain,
  yDomain,
} from './chartModel';
import { smallRecord } from '../tokens/testRecord';

describe('rhythm chart model', () => {
  it('puts each role on the curve that defines it, at absolute positions', () => {
    // prompt_length 2; preplan at response 0,1; intro at 1; anchor at 0,2; dominated at 2.
    expect(rolePoints(smallRecord())).toEqual([
      { role: 'preplan', panel: 'waad', t: 2, value: 0 },
      { role: 'preplan', panel: 'waad', t: 3, value: 2 },
      { role: 'intro', panel: 'waad', t: 3, value: 2 },
      { role: 'anchor', panel: 'fai', t: 2, value: 0.4 },
      { role: 'anchor', panel: 'fai', t: 4, value: 0.3 },
      { role: 'dominated', panel: 'fai', t: 4, value: 0.3 },
    ]);
  });

  it('domains: y from 0 with headroom, x over the response with half-step margins', () => {
    expect(yDomain([0, 2, 0.5, 1])).toEqual([0, 2.2]); // range 2: lo 0 − 0.16 → 0, hi 2 + 0.2
    expect(yDomain([8, 10])).toEqual([7.84, 10.2]); // a narrow band is not flattened against 0
    expect(yDomain([0, 0])).toEqual([0, 0.1]);
    expect(yDomain([NaN])).toEqual([0, 1]);
    expect(yDomain([5, 5])).toEqual([4.6, 5.5]);
    expect(xDomain(smallRecord())).toEqual([1.5, 5.5]);
  });

  it('pixels to positions: nearest and brushed span (inclusive, by token centre)', () => {
    // 4 positions 2..5 over 0..400 px: centres at 50, 150, 250, 350.
    const x = scaleLinear().domain([1.5, 5.5]).range([0, 400]);
    expect(nearestPosition(149, x.invert, 2, 5)).toBe(3);
    expect(nearestPosition(-20, x.invert, 2, 5)).toBe(2);
    expect(nearestPosition(999, x.invert, 2, 5)).toBe(5);
    expect(brushSpan(40, 260, x.invert, 2, 5)).toEqual([2, 4]);
    expect(brushSpan(260, 40, x.invert, 2, 5)).toEqual([2, 4]);
    expect(brushSpan(60, 140, x.invert, 2, 5)).toBeNull(); // between two centres
    expect(brushSpan(150, 150, x.invert, 2, 5)).toEqual([3, 3]);
  });

  it('shrinks markers when tokens are crowded', () => {
    expect(markerArea(20)).toBe(52);
    expect(markerArea(4)).toBe(26);
    expect(markerArea(0.5)).toBe(10);
  });

  it('lays legend entries out by label length', () => {
    expect(legendOffsets(['ab', 'abcd'], 20, 5, 10)).toEqual([0, 40]);
  });

  it('shows token labels only when each token gets enough room', () => {
    expect(showTokenLabels(40, 800)).toBe(true);
    expect(showTokenLabels(200, 800)).toBe(false);
    expect(showTokenLabels(0, 800)).toBe(false);
  });
  it('legendLayout wraps entries onto a new row when the next would pass maxWidth', () => {
    // widths: 20 + 2·5 = 30, 20 + 4·5 = 40, 30; gap 10
    expect(legendLayout(['ab', 'abcd', 'ab'], 85, 20, 5, 10)).toEqual([
      { x: 0, row: 0 },
      { x: 40, row: 0 },
      { x: 0, row: 1 },
    ]);
    expect(legendLayout(['ab', 'abcd', 'ab'], 1000, 20, 5, 10).map((e) => e.row)).toEqual([0, 0, 0]);
  });
});
