/**
 * Character tokenizer for the built-in small models: one id per Unicode code point, plus special tokens
 * (any vocabulary entry longer than one code point, e.g. "<eos>") that are matched whole.
 * Vocabulary file: char_vocab.json, documented in ./README.md.
 */
import type { ChatTemplateSpec } from '../chat/template';
import { InputError } from '../errors';
import { TokenizerError, type Tokenizer } from './types';

export const CHAR_VOCAB_FILE = 'char_vocab.json';

/** `"é" (U+00E9)` — the character JSON-escaped (so control characters stay visible) and its code point. */
export function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return `${JSON.stringify(ch)} (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
}

function isSingleCodePoint(s: string): boolean {
  const cp = s.codePointAt(0);
  return cp !== undefined && s.length === (cp > 0xffff ? 2 : 1);
}

export class CharTokenizer implements Tokenizer {
  readonly kind = 'char' as const;
  readonly vocabSize: number;
  readonly eosId?: number;
  readonly tokens: readonly string[];
  /** A chat_template.jinja beside char_vocab.json (set by loadTokenizer). */
  chatTemplate?: ChatTemplateSpec;
  private readonly idOf = new Map<string, number>();
  /** Multi-code-point tokens, longest first, so the greedy match prefers "<eos>" over "<e". */
  private readonly specials: string[];

  constructor(tokens: string[], opts: { eosToken?: string } = {}) {
    if (tokens.length === 0) throw new TokenizerError('a character vocabulary needs at least one token');
    tokens.forEach((t, i) => {
      if (typeof t !== 'string' || t.length === 0) throw new TokenizerError(`token ${i} must be a non-empty string`);
      if (this.idOf.has(t))
        throw new TokenizerError(`token ${i} ${JSON.stringify(t)} repeats token ${this.idOf.get(t)}`);
      this.idOf.set(t, i);
    });
    this.tokens = [...tokens];
    this.vocabSize = tokens.length;
    this.specials = tokens.filter((t) => !isSingleCodePoint(t)).sort((a, b) => b.length - a.length);
    if (opts.eosToken !== undefined) {
      const id = this.idOf.get(opts.eosToken);
      if (id === undefined)
        throw new TokenizerError(`eos token ${JSON.stringify(opts.eosToken)} is not in the vocabulary`);
      this.eosId = id;
    }
  }

  /** Parses and validates char_vocab.json; every problem is an InputError naming the file and the field. */
  static fromVocabJson(text: string, fileName: string = CHAR_VOCAB_FILE): CharTokenizer {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new InputError(`not valid JSON (${(e as Error).message})`, { file: fileName });
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new InputError('expected a JSON object {"type": "char", "tokens": [...], "eos_token": ...}', {
        file: fileName,
      });
    }
    const obj = raw as Record<string, unknown>;
    if (obj.type !== 'char') {
      throw new InputError(`expected "char", got ${JSON.stringify(obj.type) ?? 'nothing'}`, {
        file: fileName,
        field: 'type',
      });
    }
    const tokens = obj.tokens;
    if (!Array.isArray(tokens) || tokens.length === 0) {
      throw new InputError('expected a non-empty array of strings', { file: fileName, field: 'tokens' });
    }
    const seen = new Map<string, number>();
    tokens.forEach((t, i) => {
      if (typeof t !== 'string' || t.length === 0) {
        throw new InputError(`entry ${i} is ${JSON.stringify(t)}, expected a non-empty string`, {
          file: fileName,
          field: 'tokens',
        });
      }
      const prev = seen.get(t);
      if (prev !== undefined) {
        throw new InputError(`entry ${i} ${JSON.stringify(t)} duplicates entry ${prev}`, {
          file: fileName,
          field: 'tokens',
        });
      }
      seen.set(t, i);
    });
    const eos = obj.eos_token;
    if (eos !== undefined && eos !== null) {
      if (typeof eos !== 'string' || !seen.has(eos)) {
        throw new InputError(`${JSON.stringify(eos)} is not one of the tokens`, { file: fileName, field: 'eos_token' });
      }
    }
    return new CharTokenizer(tokens as string[], { eosToken: (eos as string | null | undefined) ?? undefined });
  }

  toVocabJson(): string {
    const out: Record<string, unknown> = { type: 'char', tokens: this.tokens };
    if (this.eosId !== undefined) out.eos_token = this.tokens[this.eosId];
    return JSON.stringify(out);
  }

  /** A character vocabulary has no start token. */
  encodePrompt(text: string): number[] {
    return this.encode(text);
  }

  encode(text: string): number[] {
    const ids: number[] = [];
    let i = 0;
    outer: while (i < text.length) {
      for (const s of this.specials) {
        if (text.startsWith(s, i)) {
          ids.push(this.idOf.get(s)!);
          i += s.length;
          continue outer;
        }
      }
      const cp = text.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      const id = this.idOf.get(ch);
      if (id === undefined) throw new TokenizerError(`unknown character ${describeChar(ch)} at index ${i}`);
      ids.push(id);
      i += ch.length;
    }
    return ids;
  }

  decode(ids: number[]): string {
    let out = '';
    ids.forEach((id, i) => {
      out += this.tokenAt(id, i);
    });
    return out;
  }

  tokenString(id: number): string {
    return this.tokenAt(id);
  }

  private tokenAt(id: number, position?: number): string {
    const tok = Number.isInteger(id) ? this.tokens[id] : undefined;
    if (tok === undefined) {
      const where = position === undefined ? '' : ` at position ${position}`;
      throw new TokenizerError(`token id ${id}${where} is outside the vocabulary (0..${this.vocabSize - 1})`);
    }
    return tok;
  }
}
