import { describe, expect, it } from 'vitest';
import type { AnalysisRecord } from '../../core/rhythm/record';
import { tokenRowsSvg } from './figures';

const record = {
  prompt_length: 2,
  tokens: ['a', 'b', '<img src=x onerror=alert(1)>', 'd', 'e'],
  waad: [1, 2, 3],
} as unknown as AnalysisRecord;

describe('token-row figures', () => {
  it('draws one cell per response token and row, escapes token text, and is well-formed XML', () => {
    const svg = tokenRowsSvg(
      record,
      [
        { label: 'WAAD', values: [1, 2, 3] },
        { label: 'γ coupled', values: [1, 1.5, NaN] },
      ],
      'viridis',
      [1, 3],
      'Tokens & γ',
      'value',
    );
    expect(svg.match(/<\/rect>/g)!.length).toBe(6); // one titled cell per token and row
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;img');
    expect(svg).toContain('#eeeeee'); // NaN cell is grey
    expect(svg).toContain('Tokens &amp; γ');
  });
});
