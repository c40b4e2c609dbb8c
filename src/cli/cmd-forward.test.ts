/** `rhythmscope forward` on a model folder without tokenizer files: ids need none; text does. */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../core/backend/node';
import { parseAttentionDump } from '../core/io/dump';
import { writeSafetensors } from '../core/io/safetensors';
import { makeTinyGpt2 } from '../core/model/testing/tinyGpt2';
import { runCli } from './testing/run-cli';

let dir: string;
let model: string;

beforeAll(async () => {
  await initNodeBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'rs-fwd-'));
  model = join(dir, 'no-tokenizer');
  mkdirSync(model);
  const { configJson, tensors } = makeTinyGpt2({ nLayer: 2, nHead: 2, nEmbd: 16, nPositions: 32, seed: 3 });
  writeFileSync(join(model, 'config.json'), configJson);
  writeFileSync(join(model, 'model.safetensors'), writeSafetensors(tensors)); // no char_vocab.json, no tokenizer.json
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('forward without a tokenizer', () => {
  it('--ids writes a dump whose tokens are named by id, and frees every tensor', async () => {
    const out = join(dir, 'ids.safetensors');
    const before = tf.memory().numTensors;
    const r = await runCli([
      'forward',
      '--backend',
      'cpu',
      '--model',
      model,
      '--ids',
      '4,7,1,9',
      '--prompt-length',
      '1',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    const dump = parseAttentionDump(new Uint8Array(readFileSync(out)), out);
    expect(dump.tokens).toEqual(['#4', '#7', '#1', '#9']);
    expect(dump.tokenIds).toEqual([4, 7, 1, 9]);
    expect(dump.promptLength).toBe(1);
  });

  it('--prompt still needs a tokenizer, and says so naming the folder', async () => {
    const out = join(dir, 'text.safetensors');
    const r = await runCli(['forward', '--backend', 'cpu', '--model', model, '--prompt', '12+3=', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no tokenizer found');
    expect(r.stderr).toContain('no-tokenizer');
    expect(existsSync(out)).toBe(false);
  });
});
