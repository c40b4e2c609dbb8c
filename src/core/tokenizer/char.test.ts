import { describe, expect, it } from 'vitest';
import { InputError } from '../errors';
import { CharTokenizer, describeChar } from './char';
import { TokenizerError } from './types';

const VOCAB = ['<eos>', '\n', ' ', '0', '1', '+', '=', '<', 'e', '👍', '<pad>'];

describe('CharTokenizer', () => {
  const tok = new CharTokenizer(VOCAB, { eosToken: '<eos>' });

  it('maps each character to its index and knows eos', () => {
    expect(tok.kind).toBe('char');
    expect(tok.vocabSize).toBe(11);
    expect(tok.eosId).toBe(0);
    expect(tok.encode('10+1=')).toEqual([4, 3, 5, 4, 6]);
    expect(tok.encode('')).toEqual([]);
  });

  it('matches special tokens whole and greedily, else one character', () => {
    // "<eos>" is one token; a lone "<" followed by "e" is two characters.
    expect(tok.encode('1<eos>')).toEqual([4, 0]);
    expect(tok.encode('<e')).toEqual([7, 8]);
    expect(tok.encode('<pad><eos>\n')).toEqual([10, 0, 1]);
  });

  it('treats an astral character (one code point, two UTF-16 units) as one token', () => {
    expect(tok.encode('👍 1')).toEqual([9, 2, 4]);
    expect(tok.decode([9, 2, 4])).toBe('👍 1');
  });

  it('round-trips, special tokens included', () => {
    for (const s of ['', '0 1\n+<eos>', '<pad>👍<e=']) expect(tok.decode(tok.encode(s))).toBe(s);
  });

  it('names an unknown character, its code point and index', () => {
    expect(() => tok.encode('10+é')).toThrow(TokenizerError);
    expect(() => tok.encode('10+é')).toThrow('unknown character "é" (U+00E9) at index 3');
    expect(() => tok.encode('1👍\t')).toThrow('unknown character "\\t" (U+0009) at index 3');
    expect(() => tok.encode('😀')).toThrow('(U+1F600) at index 0');
  });

  it('rejects ids outside the vocabulary', () => {
    expect(() => tok.decode([1, 11])).toThrow('token id 11 at position 1 is outside the vocabulary (0..10)');
    expect(() => tok.decode([-1])).toThrow(TokenizerError);
    expect(() => tok.tokenString(1.5)).toThrow(TokenizerError);
    expect(tok.tokenString(0)).toBe('<eos>');
  });

  it('rejects bad constructor input', () => {
    expect(() => new CharTokenizer([])).toThrow(TokenizerError);
    expect(() => new CharTokenizer(['a', 'a'])).toThrow('repeats token 0');
    expect(() => new CharTokenizer(['a'], { eosToken: '<eos>' })).toThrow('not in the vocabulary');
    expect(new CharTokenizer(['a']).eosId).toBeUndefined();
  });

  it('describes characters', () => {
    expect(describeChar('é')).toBe('"é" (U+00E9)');
    expect(describeChar('\n')).toBe('"\\n" (U+000A)');
  });
});

describe('char_vocab.json', () => {
  const good = JSON.stringify({ type: 'char', tokens: VOCAB, eos_token: '<eos>' });

  it('round-trips through toVocabJson', () => {
    const tok = CharTokenizer.fromVocabJson(good, 'm/char_vocab.json');
    expect(tok.eosId).toBe(0);
    expect(JSON.parse(tok.toVocabJson())).toEqual(JSON.parse(good));
    const noEos = CharTokenizer.fromVocabJson('{"type":"char","tokens":["a","b"]}');
    expect(noEos.eosId).toBeUndefined();
    expect(JSON.parse(noEos.toVocabJson())).toEqual({ type: 'char', tokens: ['a', 'b'] });
  });

  const bad: [string, string, string][] = [
    ['{"type":', '', 'not valid JSON'],
    ['[1,2]', '', 'expected a JSON object'],
    ['{"type":"bpe","tokens":["a"]}', 'type', 'expected "char", got "bpe"'],
    ['{"tokens":["a"]}', 'type', 'expected "char"'],
    ['{"type":"char"}', 'tokens', 'non-empty array'],
    ['{"type":"char","tokens":[]}', 'tokens', 'non-empty array'],
    ['{"type":"char","tokens":["a",3]}', 'tokens', 'entry 1 is 3'],
    ['{"type":"char","tokens":["a",""]}', 'tokens', 'entry 1 is ""'],
    ['{"type":"char","tokens":["a","b","a"]}', 'tokens', 'entry 2 "a" duplicates entry 0'],
    ['{"type":"char","tokens":["a"],"eos_token":"<eos>"}', 'eos_token', '"<eos>" is not one of the tokens'],
    ['{"type":"char","tokens":["a"],"eos_token":5}', 'eos_token', 'not one of the tokens'],
  ];
  it.each(bad)('rejects %s', (text, field, message) => {
    let err: unknown;
    try {
      CharTokenizer.fromVocabJson(text, 'tiny/char_vocab.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const e = err as InputError;
    expect(e.where.file).toBe('tiny/char_vocab.json');
    if (field) expect(e.where.field).toBe(field);
    expect(e.message).toContain('tiny/char_vocab.json');
    expect(e.message).toContain(message);
  });
});
