import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../core/backend/node';
import { filesFromMap, type ModelFiles } from '../core/io/files';
import { referenceGpt2Forward } from '../core/model/testing/referenceGpt2';
import { makeTinyGpt2, tinyGpt2Files } from '../core/model/testing/tinyGpt2';
import { createEngine, liveTensors, openModelSource, throttledPhases } from './engine';
import type { CallContext } from './host';
import type { OperationName, TokenEvent } from './protocol';

const TINY = { nLayer: 2, nHead: 2, nEmbd: 16, nPositions: 64, seed: 7 };

function ctx<K extends OperationName>(events: unknown[] = [], signal = new AbortController().signal): CallContext<K> {
  return { signal, progress: () => {}, emit: (e) => events.push(e) };
}

/** An engine whose sources map names to in-memory folders. */
function makeEngine(folders: Record<string, ModelFiles>) {
  return createEngine({
    initBackend: (requested) => initNodeBackend(requested),
    openSource: (source) => {
      if (source.kind !== 'url' || !folders[source.url]) throw new Error(`test: no folder ${JSON.stringify(source)}`);
      return folders[source.url];
    },
  });
}

const brokenConfig = async (): Promise<ModelFiles> => {
  const good = tinyGpt2Files(TINY, 'broken');
  const entries: Record<string, Uint8Array | string> = {};
  for (const p of await good.list!()) entries[p] = (await good.get(p))!;
  entries['config.json'] = '{"model_type": "gpt2", "n_layer": "two"}';
  return filesFromMap('broken', entries);
};

