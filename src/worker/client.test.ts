import { afterEach, describe, expect, it } from 'vitest';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { EngineClient, type ClientPort } from './client';
import { startHost, type Handlers, type HostPort } from './host';
import { fakeHandlers } from './testing/fakeEngine';
import { isAbortError, transferablesOf } from './protocol';

let ports: MessagePort[] = [];
function connect(handlers: Handlers): EngineClient {
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  startHost(port2 as unknown as HostPort, handlers);
  return new EngineClient(port1 as unknown as ClientPort);
}

afterEach(() => {
  for (const p of ports) p.close();
  ports = [];
});

describe('EngineClient + host', () => {
  it('resolves results and delivers progress before the result', async () => {
    const client = connect(fakeHandlers([]));
    const progress: string[] = [];
    const info = await client.call(
      'loadModel',
      { source: { kind: 'url', url: 'models/x/' } },
      {
        onProgress: (f, m) => progress.push(`${f}:${m}`),
      },
    );
    expect(info.name).toBe('models/x/');
    expect(progress).toEqual(['0.5:half']);
  });

  it('re-creates errors with their name and message (InputError stays an InputError by name)', async () => {
    const client = connect(fakeHandlers([]));
    const err = await client.call('loadModel', { source: { kind: 'url', url: 'broken/' } }).catch((e) => e);
    expect(err.name).toBe('InputError');
    expect(err.message).toBe('config.json: bad header');
  });

  it('streams tokens in order and stops on cancel with an aborted result', async () => {
    const client = connect(fakeHandlers([]));
    const controller = new AbortController();
    const seen: number[] = [];
    const result = await client.call(
      'generate',
      { prompt: 'a', maxTokens: 1000, temperature: 0 },
      {
        signal: controller.signal,
        onStream: (ev) => {
          seen.push(ev.index);
          if (ev.index === 2) controller.abort();
        },
      },
    );
    expect(result.stopReason).toBe('aborted');
    expect(seen.slice(0, 3)).toEqual([0, 1, 2]);
    expect(result.ids.length).toBeLessThan(10);
    expect(seen).toEqual(result.ids);
  });

  it('a call cancelled while queued rejects with AbortError and never runs', async () => {
    const log: string[] = [];
    const client = connect(fakeHandlers(log));
    const controller = new AbortController();
    const first = client.call('generate', { prompt: 'a', maxTokens: 5, temperature: 0 });
    const second = client.call('forwardLogits', { ids: [7] }, { signal: controller.signal });
    controller.abort();
    await first;
    const err = await second.catch((e) => e);
    expect(isAbortError(err)).toBe(true);
    expect(log).not.toContain('forward:7');
  });

  it('runs calls one after another in the order sent', async () => {
    const log: string[] = [];
    const client = connect(fakeHandlers(log));
    await Promise.all([
      client.call('forwardLogits', { ids: [1] }),
      client.call('init', { backend: 'auto' }),
      client.call('forwardLogits', { ids: [2] }),
    ]);
    expect(log).toEqual(['forward:1', 'init', 'forward:2']);
  });

  it('returns typed arrays intact', async () => {
    const client = connect(fakeHandlers([]));
    const out = await client.call('forwardLogits', { ids: [1, 2] });
    expect(Array.from(out.logits)).toEqual([1, 2, 3, 4]);
  });

  it('an unknown operation is an error, not a hang', async () => {
    const client = connect(fakeHandlers([]));
    const err: Error = (await (client.call as (op: string, p: unknown) => Promise<unknown>)('nope', {}).catch(
      (e: Error) => e,
    )) as Error;
    expect(err.message).toMatch(/Unknown operation "nope"/);
  });
});

describe('transferablesOf', () => {
  it('finds buffers of typed arrays and ArrayBuffers, not of number arrays', () => {
    const a = new Float32Array(2);
    const b = new ArrayBuffer(4);
    expect(transferablesOf({ logits: a, files: { x: b }, ids: [1, 2] })).toEqual([a.buffer, b]);
    expect(transferablesOf({ ids: [1, 2], s: 'x' })).toEqual([]);
  });
});
