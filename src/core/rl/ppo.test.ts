import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { ppoClipLoss, responseTokenMean } from './ppo';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const t2 = (rows: number[][]) => tf.tensor2d(rows);

describe('responseTokenMean', () => {
  it('averages tokens within a response, then responses', () => {
    // response 0: (1 + 3) / 2 = 2; response 1: 10 / 1 = 10 (second token is padding); mean = 6
    const v = responseTokenMean(
      t2([
        [1, 3],
        [10, 99],
      ]),
      t2([
        [1, 1],
        [1, 0],
      ]),
    );
    expect(v.dataSync()[0]).toBeCloseTo(6, 6);
  });
});

describe('ppoClipLoss', () => {
  it('ratio 1 (first micro-step) gives minus the token-mean advantage and no clipping', () => {
    const logp = t2([
      [-1, -2],
      [-0.5, -0.5],
    ]);
    const adv = t2([
      [1.5, 1],
      [-1, -1],
    ]);
    const { loss, clipFraction } = ppoClipLoss(
      {
        logpNew: logp,
        logpOld: logp,
        advantages: adv,
        mask: t2([
          [1, 1],
          [1, 1],
        ]),
      },
      { clipEps: 0.2 },
    );
    // responses: (1.5 + 1)/2 = 1.25 and (−1 − 1)/2 = −1; mean 0.125; loss −0.125
    expect(loss.dataSync()[0]).toBeCloseTo(-0.125, 6);
    expect(clipFraction.dataSync()[0]).toBe(0);
  });

  it('clips a large ratio with positive advantage at 1+ε, and a small ratio with negative advantage at 1−ε', () => {
    // token 0: ratio e^{0.5} ≈ 1.6487, A = 2 → min(3.297, 1.2·2 = 2.4) = 2.4
    // token 1: ratio e^{−0.5} ≈ 0.6065, A = −1 → min(−0.6065, 0.8·−1 = −0.8) = −0.8
    const { loss, clipFraction } = ppoClipLoss(
      { logpNew: t2([[0.5, -0.5]]), logpOld: t2([[0, 0]]), advantages: t2([[2, -1]]), mask: t2([[1, 1]]) },
      { clipEps: 0.2 },
    );
    expect(loss.dataSync()[0]).toBeCloseTo(-(2.4 - 0.8) / 2, 5);
    expect(clipFraction.dataSync()[0]).toBe(1);
  });

  it('keeps the unclipped (pessimistic) term when it is smaller', () => {
    // ratio e^{−0.5} with A = +1: min(0.6065, 0.8) = 0.6065, not clipped
    const { loss, clipFraction } = ppoClipLoss(
      { logpNew: t2([[-0.5]]), logpOld: t2([[0]]), advantages: t2([[1]]), mask: t2([[1]]) },
      { clipEps: 0.2 },
    );
    expect(loss.dataSync()[0]).toBeCloseTo(-Math.exp(-0.5), 5);
    expect(clipFraction.dataSync()[0]).toBe(0);
  });

  it('a gradient step raises the log-prob of a token with positive advantage and lowers it with negative', () => {
    for (const a of [1, -1]) {
      const logit = tf.variable(tf.tensor1d([0.3, -0.2])); // a one-token toy policy over 2 actions, action 0 sampled
      const logpOf0 = () => tf.reshape(tf.slice(tf.logSoftmax(logit), [0], [1]), [1, 1]) as tf.Tensor2D;
      const old = tf.tidy(logpOf0);
      const before = old.dataSync()[0];
      const { grads } = tf.variableGrads(
        () =>
          ppoClipLoss({ logpNew: logpOf0(), logpOld: old, advantages: t2([[a]]), mask: t2([[1]]) }, { clipEps: 0.2 })
            .loss,
      );
      logit.assign(tf.sub(logit, tf.mul(0.1, grads[logit.name])));
      const after = tf.tidy(logpOf0).dataSync()[0];
      if (a > 0) expect(after).toBeGreaterThan(before);
      else expect(after).toBeLessThan(before);
      tf.dispose([logit, old, grads[logit.name]]);
    }
  });

  it('adds β·k3 KL to the reference and leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    const inputs = {
      logpNew: t2([[-1]]),
      logpOld: t2([[-1]]),
      advantages: t2([[0]]),
      mask: t2([[1]]),
      logpRef: t2([[-1.5]]),
    };
    const { loss, kl, clipFraction } = ppoClipLoss(inputs, { clipEps: 0.2, klCoef: 0.1 });
    // d = ref − new = −0.5; k3 = e^{−0.5} + 0.5 − 1 ≈ 0.106531
    const k3 = Math.exp(-0.5) + 0.5 - 1;
    expect(kl.dataSync()[0]).toBeCloseTo(k3, 5);
    expect(loss.dataSync()[0]).toBeCloseTo(0.1 * k3, 5);
    tf.dispose([loss, kl, clipFraction, ...Object.values(inputs)]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
