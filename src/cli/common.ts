/** Helpers shared by the CLI commands (Node-only). */
import { access, constants } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError, isInputError } from '../core/errors';
import { ChatTemplate } from '../core/chat/template';
import type { ModelFiles } from '../core/io/files';
import type { AnalyzeInput } from '../core/io/jsonl';
import { isDirectory, openModelFiles } from '../core/io/node-files';
import { loadModel, type LoadedModel } from '../core/model/load';
import type { Tokenizer } from '../core/tokenizer/types';
import type { FlagSpec } from './args';
import { resolveModelPath } from './model-path';

/** A progress line on stderr, so stdout stays clean for data. */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

/**
 * Opens `--model`: a folder, a .zip, a Hugging Face cache snapshot folder, or ORG/NAME[@REV] from the local cache
 * (model-path.ts). A cached model is named by its repo id.
 */
export async function openModel(arg: string, flag = '--model'): Promise<ModelFiles> {
  const where = await resolveModelPath(arg, flag);
  if (where.path !== arg) note(`[model] ${arg}: ${where.path}`);
  const files = await openModelFiles(where.path, flag);
  return where.repoId ? { ...files, name: where.repoId } : files;
}

/** Loads a model (see openModel), reporting progress on stderr. */
export async function loadModelDir(
  dir: string,
  flag = '--model',
  opts: { tokenizerOptional?: boolean } = {},
): Promise<LoadedModel> {
  let last = '';
  const loaded = await loadModel(await openModel(dir, flag), {
    tokenizerOptional: opts.tokenizerOptional,
    onProgress: (_fraction, message) => {
      if (message !== last) note(`[model] ${message}`); // one line per stage, not per tensor
      last = message;
    },
  });
  return loaded;
}

/** Fails early (before any slow work) when the output's directory is missing or not writable. */
export async function checkOutputPath(path: string, flag = '--out'): Promise<void> {
  const dir = dirname(resolve(path));
  if (!(await isDirectory(dir))) throw new InputError(`directory ${dir} does not exist`, { file: path, field: flag });
  try {
    await access(dir, constants.W_OK);
  } catch {
    throw new InputError(`directory ${dir} is not writable`, { file: path, field: flag });
  }
  if (await isDirectory(path)) throw new InputError('is a directory', { file: path, field: flag });
}

/** Checks token ids against the model's vocabulary and context. */
export function checkIds(ids: number[], vocabSize: number, maxPositions: number, field: string): void {
  if (ids.length === 0) throw new InputError('no tokens', { field });
  const bad = ids.findIndex((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
  if (bad >= 0)
    throw new InputError(`token id ${ids[bad]} (position ${bad}) is outside the vocabulary [0, ${vocabSize})`, {
      field,
    });
  if (ids.length > maxPositions) {
    throw new InputError(`${ids.length} tokens exceed the model's context of ${maxPositions} (n_positions)`, { field });
  }
}

export function formatBytes(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`;
}

/** `--chat` and `--no-thinking`, shared by the commands that take prompts. */
export const CHAT_FLAGS = {
  chat: {
    type: 'boolean',
    help: "wrap each prompt in the model's chat template (a user turn + the assistant's opening)",
  },
  thinking: {
    type: 'boolean',
    default: true,
    help: 'with --chat on Qwen3-style templates: --no-thinking asks for no thinking block',
  },
} as const satisfies Record<string, FlagSpec>;

/**
 * The prompt as the model should see it: unchanged without --chat, else one user turn rendered by the model's chat
 * template with the generation prompt on. Returns a function so the template is compiled once per command.
 */
export function promptWrapper(
  tokenizer: Tokenizer,
  a: { chat?: boolean; thinking?: boolean },
): (prompt: string) => string {
  if (!a.chat) {
    if (a.thinking === false) note('note: --no-thinking has no effect without --chat');
    return (p) => p;
  }
  const spec = tokenizer.chatTemplate;
  if (!spec) {
    throw new InputError(
      "the model has no chat template (looked for chat_template.jinja and tokenizer_config.json's chat_template)",
      {
        field: '--chat',
      },
    );
  }
  const template = new ChatTemplate(spec);
  if (a.thinking === false && !template.supportsThinking)
    note(`note: --no-thinking: ${spec.fileName} has no thinking switch`);
  return (p) => template.wrapPrompt(p, { enableThinking: a.thinking !== false });
}

/**
 * One JSONL input line → token ids of prompt ⊕ response (`wrap` applies a chat template to a text prompt; ids are
 * taken as given). Errors name the file, the line and the field.
 */
export function encodeInput(
  input: AnalyzeInput,
  { model, tokenizer }: LoadedModel,
  file: string,
  wrap: (prompt: string) => string = (prompt) => prompt,
) {
  const where = (field: string) => ({ file, line: input.line, field });
  let promptIds: number[];
  let responseIds: number[];
  try {
    promptIds = input.promptIds ?? tokenizer.encodePrompt(wrap(input.prompt!));
    responseIds = input.responseIds ?? tokenizer.encode(input.response!);
  } catch (e) {
    if (e instanceof Error && e.name === 'TokenizerError')
      throw new InputError(e.message, where(input.promptIds ? 'response' : 'prompt'));
    throw e;
  }
  const field = input.promptIds ? 'response_ids' : 'response';
  if (responseIds.length === 0) throw new InputError('encodes to no tokens', where(field));
  const ids = [...promptIds, ...responseIds];
  try {
    checkIds(ids, model.config.vocab_size, model.config.n_positions, field);
  } catch (e) {
    throw isInputError(e)
      ? new InputError(e.reason, where(input.promptIds ? 'prompt_ids/response_ids' : 'prompt/response'))
      : e;
  }
  return { ids, promptLength: promptIds.length, tokens: ids.map((id) => tokenizer.tokenString(id)) };
}
