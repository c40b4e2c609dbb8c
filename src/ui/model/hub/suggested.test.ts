import { describe, expect, it } from 'vitest';
import { SUPPORTED_MODEL_TYPES } from '../../../core/model/memory';
import { useDocumentStore } from '../../prompt/documentStore';
import { applySuggestedPreset } from './hubActions';
import { SUGGESTED_MODELS, suggestedFor } from './suggested';

describe('suggested models', () => {
  it('each has a supported family and a preset with the chat template on', () => {
    expect(SUGGESTED_MODELS.map((m) => m.id)).toContain('Qwen/Qwen3-0.6B');
    for (const m of SUGGESTED_MODELS) {
      expect(SUPPORTED_MODEL_TYPES as readonly unknown[]).toContain(m.config.model_type);
      expect(m.preset.prompt.trim().length).toBeGreaterThan(0);
      expect(m.preset.chat.template).toBe(true);
    }
    expect(suggestedFor('Qwen/Qwen3-0.6B')!.preset.chat.thinking).toBe(true);
  });

  it('finds a suggested model by repo id with or without a revision or the hf: prefix', () => {
    expect(suggestedFor('Qwen/Qwen3-0.6B@main')?.id).toBe('Qwen/Qwen3-0.6B');
    expect(suggestedFor(' hf:Qwen/Qwen3-0.6B ')?.id).toBe('Qwen/Qwen3-0.6B');
    expect(suggestedFor('Qwen/Qwen3-0.6B-Base')).toBeUndefined();
    expect(suggestedFor('qwen/qwen3-0.6b')).toBeUndefined(); // repo ids are case-sensitive on the Hub
  });

  it('puts the preset in the prompt box: text and chat toggles', () => {
    useDocumentStore.setState({ prompt: 'mine', chat: { template: false, thinking: false } });
    expect(applySuggestedPreset('Qwen/Qwen3-0.6B@main')).toBe(true);
    const doc = useDocumentStore.getState();
    const preset = suggestedFor('Qwen/Qwen3-0.6B')!.preset;
    expect(doc.prompt).toBe(preset.prompt);
    expect(doc.chat).toEqual({ template: true, thinking: true });
    // Another repo changes nothing.
    useDocumentStore.setState({ prompt: 'mine', chat: { template: false, thinking: false } });
    expect(applySuggestedPreset('tiny/model')).toBe(false);
    expect(useDocumentStore.getState().prompt).toBe('mine');
    expect(useDocumentStore.getState().chat).toEqual({ template: false, thinking: false });
  });
});
