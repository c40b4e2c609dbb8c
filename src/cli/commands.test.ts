import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands';

describe('command registry', () => {
  it('registers every cmd-<name>.ts of src/cli under its name, and nothing else', () => {
    const files = readdirSync(fileURLToPath(new URL('.', import.meta.url)));
    const onDisk = files.flatMap((f) => /^cmd-([a-z][a-z0-9-]*)\.ts$/.exec(f)?.[1] ?? []).sort();
    expect(onDisk.length).toBeGreaterThan(0);
    expect(Object.keys(COMMANDS).sort()).toEqual(onDisk);
  });

  it('every registered command module exports run and help', async () => {
    for (const [name, load] of Object.entries(COMMANDS)) {
      const mod = await load();
      expect(typeof mod.run, name).toBe('function');
      expect(mod.help.length, name).toBeGreaterThan(20);
    }
  });
});
