/**
 * Chat templates: the Jinja program a model ships (chat_template.jinja or tokenizer_config.json's
 * `chat_template`) that turns a list of messages into the exact text the model was trained on.
 * Rendered with @huggingface/jinja (pure JS: Node and browser).
 */
import { Template } from '@huggingface/jinja';
import { InputError } from '../errors';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Plain data (crosses the worker boundary): the template's text and the special tokens it may print. */
export interface ChatTemplateSpec {
  source: string;
  /** Where the template came from, for error messages (e.g. "Qwen3-0.6B/chat_template.jinja"). */
  fileName: string;
  bosToken?: string;
  eosToken?: string;
}

export interface RenderOptions {
  /** Append the assistant turn's opening so the model answers next. Default true. */
  addGenerationPrompt?: boolean;
  /** Qwen3-style templates: false asks for an answer without a thinking block. Default true. */
  enableThinking?: boolean;
}

/** Templates that read `enable_thinking` (Qwen3) can switch the thinking block off. */
export function supportsThinking(spec: ChatTemplateSpec): boolean {
  return /\benable_thinking\b/.test(spec.source);
}

export class ChatTemplate {
  readonly spec: ChatTemplateSpec;
  private readonly program: Template;

  constructor(spec: ChatTemplateSpec) {
    this.spec = spec;
    try {
      this.program = new Template(spec.source);
    } catch (e) {
      throw new InputError(`the chat template does not parse: ${(e as Error).message}`, { file: spec.fileName });
    }
  }

  get supportsThinking(): boolean {
    return supportsThinking(this.spec);
  }

  render(messages: ChatMessage[], opts: RenderOptions = {}): string {
    const vars: Record<string, unknown> = {
      messages,
      add_generation_prompt: opts.addGenerationPrompt ?? true,
      bos_token: this.spec.bosToken ?? '',
      eos_token: this.spec.eosToken ?? '',
    };
    // Only pass enable_thinking when asked to switch it off, as transformers does when the caller omits it.
    if (opts.enableThinking === false) vars.enable_thinking = false;
    try {
      return this.program.render(vars);
    } catch (e) {
      throw new InputError(`the chat template failed: ${(e as Error).message}`, { file: this.spec.fileName });
    }
  }

  /** One user turn plus the generation prompt: what `--chat` and the workbench's chat toggle send to the model. */
  wrapPrompt(prompt: string, opts: Omit<RenderOptions, 'addGenerationPrompt'> = {}): string {
    return this.render([{ role: 'user', content: prompt }], { ...opts, addGenerationPrompt: true });
  }
}
