/**
 * Hugging Face tokenizer.json (byte-level BPE such as GPT-2, and whatever else @huggingface/tokenizers
 * supports), wrapped in our Tokenizer interface. Pure JS: works in Node and in the browser.
 */
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { InputError } from '../errors';
import type { ChatTemplateSpec } from '../chat/template';
import { specialTokenName } from '../chat/load';
import { describeChar } from './char';
import { TokenizerError, type Tokenizer } from './types';

export const TOKENIZER_FILE = 'tokenizer.json';
export const TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';

/** Special tokens that end a sequence in common model families, tried when the config names none. */
const EOS_CANDIDATES = ['<|endoftext|>', '</s>', '<|im_end|>', '<eos>', '<|end_of_text|>'];

export interface BpeOptions {
  /** Add the post-processor's special tokens (e.g. a BOS) in encode(). Default false: ids map 1:1 to text. */
  addSpecialTokens?: boolean;
  /** Names used in error messages. */
  fileName?: string;
  configFileName?: string;
  /** `eos_token_id`s of generation_config.json / config.json (number or list), in that order: more stop ids. */
  modelEosIds?: number[];
  chatTemplate?: ChatTemplateSpec;
}

function parseJsonObject(text: string, file: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message})`, { file });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new InputError('expected a JSON object', { file });
  return raw as Record<string, unknown>;
}

/** GPT-2's byte-to-unicode table inverted: 'Ġ' -> 0x20 etc. (printable bytes map to themselves). */
function byteLevelDecoder(): Map<string, number> {
  const map = new Map<string, number>();
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    map.set(String.fromCodePoint(printable ? b : next++), b);
  }
  return map;
}

export class BpeTokenizer implements Tokenizer {
  readonly kind = 'bpe' as const;
  readonly vocabSize: number;
  readonly eosId?: number;
  readonly stopIds: readonly number[];
  readonly chatTemplate?: ChatTemplateSpec;
  private readonly hf: HfTokenizer;
  private readonly addSpecialTokens: boolean;
  /** What the post-processor puts before a text (a BOS), found by encoding a probe with and without it. */
  private readonly promptPrefix: number[];
  private readonly specialIds: Set<number>;
  private readonly byteLevel: Map<string, number> | undefined;
  /** SentencePiece-style vocabularies spell a space as "▁" (Llama 2, Mistral, TinyLlama). */
  private readonly metaspace: boolean;
  /** Byte-level or byte-fallback models can encode any text; others may drop or <unk> a character. */
  private readonly coversAllText: boolean;
  private readonly unkId: number | undefined;
  private readonly charIsKnown = new Map<string, boolean>();

  constructor(tokenizerJson: string, configJson?: string, opts: BpeOptions = {}) {
    const file = opts.fileName ?? TOKENIZER_FILE;
    const json = parseJsonObject(tokenizerJson, file);
    const model = json.model as Record<string, unknown> | undefined;
    if (!model || typeof model !== 'object' || typeof model.vocab !== 'object' || model.vocab === null) {
      throw new InputError('expected an object with a "vocab"', { file, field: 'model' });
    }
    const config =
      configJson === undefined ? {} : parseJsonObject(configJson, opts.configFileName ?? TOKENIZER_CONFIG_FILE);
    try {
      this.hf = new HfTokenizer(json, config);
    } catch (e) {
      throw new InputError(`could not build the tokenizer: ${(e as Error).message}`, { file });
    }
    this.addSpecialTokens = opts.addSpecialTokens ?? false;
    this.promptPrefix = leadingSpecials(this.hf);

    let maxId = -1;
    for (const id of this.hf.get_vocab(true).values()) maxId = Math.max(maxId, id);
    this.vocabSize = maxId + 1;
    this.specialIds = new Set(
      [...this.hf.get_added_tokens_decoder().entries()].filter(([, t]) => t.special).map(([id]) => id),
    );

    // eos: tokenizer_config's eos_token, else the model's first eos_token_id, else a well-known name.
    const modelEos = (opts.modelEosIds ?? []).filter((id) => this.hf.id_to_token(id) !== undefined);
    const configured = specialTokenName(config.eos_token);
    const eosName =
      configured ?? (modelEos.length ? undefined : EOS_CANDIDATES.find((t) => this.hf.token_to_id(t) !== undefined));
    this.eosId = eosName === undefined ? modelEos[0] : this.hf.token_to_id(eosName);
    this.stopIds = [...new Set([...(this.eosId === undefined ? [] : [this.eosId]), ...modelEos])];
    this.chatTemplate = opts.chatTemplate;

    const decoder = json.decoder as { type?: string; decoders?: { type?: string }[] } | null | undefined;
    const isByteLevel =
      decoder?.type === 'ByteLevel' ||
      (decoder?.type === 'Sequence' && !!decoder.decoders?.some((d) => d.type === 'ByteLevel'));
    this.byteLevel = isByteLevel ? byteLevelDecoder() : undefined;
    this.metaspace =
      JSON.stringify(decoder ?? null).includes('"Metaspace"') || JSON.stringify(decoder ?? null).includes('▁');
    const preTokenizer = json.pre_tokenizer as
      { type?: string; pretokenizers?: { type?: string }[] } | null | undefined;
    const byteLevelPre =
      preTokenizer?.type === 'ByteLevel' || !!preTokenizer?.pretokenizers?.some((p) => p.type === 'ByteLevel');
    this.coversAllText = byteLevelPre || model.byte_fallback === true;
    this.unkId = typeof model.unk_token === 'string' ? this.hf.token_to_id(model.unk_token) : undefined;
  }

  encodePrompt(text: string): number[] {
    const ids = this.encode(text);
    if (this.addSpecialTokens || this.promptPrefix.length === 0) return ids;
    const present = this.promptPrefix.every((id, i) => ids[i] === id);
    return present ? ids : [...this.promptPrefix, ...ids];
  }

  encode(text: string): number[] {
    if (text.length === 0) return [];
    const ids = this.hf.encode(text, { add_special_tokens: this.addSpecialTokens }).ids;
    if (!this.coversAllText) this.checkEncodable(text, ids);
    return ids;
  }

  /**
   * The library silently drops characters a vocabulary lacks (or maps them to <unk>); the Tokenizer contract
   * is to refuse instead, naming the character. A character is unknown when encoding it alone gives nothing
   * or <unk>; results are cached per character.
   */
  private checkEncodable(text: string, ids: number[]): void {
    let index = 0;
    for (const ch of text) {
      let known = this.charIsKnown.get(ch);
      if (known === undefined) {
        const alone = this.hf.encode(ch, { add_special_tokens: false }).ids;
        const isUnk = this.unkId !== undefined && alone.includes(this.unkId);
        // Whitespace may legitimately vanish (a Whitespace pre-tokenizer splits on it); other characters may not.
        known = !isUnk && (alone.length > 0 || /\s/u.test(ch));
        this.charIsKnown.set(ch, known);
      }
      if (!known) throw new TokenizerError(`unknown character ${describeChar(ch)} at index ${index}`);
      index += ch.length;
    }
    const unkAt = this.unkId === undefined ? -1 : ids.indexOf(this.unkId);
    if (unkAt >= 0) {
      const unk = JSON.stringify(this.hf.id_to_token(this.unkId!));
      throw new TokenizerError(`the text encodes to the unknown token ${unk} at token ${unkAt}`);
    }
  }

  decode(ids: number[]): string {
    if (ids.length === 0) return ''; // the library rejects an empty list
    ids.forEach((id, i) => this.check(id, i));
    // No clean-up: it would turn "a ." into "a." and break decode(encode(x)) === x.
    return this.hf.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  }

  /**
   * Display text of one token. Byte-level tokens that hold only part of a UTF-8 character (common for
   * CJK and emoji) are shown as their bytes, e.g. "<0xE4><0xB8>", instead of a replacement character.
   */
  tokenString(id: number): string {
    this.check(id);
    const piece = this.hf.id_to_token(id) ?? '';
    if (this.byteLevel && !this.specialIds.has(id)) {
      const bytes: number[] = [];
      for (const ch of piece) {
        const b = this.byteLevel.get(ch);
        if (b === undefined) return this.decode([id]);
        bytes.push(b);
      }
      return decodeBytesForDisplay(new Uint8Array(bytes));
    }
    // Byte-fallback pieces ("<0xE2>") show as they are; decoding one alone would give a replacement character.
    if (this.metaspace && !this.specialIds.has(id)) return piece.replaceAll('▁', ' ');
    return this.decode([id]);
  }

  /** Token ids as the model's vocabulary names them (e.g. "Ġworld"), for debugging. */
  rawToken(id: number): string | undefined {
    return this.hf.id_to_token(id);
  }

  private check(id: number, position?: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize || this.hf.id_to_token(id) === undefined) {
      const where = position === undefined ? '' : ` at position ${position}`;
      throw new TokenizerError(`token id ${id}${where} is outside the vocabulary (0..${this.vocabSize - 1})`);
    }
  }
}

/** UTF-8 bytes to text; invalid or incomplete sequences become "<0xNN>" so nothing is silently lost. */
export function decodeBytesForDisplay(bytes: Uint8Array): string {
  const strict = new TextDecoder('utf-8', { fatal: true });
  try {
    return strict.decode(bytes);
  } catch {
    let out = '';
    let i = 0;
    while (i < bytes.length) {
      const len = utf8Length(bytes[i]);
      if (len > 0 && i + len <= bytes.length) {
        try {
          out += strict.decode(bytes.subarray(i, i + len));
          i += len;
          continue;
        } catch {
          // fall through: show this byte raw
        }
      }
      out += `<0x${bytes[i].toString(16).toUpperCase().padStart(2, '0')}>`;
      i += 1;
    }
    return out;
  }
}

function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** The ids a tokenizer's post-processor adds before a text (e.g. [BOS]); [] when it adds none there. */
function leadingSpecials(hf: HfTokenizer): number[] {
  const plain = hf.encode('a', { add_special_tokens: false }).ids;
  const full = hf.encode('a', { add_special_tokens: true }).ids;
  for (let at = 0; at + plain.length <= full.length; at++) {
    if (plain.every((id, i) => full[at + i] === id)) return full.slice(0, at);
  }
  return [];
}
