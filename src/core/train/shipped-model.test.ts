import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { filesFromDir } from '../io/node-files';
import { loadModel } from '../model/load';
import { loadCheckpoint } from './checkpoint';
import { batchedGenerator, evaluateTask, type EvalRow } from './evaluate';
import { createPolicy } from './policy';

const DIR = fileURLToPath(new URL('../../../public/models/rhythm-mini', import.meta.url));

describe('the shipped model public/models/rhythm-mini', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it('is at most 5 MB and loads through the model runtime', async () => {
    expect((await stat(`${DIR}/model.safetensors`)).size).toBeLessThanOrEqual(5 * 1024 * 1024);
    const { model, tokenizer } = await loadModel(filesFromDir(DIR));
    expect(tokenizer.decode(tokenizer.encode('12+47=?\n'))).toBe('12+47=?\n');
    model.dispose();
  });

  it("reproduces its card's greedy addition accuracy (level 1) on 100 problems within ±5 points", async () => {
    const card = JSON.parse(await readFile(`${DIR}/eval.json`, 'utf8')) as { seed: number; rows: EvalRow[] };
    const row = card.rows.find((r) => r.task === 'addition' && r.level === 1)!;
    const ck = await loadCheckpoint(filesFromDir(DIR));
    const model = createPolicy(ck.config, ck.weights);
    const res = await evaluateTask(batchedGenerator(model, ck.tokenizer.eosId), ck.tokenizer, {
      task: 'addition',
      level: 1,
      n: 100,
      seed: card.seed,
      k: 0,
      temperature: 1,
    });
    model.dispose();
    expect(Math.abs(res.greedy - row.greedy)).toBeLessThanOrEqual(0.05);
  });
});
