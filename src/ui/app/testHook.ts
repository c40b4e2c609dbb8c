/**
 * window.__rhythmscope, installed only with ?test=1: lets the e2e tests compare the browser's
 * numbers with the Node reference, through the same worker the app uses.
 */
import type { AnalysisRecord } from '../../core/rhythm/record';
import { analyze } from '../analysis/actions';
import { useAnalysisStore, useUiStore, type UiState } from '../analysis/stores';
import { useModelStore } from '../model/modelStore';
import { engine } from './engine';

export interface TestHook {
  /** Logits for the given ids, [N, V] flattened row-major, from the active backend. */
  forwardLogits(ids: number[]): Promise<{ seqLen: number; vocabSize: number; logits: number[] }>;
  /** Greedy generation of exactly `maxTokens` tokens (end token ignored), with or without the KV cache; tokens/s. */
  generateTimed(
    prompt: string,
    maxTokens: number,
    useCache: boolean,
  ): Promise<{ tokens: number; ms: number; tokensPerSecond: number }>;
  /** Delays each generated token (ms) so a test can press Stop mid-stream; 0 turns it off. */
  setTokenDelay(ms: number): Promise<void>;
  /** Sleep after each layer of an analysis forward (cancel tests). */
  setAnalysisLayerDelay(ms: number): Promise<void>;
  /** tf.memory().numTensors in the engine worker. */
  liveTensors(): Promise<number>;
  /** tf.getBackend() in the engine worker now. */
  activeBackend(): Promise<string>;
  /** The active backend name and the loaded model's name (null until ready). */
  state(): { backend: string | null; model: string | null; context: number | null };
  /** The analysis record shown now (null before any analysis). */
  record(): AnalysisRecord | null;
  /** The linking state (hovered / selected token, span, map choice). */
  ui(): UiState;
  /** Teacher-forced analysis of prompt + response through the app's own action; page-side ms until it is applied. */
  analyzeText(prompt: string, response: string): Promise<{ ok: boolean; ms: number; workerMs: number | null }>;
}

declare global {
  interface Window {
    __rhythmscope?: TestHook;
  }
}

export function installTestHook(): void {
  window.__rhythmscope = {
    async forwardLogits(ids) {
      const out = await engine().call('forwardLogits', { ids });
      return { seqLen: out.seqLen, vocabSize: out.vocabSize, logits: Array.from(out.logits) };
    },
    async generateTimed(prompt, maxTokens, useCache) {
      const out = await engine().call('generate', { prompt, maxTokens, temperature: 0, useCache, ignoreEos: true });
      return { tokens: out.ids.length, ms: out.ms, tokensPerSecond: out.tokensPerSecond };
    },
    async setTokenDelay(ms) {
      await engine().call('debug', { tokenDelayMs: ms });
    },
    async setAnalysisLayerDelay(ms) {
      await engine().call('debug', { analysisLayerDelayMs: ms });
    },
    async liveTensors() {
      return (await engine().call('debug', {})).liveTensors;
    },
    async activeBackend() {
      return (await engine().call('debug', {})).activeBackend;
    },
    state() {
      const s = useModelStore.getState();
      return { backend: s.backend?.name ?? null, model: s.info?.name ?? null, context: s.info?.nPositions ?? null };
    },
    record() {
      return useAnalysisStore.getState().record;
    },
    ui() {
      return useUiStore.getState();
    },
    async analyzeText(prompt, response) {
      const t0 = performance.now();
      const ok = await analyze({ kind: 'text', prompt, response });
      return { ok, ms: performance.now() - t0, workerMs: useAnalysisStore.getState().ms };
    },
  };
}
