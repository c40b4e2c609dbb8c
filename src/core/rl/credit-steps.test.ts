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
  it('CAPO with penalty 2, by hand: token rewards 1 (A), −2 on B’s 15 wrong-step tokens, 0 on its other 8', () => {
    // μ = (23 − 30)/46 = −0.152174; σ (population) = 1.334613; advantage (R − μ)/σ; b_t = −2/σ on wrong steps.
    const { credit } = stepCredit('capo', rows, tok, 'population', { capoPenalty: 2 });
    expect(credit[0].advantage).toBeCloseTo(0.863302, 5);
    expect(credit[1].advantage).toBeCloseTo(0.114021, 5);
    credit[1].add.forEach((x, t) => expect(x).toBeCloseTo(spread(-1.498562, -1.498562, 0)[t], 5));
    expect(credit[0].add.every((x) => x === 0)).toBe(true);
  });
  it('PURE with T = 1 against T = 0.1 on a response with one right and one wrong step, by hand', () => {
    // C: "3*5=15" right, "15+7=23" wrong; rewards as given: A 1, C 0. Step scores [+1, −1]:
    // T = 1:   w = [1/(1+e²), e²/(1+e²)] = [0.119203, 0.880797] → +0.119203 at token 6, −0.880797 at 14;
    //          G_C = −0.761594, −0.880797, 0 → Ã_C = G_C − G_A,0 (2) = −2.761594, −2.880797, −2;
    //          Ã_A = G_A − G_C,0 = (2, 1.5, 1) + 0.761594.
    // T = 0.1: w ≈ [2e-9, 1] → Ã_C ≈ −3, −3, −2 and Ã_A = (2, 1.5, 1) + 1.
    const mixed = { ...rows, responses: [rows.responses[0], ids('3*5=15\n15+7=23\nA:3*5+7')] };
    const at = (T: number) => {
      const { credit } = stepCredit('pure', mixed, tok, 'population', { pureTemperature: T });
      return credit.map((c, r) => combineCredit(c.advantage, mixed.responses[r].length, { add: c.add }));
    };
    const [a1, c1] = at(1);
    c1.forEach((x, t) => expect(x).toBeCloseTo(spread(-2.761594, -2.880797, -2)[t], 5));
    a1.forEach((x, t) => expect(x).toBeCloseTo(spread(2.761594, 2.261594, 1.761594)[t], 5));
    const [a01, c01] = at(0.1);
    c01.forEach((x, t) => expect(x).toBeCloseTo(spread(-3, -3, -2)[t], 5));
    a01.forEach((x, t) => expect(x).toBeCloseTo(spread(3, 2.5, 2)[t], 5));
  });
  it('garbage responses and prompts never throw', () => {
    const bad = { ...rows, prompts: ['?', '💥'], responses: [[eosId], tok.encode('((((((')] };
    expect(() => stepCredit('capo', bad, tok)).not.toThrow();
    expect(() => stepCredit('pure', bad, tok)).not.toThrow();
  });
});
