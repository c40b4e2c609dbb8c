/**
 * Training checkpoints as a Hugging Face model folder plus the optimizer, any family:
 *   config.json, model.safetensors (HF names; GPT-2 with its tied head) and the tokenizer's files (char_vocab.json,
 *   or tokenizer.json and its companions, copied from the starting folder) — loadable as a model;
 *   optimizer.safetensors (Adam m.<name>, v.<name>), trainer_state.json (step, options, timings) — to resume.
 * Pure (bytes in, bytes out) so it runs anywhere; ./checkpoint-node.ts puts it on disk.
 */
import { InputError } from '../errors';
import { decodeUtf8, type ModelFiles } from '../io/files';
import { parseSafetensors, writeSafetensors, type TensorSource } from '../io/safetensors';
import type { GPT2Config, ModelConfig } from '../model/types';
import { parseModelConfig } from '../model/families';
import { withTokenCount } from '../model/sampling';
import { readWeights } from '../io/weights';
import { CharTokenizer } from '../tokenizer/char';
import { loadTokenizer } from '../tokenizer/load';
import type { Tokenizer } from '../tokenizer/types';
import { checkVocabCovers, TOKENIZER_FOLDER_FILES, type FolderBytes } from './folder';
import type { AdamConfig } from './adam';
import type { MixEntry } from './data';
import { gpt2ParamShapes, type NamedArray } from './gpt2-train';

export interface TrainerState {
  step: number;
  seed: number;
  batch_size: number;
  mix: MixEntry[];
  adam: AdamConfig;
  /** Wall time spent training so far, over all resumed runs. */
  elapsed_s: number;
  examples_seen: number;
  /** Free-form extra fields (command line, machine, last evaluation). */
  [key: string]: unknown;
}

/** config.json text for a GPT-2 with a tied head, HF style. */
export function gpt2ConfigJson(c: Omit<GPT2Config, 'raw'>): string {
  return (
    JSON.stringify(
      {
        model_type: 'gpt2',
        architectures: ['GPT2LMHeadModel'],
        n_layer: c.n_layer,
        n_head: c.n_head,
        n_embd: c.n_embd,
        n_positions: c.n_positions,
        n_ctx: c.n_positions,
        vocab_size: c.vocab_size,
        layer_norm_epsilon: c.layer_norm_epsilon,
        activation_function: c.activation_function,
        bos_token_id: c.bos_token_id,
        eos_token_id: c.eos_token_id,
        tie_word_embeddings: true,
        n_inner: c.n_inner ?? null,
        scale_attn_weights: c.scale_attn_weights ?? true,
        scale_attn_by_inverse_layer_idx: c.scale_attn_by_inverse_layer_idx ?? false,
        resid_pdrop: 0,
        embd_pdrop: 0,
        attn_pdrop: 0,
      },
      null,
      2,
    ) + '\n'
  );
}

/**
 * A checkpoint folder. `tokenizer`: a character vocabulary (written as char_vocab.json) or the starting folder's
 * tokenizer files (LoadedCheckpoint.tokenizerFiles), copied as they are.
 */
export function checkpointFiles(
  config: ModelConfig,
  weights: NamedArray[],
  tokenizer: CharTokenizer | FolderBytes,
  optimizer?: NamedArray[],
  state?: TrainerState,
): Record<string, Uint8Array> {
  const enc = new TextEncoder();
  const files: Record<string, Uint8Array> = {
    // Other families keep the config.json they were loaded with (training changes no hyperparameter).
    'config.json': enc.encode(
      config.model_type === 'gpt2' ? gpt2ConfigJson(config) : JSON.stringify(config.raw, null, 2) + '\n',
    ),
    'model.safetensors': writeSafetensors(weights, { format: 'pt' }),
  };
  if (tokenizer instanceof CharTokenizer) files['char_vocab.json'] = enc.encode(tokenizer.toVocabJson() + '\n');
  else for (const f of TOKENIZER_FOLDER_FILES) if (tokenizer[f]) files[f] = tokenizer[f];
  if (optimizer) files['optimizer.safetensors'] = writeSafetensors(optimizer);
  if (state) files['trainer_state.json'] = enc.encode(JSON.stringify(state, null, 2) + '\n');
  return files;
}

