/** Public interface of the chat-template module. */
export {
  ChatTemplate,
  supportsThinking,
  type ChatMessage,
  type ChatTemplateSpec,
  type RenderOptions,
} from './template';
export { CHAT_TEMPLATE_FILE, chatTemplateFrom, loadChatTemplate, specialTokenName } from './load';
