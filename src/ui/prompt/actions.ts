/**
 * Generation actions: stream tokens from the engine into the document store; stop on request.
 */
import type { TokenEvent } from '../../worker/protocol';
import { engine } from '../app/engine';
import { reportError } from '../app/noticeStore';
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
  set({ generating: true, tokens: [], generatedFrom: prompt, last: null });
  const batcher = frameBatcher((batch) => {
    if (controller === mine) set((s) => ({ tokens: [...s.tokens, ...batch] }));
  });
  try {
    const out = await engine().call(
      'generate',
      { prompt, maxTokens: settings.maxTokens, temperature: settings.temperature, seed: settings.seed },
      { signal: mine.signal, onStream: (ev) => batcher.push(ev) },
    );
    batcher.flush();
    set({ last: { stopReason: out.stopReason, ms: out.ms, tokensPerSecond: out.tokensPerSecond, count: out.ids.length } });
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
