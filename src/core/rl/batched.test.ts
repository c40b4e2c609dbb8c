import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GPT2Train } from '../train/gpt2-train';
import { BatchedLM } from './batched';
import { filesFromDir } from '../io/node-files';
import { readWeights } from '../io/weights';
import { Decoder } from '../model/decoder';
import { parseModelConfig } from '../model/families';
import { fixtureDir } from '../model/testing/familyFixtures';
import { sampleRows } from './rollout';
import { generate } from '../model/generate';
import { runtimeOf, tinyPolicy } from './testing/tinyPolicy';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThan(tol);
};

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`BatchedLM on ${backend} against the inference runtime`, () => {
    const init = tinyPolicy(3);
    let train: GPT2Train;
    let batched: BatchedLM;
    let runtime: ReturnType<typeof runtimeOf>;
    beforeAll(async () => {
      await tf.setBackend(backend);
      train = new GPT2Train(init.config, init.weights);
      batched = new BatchedLM(init.config, train.vars);
      runtime = runtimeOf(init);
    });
    afterAll(() => {
      train.dispose();
      runtime.dispose();
    });

    const rows = [
      [5, 9, 13, 4, 19, 20, 1],
      [3, 7, 1],
      [12, 12, 12, 13, 14],
    ];

    it('names an out-of-range token instead of reading past the table', () => {
      const before = tf.memory().numTensors;
      expect(() => batched.forwardAll(new Int32Array([1, init.config.vocab_size]), 1, 2)).toThrow(
        /token \d+ at position 1 is outside the vocabulary/,
      );
      expect(tf.memory().numTensors).toBe(before);
    });

    it('forwardAll: each right-padded row gives its own logits and attention maps', () => {
      const T = 7;
      const ids = new Int32Array(rows.length * T);
      rows.forEach((r, i) => ids.set(r, i * T));
      const maps: Float32Array[][] = rows.map(() => []);
      const logits = batched.forwardAll(ids, rows.length, T, (layer, probs) => {
        rows.forEach((r, i) => {
          const N = r.length;
          maps[i][layer] = tf.slice(probs, [i, 0, 0, 0], [1, init.config.n_head, N, N]).dataSync() as Float32Array;
        });
      });
      const all = logits.dataSync();
      logits.dispose();
      const V = init.config.vocab_size;
      rows.forEach((r, i) => {
        const ref: Float32Array[] = [];
        const refLogits = runtime.forward(r, {
          onAttention: (l, p) => {
            ref[l] = p.dataSync() as Float32Array;
          },
        });
        close(all.subarray(i * T * V, (i * T + r.length) * V), refLogits.dataSync());
        refLogits.dispose();
        for (let l = 0; l < init.config.n_layer; l++) close(maps[i][l], ref[l]);
      });
    });

    it('decoder: left-padded prefill and steps match per-sequence logits', () => {
      const dec = batched.decoder(rows, 0);
      let out = dec.prefill();
      const extra = [
        [2, 3],
        [4, 5],
        [6, 7],
      ];
      for (let s = 0; s <= 2; s++) {
        const got = out.dataSync();
        out.dispose();
        const V = init.config.vocab_size;
        rows.forEach((r, i) => {
          const seq = [...r, ...extra[i].slice(0, s)];
          const ref = runtime.forward(seq, { logits: 'last' });
          close(got.subarray(i * V, (i + 1) * V), ref.dataSync());
          ref.dispose();
        });
        if (s === 2) break;
        out = dec.step(extra.map((e) => e[s]));
      }
      dec.dispose();
    });

    it('greedy sampleRows equals generate() row by row, with per-row stops, and frees its tensors', async () => {
      const before = tf.memory().numTensors;
      const res = await sampleRows(batched, rows, { maxTokens: 12, temperature: 0, seeds: [0, 0, 0], eosId: 0 });
      for (let i = 0; i < rows.length; i++) {
        const ref = await generate(runtime, rows[i], { maxTokens: 12, stopTokens: [0] });
        expect(res.responses[i]).toEqual(ref.ids);
        expect(res.finished[i]).toBe(ref.stopReason === 'stop_token');
      }
      await sampleRows(batched, rows, { maxTokens: 12, temperature: 1, seeds: [1, 2, 3], eosId: 0 });
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}

describe.each(['cpu', 'wasm'] as const)('BatchedLM on a grouped-query RoPE model (qwen3 fixture, %s)', (backend) => {
  it('left-padded decoding and the padded full forward equal the runtime row by row', async () => {
    await tf.setBackend(backend);
    const files = filesFromDir(fixtureDir('qwen3'));
    const config = parseModelConfig(new TextDecoder().decode(await files.get('config.json')), 'config.json');
    const src = await readWeights(files);
    const weights = new Map(src.names.map((n) => [n, tf.tensor(src.getFloat32(n), src.info(n)!.shape)]));
    const runtime = Decoder.fromSource(config, src);
    const lm = new BatchedLM(config, weights);
    const rows = [
      [5, 9, 13, 4, 19, 20, 1],
      [3, 7, 1],
      [12, 12, 13, 14],
    ];
    const V = config.vocab_size;
    const dec = lm.decoder(rows, 0);
    let out = dec.prefill();
    const extra = [
      [2, 3],
      [4, 5],
      [6, 7],
    ];
    for (let s = 0; s <= 2; s++) {
      const got = out.dataSync();
      out.dispose();
      rows.forEach((r, i) => {
        const ref = runtime.forward([...r, ...extra[i].slice(0, s)], { logits: 'last' });
        close(got.subarray(i * V, (i + 1) * V), ref.dataSync());
        ref.dispose();
      });
      if (s === 2) break;
      out = dec.step(extra.map((e) => e[s]));
    }
    dec.dispose();
    const T = 7;
    const ids = new Int32Array(rows.length * T);
    rows.forEach((r, i) => ids.set(r, i * T));
    const H = config.n_head;
    const maps: Float32Array[][] = rows.map(() => []);
    const logits = lm.forwardAll(ids, rows.length, T, (l, p) =>
      rows.forEach(
        (r, i) => (maps[i][l] = tf.slice(p, [i, 0, 0, 0], [1, H, r.length, r.length]).dataSync() as Float32Array),
      ),
    );
    const all = logits.dataSync();
    logits.dispose();
    rows.forEach((r, i) => {
      const ref: Float32Array[] = [];
      const refLogits = runtime.forward(r, { onAttention: (l, p) => (ref[l] = p.dataSync() as Float32Array) });
      close(all.subarray(i * T * V, (i * T + r.length) * V), refLogits.dataSync());
      refLogits.dispose();
      ref.forEach((m, l) => close(maps[i][l], m));
    });
    runtime.dispose();
    tf.dispose([...weights.values()]);
  });
});
