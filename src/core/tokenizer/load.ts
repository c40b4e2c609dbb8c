/**
 * Picks the tokenizer of a model folder: tokenizer.json (Hugging Face, BPE) first, else our char_vocab.json.
 * Browser-safe: reads only through ModelFiles.
 */
import { InputError } from '../errors';
import { decodeUtf8, type ModelFiles } from '../io/files';
import { BpeTokenizer, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE } from './bpe';
import { CHAR_VOCAB_FILE, CharTokenizer } from './char';
import type { Tokenizer } from './types';

/** The files loadTokenizer looks for, in order of preference. */
export const TOKENIZER_FILES = [TOKENIZER_FILE, CHAR_VOCAB_FILE] as const;

export async function loadTokenizer(files: ModelFiles): Promise<Tokenizer> {
  const at = (file: string) => `${files.name}/${file}`;
  const hfBytes = await files.get(TOKENIZER_FILE);
  if (hfBytes) {
    const configBytes = await files.get(TOKENIZER_CONFIG_FILE);
    return new BpeTokenizer(decodeUtf8(hfBytes), configBytes ? decodeUtf8(configBytes) : undefined, {
      fileName: at(TOKENIZER_FILE),
      configFileName: at(TOKENIZER_CONFIG_FILE),
    });
  }
  const charBytes = await files.get(CHAR_VOCAB_FILE);
  if (charBytes) return CharTokenizer.fromVocabJson(decodeUtf8(charBytes), at(CHAR_VOCAB_FILE));
  throw new InputError(`no tokenizer found: looked for ${TOKENIZER_FILES.join(' and ')}`, { file: files.name });
}
