import type { ModelInfo } from '../../worker/protocol';
import { useModelStore } from '../model/modelStore';
import { chatControls, type ChatSettings } from './chat';
import { useDocumentStore } from './documentStore';

/** "Chat template" and (Qwen3-style) "Thinking" checkboxes; nothing when the model has no template. */
export function ChatToggles() {
  const info = useModelStore((s) => s.info);
  const chat = useDocumentStore((s) => s.chat);
  const generating = useDocumentStore((s) => s.generating);
  const setChat = useDocumentStore((s) => s.setChat);
  return <ChatTogglesBody info={info} chat={chat} disabled={generating} onChange={setChat} />;
}

export function ChatTogglesBody(props: {
  info: Pick<ModelInfo, 'chatTemplate'> | null;
  chat: ChatSettings;
  disabled: boolean;
  onChange(patch: Partial<ChatSettings>): void;
}) {
  const offered = chatControls(props.info);
  if (!offered.template) return null;
  const { chat, disabled, onChange } = props;
  return (
    <div className="chat-toggles" role="group" aria-label="Chat template">
      <label className="chat-toggle" title={`Send the prompt as a user turn of ${props.info?.chatTemplate?.fileName}`}>
        <input
          type="checkbox"
          data-testid="chat-template-toggle"
          checked={chat.template}
          disabled={disabled}
          onChange={(e) => onChange({ template: e.target.checked })}
        />
        Chat template
      </label>
      {offered.thinking && (
        <label className="chat-toggle" title="Off: the template's empty thinking block (enable_thinking=false)">
          <input
            type="checkbox"
            data-testid="thinking-toggle"
            checked={chat.thinking}
            disabled={disabled || !chat.template}
            onChange={(e) => onChange({ thinking: e.target.checked })}
          />
          Thinking
        </label>
      )}
    </div>
  );
}
