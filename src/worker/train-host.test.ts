import { describe, expect, it } from 'vitest';
import { EngineClient, type ClientPort } from './client';
import { startHost, type HostPort } from './host';

/** A tiny op table: `slow` waits until released, `poke` releases it. */
interface Ops {
  slow: { params: Record<string, never>; result: string; stream: never };
  poke: { params: Record<string, never>; result: string; stream: never };
}

function connect(immediate: (keyof Ops)[]): EngineClient<Ops> {
  const { port1, port2 } = new MessageChannel();
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => (release = r));
  startHost<Ops>(
    port2 as unknown as HostPort,
    {
      slow: async () => (await gate, 'slow done'),
      poke: async () => (release(), 'poked'),
    },
    { immediate },
  );
  port1.start();
  port2.start();
  return new EngineClient<Ops>(port1 as unknown as ClientPort);
}

describe('host: immediate operations', () => {
  it('an immediate op runs while a queued call is still running', async () => {
    const client = connect(['poke']);
    const slow = client.call('slow', {});
    await expect(client.call('poke', {})).resolves.toBe('poked');
    await expect(slow).resolves.toBe('slow done');
  });

  it('without the option the same op waits in the queue (so it cannot release the gate)', async () => {
    const client = connect([]);
    void client.call('slow', {});
    const poke = client.call('poke', {});
    const first = await Promise.race([poke, new Promise((r) => setTimeout(() => r('still queued'), 100))]);
    expect(first).toBe('still queued');
  });
});
