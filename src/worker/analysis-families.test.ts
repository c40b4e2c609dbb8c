import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../core/backend/node';
import { fixtureExpected, fixtureFiles } from '../core/model/testing/familyFixtures';
import { maxAbsDiff } from '../core/testing/numeric';
import { forwardByLayer } from './analysis';
import { createEngine, liveTensors } from './engine';
import type { CallContext } from './host';
import type { OperationName } from './protocol';

function ctx<K extends OperationName>(): CallContext<K> {
  return { signal: new AbortController().signal, progress: () => {}, emit: () => {} };
}

describe.each(['qwen3', 'llama3'] as const)(
  'the worker loads and analyses a transformers-written %s folder',
  (name) => {
    const engine = createEngine({
      initBackend: (requested) => initNodeBackend(requested),
      openSource: () => fixtureFiles(name),
    });
    const h = engine.handlers;
    const expected = fixtureExpected(name);

    beforeAll(async () => {
      await h.init({ backend: 'wasm' }, ctx());
    });

    it('describes it: family, query and KV heads, head_dim', async () => {
      const info = await h.loadModel({ source: { kind: 'url', url: name } }, ctx());
      expect(info).toMatchObject({ modelType: name === 'qwen3' ? 'qwen3' : 'llama', nLayer: 2, nHead: 4, nKvHead: 2 });
      expect(info.headDim).toBe(name === 'qwen3' ? 16 : 8);
    });

    it("the layer-by-layer forward gives transformers' attention per query head", async () => {
      const maps: Float32Array[] = [];
      const logits = await forwardByLayer(
        engine.current()!.model,
        expected.ids,
        (l, p) => (maps[l] = p.dataSync() as Float32Array),
        async () => {},
      );
      logits.dispose();
      maps.forEach((m, l) => expect(maxAbsDiff(m, expected.attentions[l].flat(2))).toBeLessThan(1e-4));
    });

    it('analyze runs the rhythm engine over every query head and leaks nothing', async () => {
      const input = { kind: 'ids' as const, ids: expected.ids, promptLength: 3 };
      await h.analyze({ input, options: { W: 2, H_lo: 1, H_hi: 4 } }, ctx());
      const tensors = liveTensors();
      const out = await h.analyze({ input, options: { W: 2, H_lo: 1, H_hi: 4 } }, ctx());
      expect(out.summary).toMatchObject({ numLayers: 2, numHeads: 4, seqLen: expected.ids.length, promptLength: 3 });
      expect(out.record.waad.length).toBe(expected.ids.length - 3);
      expect(liveTensors()).toBe(tensors);
      expect(tf.memory().numTensors).toBe(tensors);
    });
  },
);
