import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { responseEntropy, responseEntropyFromTensor, softmaxEntropy } from './entropy';

describe('entropy', () => {
  it('softmax entropy in nats (hand-computed)', () => {
    expect(softmaxEntropy([0, 0])).toBeCloseTo(Math.LN2, 12); // uniform over 2
    expect(softmaxEntropy([3, 3, 3, 3])).toBeCloseTo(Math.log(4), 12); // shift-invariant, uniform over 4
    // logits ln1, ln3 -> p = 1/4, 3/4: H = −(¼ln¼ + ¾ln¾)
    expect(softmaxEntropy([0, Math.log(3)])).toBeCloseTo(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)), 12);
    expect(softmaxEntropy([1000, 0])).toBeCloseTo(0, 12); // no overflow
  });

  it('token t uses logits[t−1]; t = 0 gets 0', () => {
    // N = 3, V = 2: rows [0,0] (ln2), [0, ln3], [9, 9]
    const logits = Float32Array.from([0, 0, 0, Math.log(3), 9, 9]);
    const h13 = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
    const e = responseEntropy(logits, 2, 3, 1); // response = positions 1, 2 -> rows 0, 1
    expect(e[0]).toBeCloseTo(Math.LN2, 6);
    expect(e[1]).toBeCloseTo(h13, 6);
    const z = responseEntropy(logits, 2, 3, 0); // position 0 has no predecessor
    expect(z[0]).toBe(0);
    expect(z.length).toBe(3);
    expect(() => responseEntropy(logits, 4, 3, 0)).toThrow(/logits/);
  });

  it('tensor version matches and frees its tensors', async () => {
    await tf.setBackend('cpu');
    const data = Float32Array.from({ length: 5 * 7 }, (_, i) => Math.sin(i) * 3);
    const logits = tf.tensor2d(data, [5, 7]);
    for (const p of [0, 1, 3, 4]) {
      const before = tf.memory().numTensors;
      const a = responseEntropyFromTensor(logits, p);
      expect(tf.memory().numTensors).toBe(before);
      const b = responseEntropy(data, 7, 5, p);
      expect(a.length).toBe(b.length);
      a.forEach((x, i) => expect(x).toBeCloseTo(b[i], 5));
    }
    logits.dispose();
  });
});
