/**
 * A padded vocabulary (config vocab_size > the tokenizer's ids, as in Qwen's Hub checkpoints): ids without a token are
 * never chosen by any sampler. The fixture is a tiny GPT-2 with vocab_size 10 and an 8-token character vocabulary
 * whose final layer norm is γ = 0, β = e₀, so every position's logits are exactly column 0 of the embedding, set by
 * hand: the padded ids 8 and 9 have the two highest logits.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { filesFromMap } from '../io/files';
import { writeSafetensors } from '../io/safetensors';
import { BatchedLM } from '../rl/batched';
import { sampleRows } from '../rl/rollout';
import { batchedContinuer, sequentialContinuer } from '../studies/continue';
import { perturbSequence } from '../studies/perturb-run';
import { loadCheckpoint } from '../train/checkpoint';
import { generate } from './generate';
import { loadModel, type LoadedModel } from './load';
import { argmax } from './sampling';
import { charVocabJson, makeTinyGpt2 } from './testing/tinyGpt2';

const TOKENS = 8;
const V = 10;
// Logit of each id; the best real id is 3, the padded ids 8 and 9 are higher still.
const LOGITS = [0.5, 1, 2, 3, 0, -1, 0.2, 0.1, 9, 8];

function paddedFiles() {
  const { configJson, tensors } = makeTinyGpt2({ nLayer: 1, nHead: 2, nEmbd: 8, nPositions: 64, vocabSize: V });
  const D = 8;
  for (const t of tensors) {
    if (t.name === 'ln_f.weight') t.data.fill(0);
    if (t.name === 'ln_f.bias') t.data.set([1, 0, 0, 0, 0, 0, 0, 0]);
    if (t.name === 'wte.weight') LOGITS.forEach((l, v) => (t.data[v * D] = l));
  }
  return filesFromMap('padded', {
    'config.json': configJson,
    'model.safetensors': writeSafetensors(tensors, { format: 'pt' }),
    'char_vocab.json': charVocabJson(TOKENS),
  });
}

describe('padded vocabulary: ids without a token are never chosen', () => {
  let loaded: LoadedModel;
  beforeAll(async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
    loaded = await loadModel(paddedFiles());
  });

  it('the fixture: the loader records the token count, and unmasked the padded id would win', () => {
    expect(loaded.tokenizer.vocabSize).toBe(TOKENS);
    expect(loaded.model.config.vocab_size).toBe(V);
    expect(loaded.model.config.token_count).toBe(TOKENS);
    const logits = loaded.model.forward([1, 2, 3], { logits: 'last' });
    const row = logits.dataSync() as Float32Array;
    logits.dispose();
    LOGITS.forEach((l, v) => expect(row[v]).toBeCloseTo(l, 5));
    expect(argmax(row)).toBe(8);
  });

  it('generate (CLI, app worker): greedy picks the best real id; sampling never draws a padded one', async () => {
    const greedy = await generate(loaded.model, [1, 2], { maxTokens: 4 });
    expect(greedy.ids).toEqual([3, 3, 3, 3]);
    for (const seed of [0, 1, 2, 3]) {
      const r = await generate(loaded.model, [1, 2], {
        maxTokens: 30,
        temperature: 1.5,
        seed,
        useCache: seed % 2 === 0,
      });
      expect(r.ids).toHaveLength(30);
      expect(Math.max(...r.ids)).toBeLessThan(TOKENS);
    }
  });

  it('greedy continuations (perturbation study), one by one and batched', async () => {
    const prefixes = [[1, 2, 4], [5]];
    for (const c of [sequentialContinuer(loaded.model, undefined), batchedContinuer(loaded.model, undefined)]) {
      expect(await c.continueAll(prefixes, [3, 2])).toEqual([
        [3, 3, 3],
        [3, 3],
      ]);
    }
  });

  it('perturbation candidates are the top real ids', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => (5 * i + 1) % TOKENS);
    const out = await perturbSequence(
      loaded.model,
      batchedContinuer(loaded.model, undefined),
      loaded.tokenizer,
      { ids, promptLength: 6 },
      0,
      { H_lo: 3, H_hi: 10 },
      { k: 2, m: 2, min_tail: 4, seed: 3 },
    );
    for (const pos of [...out.top, ...out.bottom, ...out.random]) {
      // The two highest real logits are ids 3 and 2 (then 1), the original id excluded.
      const expected = [3, 2, 1].filter((v) => v !== ids[6 + pos.position]).slice(0, 2);
      expect(pos.candidates.map((c) => c.token_id)).toEqual(expected);
    }
  });

  it('RL rollouts (checkpoint loader + batched sampler): no padded id, log-probs over the real ids', async () => {
    const ck = await loadCheckpoint(paddedFiles());
    expect(ck.config.token_count).toBe(TOKENS);
    const weights = new Map(ck.weights.map((w) => [w.name, tf.tensor(w.data, w.shape)]));
    try {
      const lm = new BatchedLM(ck.config, weights);
      const release = lm.hold();
      try {
        const res = await sampleRows(lm, [[1, 2], [3]], { maxTokens: 20, temperature: 1, seeds: [4, 5], eosId: 0 });
        // log softmax over ids 0..7 only: log π(v) = l_v − log Σ_{u<8} e^{l_u}.
        const logZ = Math.log(LOGITS.slice(0, TOKENS).reduce((s, l) => s + Math.exp(l), 0));
        res.responses.forEach((row, r) => {
          expect(row.length).toBeGreaterThan(0);
          row.forEach((id, i) => {
            expect(id).toBeLessThan(TOKENS);
            expect(res.logprobs[r][i]).toBeCloseTo(LOGITS[id] - logZ, 4);
          });
        });
        const greedy = await sampleRows(lm, [[1, 2]], { maxTokens: 3, temperature: 0, seeds: [0], eosId: 0 });
        expect(greedy.responses).toEqual([[3, 3, 3]]);
      } finally {
        release();
      }
    } finally {
      for (const t of weights.values()) t.dispose();
    }
  });
});
