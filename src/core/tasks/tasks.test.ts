import { describe, expect, it } from 'vitest';
import { CharTokenizer } from '../tokenizer/char';
import {
  detectTask,
  EOS_TOKEN,
  generateProblems,
  getTask,
  TASK_NAMES,
  TASK_TOKENS,
  taskVocabJson,
  verifyCompletion,
} from './index';

const HOSTILE = [
  '',
  '\n',
  'A:',
  'A:' + '9'.repeat(400),
  'A:1e400',
  'A:constructor',
  'A:__proto__',
  'A:1/0',
  'A:((1+2)',
  'A:NaN',
  'A:Infinity',
  'A:' + '('.repeat(3000) + '1' + ')'.repeat(3000),
  'x'.repeat(10_000),
  'A:' + '1+'.repeat(5000) + '1',
  '\n'.repeat(10_000) + 'A:5',
  'A:-0',
  'A:0x1F',
  'A: 5',
  'A:5\nA:6',
  '<eos><eos>',
  'A:5<eos>garbage',
];

describe('addition', () => {
  const v = (prompt: string, completion: string, formatCredit?: number) =>
    verifyCompletion('addition', prompt, completion, { formatCredit });

  it('has the documented scratchpad format', () => {
    const [p] = generateProblems('addition', 1, 1, 123);
    expect(p.prompt).toMatch(/^\d+\+\d+=\?\n$/);
    const t = getTask('addition');
    // Hand-computed: 347 + 85.
    const r = t.verify('347+85=?\n', '7+5=2 c1\n4+8+1=3 c1\n3+0+1=4 c0\nA:432<eos>');
    expect(r).toMatchObject({ reward: 1, correct: true, formatOk: true, answer: '432' });
  });

  it('rewards the final answer only; format credit is optional', () => {
    expect(v('12+47=?\n', '2+7=9 c0\n1+4=5 c0\nA:59').reward).toBe(1);
    expect(v('12+47=?\n', 'A:59').reward).toBe(1); // correct answer, sloppy format: still 1
    expect(v('12+47=?\n', 'A:59').formatOk).toBe(false);
    expect(v('12+47=?\n', '2+7=9 c0\n1+4=5 c0\nA:58').reward).toBe(0);
    expect(v('12+47=?\n', '2+7=9 c0\n1+4=5 c0\nA:58', 0.1).reward).toBe(0.1);
    expect(v('12+47=?\n', 'garbage', 0.1).reward).toBe(0); // malformed gets no format credit
    expect(v('999+1=?\n', '9+1=0 c1\n9+0+1=0 c1\n9+0+1=0 c1\nA:1000').reward).toBe(1);
  });

  it('never throws or hangs on hostile completions or prompts', () => {
    for (const h of HOSTILE) {
      const t0 = performance.now();
      const r = v('12+47=?\n', h);
      expect(r.reward, JSON.stringify(h.slice(0, 30))).toBe(0);
      expect(performance.now() - t0).toBeLessThan(200);
    }
    expect(v('constructor', 'A:1').reward).toBe(0);
    expect(v('9'.repeat(10_000) + '+1=?\n', 'A:1').reward).toBe(0);
  });
});

describe('countdown', () => {
  const v = (prompt: string, completion: string) => verifyCompletion('countdown', prompt, completion);

  it('checks the numbers used and the exact value', () => {
    expect(v('3,5,7=22?\n', '3*5=15\n15+7=22\nA:3*5+7').correct).toBe(true);
    expect(v('3,5,7=22?\n', 'A:7+5*3').correct).toBe(true); // any order, any route
    expect(v('3,5,7=22?\n', 'A:3*5+7+0').correct).toBe(false); // extra number
    expect(v('3,5,7=22?\n', 'A:3*7+1').correct).toBe(false); // foreign number
    expect(v('3,5,7=22?\n', 'A:3*5').correct).toBe(false); // a number unused
    expect(v('3,5,7=22?\n', 'A:3*5+8').correct).toBe(false);
    expect(v('3,3,5=6?\n', 'A:3+3*5/5').correct).toBe(false); // multiset: 5 twice
    expect(v('2,3,6=1?\n', 'A:6/(2*3)').correct).toBe(true);
    expect(v('1,3,4,6=24?\n', 'A:6/(1-3/4)').correct).toBe(true); // needs exact rationals
    expect(v('3,3,5=1?\n', 'A:5/(3-3)').error).toMatch(/division by zero/);
  });

  it('never throws or hangs on hostile completions', () => {
    for (const h of HOSTILE) {
      const t0 = performance.now();
      expect(v('3,5,7=22?\n', h).reward, JSON.stringify(h.slice(0, 30))).toBe(0);
      expect(performance.now() - t0).toBeLessThan(200);
    }
    expect(v('3,5,7=22?\n', `A:${'9'.repeat(20)}*${'9'.repeat(20)}`).reward).toBe(0);
  });

  it('generates solvable instances whose reference solution verifies', () => {
    for (const level of [1, 2, 3, 4]) {
      for (const p of generateProblems('countdown', level, 40, 11)) {
        expect(v(p.prompt, p.solution).correct, p.prompt + p.solution).toBe(true);
      }
    }
  });
});

describe('multistep', () => {
  const v = (prompt: string, completion: string) => verifyCompletion('multistep', prompt, completion);
  it('verifies the final value', () => {
    expect(v('(12+7)*3-5=?\n', '12+7=19\n19*3=57\n57-5=52\nA:52')).toMatchObject({ correct: true, formatOk: true });
    expect(v('(12+7)*3-5=?\n', 'A:52').correct).toBe(true);
    expect(v('(12+7)*3-5=?\n', '12+7=19\n19*3=57\n57-5=52\nA:53').correct).toBe(false);
    expect(v('2*(4+12)*7=?\n', '4+12=16\n2*16=32\n32*7=224\nA:224').correct).toBe(true);
  });
  it('never throws or hangs on hostile completions', () => {
    for (const h of HOSTILE) expect(v('(12+7)*3-5=?\n', h).reward).toBe(0);
    expect(v('1/0=?\n', 'A:0').reward).toBe(0);
  });
});

describe('all tasks', () => {
  it('generate deterministically per seed, every reference verifies, sequences stay short', () => {
    const tok = new CharTokenizer([...TASK_TOKENS], { eosToken: EOS_TOKEN });
    for (const task of TASK_NAMES) {
      for (const level of getTask(task).levels) {
        const a = generateProblems(task, level, 30, 5);
        expect(generateProblems(task, level, 30, 5)).toEqual(a);
        expect(generateProblems(task, level, 30, 6)).not.toEqual(a);
        for (const p of a) {
          expect(verifyCompletion(task, p.prompt, p.solution + EOS_TOKEN)).toMatchObject({ reward: 1, formatOk: true });
          expect(detectTask(p.prompt)).toBe(task);
          const n = tok.encode(p.prompt + p.solution + EOS_TOKEN).length;
          expect(n).toBeLessThanOrEqual(160);
        }
      }
    }
  });

  it('writes a char_vocab.json the CharTokenizer reads', () => {
    const tok = CharTokenizer.fromVocabJson(taskVocabJson(), 'char_vocab.json');
    expect(tok.vocabSize).toBe(TASK_TOKENS.length);
    expect(tok.eosId).toBe(0);
    expect(tok.decode(tok.encode('12+47=?\nA:59<eos>'))).toBe('12+47=?\nA:59<eos>');
  });
});
