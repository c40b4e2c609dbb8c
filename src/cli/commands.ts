/**
 * The subcommand registry: every `rhythmscope` command, in the order `rhythmscope --help` lists them.
 * A command is a file src/cli/cmd-<name>.ts exporting `run(argv: string[]): Promise<number>` (argv = the arguments
 * after the command name) and `help: string` (first line = one-line summary), registered here with one line.
 * commands.test.ts fails when a cmd-<name>.ts in this folder is missing from COMMANDS.
 */
export interface CommandModule {
  run(argv: string[]): Promise<number>;
  help: string;
  /** false for commands that never touch tfjs (main then skips backend initialisation). Default true. */
  needsBackend?: boolean;
}

export type CommandLoader = () => Promise<CommandModule>;

/** Lazy imports, so `rhythmscope generate` does not load the RL trainer. */
export const COMMANDS: Readonly<Record<string, CommandLoader>> = {
  forward: () => import('./cmd-forward'),
  generate: () => import('./cmd-generate'),
  analyze: () => import('./cmd-analyze'),
  eval: () => import('./cmd-eval'),
  train: () => import('./cmd-train'),
  rl: () => import('./cmd-rl'),
  experiment: () => import('./cmd-experiment'),
  study: () => import('./cmd-study'),
};
