/**
 * Every `npx rhythmscope …` line in the README's bash blocks runs here as printed, in a fresh folder (with
 * `public/` linked in), with only its sizes shrunk (steps, problems, seeds) so the whole file stays fast.
 * A README line that stops working fails this test; a line can opt out with a trailing `# not run: why`.
 * Lines whose --model lies outside the repository (`~/models/…`: a model the reader downloads) are listed as skipped.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './testing/run-cli';

const ROOT = resolve(__dirname, '..', '..');

/** Splits one shell line into words: '…', "…" and bash's $'…' (with \n, \t, \\, \' escapes); stops at a # comment. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  const ESC: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', "'": "'", '"': '"' };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '#' && word === undefined) break;
    else if (c === '$' && line[i + 1] === "'") {
      let j = i + 2;
      word ??= '';
      for (; line[j] !== "'"; j++) {
        if (j >= line.length) throw new Error(`unclosed $' in: ${line}`);
        if (line[j] === '\\') word += ESC[line[++j]] ?? `\\${line[j]}`;
        else word += line[j];
      }
      i = j;
    } else if (c === "'" || c === '"') {
      const j = line.indexOf(c, i + 1);
      if (j < 0) throw new Error(`unclosed ${c} in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, j);
      i = j;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The `npx rhythmscope` lines of the README's ```bash blocks, as argument lists (without `npx rhythmscope`). */
export function readmeCommands(markdown: string): { line: string; args: string[] }[] {
  const out: { line: string; args: string[] }[] = [];
  for (const block of markdown.matchAll(/```bash\n([\s\S]*?)```/g)) {
    for (const raw of block[1].split('\n')) {
      const line = raw.trim();
      if (!line.startsWith('npx rhythmscope') || /#\s*not run:/.test(line)) continue;
      out.push({ line, args: shellWords(line).slice(2) });
    }
  }
  return out;
}

/** Smaller values for the size flags, per command; flags not listed keep the README's value. */
const SHRINK: Record<string, Record<string, string>> = {
  eval: { '--n': '4', '--k': '0' },
  rl: { '--steps': '1', '--group': '2', '--prompts': '2', '--eval-problems': '4' },
  experiment: {
    '--steps': '1',
    '--group': '2',
    '--prompts': '2',
    '--seeds': '0',
    '--strategies': 'uniform,coupled',
    '--eval-problems': '4',
  },
  generate: {},
};

export function shrink(args: string[]): string[] {
  const sizes = SHRINK[args[0]];
  if (!sizes) return args;
  const result = [...args];
  for (const [flag, value] of Object.entries(sizes)) {
    const at = result.indexOf(flag);
    if (at >= 0) result[at + 1] = value;
    else result.push(flag, value);
  }
  return result;
}

describe('shellWords', () => {
  it("splits quotes and bash $'…' escapes, and drops a trailing comment", () => {
    expect(shellWords(`a "b c" 'd e' $'x\\ny' f#g # note`)).toEqual(['a', 'b c', 'd e', 'x\ny', 'f#g']);
  });
});

describe('README commands', () => {
  const cwd = process.cwd();
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rs-readme-'));
    symlinkSync(join(ROOT, 'public'), join(dir, 'public'));
    process.chdir(dir);
  });
  afterAll(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  const commands = readmeCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  it('the README has the command-line examples', () => {
    const names = new Set(commands.map((c) => c.args[0]));
    for (const c of ['eval', 'generate', 'forward', 'analyze', 'rl', 'experiment']) expect(names).toContain(c);
  });

  // In README order: later lines read what earlier ones wrote (forward's dump feeds analyze).
  for (const { line, args } of commands) {
    const model = args[args.indexOf('--model') + 1];
    const external = args.includes('--model') && /^[~/]/.test(model ?? '');
    (external ? it.skip : it)(line.length > 110 ? `${line.slice(0, 107)}...` : line, async () => {
      const r = await runCli(shrink(args));
      expect(r.code, `${line}\n${r.stderr}`).toBe(0);
      const outAt = args.findIndex((a) => a === '--out' || a === '--out-dir' || a === '--save');
      if (outAt >= 0 && args[outAt + 1] !== '-') expect(existsSync(args[outAt + 1])).toBe(true);
      // The built-in model solves the in-distribution problem the README shows.
      if (args[0] === 'generate' && args.includes('--prompt')) {
        const prompt = args[args.indexOf('--prompt') + 1];
        const m = /^(\d+)\+(\d+)=\?\n$/.exec(prompt);
        if (m) expect(r.stdout).toContain(`A:${Number(m[1]) + Number(m[2])}`);
      }
    });
  }
});
