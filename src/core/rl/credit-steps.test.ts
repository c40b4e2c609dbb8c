import { describe, expect, it } from 'vitest';
import { EOS_TOKEN, TASK_TOKENS } from '../tasks/index';
import { checkSteps } from '../tasks/steps';
import { CharTokenizer } from '../tokenizer/char';
import { stepCredit, stepOfTokens, tokenCharStarts } from './credit-steps';
import { combineCredit } from './token-credit';

const tok = new CharTokenizer([...TASK_TOKENS], { eosToken: EOS_TOKEN });
const eosId = tok.eosId!;
const ids = (text: string) => [...tok.encode(text), eosId];

describe('tokens of the steps', () => {
  it('character offsets: one per character, or from decoded prefixes when pieces do not add up', () => {
    expect(tokenCharStarts(tok, tok.encode('12+3'))).toEqual([0, 1, 2, 3, 4]);
    // Ids 1 and 2 are the two halves of "é": alone each decodes to U+FFFD.
    const halves = {
      decode: (xs: number[]) =>
        xs
          .map((x, i) =>
            x === 0 ? 'x' : x === 1 ? (xs[i + 1] === 2 ? 'é' : '\uFFFD') : xs[i - 1] === 1 ? '' : '\uFFFD',
          )
          .join(''),
    };
    expect(tokenCharStarts(halves, [0, 1, 2, 0])).toEqual([0, 1, 2, 2, 3]);
  });
  it('a token belongs to the line it starts in (with the line’s "\\n"); answer and end token to none', () => {
    const completion = '3*5=15\n15+7=22\nA:3*5+7';
    const check = checkSteps('countdown', '3,5,7=22?\n', completion);
    const n = completion.length + 1; // + end token
    const { step } = stepOfTokens(check, tokenCharStarts(tok, tok.encode(completion)), n);
    expect(Array.from(step)).toEqual([...new Array(7).fill(0), ...new Array(8).fill(1), ...new Array(8).fill(-1)]);
  });
});

describe('stepCredit', () => {
  // A: both steps right (reward 1); B: "3*5=16" wrong, then 16 is not available (reward 0). 23 tokens each:
  // step 0 = tokens 0–6, step 1 = tokens 7–14, answer and end token 15–22.
  const rows = {
    task: 'countdown' as const,
    prompts: ['3,5,7=22?\n', '3,5,7=22?\n'],
    responses: [ids('3*5=15\n15+7=22\nA:3*5+7'), ids('3*5=16\n16+7=23\nA:3*5+7')],
    rewards: [1, 0],
    group: 2,
    eosId,
  };
  const spread = (a: number, b: number, c: number) => [
    ...new Array(7).fill(a),
    ...new Array(8).fill(b),
    ...new Array(8).fill(c),
  ];
  it('PURE: ±½ per step (two steps, equal weights), outcome, RLOO baseline (hand-worked)', () => {
    // A: +0.5 at tokens 6 and 14, G₀ = 1 + 1 = 2; B: −0.5 at 6 and 14, G₀ = 0 − 1 = −1.
    // Ã_A = G_A,t − (−1): 3, 2.5, 2;  Ã_B = G_B,t − 2: −3, −2.5, −2.
    const { credit, wrongTokens } = stepCredit('pure', rows, tok);
    expect(wrongTokens).toEqual([0, 15]);
    const got = credit.map((c, r) => combineCredit(c.advantage, rows.responses[r].length, { add: c.add }));
    got[0].forEach((x, t) => expect(x).toBeCloseTo(spread(3, 2.5, 2)[t], 9));
    got[1].forEach((x, t) => expect(x).toBeCloseTo(spread(-3, -2.5, -2)[t], 9));
  });
  it('CAPO: the wrong steps’ tokens, and only they, get the penalty term', () => {
    const { credit } = stepCredit('capo', rows, tok);
    expect(credit[0].add.every((x) => x === 0)).toBe(true);
    expect(credit[1].add.map((x) => x < 0)).toEqual(spread(1, 1, 0).map(Boolean));
  });
  it('garbage responses and prompts never throw', () => {
    const bad = { ...rows, prompts: ['?', '💥'], responses: [[eosId], tok.encode('((((((')] };
    expect(() => stepCredit('capo', bad, tok)).not.toThrow();
    expect(() => stepCredit('pure', bad, tok)).not.toThrow();
  });
});
