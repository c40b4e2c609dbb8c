import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, type LoadedModel } from '../model/load';
import { tinyGpt2Files } from '../model/testing/tinyGpt2';
import { batchedContinuer, sequentialContinuer, type Continuer } from './continue';
import { fixtureFiles } from '../model/testing/familyFixtures';
import { perturbSequence, perturbSummary, type PerturbSequence } from './perturb-run';

const opts = { nLayer: 2, nHead: 2, nEmbd: 16, nPositions: 64, seed: 5 };

describe.each(['cpu', 'wasm'])('perturbation on the tiny model (%s)', (backend) => {
  let loaded: LoadedModel;
  let one: Continuer;
  let batch: Continuer;
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    loaded = await loadModel(tinyGpt2Files(opts));
    one = sequentialContinuer(loaded.model, loaded.tokenizer.eosId);
    batch = batchedContinuer(loaded.model, loaded.tokenizer.eosId);
    expect(batch.kind).toBe('batched');
  });
  afterAll(() => {
    batch.dispose();
    loaded.model.dispose();
  });

  const ids = [
    5, 9, 13, 4, 19, 20, 1, 7, 7, 30, 41, 12, 3, 3, 8, 22, 17, 9, 11, 2, 6, 14, 15, 16, 40, 33, 21, 5, 5, 18,
  ];

  it('batched continuations equal one-by-one greedy decoding (different prefix lengths, lengths, EOS)', async () => {
    const prefixes = [ids.slice(0, 3), ids.slice(0, 12), ids.slice(0, 7), ids.slice(0, 25)];
    const lengths = [20, 9, 0, 5];
    const a = await one.continueAll(prefixes, lengths);
    const b = await batch.continueAll(prefixes, lengths);
    expect(b).toEqual(a);
    expect(a.map((x) => x.length)).toEqual(lengths); // no end token met here
    // An end token stops a row and is included: make the first greedy token of row 0 the "end".
    const eos = a[0][0];
    const stopOne = sequentialContinuer(loaded.model, eos);
    const stopBatch = batchedContinuer(loaded.model, eos);
    const c = await stopOne.continueAll(prefixes, lengths);
    expect(c[0]).toEqual([eos]);
    expect(await stopBatch.continueAll(prefixes, lengths)).toEqual(c);
    for (const [r, row] of c.entries()) {
      const cut = a[r].indexOf(eos);
      expect(row).toEqual(cut >= 0 ? a[r].slice(0, cut + 1) : a[r]);
    }
    stopBatch.dispose();
  });

  it('a Qwen3 model (grouped-query attention): batched equals one-by-one', async () => {
    const qwen = await loadModel(fixtureFiles('qwen3'));
    try {
      const V = qwen.model.config.vocab_size;
      const row = Array.from({ length: 24 }, (_, i) => (7 * i + 3) % V);
      const prefixes = [row.slice(0, 4), row.slice(0, 15), row.slice(0, 9)];
      const lengths = [12, 6, 9];
      const fast = batchedContinuer(qwen.model, undefined);
      expect(fast.kind).toBe('batched');
      expect(await fast.continueAll(prefixes, lengths)).toEqual(
        await sequentialContinuer(qwen.model, undefined).continueAll(prefixes, lengths),
      );
    } finally {
      qwen.model.dispose();
    }
  });

  it('one response: length rule, candidates, same result batched and one-by-one, deterministic, no leak', async () => {
    const codec = loaded.tokenizer;
    const seq = { ids, promptLength: 6 };
    const rhythm = { H_lo: 3, H_hi: 10 };
    const before = tf.memory().numTensors;
    const a = await perturbSequence(loaded.model, batch, codec, seq, 0, rhythm, { k: 2, m: 2, min_tail: 4, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    const b = await perturbSequence(loaded.model, one, codec, seq, 0, rhythm, { k: 2, m: 2, min_tail: 4, seed: 3 });
    expect(b).toEqual(a);
    expect(
      await perturbSequence(loaded.model, batch, codec, seq, 0, rhythm, { k: 2, m: 2, min_tail: 4, seed: 3 }),
    ).toEqual(a);
    // eligible: N = 30, p = 6: t ≤ 25 (tail ≥ 4) and t ≤ 26 (H_lo 3) -> t = 6..25 -> 20 positions
    expect(a.eligible).toBe(20);
    for (const set of [a.top, a.bottom, a.random]) {
      expect(set).toHaveLength(2);
      for (const pos of set) {
        const t = 6 + pos.position;
        expect(pos.candidates).toHaveLength(2);
        expect(pos.candidates.map((c) => c.token_id)).not.toContain(ids[t]);
        for (const c of pos.candidates) {
          const n = c.continuation_ids.length;
          expect(n === 29 - t || c.continuation_ids[n - 1] === codec.eosId).toBe(true);
          expect(c.jaccard).toBeGreaterThanOrEqual(0);
          expect(c.jaccard).toBeLessThanOrEqual(1);
        }
        expect(pos.score).toBeCloseTo((pos.candidates[0].jaccard + pos.candidates[1].jaccard) / 2, 12);
      }
    }
    expect(Math.min(...a.top.map((x) => x.fai))).toBeGreaterThanOrEqual(Math.max(...a.bottom.map((x) => x.fai)));
    expect(a.j_top).toBeCloseTo((a.top[0].score + a.top[1].score) / 2, 12);
  });

  it('corpus summary: means, Pr(top < bottom) with ties not counted, Wilson interval', () => {
    const s = (j_top: number | null, j_bottom: number | null, j_random: number | null): PerturbSequence => ({
      index: 0,
      j_top,
      j_bottom,
      j_random,
      top: [],
      bottom: [],
      random: [],
      eligible: 0,
    });
    const out = perturbSummary([s(0.2, 0.5, 0.4), s(0.5, 0.5, 0.1), s(0.9, 0.3, 0.1), s(null, null, null)], {}, {});
    expect(out.sequences).toBe(4);
    expect(out.compared).toBe(3);
    expect(out.mean_jaccard_top).toBeCloseTo(1.6 / 3, 12);
    expect(out.mean_jaccard_bottom).toBeCloseTo(1.3 / 3, 12);
    expect(out.mean_jaccard_random).toBeCloseTo(0.2, 12);
    expect(out.p_top_lower).toBeCloseTo(1 / 3, 12);
    expect(out.p_top_lower_ci![0]).toBeLessThan(1 / 3);
    expect(out.options).toMatchObject({ k: 3, m: 3, min_tail: 5, seed: 0, H_lo: 10 });
    expect(perturbSummary([], {}, {}).p_top_lower_ci).toBeNull();
  });
});
