/**
 * Text prompts get the tokenizer's start token as Hugging Face's `tokenizer(prompt)` adds it: a tiny random Llama
 * with a SentencePiece-style tokenizer whose post-processor puts <s> (id 1) ahead of a text and </s> behind it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAttentionDump } from '../core/io/dump';
import { writeSafetensors } from '../core/io/safetensors';
import { randomLlama, randomLlamaConfigJson, type RandomLlamaShape } from '../core/model/testing/randomModel';
import { readJsonl, runCli } from './testing/run-cli';

const SP = fileURLToPath(new URL('../core/tokenizer/testdata/sp-byte-fallback.tokenizer.json', import.meta.url));
const SHAPE: RandomLlamaShape = { layers: 2, heads: 2, kvHeads: 1, hidden: 16, inner: 32, vocab: 300, context: 64 };

/** The test tokenizer with a Llama-2-style template: "<s> $A </s>" (only the <s> belongs to a prompt). */
function tokenizerWithBos(): string {
  const j = JSON.parse(readFileSync(SP, 'utf8'));
  const tok = (id: string) => ({ SpecialToken: { id, type_id: 0 } });
  j.post_processor = {
    type: 'TemplateProcessing',
    single: [tok('<s>'), { Sequence: { id: 'A', type_id: 0 } }, tok('</s>')],
    pair: [tok('<s>'), { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: {
      '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] },
      '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] },
    },
  };
  return JSON.stringify(j);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rs-bos-'));
  const { source } = randomLlama(SHAPE);
  const tensors = source.names.map((name) => ({
    name,
    shape: source.info(name)!.shape,
    data: source.getFloat32(name),
  }));
  writeFileSync(join(dir, 'config.json'), randomLlamaConfigJson(SHAPE));
  writeFileSync(join(dir, 'model.safetensors'), writeSafetensors(tensors));
  writeFileSync(join(dir, 'tokenizer.json'), tokenizerWithBos());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a text prompt starts with the tokenizer start token', () => {
  it('analyze: <s> ahead of the prompt once (also when the text has it), none on the response; ids as given', async () => {
    const input = join(dir, 'in.jsonl');
    const lines = [
      { prompt: 'ab', response: 'cd' },
      { prompt: '<s>ab', response: 'cd' },
      { prompt_ids: [5, 6], response_ids: [7] },
    ];
    writeFileSync(input, lines.map((l) => JSON.stringify(l)).join('\n'));
    const out = join(dir, 'out.jsonl');
    const r = await runCli(['analyze', '--model', dir, '--input', input, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const recs = readJsonl(out);
    expect(recs[0].token_ids[0]).toBe(1);
    expect(recs[0].token_ids.filter((id: number) => id === 1 || id === 2)).toEqual([1]);
    expect(recs[0].tokens[0]).toBe('<s>');
    expect(recs[1].token_ids).toEqual(recs[0].token_ids);
    expect(recs[1].prompt_length).toBe(recs[0].prompt_length);
    expect(recs[0].prompt_length).toBe(recs[0].token_ids.length - recs[0].waad.length);
    expect(recs[2].token_ids).toEqual([5, 6, 7]);
  });

  it('forward --prompt: the dump starts with <s>', async () => {
    const out = join(dir, 'f.safetensors');
    const r = await runCli(['forward', '--model', dir, '--prompt', 'ab', '--response', 'c', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const dump = parseAttentionDump(new Uint8Array(readFileSync(out)), 'f.safetensors');
    expect(dump.tokenIds?.[0]).toBe(1);
    expect(dump.tokenIds?.filter((id) => id === 1)).toHaveLength(1);
  });
});
