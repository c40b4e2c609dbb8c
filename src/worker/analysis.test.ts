import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../core/backend/node';
import { parseAttentionDump } from '../core/io/dump';
import { tinyGpt2Files } from '../core/model/testing/tinyGpt2';
import { analyzeModel } from '../core/rhythm';
import { MAP_BUDGET_BYTES, createAnalysisHandlers, forwardByLayer } from './analysis';
import { createEngine, liveTensors } from './engine';
import type { CallContext } from './host';
import type { OperationName } from './protocol';

const TINY = { nLayer: 3, nHead: 2, nEmbd: 16, nPositions: 64, seed: 3 };

function ctx<K extends OperationName>(): CallContext<K> {
  return { signal: new AbortController().signal, progress: () => {}, emit: () => {} };
}

describe('worker analysis operations', () => {
  const engine = createEngine({
    initBackend: (requested) => initNodeBackend(requested),
    openSource: () => tinyGpt2Files(TINY, 'tiny'),
  });
  const h = engine.handlers;
  const ids = [1, 5, 2, 7, 3, 9, 4, 4, 8, 1, 6, 2, 5, 3, 7, 2, 8, 9, 1, 3];
  const input = { kind: 'ids' as const, ids, promptLength: 6 };

  beforeAll(async () => {
    await h.init({ backend: 'wasm' }, ctx());
    await h.loadModel({ source: { kind: 'url', url: 'tiny' } }, ctx());
  });

  it('refuses head maps and exports before any analysis, naming the field', async () => {
    await expect(h.headMap({ choice: { kind: 'local' } }, ctx())).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/analysis/),
    });
  });

  it('analyze equals the engine run directly and returns thumbnails and spans of every head', async () => {
    const out = await h.analyze({ input, options: { W: 4, H_lo: 2, H_hi: 8 } }, ctx());
    const ref = analyzeModel(
      engine.current()!.model,
      { ids, promptLength: 6, tokens: out.record.tokens },
      { W: 4, H_lo: 2, H_hi: 8 },
    );
    expect(out.how).toBe('forward');
    expect(out.record.waad).toEqual(ref.record.waad);
    expect(out.record.fai).toEqual(ref.record.fai);
    expect(out.record.gamma).toEqual(ref.record.gamma);
    expect(out.summary).toMatchObject({
      numLayers: 3,
      numHeads: 2,
      seqLen: 20,
      promptLength: 6,
      mapsCached: true,
      source: 'model',
    });
    // N = 20 ≤ 64: thumbnails are the whole maps; every layer's are copied (not left as zeros).
    expect(out.summary.thumbnailSize).toBe(20);
    expect(out.summary.thumbnails.length).toBe(3 * 2 * 20 * 20);
    for (let l = 0; l < 3; l++)
      expect(Math.max(...out.summary.thumbnails.subarray(l * 800, (l + 1) * 800))).toBeGreaterThan(0.1);
    expect(Array.from(out.summary.spans.subarray(2, 4))).toEqual(Array.from(ref.cache.layers.get(1)!.span));
  });

  it('reanalyze says how: q from the cache, W from the cached maps (same numbers as a fresh forward)', async () => {
    const q = await h.reanalyze({ options: { W: 4, H_lo: 2, H_hi: 8, q: 0.2 } }, ctx());
    expect(q.how).toBe('cache');
    expect(q.record.options.q).toBe(0.2);
    const w = await h.reanalyze({ options: { W: 2, H_lo: 2, H_hi: 8 } }, ctx());
    expect(w.how).toBe('maps');
    const fresh = analyzeModel(
      engine.current()!.model,
      { ids, promptLength: 6, tokens: w.record.tokens },
      { W: 2, H_lo: 2, H_hi: 8 },
    );
    w.record.waad.forEach((v, i) => expect(v).toBeCloseTo(fresh.record.waad[i], 5));
    expect(w.record.waad).not.toEqual(q.record.waad);
  });

  it('headMap returns one head or the hand-averaged local heads; rows sum to 1', async () => {
    const out = await h.analyze({ input, options: {} }, ctx());
    const N = 20;
    const loc = out.record.heads.local;
    const mean = await h.headMap({ choice: { kind: 'local' } }, ctx());
    const singles = await Promise.all(
      loc.map(([layer, head]) => h.headMap({ choice: { kind: 'head', layer, head } }, ctx())),
    );
    for (const i of [0, N + 1, 5 * N + 3, N * N - 1]) {
      const avg = singles.reduce((a, s) => a + s.map[i], 0) / singles.length;
      expect(mean.map[i]).toBeCloseTo(avg, 6);
    }
    let row = 0;
    for (let s = 0; s < N; s++) row += singles[0].map[7 * N + s];
    expect(row).toBeCloseTo(1, 5);
    await expect(h.headMap({ choice: { kind: 'head', layer: 9, head: 0 } }, ctx())).rejects.toThrow(/layer 9/);
  });

  it('exportDump round-trips through importDump to the same record, without the model', async () => {
    const out = await h.analyze({ input, options: {} }, ctx());
    const dump = await h.exportDump({}, ctx());
    const parsed = parseAttentionDump(dump.bytes, dump.fileName);
    expect(parsed).toMatchObject({ numHeads: 2, seqLen: 20, promptLength: 6, layerIndices: [0, 1, 2] });
    const back = await h.importDump({ name: dump.fileName, bytes: dump.bytes.slice().buffer, options: {} }, ctx());
    expect(back.how).toBe('dump');
    expect(back.record.waad).toEqual(out.record.waad);
    // Entropy on the backend (float32) vs from the dump's logits in JS (float64).
    back.record.entropy!.forEach((v, i) => expect(v).toBeCloseTo(out.record.entropy![i], 5));
    expect(back.record.preplan).toEqual(out.record.preplan);
  });

  it('rejects a text file as a dump with an InputError naming the file', async () => {
    const bytes = new TextEncoder().encode('hello, not a dump').buffer as ArrayBuffer;
    await expect(h.importDump({ name: 'notes.txt', bytes, options: {} }, ctx())).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/notes\.txt/),
    });
  });

  it('rejects an empty response and bad options before running', async () => {
    await expect(
      h.analyze({ input: { kind: 'text', prompt: 'ab', response: '' }, options: {} }, ctx()),
    ).rejects.toThrow(/response/);
    await expect(h.analyze({ input, options: { W: 0 } }, ctx())).rejects.toThrow(/W/);
  });

  it('leaks no tensors over repeated analyses', async () => {
    await h.analyze({ input, options: {} }, ctx());
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await h.analyze({ input, options: {} }, ctx());
      await h.reanalyze({ options: { W: 3 + i } }, ctx());
      await h.exportDump({}, ctx());
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('without cached maps (a model over the budget) reruns the forward for map options, head maps and the dump', async () => {
    const a = createAnalysisHandlers(() => engine.current()!, 0);
    const first = await a.analyze({ input, options: {} }, ctx());
    expect(first.summary.mapsCached).toBe(false);
    const cached = await h.analyze({ input, options: {} }, ctx());
    expect((await a.reanalyze({ options: { q: 0.3 } }, ctx())).how).toBe('cache');
    const w = await a.reanalyze({ options: { W: 2 } }, ctx());
    expect(w.how).toBe('forward');
    const fresh = await h.reanalyze({ options: { W: 2 } }, ctx());
    w.record.waad.forEach((v, i) => expect(v).toBeCloseTo(fresh.record.waad[i], 5));
    const [l, hd] = cached.record.heads.global[0];
    const byRerun = await a.headMap({ choice: { kind: 'head', layer: l, head: hd } }, ctx());
    const fromCache = await h.headMap({ choice: { kind: 'head', layer: l, head: hd } }, ctx());
    byRerun.map.forEach((v, i) => expect(v).toBeCloseTo(fromCache.map[i], 6));
    const dump = parseAttentionDump((await a.exportDump({}, ctx())).bytes, 'rerun.safetensors');
    expect(dump.layer(1).length).toBe(2 * 20 * 20);
  });

  it('over the logits budget: entropy from the LM head tile by tile, equal to the logits path; no logits dumped', async () => {
    const a = createAnalysisHandlers(() => engine.current()!, MAP_BUDGET_BYTES, { logitsBudgetBytes: 0 });
    const tiled = await a.analyze({ input, options: {} }, ctx());
    const full = await h.analyze({ input, options: {} }, ctx());
    expect(tiled.record.entropy).toHaveLength(ids.length - 6);
    tiled.record.entropy!.forEach((v, i) => expect(v).toBeCloseTo(full.record.entropy![i], 6));
    expect(tiled.record.gamma).toEqual(full.record.gamma);
    expect(parseAttentionDump((await a.exportDump({}, ctx())).bytes, 'tiled.safetensors').logits).toBeUndefined();
    expect(parseAttentionDump((await h.exportDump({}, ctx())).bytes, 'full.safetensors').logits).toBeDefined();
  });
});

