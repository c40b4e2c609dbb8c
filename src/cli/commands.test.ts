import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS, discoverCommands } from './commands';

const dir = mkdtempSync(join(tmpdir(), 'rs-cmds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('command registry', () => {
  it('lists registered commands first, in order, and finds unregistered cmd-<name>.ts files', async () => {
    writeFileSync(join(dir, 'cmd-zeta.ts'), "export const help = 'Zeta summary\\nmore'; export async function run() { return 7; }\n");
    writeFileSync(join(dir, 'cmd-eval.ts'), "export const help = 'Eval'; export async function run() { return 0; }\n");
    writeFileSync(join(dir, 'cmd-zeta.test.ts'), '');
    writeFileSync(join(dir, 'common.ts'), '');
    const found = discoverCommands(dir);
    expect([...found.keys()]).toEqual(['forward', 'generate', 'analyze', 'eval', 'study', 'zeta']);
    const zeta = await found.get('zeta')!();
    expect(zeta.help.split('\n')[0]).toBe('Zeta summary');
    expect(await zeta.run([])).toBe(7);
  });

  it('every registered command module exports run and help', async () => {
    for (const [name, load] of Object.entries(COMMANDS)) {
      const mod = await load();
      expect(typeof mod.run, name).toBe('function');
      expect(mod.help.length, name).toBeGreaterThan(20);
    }
  });
});
