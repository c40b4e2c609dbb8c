import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it, beforeAll } from 'vitest';
import { isInputError } from '../errors';
import { parseSafetensors, writeSafetensors } from '../io/safetensors';
import { countParams, parseGPT2Config } from './config';
import { Decoder } from './decoder';
import { referenceGpt2Forward, type ReferenceTensor } from './testing/referenceGpt2';
import { makeTinyGpt2, type TinyGpt2Options } from './testing/tinyGpt2';
import { maxAbsDiff } from '../testing/numeric';
import { filesFromDir } from '../io/node-files';
import { readWeights } from '../io/weights';
import { GPT2_FIXTURES, fixtureDir, fixtureExpected } from './testing/familyFixtures';

function build(opts: TinyGpt2Options) {
  const { configJson, tensors } = makeTinyGpt2(opts);
  const config = parseGPT2Config(configJson);
  const source = parseSafetensors(writeSafetensors(tensors), 'model.safetensors');
  const map = new Map<string, ReferenceTensor>(tensors.map((t) => [t.name, t]));
  return { config, source, map };
}

const OPTS: TinyGpt2Options = { nLayer: 3, nHead: 4, nEmbd: 32, nPositions: 64, seed: 7 };
const IDS = [5, 17, 42, 3, 3, 88, 60, 1, 0, 25, 71, 9, 33, 2, 50, 96, 12, 40, 7];

