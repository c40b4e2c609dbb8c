import { describe, expect, it } from 'vitest';
import { describeRoles, navigate, tokenDetails } from './details';
import { smallRecord } from './testRecord';

describe('tokenDetails', () => {
  it('lists every value of a response token', () => {
    const d = tokenDetails(smallRecord(), 4); // response index 2
    expect(d).toMatchObject({ position: 4, responseIndex: 2, token: 'b,"c"', tokenId: 14, roles: ['anchor', 'dominated'] });
    expect(d.values).toEqual([
      ['WAAD', '0.5'], ['FAI', '0.3'], ['Δ', '0.5'], ['entropy', '3'],
      ['γ uniform (GRPO)', '1'], ['γ local-chunk', '1'], ['γ global-anchor', '1.5'], ['γ coupled', '1.25'], ['γ random', '1.5'], ['γ high-entropy', '1.5'],
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
