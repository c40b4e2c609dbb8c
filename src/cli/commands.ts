/**
 * The subcommand registry. A command is a file src/cli/cmd-<name>.ts exporting
 * `run(argv: string[]): Promise<number>` (argv = the arguments after the command name) and `help: string`
 * (first line = one-line summary). Register it here with one line; a cmd-<name>.ts not listed here is still
 * found on disk (see discoverCommands), so other teams can add commands without touching this file.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface CommandModule {
  run(argv: string[]): Promise<number>;
  help: string;
  /** false for commands that never touch tfjs (main then skips backend initialisation). Default true. */
  needsBackend?: boolean;
}

export type CommandLoader = () => Promise<CommandModule>;

export const COMMANDS: Record<string, CommandLoader> = {
  forward: () => import('./cmd-forward'),
  generate: () => import('./cmd-generate'),
  analyze: () => import('./cmd-analyze'),
  study: () => import('./cmd-study'),
};

/** Shown first in `rhythmscope --help`, in this order; other commands follow alphabetically. */
const ORDER = ['forward', 'generate', 'analyze', 'eval', 'train', 'rl'];

/** COMMANDS plus every cmd-<name>.ts in `here` (default: this folder). */
export function discoverCommands(here = dirname(fileURLToPath(import.meta.url))): Map<string, CommandLoader> {
  const found = new Map<string, CommandLoader>(Object.entries(COMMANDS));
  for (const file of readdirSync(here)) {
    const m = /^cmd-([a-z][a-z0-9-]*)\.ts$/.exec(file);
    if (m && !found.has(m[1])) {
      const url = pathToFileURL(`${here}/${file}`).href;
      found.set(m[1], () => import(url) as Promise<CommandModule>);
    }
  }
  const rank = (n: string) => (ORDER.includes(n) ? ORDER.indexOf(n) : ORDER.length);
  return new Map([...found].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)));
}
