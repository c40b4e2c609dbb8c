import { describe, expect, it } from 'vitest';
import { RateMeter, describeTransfer, etaSeconds, formatBytes, formatDuration } from './progress';

describe('progress', () => {
  it('rate over the recent window: 3 MB in the last 3 s = 1 MB/s, older samples dropped', () => {
    const m = new RateMeter(3000);
    m.add(0, 0);
    m.add(1000, 10e6); // a fast first second, outside the window later
    m.add(4000, 11e6);
    m.add(5000, 12e6);
    // window keeps t=1000..5000: (12e6 − 10e6) / 4 s
    expect(m.rate()).toBe(0.5e6);
    expect(new RateMeter().rate()).toBe(0);
  });
  it('ETA = bytes left / rate; unknown without a rate', () => {
    expect(etaSeconds(10e6, 2e6)).toBe(5);
    expect(etaSeconds(10e6, 0)).toBeUndefined();
  });
  it('formats bytes and durations', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1234567)).toBe('1.23 MB');
    expect(formatBytes(48e6)).toBe('48.0 MB');
    expect(formatBytes(1.2e9)).toBe('1.20 GB');
    expect(formatDuration(4.2)).toBe('5 s');
    expect(formatDuration(125)).toBe('2 min 5 s');
  });
  it('describes a transfer per file and in total', () => {
    expect(
      describeTransfer({
        file: 'model.safetensors',
        fileReceived: 12e6,
        fileTotal: 48e6,
        received: 12.1e6,
        total: 48.2e6,
        rate: 3.2e6,
        fileEtaS: 11.25,
        etaS: 11.3,
      }),
    ).toBe('model.safetensors 12.0 MB / 48.0 MB · total 12.1 MB / 48.2 MB · 3.20 MB/s · file 12 s left · 12 s left');
    // A checked reopen: no network rate, said to come from the cache.
    expect(
      describeTransfer({
        file: 'model.safetensors',
        fromCache: true,
        fileReceived: 12e6,
        fileTotal: 48e6,
        received: 12.1e6,
        total: 48.2e6,
        rate: 0,
      }),
    ).toBe('model.safetensors from the cache 12.0 MB / 48.0 MB · total 12.1 MB / 48.2 MB');
  });
});
