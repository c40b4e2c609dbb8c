/**
 * `rhythmscope experiment --jobs N`: runs in worker processes give the same run logs as runs in this process (every
 * metric of every step, bit for bit; only the timings differ), a second call reuses the finished runs, and an
 * aborted pool reports no finished run (so nothing is written for it).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import '../core/train/gradients';
import { writeSafetensors } from '../core/io/safetensors';
import { resolveRlOptions } from '../core/rl/options';
import { gpt2ConfigJson } from '../core/train/checkpoint';
import { taskVocabJson } from '../core/tasks/index';
import { tinyPolicy } from '../core/rl/testing/tinyPolicy';
import { parseRunLog, type RunLogLine } from '../core/rl/runlog';
import { runPool } from './experiment-pool';
import { runCli } from './testing/run-cli';

let dir: string;
let model: string;

beforeAll(async () => {
  await tf.setBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'rs-exp-par-'));
  model = join(dir, 'tiny');
  mkdirSync(model);
  const init = tinyPolicy(4);
  writeFileSync(join(model, 'config.json'), gpt2ConfigJson(init.config));
  writeFileSync(join(model, 'model.safetensors'), writeSafetensors(init.weights));
  writeFileSync(join(model, 'char_vocab.json'), taskVocabJson());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const args = (outDir: string, jobs: string) => [
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
  '1',
  '--temperature',
  '1.5',
  '--strategies',
  'uniform,coupled',
  '--seeds',
  '0,1',
  '--jobs',
  jobs,
  '--out-dir',
  outDir,
];

/** A run log without its timings (the only thing that may differ between processes). */
function metrics(file: string): Omit<RunLogLine, 'time_ms'>[] {
  return parseRunLog(readFileSync(file, 'utf8'), file).map(({ time_ms: _t, ...rest }) => rest);
}

describe('rhythmscope experiment --jobs', () => {
  it('parallel == serial per run, bit for bit; resume reuses; bad --jobs refused', async () => {
    const serial = join(dir, 'serial');
    const parallel = join(dir, 'parallel');
    const s = await runCli(args(serial, '1'));
    expect(s.code).toBe(0);
    const p = await runCli(args(parallel, '2'));
    expect(p.stderr).toMatch(/4 runs on 2 worker processes \(wasm\)/);
    expect(p.code).toBe(0);
    const files = readdirSync(join(serial, 'runs')).filter((f) => f.endsWith('.jsonl'));
    expect(files.sort()).toEqual([
      'coupled-seed0.jsonl',
      'coupled-seed1.jsonl',
      'uniform-seed0.jsonl',
      'uniform-seed1.jsonl',
    ]);
    expect(readdirSync(join(parallel, 'runs')).sort()).toEqual(readdirSync(join(serial, 'runs')).sort());
    for (const f of files) {
      const a = metrics(join(serial, 'runs', f));
      expect(a).toHaveLength(2);
      expect(metrics(join(parallel, 'runs', f))).toEqual(a);
    }
    // The two seeds differ (the comparison is not one run repeated).
    expect(metrics(join(serial, 'runs', files[2]))).not.toEqual(metrics(join(serial, 'runs', files[3])));
    // Same table whatever order the runs finished in (timing columns aside).
    const table = (d: string) => readFileSync(join(d, 'summary.csv'), 'utf8').split('\n')[1].split(',').slice(0, 8);
    expect(table(parallel)).toEqual(table(serial));
    const again = await runCli(args(parallel, '2'));
    expect(again.code).toBe(0);
    expect(again.stderr.match(/reused/g)).toHaveLength(4);
    const bad = await runCli(args(join(dir, 'bad'), '0'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--jobs.*≥ 1/);
  }, 300_000);

  it('an aborted pool finishes no run', async () => {
    const options = [0, 1].map((seed) =>
      resolveRlOptions({
        task: 'addition',
        level: 1,
        steps: 50,
        prompts: 2,
        group: 2,
        maxTokens: 8,
        seed,
        evalProblems: 0,
      }),
    );
    const controller = new AbortController();
    const onDone = vi.fn(async () => {});
    const res = await runPool(options, {
      model,
      backend: 'wasm',
      jobs: 2,
      signal: controller.signal,
      onLine: () => controller.abort(),
      onDone,
    });
    expect(res.aborted).toBe(true);
    expect(onDone).not.toHaveBeenCalled();
  }, 120_000);
});
