/**
 * Loads a model folder of any supported family: config.json -> tokenizer -> weights -> Decoder. All-or-nothing: on any error (or
 * abort) every tensor uploaded so far is disposed, so the caller can keep its previous model.
 */
import { InputError } from '../errors';
import { decodeUtf8, type ModelFiles } from '../io/files';
import { readWeights } from '../io/weights';
import { IdTokenizer } from '../tokenizer/ids';
import { loadTokenizer, TOKENIZER_FILES } from '../tokenizer/load';
import type { Tokenizer } from '../tokenizer/types';
import { Decoder } from './decoder';
import { parseModelConfig } from './families';
import { withTokenCount } from './sampling';
import type { CausalLM } from './types';

export const CONFIG_FILE = 'config.json';

export interface LoadedModel {
  model: CausalLM;
  tokenizer: Tokenizer;
  /** The files that were read, e.g. ["config.json", "char_vocab.json", "model.safetensors"]. */
  files: string[];
}

export interface LoadOptions {
  onProgress?: (fraction: number, message: string) => void;
  signal?: AbortSignal;
  /** Accept a folder without tokenizer files, naming tokens by id (for callers that only take token ids). */
  tokenizerOptional?: boolean;
  /** Largest tensor one device buffer may hold (WebGPU adapter limits); the head and embedding are split to fit. */
  maxTensorBytes?: number;
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) {
    const reason = signal.reason;
    throw reason instanceof Error ? reason : new DOMException('model loading was aborted', 'AbortError');
  }
}

export async function loadModel(files: ModelFiles, opts: LoadOptions = {}): Promise<LoadedModel> {
  const { onProgress, signal } = opts;
  const at = (file: string) => `${files.name}/${file}`;
  throwIfAborted(signal);

  onProgress?.(0, `reading ${CONFIG_FILE}`);
  const configBytes = await files.get(CONFIG_FILE);
  if (!configBytes) throw new InputError(`no ${CONFIG_FILE} in the model folder`, { file: at(CONFIG_FILE) });
  const parsed = parseModelConfig(decodeUtf8(configBytes), at(CONFIG_FILE));
  throwIfAborted(signal);

  onProgress?.(0.02, 'reading the tokenizer');
  const tokenizer =
    opts.tokenizerOptional && !(await hasTokenizerFile(files))
      ? new IdTokenizer(parsed.vocab_size)
      : await loadTokenizer(files);
  if (tokenizer.vocabSize > parsed.vocab_size) {
    throw new InputError(
      `the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocab_size is ${parsed.vocab_size}`,
      { file: at(CONFIG_FILE), field: 'vocab_size' },
    );
  }
  // A padded vocabulary (vocab_size > the tokenizer's ids): every sampler masks the ids without a token.
  const config = withTokenCount(parsed, tokenizer.vocabSize);
  throwIfAborted(signal);

  // Reading/parsing takes the first 60% of the bar, uploading the rest.
  const source = await readWeights(files, (f, message) => onProgress?.(0.05 + 0.55 * f, message));
  throwIfAborted(signal);

  const model = Decoder.fromSource(config, source, {
    name: files.name,
    onProgress: (f) => onProgress?.(0.6 + 0.4 * f, 'uploading weights'),
    maxTensorBytes: opts.maxTensorBytes,
  });
  try {
    throwIfAborted(signal);
  } catch (e) {
    model.dispose();
    throw e;
  }
  const read = [
    CONFIG_FILE,
    ...(tokenizer.kind === 'ids' ? [] : [tokenizerFileName(tokenizer)]),
    source.fileName.slice(files.name.length + 1) || source.fileName,
  ];
  onProgress?.(1, `loaded ${files.name}: ${(model.numParams / 1e6).toFixed(2)}M parameters`);
  return { model, tokenizer, files: read };
}

async function hasTokenizerFile(files: ModelFiles): Promise<boolean> {
  for (const name of TOKENIZER_FILES) if (await files.get(name)) return true;
  return false;
}

function tokenizerFileName(tokenizer: Tokenizer): string {
  return tokenizer.kind === 'bpe' ? 'tokenizer.json' : tokenizer.kind === 'char' ? 'char_vocab.json' : '(no tokenizer)';
}
