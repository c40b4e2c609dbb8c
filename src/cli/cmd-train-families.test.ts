/**
 * `rhythmscope train`, `eval --engine batched` and `rl` on the transformers-written Llama-family fixtures, each given
 * the tasks' character vocabulary: supervised training from a Llama folder and its exact continuation, batched
 * evaluation of Qwen3, an RL run on Llama and Qwen3 whose saved folder loads back; bad input exits 2 with one line.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../core/train/gradients';
import { filesFromDir } from '../core/io/node-files';
import { loadModel } from '../core/model/load';
import { fixtureDir, type FixtureName } from '../core/model/testing/familyFixtures';
import { parseRunLog } from '../core/rl/runlog';
import { loadCheckpoint } from '../core/train/checkpoint';
import { paddedTaskVocabJson } from '../core/train/testing/vocab';
import { runCli as runCliWith } from './testing/run-cli';

let dir: string;

/** A copy of a fixture folder with the tasks' vocabulary (padded to the model's 64 ids). */
function trainableFixture(name: FixtureName): string {
  const to = join(dir, name);
  if (!existsSync(to)) {
    cpSync(fixtureDir(name), to, { recursive: true });
    rmSync(join(to, 'expected.json'));
    writeFileSync(join(to, 'char_vocab.json'), paddedTaskVocabJson(64));
  }
  return to;
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  dir = mkdtempSync(join(tmpdir(), 'rs-families-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runCli = (args: string[]) => runCliWith(['--backend', 'wasm', ...args]);

const TRAIN = ['--mix', 'addition:1:1', '--batch-size', '2', '--eval-every', '0', '--eval-problems', '2'];

describe('rhythmscope train from a Llama folder', () => {
  it('trains from --from, then --resume continues the checkpoint to the same weights as one straight run', async () => {
    const from = trainableFixture('llama3');
    const half = join(dir, 'llama-half');
    const straight = join(dir, 'llama-straight');
    let r = await runCli(['train', '--from', from, '--out', half, '--steps', '2', '--resume', ...TRAIN]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/llama model: \d+ parameters/);
    const mid = await loadCheckpoint(filesFromDir(half));
    expect(mid.state?.step).toBe(2);
    expect(mid.config.model_type).toBe('llama');
    expect(JSON.parse(readFileSync(join(half, 'config.json'), 'utf8'))).toEqual(
      JSON.parse(readFileSync(join(from, 'config.json'), 'utf8')),
    );
    expect(mid.weights.map((w) => w.name)).toContain('lm_head.weight'); // untied head kept

    r = await runCli(['train', '--out', half, '--steps', '3', '--resume', ...TRAIN]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/resumed at step 2/);
    r = await runCli(['train', '--from', from, '--out', straight, '--steps', '3', ...TRAIN]);
    expect(r.code).toBe(0);
    // The schedule depends on --steps, so compare two runs that both end at 3: split 2 + 1 vs. straight.
    const a = await loadCheckpoint(filesFromDir(half));
    const b = await loadCheckpoint(filesFromDir(straight));
    expect(a.state?.step).toBe(3);
    const diff = a.weights.map((w, i) => Math.max(...w.data.map((v, j) => Math.abs(v - b.weights[i].data[j]))));
    expect(Math.max(...diff)).toBeLessThan(1e-6);
    const loaded = await loadModel(filesFromDir(half));
    expect(loaded.model.config.model_type).toBe('llama');
    loaded.model.dispose();
  }, 120_000);

  it.each([
    [['--from', '/nonexistent/model'], /--from/],
    [['--from', '@fixture-no-eos'], /char_vocab.json.*end token/],
    [['--from', '@fixture-small-vocab'], /char_vocab.json: has 25 tokens but the model's vocab_size is 64/],
    [['--from', '@fixture-letters'], /cannot encode addition level 1's text/],
  ])('%j → exit 2, one line, no checkpoint', async (extra, msg) => {
    const out = join(dir, `bad-${Math.random().toString(36).slice(2)}`);
    const arg = extra[1];
    if (arg.startsWith('@')) {
      const to = join(dir, arg.slice(1));
      cpSync(trainableFixture('qwen3'), to, { recursive: true });
      extra = ['--from', to];
      const vocab = {
        '@fixture-no-eos': JSON.stringify({ type: 'char', tokens: JSON.parse(paddedTaskVocabJson(64)).tokens }),
        '@fixture-small-vocab': paddedTaskVocabJson(25),
        '@fixture-letters': readFileSync(join(fixtureDir('qwen3'), 'char_vocab.json'), 'utf8').replace(
          '"tokens"',
          '"eos_token": ";", "tokens"',
        ),
      }[arg]!;
      writeFileSync(join(to, 'char_vocab.json'), vocab);
    }
    const r = await runCli(['train', ...extra, '--out', out, '--steps', '1', ...TRAIN]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(msg);
    expect(existsSync(out)).toBe(false);
  });
});

describe('rhythmscope eval --engine batched on any family', () => {
  it('qwen3: the batched engine gives the runtime engine’s greedy numbers', async () => {
    const model = trainableFixture('qwen3');
    const args = ['eval', '--model', model, '--task', 'addition', '--n', '6', '--k', '0', '--json'];
    const batched = await runCli([...args, '--engine', 'batched']);
    expect(batched.stderr).not.toMatch(/error/);
    expect(batched.code).toBe(0);
    const runtime = await runCli([...args, '--engine', 'runtime']);
    expect(runtime.code).toBe(0);
    const pick = (s: string) =>
      (JSON.parse(s) as { greedy: number; meanLength: number }[]).map((r) => [r.greedy, r.meanLength]);
    expect(pick(batched.stdout)).toEqual(pick(runtime.stdout));
  }, 60_000);
});

describe('rhythmscope rl on Llama-family folders', () => {
  it.each(['llama3', 'qwen3'] as const)(
    '%s: a tiny run logs every step and saves a loadable model',
    async (name) => {
      const model = trainableFixture(name);
      const log = join(dir, `${name}-run.jsonl`);
      const save = join(dir, `${name}-tuned`);
      const r = await runCli([
        'rl',
        ...['--model', model, '--task', 'addition', '--level', '1', '--out', log, '--save', save],
        ...[
          '--steps',
          '2',
          '--prompts',
          '2',
          '--group',
          '2',
          '--max-tokens',
          '6',
          '--eval-problems',
          '2',
          '--lr',
          '0.01',
        ],
      ]);
      expect(r.stderr).not.toMatch(/error/);
      expect(r.code).toBe(0);
      const lines = parseRunLog(readFileSync(log, 'utf8'), log);
      expect(lines.map((l) => l.step)).toEqual([1, 2]);
      expect(lines.every((l) => Number.isFinite(l.loss))).toBe(true);
      const loaded = await loadModel(filesFromDir(save));
      expect(loaded.model.config.model_type).toBe(name === 'llama3' ? 'llama' : 'qwen3');
      loaded.model.dispose();
    },
    60_000,
  );
});