describe('engine', () => {
  let engine: ReturnType<typeof makeEngine>;
  beforeAll(async () => {
    engine = makeEngine({
      tiny: tinyGpt2Files(TINY, 'tiny'),
      other: tinyGpt2Files({ ...TINY, seed: 8 }, 'other'),
      broken: await brokenConfig(),
    });
    const report = await engine.handlers.init({ backend: 'auto' }, ctx());
    expect(report.name).toBe(tf.getBackend());
  });

  it('refuses to generate before a model is loaded, naming the field', async () => {
    await expect(engine.handlers.generate({ prompt: '1', maxTokens: 2, temperature: 0 }, ctx())).rejects.toThrow(
      /model/,
    );
  });

  it('loads a model and describes it', async () => {
    const info = await engine.handlers.loadModel({ source: { kind: 'url', url: 'tiny' } }, ctx());
    expect(info).toMatchObject({ name: 'tiny', nLayer: 2, nHead: 2, nEmbd: 16, nPositions: 64, tokenizerKind: 'char' });
    expect(info.numParams).toBeGreaterThan(0);
  });

  it('streams exactly the generated tokens, in order, and greedy is repeatable', async () => {
    const events: TokenEvent[] = [];
    const a = await engine.handlers.generate({ prompt: '12+34=', maxTokens: 8, temperature: 0 }, ctx(events));
    const b = await engine.handlers.generate({ prompt: '12+34=', maxTokens: 8, temperature: 0 }, ctx());
    expect(a.ids.length).toBeGreaterThan(0);
    expect(events.map((e) => e.tokenId)).toEqual(a.ids);
    expect(events.map((e) => e.index)).toEqual(a.ids.map((_, i) => i));
    expect(b.ids).toEqual(a.ids);
    expect(a.promptIds.length).toBe(6);
  });

  it('stops with stopReason "aborted" when cancelled mid-generation', async () => {
    const controller = new AbortController();
    const events: TokenEvent[] = [];
    const c = ctx<'generate'>(events, controller.signal);
    c.emit = (e) => {
      events.push(e);
      if (e.index === 1) controller.abort();
    };
    const out = await engine.handlers.generate({ prompt: '1', maxTokens: 50, temperature: 0 }, c);
    expect(out.stopReason).toBe('aborted');
    expect(out.ids.length).toBeLessThan(50);
  });

  it('forwardLogits matches the plain-JS reference forward', async () => {
    const ids = [3, 14, 15, 9, 2, 6];
    const out = await engine.handlers.forwardLogits({ ids }, ctx());
    const { configJson, tensors } = makeTinyGpt2(TINY);
    const cfg = JSON.parse(configJson);
    const ref = referenceGpt2Forward(cfg, new Map(tensors.map((t) => [t.name, t])), ids);
    expect(out.seqLen).toBe(6);
    expect(out.vocabSize).toBe(cfg.vocab_size);
    let maxDiff = 0;
    for (let i = 0; i < ref.logits.length; i++) maxDiff = Math.max(maxDiff, Math.abs(out.logits[i] - ref.logits[i]));
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('rejects out-of-range ids with an InputError naming the position', async () => {
    await expect(engine.handlers.forwardLogits({ ids: [1, 99999] }, ctx())).rejects.toThrow(/ids\[1\].*99999/);
  });

  it('a failed load keeps the previous model, which still generates', async () => {
    const before = engine.current();
    const err = await engine.handlers
      .loadModel({ source: { kind: 'url', url: 'broken' } }, ctx())
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/config\.json/);
    expect(engine.current()).toBe(before);
    const out = await engine.handlers.generate({ prompt: '12', maxTokens: 3, temperature: 0 }, ctx());
    expect(out.ids.length).toBe(3);
  });

  it('swapping models frees the old one; repeated calls leak no tensors', async () => {
    await engine.handlers.loadModel({ source: { kind: 'url', url: 'other' } }, ctx());
    await engine.handlers.loadModel({ source: { kind: 'url', url: 'tiny' } }, ctx());
    // Warm-up: the model may build tensors it keeps for later calls on its first forward.
    await engine.handlers.forwardLogits({ ids: [1, 2, 3] }, ctx());
    const base = liveTensors();
    for (let i = 0; i < 3; i++) {
      await engine.handlers.loadModel({ source: { kind: 'url', url: 'tiny' } }, ctx());
      await engine.handlers.generate({ prompt: '7', maxTokens: 4, temperature: 0.8, seed: i }, ctx());
      await engine.handlers.forwardLogits({ ids: [1, 2, 3] }, ctx());
    }
    expect(liveTensors()).toBe(base);
  });

  it('the test-only token delay slows tokens without changing them', async () => {
    const plain = await engine.handlers.generate({ prompt: '12', maxTokens: 4, temperature: 0 }, ctx());
    expect(await engine.handlers.debug({ tokenDelayMs: 30 }, ctx())).toMatchObject({
      tokenDelayMs: 30,
      analysisLayerDelayMs: 0,
      liveTensors: liveTensors(),
      activeBackend: tf.getBackend(),
    });
    const started = performance.now();
    const slow = await engine.handlers.generate({ prompt: '12', maxTokens: 4, temperature: 0 }, ctx());
    expect(performance.now() - started).toBeGreaterThanOrEqual(4 * 30 - 5);
    await engine.handlers.debug({ tokenDelayMs: 0 }, ctx());
    expect(slow.ids).toEqual(plain.ids);
    await expect(engine.handlers.debug({ tokenDelayMs: -1 }, ctx())).rejects.toThrow(/tokenDelayMs/);
  });

  it('checks generation settings up front', async () => {
    await expect(engine.handlers.generate({ prompt: '1', maxTokens: 0, temperature: 0 }, ctx())).rejects.toThrow(
      /max tokens/,
    );
    await expect(engine.handlers.generate({ prompt: '1', maxTokens: 2, temperature: -1 }, ctx())).rejects.toThrow(
      /temperature/,
    );
    await expect(engine.handlers.generate({ prompt: '', maxTokens: 2, temperature: 0 }, ctx())).rejects.toThrow(
      /prompt/,
    );
  });
});

describe('openModelSource', () => {
  it('a picked folder is read from its File handles: whole for config, by range for weights', async () => {
    const tiny = tinyGpt2Files(TINY, 'tiny');
    const blobs: Record<string, Blob> = {};
    for (const p of await tiny.list!()) blobs[p] = new Blob([(await tiny.get(p)) as Uint8Array<ArrayBuffer>]);
    const files = openModelSource({ kind: 'picked', name: 'picked', files: blobs });
    expect(files.name).toBe('picked');
    expect(await files.get('config.json')).toEqual(await tiny.get('config.json'));
    expect((await files.open!('model.safetensors'))?.size).toBe((await tiny.get('model.safetensors'))!.length);
    expect(await files.get('absent.json')).toBeUndefined();
    const engine = createEngine({ initBackend: (requested) => initNodeBackend(requested) });
    await engine.handlers.init({ backend: 'auto' }, ctx());
    const info = await engine.handlers.loadModel({ source: { kind: 'picked', name: 'picked', files: blobs } }, ctx());
    expect(info).toMatchObject({ name: 'picked', nLayer: 2, nEmbd: 16 });
    engine.current()!.model.dispose();
  });
});

describe('throttledPhases', () => {
  it('passes a new phase and fraction 1 at once, and within a phase at most one message per interval', () => {
    let t = 0;
    const got: string[] = [];
    const p = throttledPhases(
      'rs:test',
      (f, m) => got.push(`${f}:${m}`),
      50,
      () => t,
    );
    p(0, 'reading config.json');
    p(0.1, 'uploading weights 1/9'); // new phase
    t = 10;
    p(0.2, 'uploading weights 2/9'); // 10 ms later: dropped
    t = 49;
    p(0.3, 'uploading weights 3/9'); // dropped
    t = 60;
    p(0.4, 'uploading weights 4/9'); // 60 ms after the last one sent
    t = 61;
    p(1, 'uploading weights 9/9'); // the end always passes
    expect(got).toEqual([
      '0:reading config.json',
      '0.1:uploading weights 1/9',
      '0.4:uploading weights 4/9',
      '1:uploading weights 9/9',
    ]);
    expect(performance.getEntriesByName('rs:test:uploading weights')).toHaveLength(1);
  });
});
