import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AnalysisRecord } from '../../core/rhythm/record';
import { showToken, storyOf } from './storyText';

function record(tokens: string[], P: number, fai: number[], delta: number[], anchor: boolean[], preplan: boolean[]) {
  return { tokens, prompt_length: P, fai, delta, anchor, preplan } as unknown as AnalysisRecord;
}

describe('storyOf', () => {
  it('names the strongest anchors (by FAI) and preplan tokens (by Δ) in reading order, with their line', () => {
    // prompt "1+2" (3 tokens), response "a=b\ncd" (6 tokens)
    const r = record(
      ['1', '+', '2', 'a', '=', 'b', '\n', 'c', 'd'],
      3,
      [0.1, 0.9, 0.2, 0, 0.5, 0],
      [0, 1, 3, 2, 0, 0],
      [true, true, false, false, true, false],
      [false, true, true, true, false, false],
    );
    const s = storyOf(r, 2);
    expect(s.anchors.map((t) => [t.position, t.token, t.line, t.lineText])).toEqual([
      [4, '=', 1, 'a=b'],
      [7, 'c', 2, 'cd'],
    ]);
    expect(s.preplan.map((t) => t.position)).toEqual([5, 6]); // Δ 3 and 2 beat Δ 1
    expect([s.anchorCount, s.preplanCount, s.responseLength]).toEqual([3, 3, 6]);
  });

  it('ties go to the earlier position', () => {
    const r = record(['x', 'a', 'b', 'c'], 1, [1, 1, 1], [0, 0, 0], [true, true, true], [false, false, false]);
    expect(storyOf(r, 2).anchors.map((t) => t.position)).toEqual([1, 2]);
  });

  it('the shipped example has anchors and preplan tokens to point at', () => {
    const line = readFileSync('public/examples/addition.analysis.jsonl', 'utf8').split('\n')[0];
    const s = storyOf(JSON.parse(line) as AnalysisRecord);
    expect(s.anchors).toHaveLength(3);
    expect(s.preplan).toHaveLength(3);
    expect(s.anchors.every((t) => t.lineText.length > 0)).toBe(true);
  });

  it('shows whitespace tokens visibly', () => {
    expect([showToken('\n'), showToken(' '), showToken('=')]).toEqual(['⏎', '␣', '=']);
  });
});
