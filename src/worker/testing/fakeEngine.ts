/**
 * Test doubles for the engine: handlers with just enough behaviour to exercise the protocol and the UI
 * actions without tfjs, and an in-process connection (MessageChannel) between a client and a host.
 */
import { MessageChannel } from 'node:worker_threads';
import { InputError } from '../../core/errors';
import { EngineClient, type ClientPort } from '../client';
import { startHost, type Handlers, type HostPort } from '../host';

/** Fake handlers: enough behaviour to exercise the protocol without tfjs. */
export function fakeHandlers(log: string[]): Handlers {
  return {
    async init({ backend }) {
      log.push('init');
      return { name: backend === 'auto' ? 'cpu' : backend, reason: 'test', requested: backend, attempts: [] };
    },
    async loadModel({ source }, ctx) {
      ctx.progress(0.5, 'half');
      if (source.kind === 'url' && source.url.includes('broken'))
        throw new InputError('bad header', { file: 'config.json' });
      return {
        name: source.kind === 'url' ? source.url : source.name,
        numParams: 3,
        files: [],
        tokenizerKind: 'char',
        vocabSize: 2,
        nLayer: 1,
        nHead: 1,
        nEmbd: 2,
        nPositions: 8,
      };
    },
    async generate(params, ctx) {
      const ids: number[] = [];
      for (let i = 0; i < params.maxTokens; i++) {
        if (ctx.signal.aborted) break;
        ids.push(i);
        ctx.emit({ index: i, tokenId: i, text: `t${i}` });
        await new Promise((r) => setTimeout(r, 5));
      }
      const stopReason = ctx.signal.aborted ? 'aborted' : 'max_tokens';
      return { promptIds: [0], ids, text: '', stopReason, ms: 1, tokensPerSecond: 1 };
    },
    async forwardLogits({ ids }) {
      log.push(`forward:${ids.join(',')}`);
      return { logits: new Float32Array([1, 2, 3, 4]), seqLen: 2, vocabSize: 2 };
    },
    async debug(settings) {
      return { ...settings, liveTensors: 0, activeBackend: 'cpu' };
    },
    // Analysis needs the real engine (src/worker/analysis.test.ts); the fake refuses clearly.
    async analyze() {
      throw new Error('analyze: not in the fake');
    },
    async reanalyze() {
      throw new Error('reanalyze: not in the fake');
    },
    async headMap() {
      throw new Error('headMap: not in the fake');
    },
    async importDump() {
      throw new Error('importDump: not in the fake');
    },
    async exportDump() {
      throw new Error('exportDump: not in the fake');
    },
    async corpusRun() {
      throw new Error('corpusRun: not in the fake');
    },
    async perturbRun() {
      throw new Error('perturbRun: not in the fake');
    },
    async perturbStudyRun() {
      throw new Error('perturbStudyRun: not in the fake');
    },
  };
}

/** A client wired to a host running `handlers` in this process; close() frees the ports. */
export function connectFake(handlers: Handlers): { client: EngineClient; close(): void } {
  const { port1, port2 } = new MessageChannel();
  startHost(port2 as unknown as HostPort, handlers);
  const client = new EngineClient(Object.assign(port1 as unknown as ClientPort, { terminate: () => port1.close() }));
  return { client, close: () => (port1.close(), port2.close()) };
}
