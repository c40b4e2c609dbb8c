/**
 * The workbench's chat toggles: when the loaded model ships a chat template, the prompt box's text is sent as one
 * user turn rendered by that template (generation prompt on), and Qwen3-style templates get a thinking switch.
 */
import { ChatTemplate, supportsThinking, type ChatTemplateSpec } from '../../core/chat/template';
import type { ModelInfo } from '../../worker/protocol';

export interface ChatSettings {
  /** Wrap the prompt in the model's chat template (when it has one). */
  template: boolean;
  /** Qwen3-style templates: false renders an empty thinking block. */
  thinking: boolean;
}

export const DEFAULT_CHAT: ChatSettings = { template: true, thinking: true };

/** Which toggles the loaded model offers. */
export function chatControls(info: Pick<ModelInfo, 'chatTemplate'> | null): { template: boolean; thinking: boolean } {
  const spec = info?.chatTemplate;
  return { template: spec !== undefined, thinking: spec !== undefined && supportsThinking(spec) };
}

let compiled: { spec: ChatTemplateSpec; template: ChatTemplate } | null = null;

/** The text the model sees for `prompt`; throws InputError (naming the template's file) if the template fails. */
export function modelPrompt(prompt: string, info: Pick<ModelInfo, 'chatTemplate'> | null, chat: ChatSettings): string {
  const spec = info?.chatTemplate;
  if (!spec || !chat.template) return prompt;
  if (compiled?.spec !== spec) compiled = { spec, template: new ChatTemplate(spec) }; // compile once per model
  return compiled.template.wrapPrompt(prompt, { enableThinking: chat.thinking });
}
