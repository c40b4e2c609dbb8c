/**
 * Document store: the prompt, generation settings, and the tokens of the current generation.
 * Only the actions in ./actions.ts write to it (apart from the inputs' own setters).
 */
import { create } from 'zustand';
import type { TaskName, VerifyResult } from '../../core/tasks/types';
import type { GenerateOutcome, TokenEvent } from '../../worker/protocol';
import { DEFAULT_CHAT, type ChatSettings } from './chat';

export interface GenerationSettings {
  maxTokens: number;
  /** 0 = greedy. */
  temperature: number;
  seed: number;
}

export interface DocumentState {
  prompt: string;
  settings: GenerationSettings;
  /** Chat-template toggles (used only when the model has a template). */
  chat: ChatSettings;
  /** The prompt text as it was when the current generation started. */
  generatedFrom: string;
  tokens: TokenEvent[];
  generating: boolean;
  last: (Pick<GenerateOutcome, 'stopReason' | 'ms' | 'tokensPerSecond'> & { count: number }) | null;
  /** Task picker state, and the verifier's verdict on the last generation when its prompt is a task problem. */
  task: TaskName;
  level: number;
  verdict: (VerifyResult & { task: TaskName }) | null;
  /** Analyse a generation as soon as it ends (on by default; Analyze stays for pasted responses). */
  autoAnalyze: boolean;
  setPrompt(prompt: string): void;
  setSettings(patch: Partial<GenerationSettings>): void;
  setChat(patch: Partial<ChatSettings>): void;
}

export const DEFAULT_SETTINGS: GenerationSettings = { maxTokens: 64, temperature: 0.8, seed: 1 };

export const useDocumentStore = create<DocumentState>()((set) => ({
  prompt: '12+34=',
  settings: { ...DEFAULT_SETTINGS },
  chat: { ...DEFAULT_CHAT },
  generatedFrom: '',
  tokens: [],
  generating: false,
  last: null,
  task: 'addition',
  level: 1,
  verdict: null,
  autoAnalyze: true,
  setPrompt: (prompt) => set({ prompt }),
  setSettings: (patch) => set((s) => ({ settings: { ...s.settings, ...patch } })),
  setChat: (patch) => set((s) => ({ chat: { ...s.chat, ...patch } })),
}));
