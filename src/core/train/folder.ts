/**
 * The files a trainable model folder consists of, any family: config.json, the weights (model.safetensors, or
 * model.safetensors.index.json plus the shards it names) and the tokenizer's files. Training reads them once and
 * writes checkpoints that carry the same tokenizer files, so a fine-tuned folder loads like the one it came from.
 * Browser-safe (reads only through ModelFiles).
 */
import { InputError } from '../errors';
import { decodeUtf8, type ModelFiles } from '../io/files';
import { INDEX_FILE, SINGLE_FILE } from '../io/weights';
import { CHAT_TEMPLATE_FILE } from '../chat/load';
import { TOKENIZER_CONFIG_FILE, TOKENIZER_FILE } from '../tokenizer/bpe';
import { CHAR_VOCAB_FILE } from '../tokenizer/char';
import { GENERATION_CONFIG_FILE } from '../tokenizer/load';
import type { Tokenizer } from '../tokenizer/types';
import type { ModelConfig } from '../model/types';
import { encodeExample, heldOutProblems, type MixEntry } from './data';

/** A model folder as bytes, by path inside the folder. */
export type FolderBytes = Record<string, Uint8Array>;

/** Files that carry the tokenizer, its end tokens and its chat template; checkpoints copy those present. */
export const TOKENIZER_FOLDER_FILES = [
  TOKENIZER_FILE,
  TOKENIZER_CONFIG_FILE,
  'special_tokens_map.json',
  GENERATION_CONFIG_FILE,
  CHAT_TEMPLATE_FILE,
  CHAR_VOCAB_FILE,
] as const;

/** The tokenizer files of a folder held in memory (those present). */
export function tokenizerFilesOf(files: FolderBytes): FolderBytes {
  const out: FolderBytes = {};
  for (const f of TOKENIZER_FOLDER_FILES) if (files[f]) out[f] = files[f];
  return out;
}

/** The weight files `files` has: model.safetensors, else the index and every shard it names (in index order). */
async function weightFiles(files: ModelFiles): Promise<FolderBytes> {
  const single = await files.get(SINGLE_FILE);
  if (single) return { [SINGLE_FILE]: single };
  const index = await files.get(INDEX_FILE);
  if (!index) throw new InputError(`no ${SINGLE_FILE} or ${INDEX_FILE} in the model folder`, { file: files.name });
  let map: unknown;
  try {
    map = (JSON.parse(decodeUtf8(index)) as { weight_map?: unknown }).weight_map;
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message})`, { file: `${files.name}/${INDEX_FILE}` });
  }
  if (!map || typeof map !== 'object' || Array.isArray(map)) {
    throw new InputError('must be an object mapping tensor names to shard files', {
      file: `${files.name}/${INDEX_FILE}`,
      field: 'weight_map',
    });
  }
  const out: FolderBytes = { [INDEX_FILE]: index };
  for (const shard of new Set(Object.values(map as Record<string, unknown>))) {
    // readWeights checks the names and contents later; here a missing shard is simply left out.
    if (typeof shard !== 'string' || out[shard]) continue;
    const bytes = await files.get(shard);
    if (bytes) out[shard] = bytes;
  }
  return out;
}

/**
 * config.json, the weights and the tokenizer files of `files` (others, e.g. a zip's README, are left out).
 * Missing config.json or weights → InputError naming the file; a folder without tokenizer files is refused too
 * (training encodes task text).
 */
export async function trainingFolder(files: ModelFiles): Promise<FolderBytes> {
  const config = await files.get('config.json');
  if (!config) throw new InputError('missing file', { file: `${files.name}/config.json` });
  const out: FolderBytes = { 'config.json': config, ...(await weightFiles(files)) };
  let tokenizer = false;
  for (const f of TOKENIZER_FOLDER_FILES) {
    const bytes = await files.get(f);
    if (bytes) out[f] = bytes;
    if (bytes && (f === TOKENIZER_FILE || f === CHAR_VOCAB_FILE)) tokenizer = true;
  }
  if (!tokenizer) {
    throw new InputError(
      `training needs a tokenizer: looked for ${TOKENIZER_FILE} and ${CHAR_VOCAB_FILE} (the tasks' text is encoded with it)`,
      { file: files.name },
    );
  }
  return out;
}

/**
 * Refuses a character vocabulary with fewer ids than the model's vocab_size. This is a consistency check, not a
 * sampling guard: every sampler masks the ids past the tokenizer (config.token_count), so an id without text is never
 * sampled. A char_vocab.json is written with its model (vocab_size = its length), so a shorter one most likely
 * belongs to another model. Hugging Face tokenizers are not checked: their models often pad the embedding past the
 * tokenizer (Qwen's 151936 ids over 151669 tokens), and those padded ids are masked like any other.
 */
export function checkVocabCovers(config: Pick<ModelConfig, 'vocab_size'>, tokenizer: Tokenizer, where: string): void {
  if (tokenizer.kind === 'char' && tokenizer.vocabSize < config.vocab_size) {
    throw new InputError(
      `has ${tokenizer.vocabSize} tokens but the model's vocab_size is ${config.vocab_size}: ids ${tokenizer.vocabSize}..${config.vocab_size - 1} could be sampled and have no text`,
      { file: `${where}/${CHAR_VOCAB_FILE}` },
    );
  }
}

/**
 * Checks up front that a model can be trained on `mix` with `tokenizer`: an end token, the tasks' text encodable
 * (one held-out example per entry), ids inside the model's vocabulary and the example inside its context.
 * InputError naming `where` (the folder) otherwise, instead of a failure in the middle of a run.
 */
export function checkTaskFit(
  config: Pick<ModelConfig, 'vocab_size' | 'n_positions'>,
  tokenizer: Tokenizer,
  mix: MixEntry[],
  where: string,
): void {
  const file = `${where}/${tokenizer.kind === 'char' ? CHAR_VOCAB_FILE : TOKENIZER_FILE}`;
  if (tokenizer.eosId === undefined)
    throw new InputError('training needs a tokenizer with an end token; this one has none', { file });
  checkVocabCovers(config, tokenizer, where);
  for (const entry of mix) {
    const problem = heldOutProblems(entry, 1, 0)[0];
    let ids: number[];
    try {
      ids = encodeExample(problem, tokenizer).ids;
    } catch (e) {
      throw new InputError(
        `the tokenizer cannot encode ${entry.task} level ${entry.level}'s text (${(e as Error).message})`,
        { file },
      );
    }
    const big = ids.find((id) => id >= config.vocab_size);
    if (big !== undefined)
      throw new InputError(`token id ${big} is outside the model's vocabulary (vocab_size ${config.vocab_size})`, {
        file,
      });
    if (ids.length > config.n_positions)
      throw new InputError(
        `a ${entry.task} level ${entry.level} example takes ${ids.length} tokens; the model's context is ${config.n_positions}`,
        { file },
      );
  }
}