describe.each(['cpu', 'wasm'])('GPT2 on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    await tf.ready();
  });

  it('logits and every attention map match the plain-JS reference to 1e-4', () => {
    const { config, source, map } = build(OPTS);
    const ref = referenceGpt2Forward(config, map, IDS);
    // headBlock 40 splits the 97-id LM head into 3 column blocks (40, 40, 17), as GPT-2's 50257 would be.
    const model = Decoder.fromSource(config, source, { headBlock: 40 });
    const maps: Float32Array[] = [];
    const logits = model.forward(IDS, { onAttention: (l, p) => (maps[l] = p.dataSync() as Float32Array) });
    expect(logits.shape).toEqual([IDS.length, config.vocab_size]);
    expect(maxAbsDiff(logits.dataSync(), ref.logits)).toBeLessThan(1e-4);
    expect(maps.length).toBe(config.n_layer);
    for (let l = 0; l < config.n_layer; l++) expect(maxAbsDiff(maps[l], ref.attention[l])).toBeLessThan(1e-4);
    // Not a trivial pass: the maps are far from uniform, and logits vary.
    expect(Math.max(...maps[0])).toBeGreaterThan(0.5);
    logits.dispose();
    model.dispose();
  });

  it('a single token (the batched step path) matches the reference, attention included', () => {
    const { config, source, map } = build(OPTS);
    const ref = referenceGpt2Forward(config, map, [IDS[0]]);
    const model = Decoder.fromSource(config, source);
    const maps: number[][] = [];
    const logits = model.forward([IDS[0]], { onAttention: (l, p) => (maps[l] = Array.from(p.dataSync())) });
    expect(maxAbsDiff(logits.dataSync(), ref.logits)).toBeLessThan(1e-4);
    expect(maps).toEqual(ref.attention.map((a) => Array.from(a))); // [H, 1, 1] of ones
    logits.dispose();
    model.dispose();
  });

  it.each(['relu', 'gelu'])('the %s activation matches the reference too', (activation) => {
    const { config: base, source, map } = build(OPTS);
    const config = parseGPT2Config(JSON.stringify({ ...base.raw, activation_function: activation }));
    const ref = referenceGpt2Forward(config, map, IDS);
    // The test can tell the activations apart: their logits differ well above the tolerance.
    expect(maxAbsDiff(ref.logits, referenceGpt2Forward(base, map, IDS).logits)).toBeGreaterThan(1e-3);
    const model = Decoder.fromSource(config, source);
    const logits = model.forward(IDS);
    expect(maxAbsDiff(logits.dataSync(), ref.logits)).toBeLessThan(1e-4);
    logits.dispose();
    model.dispose();
  });

  it('attention rows sum to 1, are causal, and are handed over per layer as [H, N, N]', () => {
    const { config, source } = build(OPTS);
    const model = Decoder.fromSource(config, source);
    const N = IDS.length;
    const seen: number[] = [];
    model
      .forward(IDS, {
        onAttention: (l, probs) => {
          seen.push(l);
          expect(probs.shape).toEqual([config.n_head, N, N]);
          const p = probs.dataSync();
          for (let h = 0; h < config.n_head; h++)
            for (let t = 0; t < N; t++) {
              let sum = 0;
              for (let s = 0; s < N; s++) {
                const v = p[(h * N + t) * N + s];
                if (s > t) expect(v).toBe(0);
                sum += v;
              }
              expect(sum).toBeCloseTo(1, 5);
            }
        },
      })
      .dispose();
    expect(seen).toEqual([0, 1, 2]);
    model.dispose();
  });

  it('loads the same with or without the transformer. prefix, tied or untied head, with HF buffers', () => {
    const base = build(OPTS);
    const variants = [{ prefix: true }, { tiedHead: false }, { prefix: true, tiedHead: false, buffers: true }];
    const m0 = Decoder.fromSource(base.config, base.source);
    expect(m0.numParams).toBe(countParams(base.config));
    const want = m0.forward(IDS);
    for (const v of variants) {
      const { config, source } = build({ ...OPTS, ...v });
      const m = Decoder.fromSource(config, source);
      const got = m.forward(IDS);
      expect(maxAbsDiff(got.dataSync(), want.dataSync())).toBeLessThan(1e-5);
      expect(m.tiedHead).toBe(v.tiedHead !== false);
      got.dispose();
      m.dispose();
    }
    want.dispose();
    m0.dispose();
  });

  it("logits: 'last' equals the last row of the full logits", () => {
    const { config, source } = build(OPTS);
    const model = Decoder.fromSource(config, source);
    const all = model.forward(IDS).arraySync();
    const last = model.forward(IDS, { logits: 'last' });
    expect(last.shape).toEqual([1, config.vocab_size]);
    expect(maxAbsDiff(last.dataSync(), all[IDS.length - 1])).toBeLessThan(1e-5);
    last.dispose();
    model.dispose();
  });

  it('KV cache steps give the same logits as full forwards', () => {
    const { config, source } = build(OPTS);
    const model = Decoder.fromSource(config, source);
    const full = model.forward(IDS).arraySync();
    const cache = model.createCache({ maxTokens: 32 });
    // prompt of 7, then a 3-token chunk (masked prefill on top of a cache), then single tokens
    const chunks = [IDS.slice(0, 7), IDS.slice(7, 10), ...IDS.slice(10).map((id) => [id])];
    let pos = 0;
    for (const chunk of chunks) {
      pos += chunk.length;
      const step = cache.step(chunk);
      expect(maxAbsDiff(step.dataSync(), full[pos - 1])).toBeLessThan(1e-4);
      step.dispose();
    }
    expect(cache.length).toBe(IDS.length);
    cache.dispose();
    model.dispose();
  });

  it('frees every intermediate: numTensors unchanged after 10 forwards and a cached decode', () => {
    const { config, source } = build(OPTS);
    const model = Decoder.fromSource(config, source);
    model.forward(IDS, { onAttention: () => {} }).dispose(); // builds the kept causal mask
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) model.forward(IDS, { onAttention: (_, p) => void tf.sum(p) }).dispose();
    const cache = model.createCache();
    for (const id of IDS) cache.step([id]).dispose();
    cache.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('GPT2 input checks', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('rejects a sequence longer than n_positions, naming both numbers', () => {
    const { config, source } = build({ ...OPTS, nPositions: 8 });
    const model = Decoder.fromSource(config, source);
    const before = tf.memory().numTensors;
    expect(() => model.forward(new Array(9).fill(1))).toThrow(/9 tokens .* context of 8 tokens/);
    expect(() => model.forward([1, 2, 500])).toThrow(/token id 500 at index 2/);
    expect(() => model.forward([])).toThrow(/no token ids/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects a missing or mis-shaped tensor naming the tensor, both shapes and the file', () => {
    const { configJson, tensors } = makeTinyGpt2(OPTS);
    const config = parseGPT2Config(configJson);
    const before = tf.memory().numTensors;
    const missing = tensors.filter((t) => t.name !== 'h.1.mlp.c_fc.bias');
    const e1 = catchError(() =>
      Decoder.fromSource(config, parseSafetensors(writeSafetensors(missing), 'm.safetensors')),
    );
    expect(isInputError(e1)).toBe(true);
    expect(e1.message).toMatch(/m\.safetensors.*missing tensor "h\.1\.mlp\.c_fc\.bias"/);
    const bad = tensors.map((t) => (t.name === 'h.2.attn.c_proj.weight' ? { ...t, shape: [16, 64] } : t));
    const e2 = catchError(() => Decoder.fromSource(config, parseSafetensors(writeSafetensors(bad), 'm.safetensors')));
    expect(e2.message).toMatch(/"h\.2\.attn\.c_proj\.weight" has shape \[16, 64\], expected \[32, 32\]/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a KV cache over the memory budget before allocating', () => {
    const { config, source } = build(OPTS);
    const model = Decoder.fromSource(config, source);
    // 3 layers * 2 * 64 tokens * 32 * 4 bytes = 49152 bytes
    expect(() => model.createCache({ maxBytes: 49151 })).toThrow(
      /needs 0\.0 MiB.*3 layers × 64 tokens × 64 K\/V floats × 4 bytes/,
    );
    model.createCache({ maxBytes: 49152 }).dispose();
    model.dispose();
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('plain-JS GPT-2 reference against transformers (the fixtures’ expected values)', () => {
  it.each(GPT2_FIXTURES)('%s: logits within 1e-4 relative, attention within 1e-5', async (name) => {
    const files = filesFromDir(fixtureDir(name));
    const config = parseGPT2Config(new TextDecoder().decode(await files.get('config.json')));
    const source = await readWeights(files);
    const map = new Map<string, ReferenceTensor>(
      source.names.map((n) => [n, { shape: source.info(n)!.shape, data: source.getFloat32(n) }]),
    );
    const expected = fixtureExpected(name);
    const out = referenceGpt2Forward(config, map, expected.ids);
    const want = expected.logits.flat();
    expect(maxAbsDiff(out.logits, want) / Math.max(...want.map(Math.abs))).toBeLessThan(1e-4);
    out.attention.forEach((m, l) => expect(maxAbsDiff(m, expected.attentions[l].flat(2))).toBeLessThan(1e-5));
  });
});
