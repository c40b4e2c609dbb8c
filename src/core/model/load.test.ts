import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { isInputError } from '../errors';
import { filesFromMap, type ModelFiles } from '../io/files';
import { parseSafetensors, writeSafetensors, type TensorSource } from '../io/safetensors';
import { countParams, parseGPT2Config } from './config';
import { specOf } from './families';
import { uploadWeights } from './upload';
import { loadModel } from './load';
import { charVocabJson, makeTinyGpt2, tinyGpt2Files, type TinyGpt2Options } from './testing/tinyGpt2';

const OPTS: TinyGpt2Options = { nLayer: 2, nHead: 2, nEmbd: 16, nPositions: 32, seed: 1 };

/** The tiny model's files with some replaced or removed (undefined). */
function filesWith(patch: Record<string, string | Uint8Array | undefined>, opts = OPTS): ModelFiles {
  const { configJson, tensors } = makeTinyGpt2(opts);
  const entries: Record<string, string | Uint8Array | undefined> = {
    'config.json': configJson,
    'model.safetensors': writeSafetensors(tensors),
    'char_vocab.json': charVocabJson(),
    ...patch,
  };
  const kept = Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | Uint8Array
  >;
  return filesFromMap('tiny', kept);
}

async function loadError(files: ModelFiles): Promise<Error> {
  const before = tf.memory().numTensors;
  try {
    await loadModel(files);
  } catch (e) {
    expect(tf.memory().numTensors).toBe(before); // nothing left allocated
    return e as Error;
  }
  throw new Error('expected loadModel to fail');
}

const config = JSON.parse(makeTinyGpt2(OPTS).configJson) as Record<string, unknown>;
const tensors = makeTinyGpt2(OPTS).tensors;

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('loadModel', () => {
  it('loads config, tokenizer and weights, reports parameters and progress', async () => {
    const progress: number[] = [];
    const { model, tokenizer, files } = await loadModel(tinyGpt2Files(OPTS), { onProgress: (f) => progress.push(f) });
    expect(model.numParams).toBe(countParams(model.config));
    expect(model.numParams).toBe(tensors.reduce((s, t) => s + t.data.length, 0));
    expect(tokenizer.kind).toBe('char');
    expect(files).toEqual(['config.json', 'char_vocab.json', 'model.safetensors']);
    expect(progress[progress.length - 1]).toBe(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]);
    const logits = model.forward(tokenizer.encode('12+3='));
    expect(logits.shape).toEqual([5, model.config.vocab_size]);
    logits.dispose();
    model.dispose();
  });

  it('missing config.json names the file', async () => {
    const e = await loadError(filesWith({ 'config.json': undefined }));
    expect(isInputError(e)).toBe(true);
    expect(e.message).toMatch(/^tiny\/config\.json: no config\.json/);
  });

  it('config missing a key or inconsistent names file and key', async () => {
    const { n_layer, ...noLayers } = config;
    void n_layer;
    expect((await loadError(filesWith({ 'config.json': JSON.stringify(noLayers) }))).message).toMatch(
      /tiny\/config\.json, field "n_layer": missing/,
    );
    const e = await loadError(filesWith({ 'config.json': JSON.stringify({ ...config, n_head: 3 }) }));
    expect(e.message).toMatch(/tiny\/config\.json, field "n_embd": n_embd \(16\) must be divisible by n_head \(3\)/);
    const e2 = await loadError(filesWith({ 'config.json': JSON.stringify({ ...config, vocab_size: 50 }) }));
    expect(e2.message).toMatch(/tokenizer has 97 tokens but the model's vocab_size is 50/);
  });

  it('missing tensor and wrong shape name the tensor, the shapes and the file', async () => {
    const missing = tensors.filter((t) => t.name !== 'h.1.ln_2.bias');
    const e1 = await loadError(filesWith({ 'model.safetensors': writeSafetensors(missing) }));
    expect(e1.message).toMatch(/tiny\/model\.safetensors, field "h\.1\.ln_2\.bias": missing tensor "h\.1\.ln_2\.bias"/);
    const bad = tensors.map((t) => (t.name === 'wpe.weight' ? { ...t, shape: [16, 32] } : t));
    const e2 = await loadError(filesWith({ 'model.safetensors': writeSafetensors(bad) }));
    expect(e2.message).toMatch(/tiny\/model\.safetensors.*"wpe\.weight" has shape \[16, 32\], expected \[32, 16\]/);
  });

  it('a truncated safetensors file fails with the io error, naming the file', async () => {
    const bytes = writeSafetensors(tensors);
    const e = await loadError(filesWith({ 'model.safetensors': bytes.slice(0, bytes.length - 10) }));
    expect(isInputError(e)).toBe(true);
    expect(e.message).toMatch(/tiny\/model\.safetensors/);
  });

  it('no tokenizer: the tokenizer error passes through', async () => {
    const e = await loadError(filesWith({ 'char_vocab.json': undefined }));
    expect(e.message).toMatch(/no tokenizer found/);
  });

  it('abort while uploading disposes what was uploaded', async () => {
    const ac = new AbortController();
    const before = tf.memory().numTensors;
    await expect(
      loadModel(tinyGpt2Files(OPTS), {
        signal: ac.signal,
        onProgress: (_, m) => m === 'uploading weights' && ac.abort(),
      }),
    ).rejects.toThrow(/abort/i);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a failure half-way through the upload disposes every tensor already uploaded', () => {
    const source = parseSafetensors(writeSafetensors(tensors), 'm.safetensors');
    const failing: TensorSource = {
      fileName: source.fileName,
      metadata: source.metadata,
      names: source.names,
      info: (n) => source.info(n),
      getFloat32: (n) => {
        if (n === 'h.1.mlp.c_fc.weight') throw new Error('disk gone');
        return source.getFloat32(n);
      },
    };
    const before = tf.memory().numTensors;
    expect(() =>
      uploadWeights(parseGPT2Config(JSON.stringify(config)), specOf(parseGPT2Config(JSON.stringify(config))), failing),
    ).toThrow('disk gone');
    expect(tf.memory().numTensors).toBe(before);
  });
});
