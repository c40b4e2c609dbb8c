/** `rhythmscope study linkage|perturb` in-process on a tiny random GPT-2 written to a temp folder. */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../core/backend/node';
import { writeSafetensors } from '../core/io/safetensors';
import { charVocabJson, makeTinyGpt2 } from '../core/model/testing/tinyGpt2';
import { runCli as runCliWith } from './testing/run-cli';

let dir: string;
let model: string;

beforeAll(async () => {
  await initNodeBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'rs-study-'));
  model = join(dir, 'tiny');
  mkdirSync(model);
  const { configJson, tensors } = makeTinyGpt2({ nLayer: 3, nHead: 2, nEmbd: 16, nPositions: 64, seed: 5 });
  writeFileSync(join(model, 'config.json'), configJson);
  writeFileSync(join(model, 'model.safetensors'), writeSafetensors(tensors));
  writeFileSync(join(model, 'char_vocab.json'), charVocabJson());
  const lines = [
    { prompt: '12+34=?\n', response: '2+4=6 c0\n1+3=4 c0\nA:46' },
    { prompt: '3,5,7=22?\n', response: '3*5=15\n15+7=22\nA:3*5+7' },
    { prompt: '9+9=?\n', response: '9+9=8 c1\nA:18 and more text' },
  ];
  writeFileSync(join(dir, 'in.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
  writeFileSync(join(dir, 'bad.jsonl'), '{"prompt": "1+1=?\\n", "response": "2"}\n{"prompt": 3}\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runCli = (args: string[]) => runCliWith(['--backend', 'cpu', ...args]);

function expectUsageError(r: { code: number; stderr: string }, ...parts: string[]) {
  expect(r.code).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines.at(-1)).toMatch(/^rhythmscope: /);
  for (const p of parts) expect(lines.at(-1)).toContain(p);
}

describe('study linkage', () => {
  it('from a model and a JSONL: the formats.md fields, progress on stderr', async () => {
    const out = join(dir, 'linkage.json');
    const r = await runCli([
      'study',
      'linkage',
      '--model',
      model,
      '--input',
      join(dir, 'in.jsonl'),
      '--out',
      out,
      '--h-lo',
      '2',
      '--h-hi',
      '8',
      '--k-link',
      '2',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\[study linkage\] 3\/3/);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j.sequences).toBe(3);
    expect(j.options).toMatchObject({ q_peak: 0.2, k_link: 2, H_lo: 2, H_hi: 8 });
    expect(j.receiver_heads).toHaveLength(3);
    expect(Object.keys(j.rows).sort()).toEqual([
      'entropy_at_waad_peaks',
      'fai_follows_waad',
      'receiver_global_cooccurrence',
    ]);
    for (const row of Object.values(j.rows) as { observed: number; random: number; lift: number }[]) {
      expect(Object.keys(row).sort()).toEqual(['lift', 'observed', 'random']);
      expect(typeof row.observed).toBe('number');
    }
    expect(j.per_sequence.map((s: { index: number }) => s.index)).toEqual([0, 1, 2]);
  });

  it('from dumps (files and a folder): entropy row null without logits... present with them', async () => {
    const dumps = join(dir, 'dumps');
    mkdirSync(dumps);
    for (const [i, ids] of ['3,4,5,6,7,8,9,10,11,12', '5,9,2,2,8,13,4,1'].entries()) {
      expect(
        (
          await runCli([
            'forward',
            '--model',
            model,
            '--ids',
            ids,
            '--prompt-length',
            '3',
            '--out',
            join(dumps, `d${i}.safetensors`),
          ])
        ).code,
      ).toBe(0);
    }
    const out = join(dir, 'dumps.json');
    const r = await runCli([
      'study',
      'linkage',
      '--attention',
      dumps,
      join(dumps, 'd0.safetensors'),
      '--out',
      out,
      '--h-lo',
      '1',
    ]);
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(j.sequences).toBe(3);
    expect(j.rows.fai_follows_waad.observed).not.toBeNull();
  });

  // Each case: its arguments (built once the temp folder exists) and the parts the error line must name.
  const badLinkage: [string, () => string[], string[]][] = [
    ['neither input nor dumps', () => ['--model', model], ['exactly one']],
    ['--attention without files', () => ['--attention'], ['--attention']],
    [
      '--q-peak out of range',
      () => ['--model', model, '--input', join(dir, 'in.jsonl'), '--q-peak', '2'],
      ['--q-peak'],
    ],
    [
      'unknown --fai-heads',
      () => ['--model', model, '--input', join(dir, 'in.jsonl'), '--fai-heads', 'x'],
      ['--fai-heads'],
    ],
    ['a JSONL given as a dump', () => ['--attention', join(dir, 'in.jsonl')], ['in.jsonl']],
    ['a bad JSONL line', () => ['--model', model, '--input', join(dir, 'bad.jsonl')], ['bad.jsonl', '2']],
  ];
  it.each(badLinkage)('bad input (%s): exit 2, one line naming it, no output left behind', async (_, args, parts) => {
    const out = join(dir, 'bad.json');
    expectUsageError(await runCli(['study', 'linkage', ...args(), '--out', out]), ...parts);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('an unknown study: exit 2', async () => {
    expectUsageError(await runCli(['study', 'nope']), 'linkage or perturb');
  });

  it('--help describes both studies', async () => {
    const r = await runCli(['study', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('rhythmscope study linkage');
    expect(r.stdout).toContain('--min-tail');
  });
});

describe('study perturb', () => {
  it('batched and one-by-one give the same file; formats.md fields; no tensor leak', async () => {
    const before = tf.memory().numTensors;
    const a = join(dir, 'p1.json');
    const b = join(dir, 'p2.json');
    const args = [
      '--model',
      model,
      '--input',
      join(dir, 'in.jsonl'),
      '--k',
      '2',
      '--m',
      '2',
      '--min-tail',
      '3',
      '--seed',
      '4',
      '--h-lo',
      '2',
    ];
    const r = await runCli(['study', 'perturb', ...args, '--out', a]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\[study perturb\] 3\/3/);
    expect(r.stderr).toContain('batched continuations');
    expect((await runCli(['study', 'perturb', ...args, '--no-batched', '--out', b])).code).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    const j = JSON.parse(readFileSync(a, 'utf8'));
    expect(JSON.parse(readFileSync(b, 'utf8'))).toEqual(j);
    expect(j).toMatchObject({ sequences: 3, options: { k: 2, m: 2, min_tail: 3, seed: 4, H_lo: 2 } });
    for (const key of ['mean_jaccard_top', 'mean_jaccard_bottom', 'mean_jaccard_random', 'p_top_lower'])
      expect(typeof j[key]).toBe('number');
    expect(j.p_top_lower_ci).toHaveLength(2);
    const s = j.per_sequence[0];
    expect(Object.keys(s)).toEqual(
      expect.arrayContaining(['index', 'j_top', 'j_bottom', 'j_random', 'top', 'bottom', 'random']),
    );
    expect(Object.keys(s.top[0])).toEqual(expect.arrayContaining(['position', 'token', 'fai', 'score', 'candidates']));
    expect(Object.keys(s.top[0].candidates[0])).toEqual(
      expect.arrayContaining(['token_id', 'token', 'jaccard', 'continuation']),
    );
  });

  const badPerturb: [string, () => string[], string[]][] = [
    ['no --model', () => ['--input', join(dir, 'in.jsonl')], ['--model']],
    ['--k 0', () => ['--model', model, '--input', join(dir, 'in.jsonl'), '--k', '0'], ['--k']],
    ['a missing input', () => ['--model', model, '--input', join(dir, 'nope.jsonl')], ['nope.jsonl']],
    ['a bad JSONL line', () => ['--model', model, '--input', join(dir, 'bad.jsonl')], ['bad.jsonl', '2']],
  ];
  it.each(badPerturb)('bad arguments (%s): exit 2, no output', async (_, args, parts) => {
    const out = join(dir, 'bad-p.json');
    expectUsageError(await runCli(['study', 'perturb', ...args(), '--out', out]), ...parts);
    expect(existsSync(out)).toBe(false);
  });
});
