import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesFromDir } from '../src/core/io/node-files';
import { loadModel } from '../src/core/model/load';
import { FIXTURE_DIR, fixtureFiles } from './make-fixture';

describe('public/models/tiny-random', () => {
  it('is what make-fixture.ts generates, byte for byte, and under 200 KB', async () => {
    const want = fixtureFiles();
    expect((await readdir(FIXTURE_DIR)).sort()).toEqual(Object.keys(want).sort());
    let total = 0;
    for (const [name, data] of Object.entries(want)) {
      const got = new Uint8Array(await readFile(join(FIXTURE_DIR, name)));
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      expect(Buffer.from(got).equals(Buffer.from(bytes)), name).toBe(true);
      total += got.length;
    }
    expect(total).toBeLessThan(200 * 1024);
  });

  it('loads and runs a 1024-token forward', async () => {
    await tf.setBackend('wasm');
    const { model, tokenizer } = await loadModel(filesFromDir(FIXTURE_DIR));
    expect(model.config.n_positions).toBe(1024);
    const ids = tokenizer.encode('The quick brown fox 12+34=46. '.repeat(40)).slice(0, 1024);
    const logits = model.forward(ids, { logits: 'last' });
    expect(logits.shape).toEqual([1, 97]);
    expect(Number.isFinite(logits.dataSync()[0])).toBe(true);
    logits.dispose();
    model.dispose();
  });
});
