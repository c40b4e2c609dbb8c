/**
 * The fused attention pass (maps read from the update's π_old forward over right-padded full rows) must give the
 * same analysis records as the separate pass (one inference forward per row length).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { Adam, DEFAULT_ADAM } from '../train/adam';
import { GPT2Train } from '../train/gpt2-train';
import { makePolicyBatch } from './batch';
import { BatchedLM } from './batched';
import { attentionCredit, CreditAnalyzer, type CreditRow } from './credit';
import { resolveRlOptions } from './options';
import { tinyPolicy } from './testing/tinyPolicy';
import { computeOldPolicy, disposeOldPolicy } from './update';

const close = (a: number[], b: number[], tol: number) => {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(Math.abs(x - b[i]), `index ${i}`).toBeLessThan(tol));
};

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fused attention pass on ${backend}`, () => {
    it('records from the π_old forward equal the separate pass, row by row, over uneven micro-batches', async () => {
      await tf.setBackend(backend);
      const init = tinyPolicy(3);
      const policy = new GPT2Train(init.config, init.weights);
      const sampler = new BatchedLM(init.config, policy.vars);
      // Three rows of different lengths (the first is the longest: padding shows on the others), two micro-batches.
      const ids = [
        [3, 4, 13, 5, 19, 20, 1, 23, 22, 12, 0, 7, 8, 9, 10, 11, 2, 5, 6, 7, 8, 9, 1, 2],
        [7, 7, 15, 8, 14, 2, 19, 20, 1, 23, 22, 5, 6, 3],
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18],
      ];
      const rows: CreditRow[] = ids.map((r, i) => ({ ids: r, promptLength: 5, tokens: r.map(String), seed: i }));
      const rhythm = { W: 3, H_lo: 2, H_hi: 8 };
      const options = resolveRlOptions({
        task: 'addition',
        level: 1,
        microBatches: 2,
        prompts: 1,
        group: 3,
        temperature: 0.7,
        rhythm,
      });
      const before = tf.memory().numTensors;
      const separate = attentionCredit(sampler, rows, rhythm, 0.7).records;
      const batch = makePolicyBatch(
        ids,
        rows.map((r) => r.promptLength),
        null,
        0,
        undefined,
        true,
      );
      const analyzer = new CreditAnalyzer(rows, rhythm, init.config.n_head, init.config.n_layer);
      const old = computeOldPolicy({ options, policy, adam: new Adam(DEFAULT_ADAM) }, batch, {
        onLayer: (layer, probs, from, to) => analyzer.addLayer(layer, probs, [0, 1, 2].slice(from, to), batch.T),
        onEntropy: (h, from, to) => [0, 1, 2].slice(from, to).forEach((i, j) => analyzer.setEntropy(i, h, j * batch.T)),
      });
      expect(old.chunks.map((c) => c.batch.B)).toEqual([2, 1]);
      disposeOldPolicy(old);
      const fused = analyzer.finish();
      expect(tf.memory().numTensors).toBe(before);
      rows.forEach((_, i) => {
        const [a, b] = [fused[i], separate[i]];
        close(a.waad, b.waad, 1e-5);
        close(a.fai, b.fai, 1e-5);
        close(a.entropy!, b.entropy!, 1e-4);
        expect(a.preplan).toEqual(b.preplan);
        expect(a.anchor).toEqual(b.anchor);
        for (const s of Object.keys(b.gamma) as (keyof typeof b.gamma)[]) expect(a.gamma[s], s).toEqual(b.gamma[s]);
      });
      // The analysis is not trivial: some roles are marked.
      expect(fused.some((r) => r.anchor.some(Boolean) || r.preplan.some(Boolean))).toBe(true);
      policy.dispose();
    });
  });
}
