import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import './gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { filesFromMap } from '../io/files';
import { loadModel } from '../model/load';
import { referenceGpt2Forward, type ReferenceTensor } from '../model/testing/referenceGpt2';
import type { GPT2Config } from '../model/types';
import { EOS_TOKEN, TASK_TOKENS } from '../tasks/index';
import { CharTokenizer } from '../tokenizer/char';
import { checkpointFiles, loadCheckpoint } from './checkpoint';
import { GPT2Train, initGpt2Params } from './gpt2-train';
import { maxAbsDiff } from '../testing/numeric';

const base: GPT2Config = {
  model_type: 'gpt2',
  n_layer: 2,
  n_head: 2,
  n_embd: 16,
  n_positions: 32,
  vocab_size: TASK_TOKENS.length,
  layer_norm_epsilon: 1e-5,
  activation_function: 'gelu_new',
  raw: {},
};
const ROWS = [
  [3, 4, 13, 5, 19, 20, 1, 23, 22, 12, 0],
  [7, 7, 15, 8, 14, 2, 19, 20, 1, 23, 22],
];

/** Larger-than-init weights so attention is far from uniform and errors would show. */
function randomParams(config: GPT2Config, seed: number) {
  return initGpt2Params(config, seed).map((p) => ({
    ...p,
    data: p.data.map((v, i) =>
      p.name.endsWith('.bias') ? 0.1 * Math.sin(i + seed) : v * 20 + (p.name.includes('ln_') ? 0.1 * Math.cos(i) : 0),
    ),
  }));
}

describe.each(['cpu', 'wasm'])('GPT2Train on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('batched logits equal the plain-JS reference forward of each row (gelu_new) to 1e-4', () => {
    const params = randomParams(base, 3);
    const model = new GPT2Train(base, params);
    const T = ROWS[0].length;
    const logits = tf.tidy(() => model.forward(tf.tensor2d(ROWS.flat(), [2, T], 'int32')));
    const got = logits.dataSync();
    const map = new Map<string, ReferenceTensor>(params.map((p) => [p.name, p]));
    ROWS.forEach((row, b) => {
      const ref = referenceGpt2Forward(base, map, row).logits;
      const V = base.vocab_size;
      expect(maxAbsDiff(got.slice(b * T * V, (b + 1) * T * V), ref)).toBeLessThan(1e-4);
    });
    logits.dispose();
    model.dispose();
  });

  it.each([
    ['relu', { activation_function: 'relu' }],
    ['no 1/√hd, 1/(layer + 1)', { scale_attn_weights: false, scale_attn_by_inverse_layer_idx: true }],
  ] as const)(
    "equals the inference runtime's logits for the same weights (%s, saved as a checkpoint)",
    async (_, patch) => {
      const config: GPT2Config = { ...base, ...patch, n_layer: 3 };
      const params = randomParams(config, 5);
      const model = new GPT2Train(config, params);
      const tok = new CharTokenizer([...TASK_TOKENS], { eosToken: EOS_TOKEN });
      const loaded = await loadModel(filesFromMap('ckpt', checkpointFiles(config, model.toArrays(), tok)));
      const T = ROWS[1].length;
      const batched = tf.tidy(() => model.forward(tf.tensor2d(ROWS.flat(), [2, T], 'int32')));
      const V = config.vocab_size;
      ROWS.forEach((row, b) => {
        const single = loaded.model.forward(row);
        const want = single.dataSync();
        const scale = Math.max(1, ...Array.from(want, Math.abs)); // unscaled scores make larger logits
        expect(maxAbsDiff(batched.dataSync().slice(b * T * V, (b + 1) * T * V), want) / scale).toBeLessThan(1e-4);
        single.dispose();
      });
      batched.dispose();
      loaded.model.dispose();
      model.dispose();
    },
  );

  it("hand-written gradients equal tfjs's autodiff for every parameter", () => {
    const params = randomParams(base, 7).map((p) => ({ ...p, data: p.data.map((v) => v / 10) }));
    const model = new GPT2Train(base, params);
    const ids = tf.tensor2d(ROWS.flat(), [2, ROWS[0].length], 'int32');
    const up = tf.randomNormal([2 * ROWS[0].length, base.vocab_size], 0, 1, 'float32', 9);
    const grads = (builtin: boolean) => {
      model.builtinGrads = builtin;
      const { value, grads: g } = tf.variableGrads(() => tf.sum(tf.mul(model.forward(ids), up)) as tf.Scalar);
      value.dispose();
      return g;
    };
    const fast = grads(false);
    const ref = grads(true);
    expect(Object.keys(fast).length).toBe(model.vars.size);
    for (const name of Object.keys(ref)) {
      const scale = Math.max(1, ...Array.from(ref[name].dataSync(), Math.abs));
      expect(maxAbsDiff(fast[name].dataSync(), ref[name].dataSync()) / scale, name).toBeLessThan(1e-4);
    }
    tf.dispose([ids, up, ...Object.values(fast), ...Object.values(ref)]);
    model.dispose();
  });

  it('a model and its optimizer state free every tensor they made', () => {
    const before = tf.memory().numTensors;
    const model = GPT2Train.init(base, 2);
    expect(tf.memory().numTensors).toBe(before + model.vars.size);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('forward and gradients leave no tensors behind', () => {
    const model = GPT2Train.init(base, 1);
    const ids = tf.tensor2d(ROWS.flat(), [2, ROWS[0].length], 'int32');
    const run = () => {
      const { value, grads } = tf.variableGrads(() => tf.mean(model.forward(ids)) as tf.Scalar);
      tf.dispose([value, ...Object.values(grads)]);
    };
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) run();
    expect(tf.memory().numTensors).toBe(before);
    ids.dispose();
    model.dispose();
  });
});

describe('checkpoints training would change are supported or refused', () => {
  it('n_inner: training, saving and the runtime agree on a non-default MLP width', async () => {
    await tf.setBackend('cpu');
    const config: GPT2Config = { ...base, n_inner: 24 };
    const model = new GPT2Train(config, randomParams(config, 2));
    expect(model.vars.get('h.0.mlp.c_fc.weight')!.shape).toEqual([16, 24]);
    const tok = new CharTokenizer([...TASK_TOKENS], { eosToken: EOS_TOKEN });
    const files = filesFromMap('ckpt', checkpointFiles(config, model.toArrays(), tok));
    const ck = await loadCheckpoint(files);
    expect(ck.config.model_type === 'gpt2' && ck.config.n_inner).toBe(24);
    const loaded = await loadModel(files);
    const row = ROWS[0];
    const trained = tf.tidy(() => model.forward(tf.tensor2d([row], [1, row.length], 'int32')));
    const runtime = loaded.model.forward(row);
    expect(maxAbsDiff(trained.dataSync(), runtime.dataSync())).toBeLessThan(1e-4);
    tf.dispose([trained, runtime]);
    loaded.model.dispose();
    model.dispose();
  });

  it('an untied lm_head.weight is refused by name, not dropped', async () => {
    const model = new GPT2Train(base, randomParams(base, 4));
    const tok = new CharTokenizer([...TASK_TOKENS], { eosToken: EOS_TOKEN });
    const arrays = model.toArrays();
    const wte = arrays.find((a) => a.name === 'wte.weight')!;
    const files = checkpointFiles(base, [...arrays, { ...wte, name: 'lm_head.weight' }], tok);
    await expect(loadCheckpoint(filesFromMap('ckpt', files))).rejects.toThrow(
      /field "lm_head\.weight": training ties the LM head/,
    );
    model.dispose();
  });
});
