import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
// @ts-expect-error -- plain .mjs script without type declarations (it must run before `npm ci`).
import { findChromium } from './find-chromium.mjs';

const dir = mkdtempSync(join(tmpdir(), 'find-chromium-'));
function fakeBinary(name: string, executable = true): string {
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, executable ? 0o755 : 0o644);
  return path;
}
const a = fakeBinary('chromium-a');
const b = fakeBinary('chromium-b');
const notExec = fakeBinary('chromium-noexec', false);
const missing = join(dir, 'nope');
const noPlaywright = async () => undefined;

describe('findChromium', () => {
  it('prefers CHROMIUM_PATH', async () => {
    expect(await findChromium({ CHROMIUM_PATH: b }, { systemPaths: [a], playwright: noPlaywright })).toBe(b);
  });

  it('skips a CHROMIUM_PATH that is not executable, with a message, then tries system paths in order', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(
      await findChromium({ CHROMIUM_PATH: notExec }, { systemPaths: [missing, a, b], playwright: noPlaywright }),
    ).toBe(a);
    expect(err.mock.calls[0][0]).toMatch(/CHROMIUM_PATH=.*not an executable/);
    err.mockRestore();
  });

  it("falls back to Playwright's browser only when it exists", async () => {
    expect(await findChromium({}, { systemPaths: [missing], playwright: async () => b })).toBe(b);
    expect(await findChromium({}, { systemPaths: [missing], playwright: async () => missing })).toBeUndefined();
    expect(await findChromium({}, { systemPaths: [], playwright: noPlaywright })).toBeUndefined();
  });
});
