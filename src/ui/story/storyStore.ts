/** The shipped example the first visit opens on, and which analysis (by sequence number) shows it. */
import { create } from 'zustand';

export interface Example {
  task: string;
  prompt: string;
  response: string;
  answer?: string;
  correct: boolean;
  model: string;
  dump: string;
}

export interface StoryState {
  example: Example | null;
  /** useAnalysisStore's `sequence` while the example is the analysis shown; null once something else is. */
  sequence: number | null;
}

export const useStoryStore = create<StoryState>()(() => ({ example: null, sequence: null }));
