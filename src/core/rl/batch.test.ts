import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { GPT2Train } from '../train/gpt2-train';
import { fillAdvantages, makePolicyBatch, policyOutputs, sliceBatch } from './batch';
import { runtimeOf, tinyPolicy } from './testing/tinyPolicy';

describe('makePolicyBatch', () => {
  it('lays out inputs, targets, mask and Ã by hand', () => {
    // row 0: prompt [1, 2], response [3, 4] with Ã [0.5, -1]; row 1: prompt [1, 2], response [5] with Ã [2]
    const b = makePolicyBatch(
      [
        [1, 2, 3, 4],
        [1, 2, 5],
      ],
      [2, 2],
      [[0.5, -1], [2]],
      0,
    );
    expect(b.T).toBe(3);
    expect([...b.ids]).toEqual([1, 2, 3, 1, 2, 0]);
    expect([...b.targets]).toEqual([2, 3, 4, 2, 5, 0]);
    expect([...b.mask]).toEqual([0, 1, 1, 0, 1, 0]);
    expect([...b.advantages]).toEqual([0, 0.5, -1, 0, 2, 0]);
    const s = sliceBatch(b, 1, 2);
    expect([...s.targets]).toEqual([2, 5, 0]);
    expect(() => makePolicyBatch([[1, 2, 3]], [2], [[1, 1]], 0)).toThrow(/2 advantages for 1 response tokens/);
  });

  it('fullColumns keeps every row whole (the last column has no target); fillAdvantages fills in place', () => {
    const rows = [
      [1, 2, 3, 4],
      [1, 2, 5],
    ];
    const b = makePolicyBatch(rows, [2, 2], null, 0, undefined, true);
    expect(b.T).toBe(4);
    expect([...b.ids]).toEqual([1, 2, 3, 4, 1, 2, 5, 0]);
    expect([...b.targets]).toEqual([2, 3, 4, 0, 2, 5, 0, 0]);
    expect([...b.mask]).toEqual([0, 1, 1, 0, 0, 1, 0, 0]);
    expect([...b.advantages]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    const tail = sliceBatch(b, 1, 2);
    fillAdvantages(b, rows, [2, 2], [[0.5, -1], [2]]);
    expect([...b.advantages]).toEqual([0, 0.5, -1, 0, 0, 2, 0, 0]);
    expect([...tail.advantages]).toEqual([0, 2, 0, 0]);
  });
});

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`policyOutputs on ${backend}`, () => {
    it('log-probs and entropy equal a plain-JS log-softmax of the runtime logits (τ = 1 and τ = 0.5)', async () => {
      await tf.setBackend(backend);
      const init = tinyPolicy(5);
      const m = new GPT2Train(init.config, init.weights);
      const rt = runtimeOf(init);
      const rows = [
        [1, 2, 3, 4],
        [1, 2, 5],
      ];
      const b = makePolicyBatch(rows, [2, 2], [[1, 1], [1]], 0);
      const V = init.config.vocab_size;
      for (const tau of [1, 0.5]) {
        const before = tf.memory().numTensors;
        const out = tf.tidy(() => policyOutputs(m, b, tau) as unknown as tf.TensorContainer) as unknown as ReturnType<
          typeof policyOutputs
        >;
        const logp = out.logp.dataSync();
        const ent = out.entropy.dataSync();
        tf.dispose([out.logp, out.entropy]);
        expect(tf.memory().numTensors).toBe(before);
        rows.forEach((row, r) => {
          const lt = rt.forward(row);
          const logits = lt.dataSync();
          lt.dispose();
          for (let t = 0; t < row.length - 1; t++) {
            const z = Array.from(logits.subarray(t * V, (t + 1) * V), (x) => x / tau);
            const mx = Math.max(...z);
            const lse = mx + Math.log(z.reduce((a, x) => a + Math.exp(x - mx), 0));
            expect(logp[r * b.T + t]).toBeCloseTo(z[row[t + 1]] - lse, 4);
            const h = -z.reduce((a, x) => a + Math.exp(x - lse) * (x - lse), 0);
            expect(ent[r * b.T + t]).toBeCloseTo(h, 4);
          }
        });
      }
      m.dispose();
      rt.dispose();
    });
  });
}
