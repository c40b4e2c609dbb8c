import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { filesFromDir } from '../io/node-files';
import { readWeights } from '../io/weights';
import { parseModelConfig } from '../model/families';
import { fixtureDir, fixtureExpected, type FixtureName } from '../model/testing/familyFixtures';
import { maxAbsDiff } from '../testing/numeric';
import { DecoderTrain } from './decoder-train';
import './gradients';

async function fixture(name: FixtureName) {
  const files = filesFromDir(fixtureDir(name));
  const config = parseModelConfig(new TextDecoder().decode(await files.get('config.json')), 'config.json');
  const src = await readWeights(files);
  const params = src.names.map((n) => ({ name: n, shape: src.info(n)!.shape, data: src.getFloat32(n) }));
  return { config, params };
}

describe.each(['cpu', 'wasm'])('DecoderTrain (autodiff over the shared decoder) on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it.each(['qwen3', 'llama3'] as const)(
    "%s: batched logits and maps equal transformers' for each row",
    async (name) => {
      const { config, params } = await fixture(name);
      const model = new DecoderTrain(config, params);
      const expected = fixtureExpected(name);
      const T = expected.ids.length;
      const maps: Float32Array[] = [];
      const logits = tf.tidy(() =>
        model.forward(
          tf.tensor2d([...expected.ids, ...expected.ids], [2, T], 'int32'),
          (l, p) => (maps[l] = p.dataSync() as Float32Array),
        ),
      );
      const got = logits.dataSync();
      const V = config.vocab_size;
      const want = expected.logits.flat();
      let scale = 0;
      for (const v of want) scale = Math.max(scale, Math.abs(v));
      for (const b of [0, 1])
        expect(maxAbsDiff(got.slice(b * T * V, (b + 1) * T * V), want) / scale).toBeLessThan(2e-3);
      const H = config.n_head;
      maps.forEach((m, l) =>
        expect(maxAbsDiff(m.slice(0, H * T * T), expected.attentions[l].flat(2))).toBeLessThan(1e-4),
      );
      logits.dispose();
      model.dispose();
    },
  );

  it('gradients reach every variable and a few steps lower the loss; no tensors leak', async () => {
    const { config, params } = await fixture('qwen3');
    const model = new DecoderTrain(config, params);
    const ids = fixtureExpected('qwen3').ids;
    const x = tf.tensor2d([ids.slice(0, -1)], [1, ids.length - 1], 'int32');
    const y = tf.oneHot(tf.tensor1d(ids.slice(1), 'int32'), config.vocab_size);
    const loss = () =>
      tf.tidy(
        () => tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(model.forward(x)), tf.cast(y, 'float32')), 1))) as tf.Scalar,
      );
    const first = loss().dataSync()[0];
    const before = tf.memory().numTensors;
    for (let step = 0; step < 5; step++) {
      const { value, grads } = tf.variableGrads(loss, [...model.vars.values()]);
      expect(Object.keys(grads).length).toBe(model.vars.size);
      for (const [name, g] of Object.entries(grads)) {
        const size = tf.tidy(() => tf.sum(tf.abs(g)));
        expect(Number.isFinite(size.dataSync()[0])).toBe(true);
        const v = model.vars.get(model.hfName(name))!;
        const next = tf.tidy(() => tf.sub(v, tf.mul(g, 0.05)));
        v.assign(next);
        tf.dispose([size, next]);
      }
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(loss().dataSync()[0]).toBeLessThan(first - 0.1);
    tf.dispose([x, y]);
    model.dispose();
  });
});
