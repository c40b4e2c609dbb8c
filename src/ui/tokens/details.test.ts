import { describe, expect, it } from 'vitest';
import { describeRoles, lineNeighbour, navigate, tokenDetails } from './details';
import { smallRecord } from './testRecord';

describe('tokenDetails', () => {
  it('lists every value of a response token', () => {
    const d = tokenDetails(smallRecord(), 4); // response index 2
    expect(d).toMatchObject({
      position: 4,
      responseIndex: 2,
      token: 'b,"c"',
      tokenId: 14,
      roles: ['anchor', 'dominated'],
    });
    expect(d.values).toEqual([
      ['WAAD', '0.5'],
      ['FAI', '0.3'],
      ['Δ', '0.5'],
      ['entropy', '3'],
      ['γ uniform (GRPO)', '1'],
      ['γ local-chunk', '1'],
      ['γ global-anchor', '1.5'],
      ['γ coupled', '1.25'],
      ['γ random', '1.5'],
      ['γ high-entropy', '1.5'],
    ]);
  });
  it('prompt tokens have no values', () => {
    expect(tokenDetails(smallRecord(), 1)).toMatchObject({ responseIndex: null, values: [], roles: [], token: ':' });
  });
  it('describes roles with their set names', () => {
    expect(describeRoles(['anchor', 'dominated'])).toBe('anchor (T_glob), locally dominated (D)');
    expect(describeRoles([])).toBe('no role');
  });
});

describe('navigate', () => {
  it('moves, clamps, jumps and clears', () => {
    expect(navigate(null, 'ArrowRight', 6, 2)).toBe(2);
    expect(navigate(3, 'ArrowRight', 6, 2)).toBe(4);
    expect(navigate(5, 'ArrowRight', 6, 2)).toBe(5);
    expect(navigate(0, 'ArrowLeft', 6, 2)).toBe(0);
    expect(navigate(4, 'Home', 6, 2)).toBe(2);
    expect(navigate(2, 'End', 6, 2)).toBe(5);
    expect(navigate(2, 'PageDown', 60, 2)).toBe(22);
    expect(navigate(2, 'Escape', 6, 2)).toBeNull();
    expect(navigate(2, 'a', 6, 2)).toBeUndefined();
  });
});

describe('lineNeighbour', () => {
  // Two lines: tokens 0..3 at y = 0 (x = 5, 15, 25, 35), tokens 4..5 at y = 20 (x = 8, 30).
  const boxes = [
    { t: 0, x: 5, y: 0 },
    { t: 1, x: 15, y: 0 },
    { t: 2, x: 25, y: 1 },
    { t: 3, x: 35, y: 0 },
    { t: 4, x: 8, y: 20 },
    { t: 5, x: 30, y: 20 },
  ];
  it('moves to the closest token on the next / previous line', () => {
    expect(lineNeighbour(boxes, 2, 'down')).toBe(5); // |25−30| < |25−8|
    expect(lineNeighbour(boxes, 1, 'down')).toBe(4);
    expect(lineNeighbour(boxes, 4, 'up')).toBe(0);
    expect(lineNeighbour(boxes, 5, 'up')).toBe(2); // ties to the first closest: |25−30| = |35−30|, 2 comes first
  });
  it('stops at the first and last line and for unknown tokens', () => {
    expect(lineNeighbour(boxes, 1, 'up')).toBeUndefined();
    expect(lineNeighbour(boxes, 5, 'down')).toBeUndefined();
    expect(lineNeighbour(boxes, 9, 'down')).toBeUndefined();
  });
});
