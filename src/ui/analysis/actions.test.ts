/** Cancel of an analysis through the real client/host protocol, with a fake engine whose analysis waits. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Handlers } from '../../worker/host';
import type { AnalysisOutcome } from '../../worker/protocol';
import { connectFake, fakeHandlers } from '../../worker/testing/fakeEngine';
import { setEngineFactory } from '../app/engine';
import { useNoticeStore } from '../app/noticeStore';
import { smallRecord } from '../tokens/testRecord';
import { analyze, cancelAnalysis } from './actions';
import { useAnalysisStore } from './stores';

let closers: (() => void)[] = [];
/** How the fake analysis behaves: wait for the abort, or answer after `ms` whatever happens. */
let mode: { kind: 'until-aborted' } | { kind: 'answer-after'; ms: number } = { kind: 'until-aborted' };
let started = 0;

beforeEach(() => {
  started = 0;
  useNoticeStore.getState().clear();
  useAnalysisStore.setState({ record: smallRecord(), running: null, cancelled: null });
  const handlers: Handlers = {
    ...fakeHandlers([]),
    async analyze(_params, ctx) {
      started++;
      if (mode.kind === 'answer-after') {
        const { ms } = mode;
        await new Promise((r) => setTimeout(r, ms));
        return { record: smallRecord() } as unknown as AnalysisOutcome; // never applied in these tests
      }
      await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
      throw new Error('unreachable');
    },
  };
  setEngineFactory(() => {
    const { client, close } = connectFake(handlers);
    closers.push(close);
    return client;
  });
});
afterEach(() => {
  for (const c of closers) c();
  closers = [];
});

const input = { kind: 'text', prompt: '1+2=?\n', response: 'A:3' } as const;
const until = async (f: () => boolean) => {
  while (!f()) await new Promise((r) => setTimeout(r, 2));
};

describe('cancelAnalysis', () => {
  it('stops a running analysis: resolves false, says cancelled, keeps the shown record, no error', async () => {
    mode = { kind: 'until-aborted' };
    const before = useAnalysisStore.getState().record;
    const running = analyze(input, 'Analysing the response');
    expect(useAnalysisStore.getState().running?.label).toBe('Analysing the response');
    await until(() => started === 1);
    cancelAnalysis();
    expect(await running).toBe(false);
    expect(useAnalysisStore.getState()).toMatchObject({ running: null, cancelled: 'Analysing the response' });
    expect(useAnalysisStore.getState().record).toBe(before);
    expect(useNoticeStore.getState().notices).toEqual([]);
  });

  it('an answer that arrives after Cancel is dropped', async () => {
    mode = { kind: 'answer-after', ms: 30 };
    const before = useAnalysisStore.getState().record;
    const running = analyze(input);
    await until(() => started === 1);
    cancelAnalysis();
    expect(await running).toBe(false);
    expect(useAnalysisStore.getState().record).toBe(before);
    expect(useAnalysisStore.getState().cancelled).toBe('Analysing');
  });

  it('a newer analysis supersedes an older one without "cancelled"; a new start clears it', async () => {
    mode = { kind: 'until-aborted' };
    useAnalysisStore.setState({ cancelled: 'Analysing' });
    const first = analyze(input, 'first');
    expect(useAnalysisStore.getState().cancelled).toBeNull();
    const second = analyze(input, 'second');
    expect(await first).toBe(false);
    expect(useAnalysisStore.getState()).toMatchObject({ cancelled: null, running: { label: 'second' } });
    cancelAnalysis();
    expect(await second).toBe(false);
    expect(useAnalysisStore.getState()).toMatchObject({ cancelled: 'second', running: null });
    expect(useNoticeStore.getState().notices).toEqual([]);
    cancelAnalysis(); // nothing running: a no-op
    expect(useAnalysisStore.getState().cancelled).toBe('second');
  });
});
