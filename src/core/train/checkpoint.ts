/**
 * Training checkpoints as a Hugging Face model folder plus the optimizer:
 *   config.json, model.safetensors (HF GPT-2 names, tied head), char_vocab.json  — loadable as a model;
 *   optimizer.safetensors (Adam m.<name>, v.<name>), trainer_state.json (step, options, timings) — to resume.
 * Pure (bytes in, bytes out) so it runs anywhere; ./checkpoint-node.ts puts it on disk.
 */
import { InputError } from '../errors';
import { decodeUtf8, type ModelFiles } from '../io/files';
import { parseSafetensors, writeSafetensors, type TensorSource } from '../io/safetensors';
import { parseGPT2Config } from '../model/config';
import type { GPT2Config, ModelConfig } from '../model/types';
import { parseModelConfig } from '../model/families';
import { readWeights } from '../io/weights';
import { CharTokenizer } from '../tokenizer/char';
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
        resid_pdrop: 0,
        embd_pdrop: 0,
        attn_pdrop: 0,
      },
      null,
      2,
    ) + '\n'
  );
}

export function checkpointFiles(
  config: ModelConfig,
  weights: NamedArray[],
  tokenizer: CharTokenizer,
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
    'char_vocab.json': enc.encode(tokenizer.toVocabJson() + '\n'),
  };
  if (optimizer) files['optimizer.safetensors'] = writeSafetensors(optimizer);
  if (state) files['trainer_state.json'] = enc.encode(JSON.stringify(state, null, 2) + '\n');
  return files;
}

export interface LoadedCheckpoint {
  config: GPT2Config;
  weights: NamedArray[];
  tokenizer: CharTokenizer;
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

export async function loadCheckpoint(files: ModelFiles): Promise<LoadedCheckpoint> {
  const config = parseGPT2Config(decodeUtf8(await need(files, 'config.json')), `${files.name}/config.json`);
  const src = parseSafetensors(await need(files, 'model.safetensors'), `${files.name}/model.safetensors`);
  const weights = arrays(src).map((a) => ({ ...a, name: a.name.replace(/^transformer\./, '') }));
  // Training ties the LM head to wte.weight: an untied head would be dropped silently, so refuse it.
  if (src.info('lm_head.weight')) {
    throw new InputError('training ties the LM head to wte.weight; this checkpoint has an untied lm_head.weight', {
      file: `${files.name}/model.safetensors`,
      field: 'lm_head.weight',
    });
  }
  const known = new Set(gpt2ParamShapes(config).map((s) => s.name));
  const tokenizer = CharTokenizer.fromVocabJson(
    decodeUtf8(await need(files, 'char_vocab.json')),
    `${files.name}/char_vocab.json`,
  );
  const optBytes = await files.get('optimizer.safetensors');
  const stateBytes = await files.get('trainer_state.json');
  let state: TrainerState | undefined;
  if (stateBytes) {
    try {
      state = JSON.parse(decodeUtf8(stateBytes)) as TrainerState;
    } catch (e) {
      throw new InputError(`not valid JSON (${(e as Error).message})`, { file: `${files.name}/trainer_state.json` });
    }
    if (!Number.isInteger(state.step) || state.step < 0) {
      throw new InputError('expected a non-negative integer', {
        file: `${files.name}/trainer_state.json`,
        field: 'step',
      });
    }
  }
  return {
    config,
    weights: weights.filter((w) => known.has(w.name)),
    tokenizer,
    optimizer: optBytes ? arrays(parseSafetensors(optBytes, `${files.name}/optimizer.safetensors`)) : undefined,
    state,
  };
}

/** A model folder as the start of RL or fine-tuning: any family, with the task's character vocabulary. */
export interface TrainableCheckpoint {
  config: ModelConfig;
  weights: NamedArray[];
  tokenizer: CharTokenizer;
}

/** GPT-2 folders go through loadCheckpoint (its checks); other families load their weights as stored. */
export async function loadTrainable(files: ModelFiles): Promise<TrainableCheckpoint> {
  const config = parseModelConfig(decodeUtf8(await need(files, 'config.json')), `${files.name}/config.json`);
  if (config.model_type === 'gpt2') return loadCheckpoint(files);
  const tokenizer = CharTokenizer.fromVocabJson(
    decodeUtf8(await need(files, 'char_vocab.json')),
    `${files.name}/char_vocab.json`,
  );
  return { config, weights: arrays(await readWeights(files)), tokenizer };
}
