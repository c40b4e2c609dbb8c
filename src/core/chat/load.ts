/**
 * Finds a model folder's chat template: chat_template.jinja first (transformers 4.43+ writes it there), else
 * tokenizer_config.json's `chat_template` (a string, or a list of named templates of which "default" is used).
 */
import { InputError } from '../errors';
import { decodeUtf8, type ModelFiles } from '../io/files';
import type { ChatTemplateSpec } from './template';

export const CHAT_TEMPLATE_FILE = 'chat_template.jinja';

/** tokenizer_config.json writes special tokens either as a string or as {"content": "..."}. */
export function specialTokenName(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') {
    return (v as { content: string }).content;
  }
  return undefined;
}

/**
 * The template from an already-parsed tokenizer_config.json (may be undefined) and an optional
 * chat_template.jinja text. `at(file)` names a file for errors.
 */
export function chatTemplateFrom(
  config: Record<string, unknown> | undefined,
  jinja: string | undefined,
  at: (file: string) => string,
): ChatTemplateSpec | undefined {
  const bosToken = specialTokenName(config?.bos_token);
  const eosToken = specialTokenName(config?.eos_token);
  if (jinja !== undefined) return { source: jinja, fileName: at(CHAT_TEMPLATE_FILE), bosToken, eosToken };
  const raw = config?.chat_template;
  if (raw === undefined || raw === null) return undefined;
  const file = at('tokenizer_config.json');
  let source: unknown = raw;
  if (Array.isArray(raw)) {
    const named = raw as { name?: unknown; template?: unknown }[];
    source = (named.find((t) => t?.name === 'default') ?? named[0])?.template;
  }
  if (typeof source !== 'string') {
    throw new InputError('expected a string or a list of {name, template}', { file, field: 'chat_template' });
  }
  return { source, fileName: file, bosToken, eosToken };
}

export async function loadChatTemplate(
  files: ModelFiles,
  config: Record<string, unknown> | undefined,
): Promise<ChatTemplateSpec | undefined> {
  const bytes = await files.get(CHAT_TEMPLATE_FILE);
  return chatTemplateFrom(config, bytes ? decodeUtf8(bytes) : undefined, (f) => `${files.name}/${f}`);
}
