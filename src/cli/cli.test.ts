/**
 * End-to-end tests of the rhythmscope CLI on a tiny random GPT-2 written to a temp folder.
 * A few run the real launcher (`node bin/rhythmscope.js`, ~3 s each); the rest call main() in-process
 * with stdout/stderr captured, which exercises the same code path minus process startup.
 */
import * as tf from '@tensorflow/tfjs-core';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../core/backend/node';
import { parseAttentionDump } from '../core/io/dump';
import { filesFromDir } from '../core/io/node-files';
import { writeSafetensors } from '../core/io/safetensors';
import { writeZip } from '../core/io/zip';
import { generate } from '../core/model/generate';
import { loadModel } from '../core/model/load';
import { charVocabJson, makeTinyGpt2 } from '../core/model/testing/tinyGpt2';
import { readJsonl, runCli } from './testing/run-cli';

const ROOT = resolve(__dirname, '..', '..');
let dir: string;
let model: string;

function writeModel(path: string) {
  mkdirSync(path);
  const { configJson, tensors } = makeTinyGpt2({ nLayer: 3, nHead: 2, nEmbd: 16, nPositions: 64, seed: 5 });
  writeFileSync(join(path, 'config.json'), configJson);
  writeFileSync(join(path, 'model.safetensors'), writeSafetensors(tensors));
  writeFileSync(join(path, 'char_vocab.json'), charVocabJson());
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rs-cli-'));
  model = join(dir, 'tiny');
  writeModel(model);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function spawnCli(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'rhythmscope.js'), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2 with exactly one stderr line containing every part. */
function expectUsageError(r: { code: number | null; stderr: string }, ...parts: string[]) {
  expect(r.code).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  const last = lines[lines.length - 1];
  expect(last.startsWith('rhythmscope: '), r.stderr).toBe(true);
  expect(lines.filter((l) => l.startsWith('rhythmscope: ')).length).toBe(1);
  for (const p of parts) expect(last).toContain(p);
}

describe('rhythmscope via bin/rhythmscope.js', () => {
  it('--help lists the commands and exits 0', () => {
    const r = spawnCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['forward', 'generate', 'analyze']) expect(r.stdout).toContain(c);
  });

  it('forward writes a dump that parses back with rows summing to 1', () => {
    const out = join(dir, 'spawned.safetensors');
    const r = spawnCli([
      'forward',
      '--model',
      model,
      '--ids',
      '3,14,15,9,2,6,5',
      '--prompt-length',
      '2',
      '--out',
      out,
      '--backend',
      'wasm',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const dump = parseAttentionDump(new Uint8Array(readFileSync(out)), out);
    expect([dump.numHeads, dump.seqLen, dump.numLayers, dump.promptLength]).toEqual([2, 7, 3, 2]);
    expect(dump.layerIndices).toEqual([0, 1, 2]);
    expect(dump.tokenIds).toEqual([3, 14, 15, 9, 2, 6, 5]);
    expect(dump.tokens).toHaveLength(7);
    expect(dump.model).toBe('tiny');
    expect(dump.logits!.data.length).toBe(7 * dump.logits!.vocabSize);
    const a = dump.layer(2);
    for (let row = 0; row < 2 * 7; row++) {
      const t = row % 7;
      const sum = a.subarray(row * 7, row * 7 + t + 1).reduce((x, y) => x + y, 0);
      expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
      expect(a.subarray(row * 7 + t + 1, row * 7 + 7).every((v) => v === 0)).toBe(true);
    }
  });

  it('bad arguments: exit 2 and one line naming the flag', () => {
    expectUsageError(spawnCli(['forward', '--model', model, '--idz', '1']), 'unknown flag --idz');
  });

  it('a corrupt model file: exit 2, one line naming the file, no output left behind', () => {
    const bad = join(dir, 'corrupt');
    writeModel(bad);
    writeFileSync(join(bad, 'model.safetensors'), new Uint8Array([200, 0, 0, 0, 0, 0, 0, 0, 123]));
    const outDir = join(dir, 'out-corrupt');
    mkdirSync(outDir);
    const r = spawnCli(['forward', '--model', bad, '--ids', '1,2', '--out', join(outDir, 'x.safetensors')]);
    expectUsageError(r, 'corrupt/model.safetensors', 'header length');
    expect(readdirSync(outDir)).toEqual([]);
  });
});

describe('rhythmscope in-process', () => {
  beforeAll(async () => {
    await initNodeBackend('wasm');
  });
  let before: number;
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before); // every command frees its model and tensors
  });

  it('--help works for every command; unknown commands and backends are usage errors', async () => {
    for (const c of ['forward', 'generate', 'analyze']) {
      const r = await runCli([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`rhythmscope ${c}`);
      expect(r.stdout).toContain('--');
    }
    expectUsageError(await runCli(['frobnicate']), 'unknown command "frobnicate"');
    expectUsageError(await runCli(['forward', '--backend', 'webgl']), '--backend');
    expect((await runCli([])).code).toBe(2);
  });

  it('forward --prompt --response sets prompt_length to the prompt token count; repeated runs leak nothing', async () => {
    const out = join(dir, 'pr.safetensors');
    for (let i = 0; i < 2; i++) {
      const r = await runCli([
        'forward',
        '--backend',
        'cpu',
        '--model',
        model,
        '--prompt',
        '12+3=',
        '--response',
        '15',
        '--out',
        out,
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
    const dump = parseAttentionDump(new Uint8Array(readFileSync(out)), out);
    expect(dump.promptLength).toBe(5);
    expect(dump.tokens).toEqual(['1', '2', '+', '3', '=', '1', '5']);
  });

  it('forward rejects bad ids and paths without leaving a file', async () => {
    const out = join(dir, 'never.safetensors');
    expectUsageError(await runCli(['forward', '--model', model, '--ids', '1,99999', '--out', out]), '--ids', '99999');
    expectUsageError(
      await runCli(['forward', '--model', model, '--ids', '1,2', '--prompt-length', '2', '--out', out]),
      '--prompt-length',
    );
    expectUsageError(
      await runCli(['forward', '--model', model, '--ids', '1,2', '--prompt', 'x', '--out', out]),
      'exactly one',
    );
    expectUsageError(
      await runCli(['forward', '--model', join(dir, 'nope'), '--ids', '1', '--out', out]),
      'nope',
      '--model',
    );
    expectUsageError(
      await runCli(['forward', '--model', model, '--ids', '1', '--out', join(dir, 'no', 'x')]),
      'does not exist',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('generate streams the same text core generate() produces (greedy)', async () => {
    const r = await runCli(['generate', '--model', model, '--prompt', '7*8=', '--max-tokens', '12', '--no-stop-eos']);
    expect(r.code, r.stderr).toBe(0);
    const loaded = await loadModel(filesFromDir(model));
    try {
      const ref = await generate(loaded.model, loaded.tokenizer.encode('7*8='), { maxTokens: 12 });
      expect(r.stdout).toBe(`${loaded.tokenizer.decode(ref.ids)}\n`);
    } finally {
      loaded.model.dispose();
    }
    expect(r.stderr).toContain('stop: max_tokens');
    expectUsageError(await runCli(['generate', '--model', model, '--prompt', 'x', '--top-p', '0']), '--top-p');
    expectUsageError(await runCli(['generate', '--model', model, '--prompt', 'x€']), '€');
  });

  it('--model takes a .zip of the model folder: the same output as the folder; other files are refused', async () => {
    const zipPath = join(dir, 'tiny.zip');
    writeFileSync(
      zipPath,
      writeZip(
        readdirSync(model).map((f) => ({ path: `tiny/${f}`, bytes: new Uint8Array(readFileSync(join(model, f))) })),
      ),
    );
    const args = ['generate', '--prompt', '7*8=', '--max-tokens', '6', '--no-stop-eos'];
    const fromDir = await runCli([...args, '--model', model]);
    const fromZip = await runCli([...args, '--model', zipPath]);
    expect(fromZip.code, fromZip.stderr).toBe(0);
    expect(fromZip.stdout).toBe(fromDir.stdout);
    const notZip = join(dir, 'notes.txt');
    writeFileSync(notZip, 'hello');
    expectUsageError(await runCli([...args, '--model', notZip]), 'notes.txt', '--model', 'not a model folder or .zip');
    const broken = join(dir, 'broken.zip');
    writeFileSync(broken, readFileSync(zipPath).subarray(0, 100));
    expectUsageError(await runCli([...args, '--model', broken]), 'broken.zip', 'truncated zip archive');
  });

  it('analyze --attention: a record with the options given as flags', async () => {
    const dumpPath = join(dir, 'for-analyze.safetensors');
    expect(
      (
        await runCli([
          'forward',
          '--model',
          model,
          '--ids',
          '3,4,5,6,7,8,9,10',
          '--prompt-length',
          '3',
          '--out',
          dumpPath,
        ])
      ).code,
    ).toBe(0);
    const out = join(dir, 'a.jsonl');
    const r = await runCli([
      'analyze',
      '--attention',
      dumpPath,
      '--out',
      out,
      '--window',
      '3',
      '--h-lo',
      '1',
      '--h-hi',
      'inf',
      '--layers',
      'all',
      '--q',
      '0.5',
      '--sink',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const rec = JSON.parse(lines[0]);
    expect(rec.prompt_length).toBe(3);
    expect(rec.waad).toHaveLength(5);
    expect(rec.fai).toHaveLength(5);
    expect(rec.layers).toEqual([0, 1, 2]);
    expect(rec.options).toMatchObject({ W: 3, H_lo: 1, H_hi: 'Infinity', q: 0.5, sink: true, layers: 'all' });
    // The same sequence through a model (--input) gives the same record as through its dump (--attention).
    const input = join(dir, 'same.jsonl');
    writeFileSync(input, '{"prompt_ids": [3, 4, 5], "response_ids": [6, 7, 8, 9, 10]}\n');
    const viaModel = join(dir, 'same-out.jsonl');
    const flags = ['--window', '3', '--h-lo', '1', '--h-hi', 'inf', '--layers', 'all', '--q', '0.5', '--sink'];
    expect((await runCli(['analyze', '--model', model, '--input', input, '--out', viaModel, ...flags])).code).toBe(0);
    const rec2 = JSON.parse(readFileSync(viaModel, 'utf8'));
    for (const key of ['waad', 'fai', 'entropy'] as const) {
      rec2[key].forEach((v: number, i: number) => expect(Math.abs(v - rec[key][i]), `${key}[${i}]`).toBeLessThan(1e-5));
    }
    expect(rec2.anchor).toEqual(rec.anchor);
    expect(rec2.heads.local).toEqual(rec.heads.local);
    expectUsageError(await runCli(['analyze', '--attention', dumpPath, '--out', out, '--q', '2']), '--q');
    expectUsageError(await runCli(['analyze', '--attention', dumpPath, '--out', out, '--layers', 'odd']), '--layers');
    expectUsageError(
      await runCli(['analyze', '--attention', join(dir, 'missing.st'), '--out', out]),
      'missing.st',
      'no such file',
    );
    expectUsageError(
      await runCli(['analyze', '--attention', join(model, 'model.safetensors'), '--out', out]),
      'no attention tensors',
    );
  });

  it('analyze --input: GRPO groups, jsonl/csv/verl, and bad lines named by file:line with no output', async () => {
    const input = join(dir, 'in.jsonl');
    writeFileSync(
      input,
      [
        '{"prompt": "1+1=", "response": "2", "reward": 1, "group": "g"}',
        '',
        '{"prompt": "1+1=", "response": "3", "reward": 0, "group": "g"}',
        '{"prompt_ids": [3, 4], "response_ids": [5, 6, 7]}',
      ].join('\n'),
    );
    const out = join(dir, 'o.jsonl');
    const r = await runCli(['analyze', '--model', model, '--input', input, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const recs = readJsonl(out);
    expect(recs.map((x) => x.advantage)).toEqual([1, -1, undefined]);
    expect(recs[0].shaped_advantage.uniform).toEqual([1]);
    expect(recs[2].token_ids).toEqual([3, 4, 5, 6, 7]);
    for (const format of ['csv', 'verl']) {
      const o = join(dir, `o.${format}`);
      expect((await runCli(['analyze', '--model', model, '--input', input, '--out', o, '--format', format])).code).toBe(
        0,
      );
      expect(readFileSync(o, 'utf8').length).toBeGreaterThan(10);
    }
    const badOut = join(dir, 'bad.jsonl');
    writeFileSync(input, '{"prompt": "a", "response": "b"}\n{"prompt": "a"}\n');
    expectUsageError(
      await runCli(['analyze', '--model', model, '--input', input, '--out', badOut]),
      'in.jsonl:2',
      'response',
    );
    writeFileSync(input, '{"prompt": "a", "response": "b", "group": 1}\n');
    expectUsageError(
      await runCli(['analyze', '--model', model, '--input', input, '--out', badOut]),
      'in.jsonl:1',
      'reward',
    );
    writeFileSync(input, '{"prompt_ids": [1], "response_ids": [100000]}\n');
    expectUsageError(
      await runCli(['analyze', '--model', model, '--input', input, '--out', badOut]),
      'in.jsonl:1, field "prompt_ids/response_ids": token id 100000',
    );
    expectUsageError(await runCli(['analyze', '--input', input, '--out', badOut]), '--model');
    expect(existsSync(badOut)).toBe(false);
  });
});
