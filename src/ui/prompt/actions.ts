/**
 * Generation actions: stream tokens from the engine into the document store; stop on request.
 */
import { detectTask, generateProblem, verifyCompletion, type TaskName } from '../../core/tasks/index';
import type { TokenEvent } from '../../worker/protocol';
import { analyzeGeneration, persistDocument } from '../analysis/actions';
import { useAnalysisStore } from '../analysis/stores';
import { engine } from '../app/engine';
import { reportError } from '../app/noticeStore';
import { useModelStore } from '../model/modelStore';
import { modelPrompt } from './chat';
import { useDocumentStore } from './documentStore';

let controller: AbortController | null = null;

/** Tokens can arrive faster than the screen refreshes: apply them once per frame. */
function frameBatcher(apply: (batch: TokenEvent[]) => void) {
  let pending: TokenEvent[] = [];
  let scheduled = false;
  const schedule: (cb: () => void) => void =
    typeof requestAnimationFrame === 'function' ? (cb) => requestAnimationFrame(cb) : (cb) => setTimeout(cb, 16);
  const flush = () => {
    scheduled = false;
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    apply(batch);
  };
  return {
    push(ev: TokenEvent) {
      pending.push(ev);
      if (!scheduled) {
        scheduled = true;
        schedule(flush);
      }
    },
    flush,
  };
}

export async function generateFromPrompt(): Promise<void> {
  const doc = useDocumentStore.getState();
  if (doc.generating) return;
  const { prompt, settings } = doc;
  const set = useDocumentStore.setState;
  const mine = new AbortController();
  controller = mine;
  set({ generating: true, tokens: [], generatedFrom: prompt, last: null, verdict: null });
  const batcher = frameBatcher((batch) => {
    if (controller === mine) set((s) => ({ tokens: [...s.tokens, ...batch] }));
  });
  try {
    const sent = modelPrompt(prompt, useModelStore.getState().info, doc.chat);
    const out = await engine().call(
      'generate',
      { prompt: sent, maxTokens: settings.maxTokens, temperature: settings.temperature, seed: settings.seed },
      { signal: mine.signal, onStream: (ev) => batcher.push(ev) },
    );
    batcher.flush();
    const task = detectTask(prompt);
    set({
      last: { stopReason: out.stopReason, ms: out.ms, tokensPerSecond: out.tokensPerSecond, count: out.ids.length },
      verdict: task ? { task, ...verifyCompletion(task, prompt, out.text) } : null,
    });
    // Generation then analysis: the same ids the model produced, teacher-forced in one pass (unless turned off:
    // then only the response box is filled, for Analyze).
    if (useDocumentStore.getState().autoAnalyze) void analyzeGeneration(out.promptIds, out.ids, out.text);
    else useAnalysisStore.setState({ response: out.text });
  } catch (e) {
    batcher.flush();
    reportError('Generating', e);
  } finally {
    if (controller === mine) controller = null;
    set({ generating: false });
  }
}

export function stopGeneration(): void {
  controller?.abort();
}

let sampleCounter = 0;

/** Puts a fresh problem of the chosen task and level in the prompt box (seeded by a counter and the clock). */
export function sampleProblem(task: TaskName, level: number): void {
  const seed = (Date.now() >>> 0) ^ (sampleCounter++ * 0x9e3779b1);
  const problem = generateProblem(task, level, seed >>> 0, 0);
  useDocumentStore.setState({ prompt: problem.prompt, task, level, verdict: null });
  persistDocument();
}
