import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { filesFromDir } from '../io/node-files';
import { readWeights } from '../io/weights';
import { maxAbsDiff } from '../testing/numeric';
import { loadModel } from './load';
import { LLAMA_FIXTURES, fixtureDir, fixtureExpected, type FixtureName } from './testing/familyFixtures';
import { referenceLlamaForward } from './testing/referenceLlama';
import type { LlamaConfig } from './types';

async function reference(name: FixtureName, ids: number[]) {
  const files = filesFromDir(fixtureDir(name));
  const { model } = await loadModel(files);
  const source = await readWeights(files);
  const read = (n: string) => (source.info(n) ? source.getFloat32(n) : undefined);
  const out = referenceLlamaForward(model.config as LlamaConfig, read, ids);
  return { model, out };
}

const relative = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  maxAbsDiff(a, Array.from(b)) / Math.max(...Array.from(b, Math.abs));

describe('plain-JS Llama reference against transformers (the fixtures’ expected values)', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('cpu')).toBe(true);
  });
  it.each(LLAMA_FIXTURES)('%s: logits within 1e-4 relative, attention within 1e-5', async (name) => {
    const expected = fixtureExpected(name);
    const { model, out } = await reference(name, expected.ids);
    expect(relative(out.logits, expected.logits.flat())).toBeLessThan(1e-4);
    out.attention.forEach((m, l) => expect(maxAbsDiff(m, expected.attentions[l].flat(2))).toBeLessThan(1e-5));
    model.dispose();
  });
});

describe.each(['cpu', 'wasm'])('decoder against the plain-JS Llama reference on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    await tf.ready();
  });
  it.each(LLAMA_FIXTURES)('%s: logits within 1e-4 relative, every attention map within 1e-5', async (name) => {
    const ids = [...fixtureExpected(name).ids, 3, 60, 17]; // a few more positions than transformers was given
    const { model, out } = await reference(name, ids);
    const maps: Float32Array[] = [];
    const logits = model.forward(ids, { onAttention: (l, p) => (maps[l] = p.dataSync() as Float32Array) });
    expect(relative(logits.dataSync(), out.logits)).toBeLessThan(1e-4);
    maps.forEach((m, l) => expect(maxAbsDiff(m, Array.from(out.attention[l]))).toBeLessThan(1e-5));
    logits.dispose();
    model.dispose();
  });
});
