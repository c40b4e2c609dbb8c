/**
 * Picks the tokenizer of a model folder: tokenizer.json (Hugging Face, BPE) first, else our char_vocab.json.
 * With tokenizer.json it also reads the end-of-sequence ids (tokenizer_config.json, generation_config.json,
 * config.json) and the chat template (chat_template.jinja or tokenizer_config.json). Browser-safe: reads only
 * through ModelFiles.
 */
import { loadChatTemplate } from '../chat/load';
import { InputError } from '../errors';
import { decodeUtf8, type ModelFiles } from '../io/files';
import { BpeTokenizer, TOKENIZER_CONFIG_FILE, TOKENIZER_FILE } from './bpe';
import { CHAR_VOCAB_FILE, CharTokenizer } from './char';
import type { Tokenizer } from './types';

/** The files loadTokenizer looks for, in order of preference. */
export const TOKENIZER_FILES = [TOKENIZER_FILE, CHAR_VOCAB_FILE] as const;
export const GENERATION_CONFIG_FILE = 'generation_config.json';

export async function loadTokenizer(files: ModelFiles): Promise<Tokenizer> {
  const at = (file: string) => `${files.name}/${file}`;
  const hfBytes = await files.get(TOKENIZER_FILE);
  if (hfBytes) {
    const configText = await readText(files, TOKENIZER_CONFIG_FILE);
    const config = configText === undefined ? undefined : parseObject(configText, at(TOKENIZER_CONFIG_FILE));
    const modelEosIds = [...(await eosIdsOf(files, GENERATION_CONFIG_FILE)), ...(await eosIdsOf(files, 'config.json'))];
    return new BpeTokenizer(decodeUtf8(hfBytes), configText, {
      fileName: at(TOKENIZER_FILE),
      configFileName: at(TOKENIZER_CONFIG_FILE),
      modelEosIds,
      chatTemplate: await loadChatTemplate(files, config),
    });
  }
  const charBytes = await files.get(CHAR_VOCAB_FILE);
  if (charBytes) {
    const tok = CharTokenizer.fromVocabJson(decodeUtf8(charBytes), at(CHAR_VOCAB_FILE));
    tok.chatTemplate = await loadChatTemplate(files, undefined); // chat_template.jinja only
    return tok;
  }
  throw new InputError(`no tokenizer found: looked for ${TOKENIZER_FILES.join(' and ')}`, { file: files.name });
}

async function readText(files: ModelFiles, file: string): Promise<string | undefined> {
  const bytes = await files.get(file);
  return bytes ? decodeUtf8(bytes) : undefined;
}

function parseObject(text: string, file: string): Record<string, unknown> {
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

/** `eos_token_id` of a JSON file: a number or a list of numbers; absent file or key → []. */
async function eosIdsOf(files: ModelFiles, file: string): Promise<number[]> {
  const text = await readText(files, file);
  if (text === undefined) return [];
  const v = parseObject(text, `${files.name}/${file}`).eos_token_id;
  const list = Array.isArray(v) ? v : [v];
  return list.filter((id): id is number => Number.isInteger(id) && (id as number) >= 0);
}
