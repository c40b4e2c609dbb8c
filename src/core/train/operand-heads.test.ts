import { describe, expect, it } from 'vitest';
import { makeAdditionProblem } from '../tasks/addition';
import { operandQueries } from './operand-heads';

describe('operandQueries', () => {
  it('points each scratchpad line at the aligned operand digits (hand-checked)', () => {
    // "347+85=?\n" then "7+5=2 c1\n4+8+1=3 c1\n3+0+1=4 c0\nA:432"
    const p = makeAdditionProblem('347', '85', 1);
    const text = p.prompt + p.solution;
    const qs = operandQueries(p);
    // Line 0 starts at 9: a's digit '7' (index 2) is predicted from position 8 ('\n'); b's '5' (index 5) from '+' at 10.
    expect(qs.slice(0, 2)).toEqual([
      { query: 8, key: 2, operand: 'a' },
      { query: 10, key: 5, operand: 'b' },
    ]);
    for (const q of qs) {
      // The character after the query is the digit the key holds.
      expect(text[q.query + 1]).toBe(text[q.key]);
    }
    // Column 2: a = '3', b has no digit there (padded 0): only an 'a' query.
    expect(qs.filter((q) => q.operand === 'b').length).toBe(2);
    expect(qs.length).toBe(5);
  });
});
