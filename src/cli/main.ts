/**
 * `rhythmscope <command> [options]`: dispatches to src/cli/cmd-<command>.ts (see commands.ts).
 * Global options, accepted anywhere: --backend auto|wasm|cpu, --help.
 * Exit status: 0 success; 2 bad arguments or bad input (one line on stderr naming the file/line/field);
 * 1 an unexpected failure (with a stack trace, since that is a bug).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isInputError } from '../core/errors';
import { removePendingTempFiles } from '../core/io/node-atomic';
import { ArgumentError, isArgumentError } from './args';
import { COMMANDS, type CommandLoader, type CommandModule } from './commands';

const BACKENDS = ['auto', 'wasm', 'cpu'] as const;
type NodeBackendChoice = (typeof BACKENDS)[number];

export function mainHelp(commands: Map<string, CommandModule | null>): string {
  const width = Math.max(...[...commands].map(([name]) => name.length)) + 2;
  const rows = [...commands].map(
    ([name, mod]) => `  ${name.padEnd(width)}${mod ? mod.help.split('\n')[0] : '(could not be loaded)'}`,
  );
  return [
    'rhythmscope — attention rhythm (WAAD, FAI, preplan/anchor tokens) and per-token RL credit',
    '',
    'Usage: rhythmscope <command> [options]',
    '       rhythmscope <command> --help',
    '',
    'Commands:',
    ...rows,
    '',
    'Global options:',
    '  --backend auto|wasm|cpu   tfjs backend (default auto: wasm, else cpu)',
    '  --help                    show help',
    '',
    'Exit status: 0 ok, 2 bad arguments or input (one line on stderr), 1 internal error.',
  ].join('\n');
}

/** Removes global flags from argv; returns what they asked for. */
function takeGlobals(argv: string[]): { rest: string[]; backend: NodeBackendChoice; help: boolean } {
  const rest: string[] = [];
  let backend: NodeBackendChoice | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') help = true;
    else if (a === '--backend' || a.startsWith('--backend=')) {
      const v = a === '--backend' ? argv[++i] : a.slice('--backend='.length);
      if (v === undefined) throw new ArgumentError('--backend needs a value (auto, wasm or cpu)');
      if (!(BACKENDS as readonly string[]).includes(v))
        throw new ArgumentError(`--backend: expected auto, wasm or cpu, got "${v}"`);
      if (backend !== undefined) throw new ArgumentError('--backend given more than once');
      backend = v as NodeBackendChoice;
    } else rest.push(a);
  }
  return { rest, backend: backend ?? 'auto', help };
}

async function loadAll(loaders: Map<string, CommandLoader>): Promise<Map<string, CommandModule | null>> {
  const out = new Map<string, CommandModule | null>();
  for (const [name, load] of loaders) out.set(name, await load().catch(() => null));
  return out;
}

/** Runs the CLI; returns the exit status (never calls process.exit, so it can be tested in-process). */
export async function main(argv: string[]): Promise<number> {
  try {
    const { rest, backend, help } = takeGlobals(argv);
    const loaders = new Map(Object.entries(COMMANDS));
    const name = rest[0];
    if (name === undefined || name === 'help') {
      const text = mainHelp(await loadAll(loaders));
      if (help || name === 'help') {
        process.stdout.write(`${text}\n`);
        return 0;
      }
      process.stderr.write(`${text}\n`);
      return 2;
    }
    const loader = loaders.get(name);
    if (!loader)
      throw new ArgumentError(
        `unknown command "${name}" (commands: ${[...loaders.keys()].join(', ')}; see rhythmscope --help)`,
      );
    const mod = await loader();
    if (help) {
      process.stdout.write(`${mod.help.trimEnd()}\n`);
      return 0;
    }
    if (mod.needsBackend !== false) {
      const { initNodeBackend } = await import('../core/backend/node');
      await initNodeBackend(backend);
    }
    return await mod.run(rest.slice(1));
  } catch (e) {
    if (isInputError(e) || isArgumentError(e) || (e instanceof Error && e.name === 'TokenizerError')) {
      process.stderr.write(`rhythmscope: ${e.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return 2;
    }
    process.stderr.write(`rhythmscope: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

function isEntryPoint(): boolean {
  try {
    return (
      process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
    );
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `rhythmscope generate … | head` closes stdout early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  // An interrupted or failing run must not leave temporary output files behind. Commands that handle
  // SIGINT themselves (generate stops gracefully) keep it; otherwise clean up and exit 130 / 143.
  process.on('exit', removePendingTempFiles);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(signal, () => {
      if (process.listenerCount(signal) > 1) return;
      removePendingTempFiles();
      process.exit(code);
    });
  }
  // Writes to pipes and files are synchronous on Linux, so exiting right away loses no output; it also
  // ends the process even if a backend left a handle open.
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
