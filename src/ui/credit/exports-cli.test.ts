/**
 * The app's credit export against the command line's own output: the built-in model is analysed through the
 * engine worker's handlers (the path the app takes), exported with creditExport, and compared byte for byte with
 * the files `rhythmscope analyze --format …` writes for the same sequence (main() run in-process).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initNodeBackend } from '../../core/backend/node';
import { filesFromDir } from '../../core/io/node-files';
import type { AnalysisRecord } from '../../core/rhythm/record';
import { main } from '../../cli/main';
import { createEngine } from '../../worker/engine';
import type { CallContext } from '../../worker/host';
import type { OperationName } from '../../worker/protocol';
import { creditExport, type CreditExportFormat } from './exports';

const MODEL = 'public/models/rhythm-mini';
const dir = mkdtempSync(join(tmpdir(), 'rs-credit-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ctx<K extends OperationName>(): CallContext<K> {
  return { signal: new AbortController().signal, progress: () => {}, emit: () => {} };
}

describe('credit export = the CLI output files', () => {
  const engine = createEngine({ initBackend: (b) => initNodeBackend(b), openSource: () => filesFromDir(MODEL) });
  // A problem and the shape of the built-in model's answer (character ids from its own tokenizer).
  const prompt = '347+185=?\n';
  const response = '7+5=2 c1\n4+8=3 c1\n3+1=5 c0\nA:532';
  const options = { W: 6, H_lo: 3, H_hi: 20, q: 0.3 };
  let record: AnalysisRecord;
  let inputFile: string;

  beforeAll(async () => {
    await engine.handlers.init({ backend: 'wasm' }, ctx());
    await engine.handlers.loadModel({ source: { kind: 'url', url: MODEL } }, ctx());
    const out = await engine.handlers.analyze({ input: { kind: 'text', prompt, response }, options }, ctx());
    record = out.record;
    inputFile = join(dir, 'in.jsonl');
    writeFileSync(inputFile, `${JSON.stringify({ prompt, response })}\n`);
  });

  it.each([
    ['json', 'jsonl'],
    ['csv', 'csv'],
    ['verl', 'verl'],
  ] as [CreditExportFormat, string][])(
    '%s download equals `rhythmscope analyze --format %s`',
    async (format, cliFormat) => {
      const out = join(dir, `out.${cliFormat}`);
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const code = await main([
        'analyze',
        '--backend',
        'wasm',
        '--model',
        MODEL,
        '--input',
        inputFile,
        '--out',
        out,
        '--format',
        cliFormat,
        '--window',
        '6',
        '--h-lo',
        '3',
        '--h-hi',
        '20',
        '--q',
        '0.3',
      ]);
      stderr.mockRestore();
      expect(code).toBe(0);
      const cliText = readFileSync(out, 'utf8');
      const appText = creditExport([record], format, 'rhythm-mini').text;
      expect(cliText.length).toBeGreaterThan(100);
      expect(appText).toBe(cliText);
    },
  );
});
