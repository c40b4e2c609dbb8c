import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { Adam, DEFAULT_ADAM } from '../train/adam';
import { GPT2Train } from '../train/gpt2-train';
import { makePolicyBatch, policyOutputs } from './batch';
import { resolveRlOptions } from './options';
import { ppoUpdate } from './update';
import { tinyPolicy } from './testing/tinyPolicy';

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`ppoUpdate on ${backend}: one-token toy`, () => {
    it('positive advantage raises the sampled token’s log-prob, negative lowers it; loss at ratio 1 is −Ã', async () => {
      await tf.setBackend(backend);
      const init = tinyPolicy(2);
      for (const a of [1, -1]) {
        const policy = new GPT2Train(init.config, init.weights);
        const adam = new Adam({ ...DEFAULT_ADAM, lr: 1e-2, warmupSteps: 0, minLrFraction: 1, weightDecay: 0 });
        const options = resolveRlOptions({ task: 'addition', level: 1, microBatches: 1, prompts: 1, group: 2 });
        // prompt [4] (one token), response [7] (one token) with Ã = a
        const batch = makePolicyBatch([[4, 7]], [1], [[a]], 0);
        const logp = () => tf.tidy(() => policyOutputs(policy, batch, 1).logp.dataSync()[0]);
        const before = logp();
        const res = ppoUpdate({ options, policy, adam }, batch, 0);
        expect(res.loss).toBeCloseTo(-a, 5); // −(1/B)Σ(1/|o|)Σ min(1·Ã, clip(1)·Ã) = −Ã
        expect(res.clipFraction).toBe(0);
        expect(res.firstRatioDev).toBe(0);
        const after = logp();
        if (a > 0) expect(after).toBeGreaterThan(before);
        else expect(after).toBeLessThan(before);
        adam.dispose();
        policy.dispose();
      }
    });

    it('zero advantages give a zero gradient and leave the weights unchanged', async () => {
      await tf.setBackend(backend);
      const init = tinyPolicy(2);
      const policy = new GPT2Train(init.config, init.weights);
      const adam = new Adam({ ...DEFAULT_ADAM, lr: 1e-2, warmupSteps: 0, minLrFraction: 1, weightDecay: 0 });
      const options = resolveRlOptions({ task: 'addition', level: 1, microBatches: 2, prompts: 1, group: 2 });
      const batch = makePolicyBatch(
        [
          [4, 7, 8],
          [4, 9],
        ],
        [1, 1],
        [[0, 0], [0]],
        0,
      );
      const w0 = policy.toArrays().map((w) => Array.from(w.data));
      const res = ppoUpdate({ options, policy, adam }, batch, 0);
      expect(res.gradNorm).toBe(0);
      expect(res.aborted).toBe(false);
      expect(policy.toArrays().map((w) => Array.from(w.data))).toEqual(w0);
      adam.dispose();
      policy.dispose();
    });
  });
}
