import type { ChatTemplateSpec } from '../chat/template';

/** A tokenizer turns text into ids and back; `tokenStrings` gives each id's display text. */
export interface Tokenizer {
  /** 'ids': no tokenizer files; tokens are named by id and text cannot be encoded (see ids.ts). */
  readonly kind: 'char' | 'bpe' | 'ids';
  readonly vocabSize: number;
  /** Id that ends a sequence, when the vocabulary has one. */
  readonly eosId?: number;
  /** Every id that ends a generation: eosId plus generation_config.json / config.json `eos_token_id`s. */
  readonly stopIds?: readonly number[];
  /** The model's chat template, when the folder has one (see src/core/chat). */
  readonly chatTemplate?: ChatTemplateSpec;
  /** Throws a TokenizerError naming the offending character and its position when text can't be encoded. */
  encode(text: string): number[];
  /**
   * Text that starts a sequence (a prompt): the tokenizer's own leading special tokens, as Hugging Face's
   * `tokenizer(text)` adds them (Llama 3's <|begin_of_text|>, Llama 2's <s>; none for GPT-2 or Qwen), unless the
   * text already begins with them (a rendered chat template), then encode(text).
   */
  encodePrompt(text: string): number[];
  decode(ids: number[]): string;
  /** Display text of one token (for token strips; rendered as text, never as HTML). */
  tokenString(id: number): string;
}

export class TokenizerError extends Error {
  override name = 'TokenizerError';
}
