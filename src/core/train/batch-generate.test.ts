import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { filesFromMap } from '../io/files';
import { generate } from '../model/generate';
import { loadModel } from '../model/load';
import type { GPT2Config } from '../model/types';
import { EOS_TOKEN, TASK_TOKENS } from '../tasks/index';
import { CharTokenizer } from '../tokenizer/char';
import { generateBatch } from './batch-generate';
import { checkpointFiles } from './checkpoint';
import { GPT2Train, initGpt2Params } from './gpt2-train';

const config: GPT2Config = {
  model_type: 'gpt2', n_layer: 2, n_head: 2, n_embd: 16, n_positions: 40, vocab_size: TASK_TOKENS.length,
  layer_norm_epsilon: 1e-5, activation_function: 'relu', raw: {},
};
const tok = new CharTokenizer([...TASK_TOKENS], { eosToken: EOS_TOKEN });
// Prompts of different lengths: rows must not disturb each other.
const PROMPTS = ['12+47=?\n', '3,5,7=22?\n', '(1+2)*3=?\n', '9+9=?\n'].map((p) => tok.encode(p));

describe.each(['cpu', 'wasm'])('generateBatch on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  // Scaled-up random weights so the greedy path is not trivially constant.
  const params = initGpt2Params(config, 9).map((p) => ({ ...p, data: p.data.map((v) => (p.name.includes('ln_') ? v : v * 25)) }));

  it("greedy rows equal the runtime's generate() one by one", async () => {
    const model = new GPT2Train(config, params);
    const loaded = await loadModel(filesFromMap('m', checkpointFiles(config, model.toArrays(), tok)));
    const batched = generateBatch(model, PROMPTS, { maxNewTokens: 12, temperature: 0, stopId: 0 });
    for (let i = 0; i < PROMPTS.length; i++) {
      const single = await generate(loaded.model, PROMPTS[i], { maxTokens: 12, stopTokens: [0] });
      expect(batched[i], `row ${i}`).toEqual(single.ids);
    }
    expect(new Set(batched.map((r) => r.join())).size).toBeGreaterThan(1);
    loaded.model.dispose();
    model.dispose();
  });

  it('sampling is reproducible per seed and leaves no tensors behind', () => {
    const model = new GPT2Train(config, params);
    const run = (seeds: number[]) => generateBatch(model, PROMPTS, { maxNewTokens: 10, temperature: 1, seeds, stopId: 0 });
    const a = run([1, 2, 3, 4]);
    const before = tf.memory().numTensors;
    expect(run([1, 2, 3, 4])).toEqual(a);
    expect(run([5, 6, 7, 8])).not.toEqual(a);
    expect(tf.memory().numTensors).toBe(before);
    // Never past the context: 40 positions.
    const long = generateBatch(model, [PROMPTS[0]], { maxNewTokens: 100, temperature: 1, seeds: [3] });
    expect(PROMPTS[0].length + long[0].length).toBeLessThanOrEqual(40);
    model.dispose();
  });
});
