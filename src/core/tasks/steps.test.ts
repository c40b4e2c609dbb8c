import { describe, expect, it } from 'vitest';
import { checkAdditionSteps, scratchpadLines } from './steps';

describe('addition step checker', () => {
  // 57 + 68: 7+8=15 → "7+8=5 c1"; 5+6+1=12 → "5+6+1=2 c1"; sum 125.
  const prompt = '57+68=?\n';
  it('marks every column of a correct scratchpad correct', () => {
    expect(checkAdditionSteps(prompt, '7+8=5 c1\n5+6+1=2 c1\nA:125')).toEqual({
      lines: ['7+8=5 c1', '5+6+1=2 c1'],
      correct: [true, true],
    });
  });
  it('a wrong digit, a wrong carry or a missing incoming carry is a wrong step; extra lines are wrong', () => {
    expect(checkAdditionSteps(prompt, '7+8=4 c1\n5+6+1=2 c1\nA:124').correct).toEqual([false, true]);
    expect(checkAdditionSteps(prompt, '7+8=5 c0\n5+6=1 c1\nA:115').correct).toEqual([false, false]);
    expect(checkAdditionSteps(prompt, '7+8=5 c1\n5+6+1=2 c1\n0+0+1=1 c0\nA:125').correct).toEqual([true, true, false]);
  });
  it('malformed and hostile inputs never throw', () => {
    expect(checkAdditionSteps(prompt, '')).toEqual({ lines: [], correct: [] });
    expect(checkAdditionSteps(prompt, 'A:125')).toEqual({ lines: [], correct: [] });
    expect(checkAdditionSteps(prompt, '7+8=5 c1\n<script>\n\n')).toEqual({
      lines: ['7+8=5 c1', '<script>', ''],
      correct: [true, false, false],
    });
    expect(checkAdditionSteps('not a problem', '7+8=5 c1').correct).toEqual([false]);
    expect(checkAdditionSteps('9'.repeat(100) + '+1=?\n', '9+1=0 c1').correct).toEqual([false]);
    expect(() => checkAdditionSteps(undefined as unknown as string, null as unknown as string)).not.toThrow();
  });
  it('scratchpadLines stops at the answer line and drops one trailing empty line', () => {
    expect(scratchpadLines('a\nb\n')).toEqual(['a', 'b']);
    expect(scratchpadLines('a\nA:1\nb')).toEqual(['a']);
  });
});
