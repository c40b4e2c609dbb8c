/**
 * A short list of Hub models worth opening, with the config numbers that decide their size
 * (src/core/model/known-shapes.ts), so the picker shows download size and memory on the current backend without
 * fetching; and for each a prompt preset, put in the prompt box when the model has opened.
 */
import {
  DEEPSEEK_R1_DISTILL_QWEN_1_5B,
  LLAMA_3_2_1B,
  QWEN2_5_0_5B,
  QWEN2_5_MATH_1_5B,
  QWEN3_0_6B,
  SMOLLM2_135M,
  type ConfigShape,
} from '../../../core/model/known-shapes';
import type { ChatSettings } from '../../prompt/chat';

export interface PromptPreset {
  /** The prompt box's text. */
  prompt: string;
  /** Chat template on for every suggested model; `thinking` matters only where the template reads it (Qwen3). */
  chat: ChatSettings;
}

export interface SuggestedModel {
  id: string;
  note: string;
  gated?: boolean;
  config: ConfigShape;
  preset: PromptPreset;
}

const chat = (thinking = true): ChatSettings => ({ template: true, thinking });

export const SUGGESTED_MODELS: SuggestedModel[] = [
  {
    id: 'HuggingFaceTB/SmolLM2-135M-Instruct',
    note: 'Llama family, small and quick: chat template',
    config: SMOLLM2_135M,
    preset: { prompt: 'Add 27 and 58. Give the sum.', chat: chat() },
  },
  {
    id: 'Qwen/Qwen2.5-0.5B-Instruct',
    note: 'Qwen2 family (q/k/v biases): chat template',
    config: QWEN2_5_0_5B,
    preset: { prompt: 'What is 17 × 24? Work it out step by step.', chat: chat() },
  },
  {
    id: 'Qwen/Qwen3-0.6B',
    note: 'Qwen3 family: thinking on or off',
    config: QWEN3_0_6B,
    preset: {
      prompt: 'A train leaves at 9:40 and arrives at 11:15. How long is the trip in minutes?',
      chat: chat(true),
    },
  },
  {
    id: 'deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B',
    note: 'Qwen2 family, a reasoning model (long <think> traces)',
    config: DEEPSEEK_R1_DISTILL_QWEN_1_5B,
    preset: {
      prompt: 'If 3x + 7 = 25, what is x? Put the answer in \\boxed{}.',
      chat: chat(),
    },
  },
  {
    id: 'Qwen/Qwen2.5-Math-1.5B',
    note: 'Qwen2 family, a math base model',
    config: QWEN2_5_MATH_1_5B,
    preset: { prompt: 'Find the sum of the first 20 odd numbers.', chat: chat() },
  },
  {
    id: 'meta-llama/Llama-3.2-1B-Instruct',
    note: 'Llama 3.2 (RoPE llama3): gated, needs an access token',
    gated: true,
    config: LLAMA_3_2_1B,
    preset: { prompt: 'Name three prime numbers between 20 and 40.', chat: chat() },
  },
];

/** The suggested model a repo id names (any revision), if any. */
export function suggestedFor(repoId: string): SuggestedModel | undefined {
  const repo = repoId.trim().replace(/^hf:/, '').split('@')[0];
  return SUGGESTED_MODELS.find((m) => m.id === repo);
}
