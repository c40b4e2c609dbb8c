/**
 * `rhythmscope rl` / `experiment` in-process: bad arguments give exit 2 and one line naming the flag; a tiny
 * run writes one JSON line per step and a loadable fine-tuned model; an experiment writes its table and plot.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../core/train/gradients';
import { writeSafetensors } from '../core/io/safetensors';
import { gpt2ConfigJson } from '../core/train/checkpoint';
import { taskVocabJson } from '../core/tasks/index';
import { tinyPolicy } from '../core/rl/testing/tinyPolicy';
import { parseRunLog } from '../core/rl/runlog';
import { runCli } from './testing/run-cli';

let dir: string;
let model: string;

beforeAll(async () => {
  await tf.setBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'rs-rl-'));
  model = join(dir, 'tiny');
  mkdirSync(model);
  const init = tinyPolicy(4);
  writeFileSync(join(model, 'config.json'), gpt2ConfigJson(init.config));
  writeFileSync(join(model, 'model.safetensors'), writeSafetensors(init.weights));
  writeFileSync(join(model, 'char_vocab.json'), taskVocabJson());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = () => [
  'rl',
  '--backend',
  'wasm',
  '--model',
  model,
  '--task',
  'addition',
  '--level',
  '1',
  '--out',
  join(dir, 'run.jsonl'),
];

describe('rhythmscope rl: bad arguments', () => {
  it.each([
    [['--steps', '0'], /--steps.*≥ 1/],
    [['--steps', '-2'], /--steps/],
    [['--group', '1'], /--group.*≥ 2/],
    [['--lr', '0'], /--lr.*> 0/],
    [['--lr', 'NaN'], /--lr: expected a number/],
    [['--lr', '-0.1'], /--lr/],
    [['--strategy', 'magic'], /--strategy.*unknown strategy "magic"/],
    [['--level', '7'], /--level.*one of 1, 2, 3, 4/],
    [['--capo-penalty', '0'], /--capo-penalty.*> 0/],
    [['--pure-temperature', '-1'], /--pure-temperature.*> 0/],
    [['--pure-temperature', 'cold'], /--pure-temperature: expected a number/],
  ])('%j → exit 2, one line naming the flag', async (extra, msg) => {
    const args = base();
    if (extra[0] === '--level') args.splice(args.indexOf('--level'), 2);
    const r = await runCli([...args, ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(msg);
    expect(existsSync(join(dir, 'run.jsonl'))).toBe(false);
  });

  it('unknown task and missing model folder are named', async () => {
    const t = await runCli(['rl', '--model', model, '--task', 'chess', '--level', '1', '--out', join(dir, 'x.jsonl')]);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/--task: expected one of addition, countdown, multistep, got "chess"/);
    const m = await runCli([
      'rl',
      '--model',
      join(dir, 'nope'),
      '--task',
      'addition',
      '--level',
      '1',
      '--out',
      join(dir, 'x.jsonl'),
    ]);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/nope.*--model.*not a model folder/);
  });
});

describe('rhythmscope rl and experiment: tiny runs', () => {
  it('writes one line per step and saves a loadable model', async () => {
    const out = join(dir, 'ok.jsonl');
    const save = join(dir, 'tuned');
    const r = await runCli([
      ...base().slice(0, -1),
      out,
      '--strategy',
      'global-anchor',
      '--steps',
      '2',
      '--prompts',
      '2',
      '--group',
      '2',
      '--max-tokens',
      '12',
      '--eval-problems',
      '2',
      '--eval-every',
      '1',
      '--save',
      save,
    ]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const lines = parseRunLog(readFileSync(out, 'utf8'), out);
    expect(lines.map((l) => l.step)).toEqual([1, 2]);
    expect(lines[1]).toMatchObject({ strategy: 'global_anchor', seed: 0 });
    for (const key of ['mean_reward', 'mean_length', 'entropy', 'amplified_share', 'clip_fraction', 'heldout_accuracy'])
      expect(lines[1]).toHaveProperty(key);
    expect(Object.keys(lines[1].time_ms)).toEqual(
      expect.arrayContaining(['rollout', 'attention', 'metrics', 'update', 'total']),
    );
    expect(existsSync(`${out}.partial`)).toBe(false);
    expect(existsSync(join(save, 'model.safetensors')) && existsSync(join(save, 'char_vocab.json'))).toBe(true);
    const g = await runCli(['generate', '--model', save, '--prompt', '12+3=?\n', '--max-tokens', '3']);
    expect(g.code).toBe(0);
  }, 60_000);

  it('the step-verified strategies run from the command line (capo-style alias, pure)', async () => {
    for (const [name, strategy] of [
      ['capo-style', 'capo'],
      ['pure', 'pure'],
    ]) {
      const out = join(dir, `${strategy}.jsonl`);
      const flags = ['--steps', '1', '--prompts', '2', '--group', '2', '--max-tokens', '12', '--eval-problems', '0'];
      const r = await runCli([...base().slice(0, -1), out, '--strategy', name, ...flags]);
      expect(r.stderr).not.toMatch(/error/);
      expect(r.code).toBe(0);
      const lines = parseRunLog(readFileSync(out, 'utf8'), out);
      expect(lines[0]).toMatchObject({ strategy, analyzed_rows: 0 });
    }
  }, 60_000);

  it('experiment: table, CSVs and SVG; a second call reuses the finished runs', async () => {
    const outDir = join(dir, 'exp');
    const args = [
      'experiment',
      '--backend',
      'wasm',
      '--model',
      model,
      '--task',
      'addition',
      '--level',
      '1',
      '--steps',
      '2',
      '--prompts',
      '2',
      '--group',
      '2',
      '--max-tokens',
      '8',
      '--eval-problems',
      '2',
      '--eval-every',
      '2',
      '--strategies',
      'uniform,coupled',
      '--seeds',
      '0,1',
      '--out-dir',
      outDir,
    ];
    const r = await runCli(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\| uniform \| 2 \|/);
    expect(r.stdout).toMatch(/\| coupled \| 2 \|/);
    for (const f of ['summary.md', 'summary.csv', 'curves.csv', 'curves.svg', 'experiment.json'])
      expect(existsSync(join(outDir, f))).toBe(true);
    expect(readFileSync(join(outDir, 'curves.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
    const again = await runCli(args);
    expect(again.code).toBe(0);
    expect(again.stderr.match(/reused/g)).toHaveLength(4);
    const bad = await runCli(args.map((a) => (a === 'uniform,coupled' ? 'uniform,nope' : a)));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--strategies.*unknown strategy "nope"/);
  }, 120_000);
});
