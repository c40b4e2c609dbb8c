import { describe, expect, it } from 'vitest';
import { layerPause } from './slowdown';

describe('layerPause', () => {
  it('sleeps the delay, is cut short by an abort, and otherwise yields only every interval', async () => {
    const c = new AbortController();
    const t0 = performance.now();
    await layerPause(20, c.signal)();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(15);
    const pending = layerPause(10_000, c.signal)();
    setTimeout(() => c.abort(new DOMException('Cancelled', 'AbortError')), 5);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    // No delay: the first pauses return without a macrotask (a timer set before them has not fired yet).
    let fired = false;
    setTimeout(() => {
      fired = true;
    }, 0);
    const quick = layerPause(0, undefined, 10_000);
    await quick();
    await quick();
    expect(fired).toBe(false);
  });
});
