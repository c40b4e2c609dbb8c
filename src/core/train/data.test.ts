import { describe, expect, it } from 'vitest';
import { EOS_TOKEN, TASK_TOKENS } from '../tasks/index';
import { CharTokenizer } from '../tokenizer/char';
import { makeBatch, parseMix, trainingBatch } from './data';

const tok = new CharTokenizer([...TASK_TOKENS], { eosToken: EOS_TOKEN });
const entry = { task: 'addition' as const, level: 1, weight: 1 };

describe('training batches', () => {
  it('shifts targets by one and masks the loss to the completion (hand-checked)', () => {
    const p = { task: 'addition' as const, level: 1, prompt: '1+2=?\n', solution: 'A:3', answer: '3' };
    const short = { ...p, prompt: '1+2=?\n', solution: 'A:3' };
    const b = makeBatch([p, { ...short, solution: '' }], tok, entry);
    // Row 0: "1+2=?\nA:3<eos>" = 10 ids -> T = 9; completion targets at t = 5..8 ("A", ":", "3", eos).
    expect(b.T).toBe(9);
    expect(tok.decode(Array.from(b.ids.slice(0, 9)))).toBe('1+2=?\nA:3');
    expect(tok.decode(Array.from(b.targets.slice(0, 9)))).toBe('+2=?\nA:3<eos>');
    expect(Array.from(b.mask.slice(0, 9))).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1]);
    // Row 1 "1+2=?\n<eos>" is padded with eos, masked after its own end.
    expect(Array.from(b.mask.slice(9, 18))).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0]);
    expect(b.completionTokens).toBe(5);
  });

  it('is a pure function of (mix, seed, step)', () => {
    const mix = parseMix('addition:1:1,countdown:1:2');
    const a = trainingBatch(mix, 4, 17, 6, tok);
    expect(trainingBatch(mix, 4, 17, 6, tok)).toEqual(a);
    expect(trainingBatch(mix, 4, 18, 6, tok).ids).not.toEqual(a.ids);
  });

  it('rejects a bad mix', () => {
    expect(() => parseMix('addition:x:1')).toThrow(/bad mix entry/);
    expect(() => parseMix('algebra:1:1')).toThrow(/bad mix entry/);
    expect(() => parseMix('addition:1:0')).toThrow(/bad mix entry/);
  });
});