export interface LoadedCheckpoint {
  config: ModelConfig;
  weights: NamedArray[];
  tokenizer: Tokenizer;
  /** The folder's tokenizer files as read, for checkpointFiles. */
  tokenizerFiles: FolderBytes;
  optimizer?: NamedArray[];
  state?: TrainerState;
}

function arrays(src: TensorSource): NamedArray[] {
  return src.names.map((name) => ({ name, shape: src.info(name)!.shape, data: src.getFloat32(name) }));
}

async function need(files: ModelFiles, path: string): Promise<Uint8Array> {
  const bytes = await files.get(path);
  if (!bytes) throw new InputError('missing file', { file: `${files.name}/${path}` });
  return bytes;
}

/** The tokenizer files present in `files` (see TOKENIZER_FOLDER_FILES). */
async function tokenizerFiles(files: ModelFiles): Promise<FolderBytes> {
  const out: FolderBytes = {};
  for (const f of TOKENIZER_FOLDER_FILES) {
    const bytes = await files.get(f);
    if (bytes) out[f] = bytes;
  }
  return out;
}

/**
 * The weights as training holds them. GPT-2: HF names without `transformer.`, only the tensors GPT2Train has, and an
 * untied lm_head.weight refused (training ties the head to wte.weight, so it would be dropped silently). Other
 * families: every stored tensor (DecoderTrain picks its own, an untied lm_head included).
 */
async function trainingWeights(files: ModelFiles, config: ModelConfig): Promise<NamedArray[]> {
  const src = await readWeights(files);
  if (config.model_type !== 'gpt2') return arrays(src);
  if (src.info('lm_head.weight')) {
    throw new InputError('training ties the LM head to wte.weight; this checkpoint has an untied lm_head.weight', {
      file: src.fileName,
      field: 'lm_head.weight',
    });
  }
  const known = new Set(gpt2ParamShapes(config).map((s) => s.name));
  return arrays(src)
    .map((a) => ({ ...a, name: a.name.replace(/^transformer\./, '') }))
    .filter((w) => known.has(w.name));
}

function parseState(bytes: Uint8Array, file: string): TrainerState {
  let state: TrainerState;
  try {
    state = JSON.parse(decodeUtf8(bytes)) as TrainerState;
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message})`, { file });
  }
  if (!Number.isInteger(state.step) || state.step < 0)
    throw new InputError('expected a non-negative integer', { file, field: 'step' });
  return state;
}

/**
 * A model folder of any family as the start (or continuation) of training: config, weights (single file or
 * sharded, any stored dtype, as float32), tokenizer (tokenizer.json, else char_vocab.json) and, when the folder
 * is a checkpoint, Adam's state and trainer_state.json. Bad input → InputError naming the file.
 */
export async function loadCheckpoint(files: ModelFiles): Promise<LoadedCheckpoint> {
  const config = parseModelConfig(decodeUtf8(await need(files, 'config.json')), `${files.name}/config.json`);
  const weights = await trainingWeights(files, config);
  const tokenizer = await loadTokenizer(files);
  const optBytes = await files.get('optimizer.safetensors');
  const stateBytes = await files.get('trainer_state.json');
  return {
    config: withTokenCount(config, tokenizer.vocabSize), // a padded vocabulary's extra ids are never sampled
    weights,
    tokenizer,
    tokenizerFiles: await tokenizerFiles(files),
    optimizer: optBytes ? arrays(parseSafetensors(optBytes, `${files.name}/optimizer.safetensors`)) : undefined,
    state: stateBytes ? parseState(stateBytes, `${files.name}/trainer_state.json`) : undefined,
  };
}

/** A model folder as the start of RL or fine-tuning (loadCheckpoint without the optimizer and trainer state). */
export type TrainableCheckpoint = Pick<LoadedCheckpoint, 'config' | 'weights' | 'tokenizer' | 'tokenizerFiles'>;

/** For RL: also refuses a character vocabulary smaller than the model's (see checkVocabCovers). */
export async function loadTrainable(files: ModelFiles): Promise<TrainableCheckpoint> {
  const { config, weights, tokenizer, tokenizerFiles } = await loadCheckpoint(files);
  checkVocabCovers(config, tokenizer, files.name);
  return { config, weights, tokenizer, tokenizerFiles };
}
