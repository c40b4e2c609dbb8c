/**
 * The second shipped model public/models/rhythm-countdown (scripts/train-builtin.ts --init from rhythm-mini) against
 * its card, and the size budget of every shipped model together.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { filesFromDir } from '../src/core/io/node-files';
import { loadModel } from '../src/core/model/load';
import { loadCheckpoint } from '../src/core/train/checkpoint';
import { batchedGenerator, evaluateTask, type EvalRow } from '../src/core/train/evaluate';
import { createPolicy } from '../src/core/train/policy';

const MODELS = fileURLToPath(new URL('../public/models', import.meta.url));
const DIR = join(MODELS, 'rhythm-countdown');

describe('the shipped model public/models/rhythm-countdown', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it('every shipped model together is at most 5 MB to download', async () => {
    let total = 0;
    for (const m of await readdir(MODELS))
      for (const f of await readdir(join(MODELS, m))) total += (await stat(join(MODELS, m, f))).size;
    expect(total).toBeLessThanOrEqual(5 * 1024 * 1024);
  });

  it('loads through the model runtime with the task vocabulary', async () => {
    const { model, tokenizer } = await loadModel(filesFromDir(DIR));
    expect(tokenizer.decode(tokenizer.encode('3,5,7=22?\n'))).toBe('3,5,7=22?\n');
    model.dispose();
  });

  it("sits in the RL band on Countdown level 1 and reproduces its card's greedy accuracy on 100 problems (±8 points)", async () => {
    const card = JSON.parse(await readFile(join(DIR, 'eval.json'), 'utf8')) as { seed: number; rows: EvalRow[] };
    const row = card.rows.find((r) => r.task === 'countdown' && r.level === 1)!;
    expect(row.pass1).toBeGreaterThanOrEqual(0.2);
    expect(row.pass1).toBeLessThanOrEqual(0.6);
    const ck = await loadCheckpoint(filesFromDir(DIR));
    const model = createPolicy(ck.config, ck.weights);
    const res = await evaluateTask(batchedGenerator(model, ck.tokenizer.eosId), ck.tokenizer, {
      task: 'countdown',
      level: 1,
      n: 100,
      seed: card.seed,
      k: 0,
      temperature: 1,
    });
    model.dispose();
    // 100 of the card's 500 problems: the binomial standard error at ~45% is ~5 points.
    expect(Math.abs(res.greedy - row.greedy)).toBeLessThanOrEqual(0.08);
  });
});
