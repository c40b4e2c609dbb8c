import { describe, expect, it } from 'vitest';
import { isInputError } from '../errors';
import { groupKey, parseAnalyzeJsonl } from './jsonl';

function expectErr(text: string, ...parts: string[]) {
  let err: unknown;
  try {
    parseAnalyzeJsonl(text, 'in.jsonl');
  } catch (e) {
    err = e;
  }
  expect(isInputError(err), `expected an InputError, got ${String(err)}`).toBe(true);
  for (const p of parts) expect((err as Error).message).toContain(p);
}

describe('parseAnalyzeJsonl', () => {
  it('parses text and id records, rewards and groups, skipping blank lines (line numbers are file lines)', () => {
    const text = [
      '\uFEFF{"prompt": "1+1=", "response": "2", "reward": 1, "group": "g1"}',
      '',
      '  ',
      '{"prompt_ids": [1, 2], "response_ids": [3], "reward": -0.5, "group": 7}\r',
      '{"prompt": "", "response": "x", "extra": {"kept": true}}',
    ].join('\n');
    const recs = parseAnalyzeJsonl(text, 'in.jsonl');
    expect(recs).toEqual([
      { line: 1, prompt: '1+1=', response: '2', reward: 1, group: 'g1' },
      { line: 4, promptIds: [1, 2], responseIds: [3], reward: -0.5, group: 7 },
      { line: 5, prompt: '', response: 'x' },
    ]);
    expect(groupKey(7)).not.toBe(groupKey('7'));
  });

  it('rejects bad records naming file:line and field', () => {
    expectErr('', 'in.jsonl', 'no records');
    expectErr('{"prompt":"a","response":"b"}\n{bad', 'in.jsonl:2', 'JSON');
    expectErr('[1]', 'in.jsonl:1', 'object');
    expectErr('{"reward": 1}', 'in.jsonl:1', 'prompt');
    expectErr('{"prompt": "a"}', 'in.jsonl:1', 'field "response"', 'missing');
    expectErr('{"prompt": 3, "response": "b"}', 'in.jsonl:1', 'field "prompt"', 'string');
    expectErr('{"prompt": "a", "response": ""}', 'field "response"', 'empty');
    expectErr('{"prompt": "a", "response": "b", "prompt_ids": [1]}', 'in.jsonl:1', 'not both');
    expectErr('{"prompt_ids": [1], "response_ids": [2, -1]}', 'field "response_ids"', 'entry 1');
    expectErr('{"prompt_ids": [1.5], "response_ids": [2]}', 'field "prompt_ids"', 'entry 0');
    expectErr('{"prompt_ids": "12", "response_ids": [2]}', 'field "prompt_ids"', 'array');
    expectErr('{"prompt_ids": [1], "response_ids": []}', 'field "response_ids"', 'empty');
    expectErr('\n\n{"prompt": "a", "response": "b", "reward": "1"}', 'in.jsonl:3', 'field "reward"');
    expectErr('{"prompt": "a", "response": "b", "group": [1]}', 'field "group"');
    expectErr('{"prompt": "a", "response": "b", "Reward": 1}', 'field "Reward"', 'did you mean');
  });
});
