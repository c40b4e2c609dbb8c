import { describe, expect, it } from 'vitest';
import { generateProblems } from './index';
import { checkAdditionSteps, checkCountdownSteps, checkMultistepSteps, checkSteps, scratchpadLines } from './steps';
import { TASK_NAMES } from './types';

describe('addition step checker', () => {
  // 57 + 68: 7+8=15 → "7+8=5 c1"; 5+6+1=12 → "5+6+1=2 c1"; sum 125.
  const prompt = '57+68=?\n';
  it('marks every column of a correct scratchpad correct, with each line’s character span', () => {
    expect(checkAdditionSteps(prompt, '7+8=5 c1\n5+6+1=2 c1\nA:125')).toEqual({
      lines: ['7+8=5 c1', '5+6+1=2 c1'],
      spans: [
        [0, 8],
        [9, 19],
      ],
      correct: [true, true],
    });
  });
  it('a wrong digit, a wrong carry or a missing incoming carry is a wrong step; extra lines are wrong', () => {
    expect(checkAdditionSteps(prompt, '7+8=4 c1\n5+6+1=2 c1\nA:124').correct).toEqual([false, true]);
    expect(checkAdditionSteps(prompt, '7+8=5 c0\n5+6=1 c1\nA:115').correct).toEqual([false, false]);
    expect(checkAdditionSteps(prompt, '7+8=5 c1\n5+6+1=2 c1\n0+0+1=1 c0\nA:125').correct).toEqual([true, true, false]);
  });
  it('malformed and hostile inputs never throw', () => {
    expect(checkAdditionSteps(prompt, '')).toEqual({ lines: [], spans: [], correct: [] });
    expect(checkAdditionSteps(prompt, 'A:125')).toEqual({ lines: [], spans: [], correct: [] });
    expect(checkAdditionSteps(prompt, '7+8=5 c1\n<script>\n\n')).toMatchObject({
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
    expect(scratchpadLines('a\n\nA:1')).toEqual(['a']);
  });
});

describe('multistep step checker', () => {
  // (12+7)*3-5: 12+7=19, 19*3=57, 57-5=52.
  const prompt = '(12+7)*3-5=?\n';
  it('marks the reference steps correct, with spans', () => {
    expect(checkMultistepSteps(prompt, '12+7=19\n19*3=57\n57-5=52\nA:52')).toEqual({
      lines: ['12+7=19', '19*3=57', '57-5=52'],
      spans: [
        [0, 7],
        [8, 15],
        [16, 23],
      ],
      correct: [true, true, true],
    });
  });
  it('a wrong result is wrong and so is every line built on it; a step done twice is wrong the second time', () => {
    expect(checkMultistepSteps(prompt, '12+7=18\n18*3=54\n54-5=49\nA:49').correct).toEqual([false, false, false]);
    expect(checkMultistepSteps(prompt, '12+7=19\n19*3=56\n57-5=52\nA:52').correct).toEqual([true, false, false]);
    expect(checkMultistepSteps(prompt, '12+7=19\n12+7=19\n19*3=57').correct).toEqual([true, false, true]);
    // An operation the expression does not contain (7*3 skips the parenthesised sum).
    expect(checkMultistepSteps(prompt, '7*3=21\n12+21=33').correct).toEqual([false, false]);
  });
  it('accepts any order the tree allows, and swapped operands only for + and *', () => {
    expect(checkMultistepSteps('2*3+4*5=?\n', '4*5=20\n2*3=6\n20+6=26').correct).toEqual([true, true, true]);
    expect(checkMultistepSteps('9-4=?\n', '4-9=-5').correct).toEqual([false]);
    expect(checkMultistepSteps('9-4=?\n', '9-4=5').correct).toEqual([true]);
  });
  it('follows precedence, parentheses and left-to-right order, and allows regrouping associative chains', () => {
    const steps = (p: string, c: string) => checkMultistepSteps(p + '=?\n', c).correct;
    expect(steps('2+3*4', '2+3=5\n5*4=20')).toEqual([false, false]);
    expect(steps('2+3*4', '3*4=12\n2+12=14')).toEqual([true, true]);
    expect(steps('8-3+2', '3+2=5')).toEqual([false]);
    expect(steps('8-3-2', '3-2=1')).toEqual([false]);
    expect(steps('8-3-2', '8-3=5\n5-2=3')).toEqual([true, true]);
    expect(steps('1+5-3', '5-3=2\n1+2=3')).toEqual([true, true]); // 1+(5-3), as the generator may have built it
    expect(steps('5*7*2', '7*2=14\n5*14=70')).toEqual([true, true]);
    expect(steps('8/4*2', '4*2=8')).toEqual([false]);
    expect(steps('(5)+3', '5+3=8')).toEqual([true]);
  });
  it('malformed and hostile inputs never throw', () => {
    expect(checkMultistepSteps(prompt, '')).toEqual({ lines: [], spans: [], correct: [] });
    expect(checkMultistepSteps(prompt, ' 12+7=19\n12+7 = 19\n１２+7=19\n12+7=19x').correct).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(checkMultistepSteps('('.repeat(500) + '1' + ')'.repeat(500) + '=?', '1+1=2').correct).toEqual([false]);
    expect(checkMultistepSteps('garbage', '12+7=19').correct).toEqual([false]);
    expect(checkMultistepSteps(prompt, '9'.repeat(5000) + '+7=1').correct).toEqual([false]);
    const huge = '12+7=19\n'.repeat(50_000);
    const res = checkMultistepSteps(prompt, huge);
    expect(res.correct.filter(Boolean)).toHaveLength(1);
    expect(() => checkMultistepSteps(null as unknown as string, undefined as unknown as string)).not.toThrow();
  });
});

describe('countdown step checker', () => {
  const prompt = '3,5,7=22?\n';
  it('marks the reference steps correct, with spans', () => {
    expect(checkCountdownSteps(prompt, '3*5=15\n15+7=22\nA:3*5+7')).toEqual({
      lines: ['3*5=15', '15+7=22'],
      spans: [
        [0, 6],
        [7, 14],
      ],
      correct: [true, true],
    });
    expect(checkCountdownSteps('6,3,4=8?\n', '6/3=2\n4*2=8\nA:6/3*4').correct).toEqual([true, true]);
  });
  it('wrong arithmetic, a number not available or used twice, a non-positive or inexact result are wrong', () => {
    expect(checkCountdownSteps(prompt, '3*5=15\n15+7=21').correct).toEqual([true, false]);
    expect(checkCountdownSteps(prompt, '3*4=12').correct).toEqual([false]);
    expect(checkCountdownSteps(prompt, '3*5=15\n15+3=18').correct).toEqual([true, false]);
    expect(checkCountdownSteps(prompt, '5-7=-2\n3-3=0').correct).toEqual([false, false]);
    expect(checkCountdownSteps(prompt, '7/3=2').correct).toEqual([false]);
    // A wrong line uses nothing up: 3 and 5 are still there afterwards.
    expect(checkCountdownSteps(prompt, '3*5=16\n3*5=15\n15+7=22').correct).toEqual([false, true, true]);
  });
  it('the line that leaves one value must reach the target; nothing is left to combine after it', () => {
    expect(checkCountdownSteps(prompt, '7+5=12\n12+3=15').correct).toEqual([true, false]);
    expect(checkCountdownSteps(prompt, '3*5=15\n15+7=22\n22+0=22').correct).toEqual([true, true, false]);
  });
  it('malformed and hostile inputs never throw', () => {
    expect(checkCountdownSteps(prompt, '\n\n')).toMatchObject({ lines: ['', ''], correct: [false, false] });
    expect(checkCountdownSteps(prompt, '3×5=15\n💥\u0000\n' + 'x'.repeat(100_000)).correct).toEqual([
      false,
      false,
      false,
    ]);
    expect(checkCountdownSteps('3,5=?', '3*5=15').correct).toEqual([false]);
    expect(checkCountdownSteps(prompt, '999999999999*999999999999=1').correct).toEqual([false]);
    expect(() => checkCountdownSteps({} as unknown as string, 42 as unknown as string)).not.toThrow();
  });
});

describe('checkSteps', () => {
  it('every generated reference solution checks correct, line by line, on every task and level', () => {
    for (const task of TASK_NAMES)
      for (const level of [1, 2, 3, 4])
        for (const p of generateProblems(task, level, 20, 5)) {
          const res = checkSteps(task, p.prompt, p.solution);
          expect(res.correct.length, `${task} ${p.prompt}`).toBeGreaterThan(0);
          expect(res.correct.every(Boolean), `${task} ${p.prompt}${p.solution}`).toBe(true);
          res.spans.forEach(([a, b], k) => expect(p.solution.slice(a, b)).toBe(res.lines[k]));
        }
  });
});
