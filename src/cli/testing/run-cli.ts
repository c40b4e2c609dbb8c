import { readFileSync } from 'node:fs';
import { vi } from 'vitest';
import { main } from '../main';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the command line in this process, as `rhythmscope ...args` would, with everything it prints captured
 * (process.stdout/stderr writes, and console.log, which a few commands use for their tables).
 */
export async function runCli(args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  const log = vi.spyOn(console, 'log').mockImplementation((...s) => void (stdout += `${s.join(' ')}\n`));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    log.mockRestore();
  }
}

/** The JSON objects of a JSONL file the CLI wrote, one per line. */
export function readJsonl(path: string): any[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}
