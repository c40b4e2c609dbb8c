import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import './gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { filesFromMap } from '../io/files';
import { loadModel } from '../model/load';
import { randomLlama } from '../model/testing/randomModel';
import { resolveRlOptions } from '../rl/options';
import { RlTrainer } from '../rl/trainer';
import { EOS_TOKEN, TASK_TOKENS } from '../tasks/index';
import { CharTokenizer } from '../tokenizer/char';
import { checkpointFiles, loadTrainable } from './checkpoint';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('RL on a tiny Llama (autodiff over the shared decoder)', () => {
  it('steps move the weights, stay finite, and the tuned folder loads back in the runtime and as a policy', async () => {
    const { config, source } = randomLlama({
      layers: 2,
      heads: 4,
      kvHeads: 2,
      hidden: 32,
      inner: 64,
      vocab: TASK_TOKENS.length,
      context: 96,
    });
    const weights = source.names.map((name) => ({
      name,
      shape: source.info(name)!.shape,
      data: source.getFloat32(name),
    }));
    const tokenizer = new CharTokenizer([...TASK_TOKENS], { eosToken: EOS_TOKEN });
    const options = resolveRlOptions({
      task: 'addition',
      level: 1,
      prompts: 2,
      group: 2,
      maxTokens: 12,
      steps: 2,
      evalProblems: 2,
      evalEvery: 2,
      lr: 1e-2,
    });
    const reward = {
      reward: (_p: string, c: string) => (c.length ? [...c].filter((ch) => ch === '1').length / c.length : 0),
    };
    const trainer = new RlTrainer({ config, weights, tokenizer }, options, reward);
    const w0 = trainer.weights().map((w) => Array.from(w.data));
    for (let i = 0; i < 2; i++) {
      const line = (await trainer.trainStep())!;
      expect(line.nan_abort).toBe(false);
      expect(Number.isFinite(line.loss)).toBe(true);
    }
    const w1 = trainer.weights();
    expect(w1.map((w) => Array.from(w.data))).not.toEqual(w0);
    const files = filesFromMap('tuned', checkpointFiles(config, w1, tokenizer));
    const back = await loadTrainable(files);
    expect(back.config.model_type).toBe('llama');
    const loaded = await loadModel(files);
    const logits = loaded.model.forward([1, 2, 3]);
    expect(Number.isFinite(logits.dataSync()[0])).toBe(true);
    logits.dispose();
    loaded.model.dispose();
    trainer.dispose();
  }, 60_000);
});
