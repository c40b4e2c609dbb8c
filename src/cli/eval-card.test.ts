/**
 * The built-in model's card (public/models/rhythm-mini/README.md, Evaluation table) against an independent run of
 * `rhythmscope eval` on the first problems of the same seed, with the one-by-one runtime decoder (KV cache) rather
 * than the batched decoder that produced the card. Small n, so the bounds allow for sampling error (±3 binomial
 * standard errors of a 60-problem subset, at least 3 points).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { main } from './main';

const DIR = 'public/models/rhythm-mini';

/** Greedy accuracy per `task:level` from the card's Markdown table (e.g. `| addition | 1 | 500 | 99.6% | …`). */
function cardGreedy(): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of readFileSync(`${DIR}/README.md`, 'utf8').split('\n')) {
    const m = /^\| (\w+) \| (\d+) \| \d+ \| ([\d.]+)% \|/.exec(line);
    if (m) out.set(`${m[1]}:${m[2]}`, Number(m[3]) / 100);
  }
  return out;
}

async function runEval(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await main(args), stdout };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('rhythm-mini model card vs `rhythmscope eval`', () => {
  it('the card lists greedy accuracy for every addition level', () => {
    const card = cardGreedy();
    for (const level of [1, 2, 3, 4]) expect(card.get(`addition:${level}`), `addition ${level}`).toBeGreaterThan(0);
  });

  it('greedy accuracy of addition levels 1 and 4 on 60 problems (seed 12345) matches the card', async () => {
    const card = cardGreedy();
    const n = 60;
    const { code, stdout } = await runEval([
      'eval',
      '--backend',
      'wasm',
      '--model',
      DIR,
      '--task',
      'addition',
      '--level',
      '1,4',
      '--n',
      String(n),
      '--seed',
      '12345',
      '--k',
      '0',
      '--engine',
      'runtime',
      '--json',
    ]);
    expect(code).toBe(0);
    const rows = JSON.parse(stdout) as { task: string; level: number; n: number; greedy: number }[];
    expect(rows.map((r) => [r.task, r.level, r.n])).toEqual([
      ['addition', 1, n],
      ['addition', 4, n],
    ]);
    for (const row of rows) {
      const claimed = card.get(`${row.task}:${row.level}`)!;
      const bound = Math.max(0.03, 3 * Math.sqrt((claimed * (1 - claimed)) / n));
      expect(
        Math.abs(row.greedy - claimed),
        `addition ${row.level}: eval ${row.greedy}, card ${claimed}`,
      ).toBeLessThanOrEqual(bound);
    }
  }, 240_000);
});
