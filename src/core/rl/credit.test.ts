import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { analyzeModel } from '../rhythm/analyze';
import { grpoAdvantages } from '../rhythm/credit';
import type { AnalysisRecord } from '../rhythm/record';
import { GPT2Train } from '../train/gpt2-train';
import { BatchedLM } from './batched';
import { amplifiedCount, attentionCredit, tokenAdvantages } from './credit';
import { runtimeOf, tinyPolicy } from './testing/tinyPolicy';

// A hand-made record over a 4-token response: anchors at 1 and 3, preplan at 0; γ as method.md §4 with γ_amp 1.5.
const record = {
  anchor: [false, true, false, true],
  gamma: {
    uniform: [1, 1, 1, 1],
    local_chunk: [1.5, 1, 1, 1],
    global_anchor: [1, 1.5, 1, 1.5],
    coupled: [1, 1.25, 1.25, 1.5],
    random: [1, 1, 1.5, 1.5],
    high_entropy: [1.5, 1.5, 1, 1],
  },
} as unknown as AnalysisRecord;

describe('tokenAdvantages: Ã = γ·Â per token, both signs', () => {
  it('multiplies each token’s γ by the response’s Â', () => {
    expect(tokenAdvantages('global_anchor', 2, 4, record, 0.2)).toEqual([2, 3, 2, 3]);
    expect(tokenAdvantages('global_anchor', -2, 4, record, 0.2)).toEqual([-2, -3, -2, -3]); // v2: negatives amplified too
    expect(tokenAdvantages('coupled', -1, 4, record, 0.2)).toEqual([-1, -1.25, -1.25, -1.5]);
    expect(tokenAdvantages('local_chunk', 0.5, 4, record, 0.2)).toEqual([0.75, 0.5, 0.5, 0.5]);
    expect(tokenAdvantages('random', 1, 4, record, 0.2)).toEqual([1, 1, 1.5, 1.5]);
    expect(tokenAdvantages('high_entropy', 1, 4, record, 0.2)).toEqual([1.5, 1.5, 1, 1]);
  });
  it('HICRA-style: Â + 0.2·|Â| on anchors, Â elsewhere', () => {
    expect(tokenAdvantages('hicra', 1, 4, record, 0.2)).toEqual([1, 1.2, 1, 1.2]);
    expect(tokenAdvantages('hicra', -1, 4, record, 0.2)).toEqual([-1, -0.8, -1, -0.8]);
  });
  it('uniform needs no record; a zero Â gives zeros for every strategy without one', () => {
    expect(tokenAdvantages('uniform', -0.7, 3, undefined, 0.2)).toEqual([-0.7, -0.7, -0.7]);
    expect(tokenAdvantages('coupled', 0, 3, undefined, 0.2)).toEqual([0, 0, 0]);
    expect(() => tokenAdvantages('coupled', 1, 3, undefined, 0.2)).toThrow(/needs the row's analysis record/);
    expect(() => tokenAdvantages('coupled', 1, 3, record, 0.2)).toThrow(/4 values for 3 response tokens/);
  });
  it('amplified counts: γ > 1 tokens, anchors for hicra, none for uniform', () => {
    expect(amplifiedCount('coupled', record)).toBe(3);
    expect(amplifiedCount('hicra', record)).toBe(2);
    expect(amplifiedCount('uniform', record)).toBe(0);
  });
});

describe('GRPO advantage edge cases (group-normalised)', () => {
  it('equal rewards give exactly zero, never NaN; a 0/1 group gives ±1', () => {
    expect(grpoAdvantages([1, 1, 1, 1])).toEqual([0, 0, 0, 0]);
    expect(grpoAdvantages([0, 0])).toEqual([0, 0]);
    expect(grpoAdvantages([1, 0, 1, 0])).toEqual([1, -1, 1, -1]);
    // mean 0.25, population std √(0.1875): (1 − 0.25)/0.4330 = 1.7321
    expect(grpoAdvantages([1, 0, 0, 0])[0]).toBeCloseTo(1.7320508, 6);
  });
});

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`attentionCredit on ${backend}`, () => {
    it('gives, row by row, the same record as the rhythm engine’s analyzeModel on the inference runtime', async () => {
      await tf.setBackend(backend);
      const init = tinyPolicy(9, { n_layer: 4, n_head: 2 });
      const train = new GPT2Train(init.config, init.weights);
      const rt = runtimeOf(init);
      const seqs = [
        { ids: [5, 6, 7, 19, 20, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 3, 4, 5, 6, 7, 0], promptLength: 6 },
        { ids: [5, 19, 20, 1, 9, 9, 8, 7, 1, 22, 23, 3, 0], promptLength: 4 },
      ];
      const rows = seqs.map((s, i) => ({ ...s, tokens: s.ids.map(String), seed: 100 + i }));
      const before = tf.memory().numTensors;
      const pass = attentionCredit(new BatchedLM(init.config, train.vars), rows, { H_lo: 2, H_hi: 8 });
      expect(tf.memory().numTensors).toBe(before);
      rows.forEach((row, i) => {
        const ref = analyzeModel(rt, row, { H_lo: 2, H_hi: 8, seed: row.seed }).record;
        const got = pass.records[i];
        expect(got.heads.local).toEqual(ref.heads.local);
        expect(got.heads.global).toEqual(ref.heads.global);
        got.waad.forEach((x, t) => expect(x).toBeCloseTo(ref.waad[t], 4));
        got.fai.forEach((x, t) => expect(x).toBeCloseTo(ref.fai[t], 4));
        got.entropy!.forEach((x, t) => expect(x).toBeCloseTo(ref.entropy![t], 4));
        expect(got.anchor).toEqual(ref.anchor);
        expect(got.preplan).toEqual(ref.preplan);
        expect(got.gamma).toEqual(ref.gamma);
      });
      expect(pass.records[0].anchor.some(Boolean)).toBe(true);
      // One row per forward (a map budget below one row): the same records as the padded batch.
      const single = attentionCredit(new BatchedLM(init.config, train.vars), rows, { H_lo: 2, H_hi: 8 }, 1, 1);
      single.records.forEach((rec, i) => {
        expect(rec.gamma).toEqual(pass.records[i].gamma);
        rec.waad.forEach((x, t) => expect(x).toBeCloseTo(pass.records[i].waad[t], 5));
      });
      train.dispose();
      rt.dispose();
    });
  });
}