function ctxWith<K extends OperationName>(
  signal: AbortSignal,
  progress: (f: number, m: string) => void,
): CallContext<K> {
  return { signal, progress, emit: () => {} };
}

describe.each(['wasm', 'cpu'] as const)('analysis forward by layer, cancellable (%s)', (backend) => {
  const engine = createEngine({
    initBackend: (requested) => initNodeBackend(requested),
    openSource: () => tinyGpt2Files(TINY, 'tiny'),
  });
  const h = engine.handlers;
  const ids = [1, 5, 2, 7, 3, 9, 4, 4, 8, 1, 6, 2];
  const input = { kind: 'ids' as const, ids, promptLength: 4 };

  beforeAll(async () => {
    await h.init({ backend }, ctx());
    await h.loadModel({ source: { kind: 'url', url: 'tiny' } }, ctx());
  });

  it("gives exactly model.forward's logits and maps, and frees every intermediate", async () => {
    const { model } = engine.current()!;
    const maps = (into: number[][]) => (l: number, p: tf.Tensor3D) => {
      into[l] = Array.from(p.dataSync());
    };
    const refMaps: number[][] = [],
      gotMaps: number[][] = [];
    const ref = model.forward(ids, { onAttention: maps(refMaps) });
    const before = tf.memory().numTensors;
    let pauses = 0;
    const got = await forwardByLayer(model, ids, maps(gotMaps), async () => {
      pauses++;
    });
    expect(pauses).toBe(3);
    expect(Array.from(got.dataSync())).toEqual(Array.from(ref.dataSync()));
    expect(gotMaps).toEqual(refMaps);
    got.dispose();
    expect(tf.memory().numTensors).toBe(before);
    ref.dispose();
  });

  it('a Cancel during the forward stops it after the current layer; the previous analysis stays; nothing leaks', async () => {
    const first = await h.analyze({ input, options: {} }, ctx());
    const tensors = liveTensors();
    await h.debug({ analysisLayerDelayMs: 30 }, ctx());
    const controller = new AbortController();
    const layersSeen: string[] = [];
    const run = h.analyze(
      { input: { ...input, ids: [...ids].reverse() }, options: {} },
      ctxWith(controller.signal, (_f, m) => {
        layersSeen.push(m);
        if (m === 'layer 1 of 3') controller.abort(new DOMException('Cancelled', 'AbortError'));
      }),
    );
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(layersSeen.filter((m) => m.startsWith('layer'))).toEqual(['layer 1 of 3']);
    expect(liveTensors()).toBe(tensors);
    // The previous analysis is still the current one, and the next one runs in full.
    const kept = await h.reanalyze({ options: {} }, ctx());
    expect(kept.record.tokens).toEqual(first.record.tokens);
    await h.debug({ analysisLayerDelayMs: 0 }, ctx());
    const next = await h.analyze({ input, options: {} }, ctx());
    expect(next.record.waad).toEqual(first.record.waad);
    expect(liveTensors()).toBe(tensors);
  });

  it('refuses a delay outside 0..10000, naming the field', async () => {
    await expect(h.debug({ analysisLayerDelayMs: -1 }, ctx())).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('analysisLayerDelayMs'),
    });
  });
});
