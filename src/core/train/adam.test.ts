import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, DEFAULT_ADAM, learningRate, type AdamConfig } from './adam';

const C: AdamConfig = {
  ...DEFAULT_ADAM,
  lr: 1,
  warmupSteps: 10,
  totalSteps: 110,
  minLrFraction: 0.1,
  weightDecay: 0,
  clipNorm: 0,
  eps: 0,
};

describe('learning-rate schedule', () => {
  it('warms up linearly then follows the cosine to the floor (hand-computed)', () => {
    expect(learningRate(0, C)).toBeCloseTo(0.1, 12); // (0+1)/10
    expect(learningRate(4, C)).toBeCloseTo(0.5, 12);
    expect(learningRate(9, C)).toBeCloseTo(1, 12);
    expect(learningRate(10, C)).toBeCloseTo(1, 12); // cosine start
    expect(learningRate(60, C)).toBeCloseTo(0.1 + 0.9 * 0.5, 12); // halfway: cos(π/2) = 0
    expect(learningRate(110, C)).toBeCloseTo(0.1, 12);
    expect(learningRate(500, C)).toBeCloseTo(0.1, 12); // clamped
  });
});

describe('Adam', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('first step moves each parameter by lr·sign(g) (bias-corrected), hand-computed', () => {
    const params = new Map([['w.weight', tf.variable(tf.tensor1d([1, 2]))]]);
    const adam = new Adam({ ...C, warmupSteps: 0, lr: 0.5 });
    // g = [0.5, -2]: m̂ = g, v̂ = g², update = g/|g| = ±1.
    const { lr } = adam.apply(params, new Map([['w.weight', tf.tensor1d([0.5, -2])]]));
    expect(lr).toBeCloseTo(0.5, 12);
    const w = params.get('w.weight')!.dataSync();
    expect(w[0]).toBeCloseTo(0.5, 6);
    expect(w[1]).toBeCloseTo(2.5, 6);
    // Second step with g = [0.5, 0]: m = 0.9·0.05 + 0.05 = 0.095, m̂ = 0.095/0.19 = 0.5;
    // v = 0.99·0.0025 + 0.0025 = 0.004975, v̂ = 0.004975/0.0199 = 0.25 -> update 1 for w0.
    adam.apply(params, new Map([['w.weight', tf.tensor1d([0.5, 0])]]));
    expect(params.get('w.weight')!.dataSync()[0]).toBeCloseTo(
      0.5 - learningRate(1, { ...C, warmupSteps: 0, lr: 0.5 }),
      5,
    );
    adam.dispose();
    params.get('w.weight')!.dispose();
  });

  it('clips the global gradient norm and reports the norm before clipping', () => {
    const params = new Map([
      ['a.bias', tf.variable(tf.tensor1d([0]))],
      ['b.bias', tf.variable(tf.tensor1d([0]))],
    ]);
    const adam = new Adam({ ...C, clipNorm: 1 });
    const { gradNorm } = adam.apply(
      params,
      new Map([
        ['a.bias', tf.tensor1d([3])],
        ['b.bias', tf.tensor1d([4])],
      ]),
    );
    expect(gradNorm).toBeCloseTo(5, 5);
    const state = new Map(adam.stateArrays().map((s) => [s.name, s.data[0]]));
    expect(state.get('m.a.bias')).toBeCloseTo(0.1 * 0.6, 6); // (1 − β1)·g·(1/5)
    expect(state.get('m.b.bias')).toBeCloseTo(0.1 * 0.8, 6);
    adam.dispose();
    for (const p of params.values()) p.dispose();
  });

  it('applies decoupled weight decay to matrices only', () => {
    const params = new Map([
      ['h.0.mlp.c_fc.weight', tf.variable(tf.tensor1d([2]))],
      ['h.0.ln_1.weight', tf.variable(tf.tensor1d([2]))],
    ]);
    const adam = new Adam({ ...C, warmupSteps: 0, lr: 0.1, weightDecay: 0.5, eps: 1e-8 }); // g = 0: eps avoids 0/0
    adam.apply(
      params,
      new Map([
        ['h.0.mlp.c_fc.weight', tf.tensor1d([0])],
        ['h.0.ln_1.weight', tf.tensor1d([0])],
      ]),
    );
    expect(params.get('h.0.mlp.c_fc.weight')!.dataSync()[0]).toBeCloseTo(2 - 0.1 * 0.5 * 2, 6);
    expect(params.get('h.0.ln_1.weight')!.dataSync()[0]).toBeCloseTo(2, 6);
    adam.dispose();
    for (const p of params.values()) p.dispose();
  });

  it('holds exactly its two moments per parameter: the first update allocates nothing else', () => {
    const params = new Map<string, tf.Variable>([
      [
        'a.weight',
        tf.variable(
          tf.tensor2d([
            [1, 2],
            [3, 4],
          ]),
        ),
      ],
      ['a.bias', tf.variable(tf.tensor1d([0, 1]))],
    ]);
    const grads = new Map<string, tf.Tensor>([
      [
        'a.weight',
        tf.tensor2d([
          [1, 1],
          [1, 1],
        ]),
      ],
      ['a.bias', tf.tensor1d([1, -1])],
    ]);
    const adam = new Adam(C);
    const before = tf.memory().numTensors;
    adam.apply(params, grads);
    expect(tf.memory().numTensors).toBe(before + 4);
    adam.apply(params, grads);
    expect(tf.memory().numTensors).toBe(before + 4);
    adam.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...params.values(), ...grads.values()]);
  });
});
