import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAttentionDump, writeAttentionDump } from '../io/dump';
import { loadModel } from '../model/load';
import { tinyGpt2Files } from '../model/testing/tinyGpt2';
import { analyzeDump, analyzeModel, type DumpLike } from './analyze';
import { mulberry32 } from './credit';
import { resolveOptions } from './options';
import { analyzeCache, applyGroup, applyGroups } from './record';
import { RhythmAccumulator } from './accumulator';

function randomMaps(H: number, N: number, rand: () => number): number[][][] {
  return Array.from({ length: H }, () =>
    Array.from({ length: N }, (_, t) => {
      const row = Array.from({ length: N }, (_, s) => (s <= t ? rand() ** 4 : 0));
      const sum = row.reduce((a, b) => a + b, 0);
      return row.map((x) => x / sum);
    }),
  );
}

function makeDump(L: number, H: number, N: number, p: number, seed: number, withLogits = false) {
  const rand = mulberry32(seed);
  const maps = Array.from({ length: L }, () => randomMaps(H, N, rand));
  const V = 5;
  const dump: DumpLike = {
    fileName: 'test.safetensors',
    numHeads: H,
    seqLen: N,
    layerIndices: maps.map((_, l) => l),
    numLayers: L,
    tokens: Array.from({ length: N }, (_, i) => `t${i}`),
    tokenIds: Array.from({ length: N }, (_, i) => i),
    promptLength: p,
    layer: (l) => Float32Array.from(maps[l].flat(2)),
    ...(withLogits
      ? { logits: { data: Float32Array.from({ length: N * V }, () => 4 * rand() - 2), vocabSize: V } }
      : {}),
  };
  return { dump, maps };
}

/** Independent reference: averaged maps of the chosen heads, then the formulas of method.md on them. */
function mean(maps: number[][][][], heads: [number, number][]): number[][] {
  const N = maps[0][0].length;
  const out = Array.from({ length: N }, () => new Array<number>(N).fill(0));
  for (const [l, h] of heads)
    for (let t = 0; t < N; t++) for (let s = 0; s < N; s++) out[t][s] += maps[l][h][t][s] / heads.length;
  return out;
}

describe.each(['cpu', 'wasm'])('analysis on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('per-head averages == metrics from averaged maps; roles follow the reference; invariants hold', () => {
    // L = 8 -> middle third 2..5; H = 3: M = 12 heads, n = ⌈3.6⌉ = 4
    const N = 8;
    const p = 2;
    const o = { W: 3, H_lo: 1, H_hi: 3 };
    const { dump, maps } = makeDump(8, 3, N, p, 5);
    const { record } = analyzeDump(dump, o);
    expect(record.layers).toEqual([2, 3, 4, 5]);
    // spans by hand-rolled reference, then the (d, layer, head) order
    const spans: [number, number, number][] = [];
    for (const l of record.layers)
      for (let h = 0; h < 3; h++) {
        let d = 0;
        for (let t = p; t < N; t++) for (let s = 0; s <= t; s++) d += maps[l][h][t][s] * (t - s);
        spans.push([l, h, d / (N - p)]);
      }
    record.heads.span.forEach((s, i) => {
      expect(s.slice(0, 2)).toEqual(spans[i].slice(0, 2));
      expect(s[2]).toBeCloseTo(spans[i][2], 5);
    });
    const order = [...spans].sort((a, b) => a[2] - b[2] || a[0] - b[0] || a[1] - b[1]).map((s) => [s[0], s[1]]);
    expect(record.heads.local).toEqual(order.slice(0, 4));
    expect(record.heads.global).toEqual(order.slice(8));
    const loc = mean(maps, record.heads.local);
    const glob = mean(maps, record.heads.global);
    for (let t = p; t < N; t++) {
      let w = 0;
      for (let s = 0; s <= t; s++) w += loc[t][s] * Math.min(t - s, o.W);
      expect(record.waad[t - p]).toBeCloseTo(w, 5);
      const T = [];
      for (let u = t + o.H_lo; u <= Math.min(N - 1, t + o.H_hi); u++) T.push(u);
      const f = T.length ? T.reduce((a, u) => a + glob[u][t], 0) / T.length : 0;
      expect(record.fai[t - p]).toBeCloseTo(f, 5);
    }
    for (const w of record.waad) expect(w >= 0 && w <= o.W + 1e-6).toBe(true);
    for (const f of record.fai) expect(f >= 0 && f <= 1 + 1e-6).toBe(true);
    expect(record.gamma.uniform).toEqual(new Array(N - p).fill(1));
    expect(record.preplan.filter(Boolean).length).toBe(Math.ceil(0.4 * (N - p) - 1e-9)); // ⌈2.4⌉ = 3
  });

  it('writes every formats.md field; options feed back in; JSON keeps H_hi = ∞', () => {
    const { dump } = makeDump(4, 2, 7, 3, 9, true);
    const { record } = analyzeDump(dump, { H_hi: Infinity, q: 0.5 });
    for (const key of [
      'prompt_length',
      'tokens',
      'token_ids',
      'layers',
      'heads',
      'waad',
      'fai',
      'delta',
      'preplan',
      'anchor',
      'dominated',
      'intro',
      'entropy',
      'gamma',
      'options',
    ]) {
      expect(record).toHaveProperty(key);
    }
    for (const key of ['uniform', 'local_chunk', 'global_anchor', 'coupled', 'random', 'high_entropy'])
      expect(record.gamma).toHaveProperty(key);
    for (const key of [
      'W',
      'H_lo',
      'H_hi',
      'q',
      'headFraction',
      'layers',
      'k',
      'tau_waad',
      'tau_delta',
      'alpha',
      'gamma_amp',
      'sink',
    ]) {
      expect(record.options).toHaveProperty(key);
    }
    expect(record.options.H_hi).toBe('Infinity');
    const again = JSON.parse(JSON.stringify(record));
    expect(resolveOptions(again.options)).toEqual(resolveOptions({ H_hi: Infinity, q: 0.5 }));
    expect(record.entropy!.length).toBe(4);
    expect(Number.isFinite(record.tau_waad) && Number.isFinite(record.tau_delta)).toBe(true);
  });

  it('recomputes non-map options from the cache without the maps; refuses changed map options', () => {
    const { dump } = makeDump(4, 2, 9, 2, 13);
    const { cache } = analyzeDump(dump, { H_lo: 2 });
    const fresh = analyzeDump(dump, { H_lo: 2, q: 0.2, k: 1, layers: 'all', headFraction: 0.5 }).record;
    const cached = analyzeCache(
      cache,
      { tokens: dump.tokens, tokenIds: dump.tokenIds, numLayers: 4 },
      { q: 0.2, k: 1, layers: 'all', headFraction: 0.5 },
    );
    expect(cached.preplan).toEqual(fresh.preplan);
    expect(cached.anchor).toEqual(fresh.anchor);
    expect(cached.gamma).toEqual(fresh.gamma);
    expect(() => analyzeCache(cache, { tokens: dump.tokens, numLayers: 4 }, { H_lo: 3 })).toThrow(/H_lo.*rerun/);
  });

  it('pinned heads and missing layers', () => {
    const { dump } = makeDump(4, 2, 6, 1, 17);
    const { record } = analyzeDump(dump, {
      heads: {
        local: [[0, 1]],
        global: [
          [3, 0],
          [3, 1],
        ],
      },
    });
    expect(record.heads.local).toEqual([[0, 1]]);
    const partial: DumpLike = { ...dump, layerIndices: [0], numLayers: 4 };
    // The file is added to the layer's error once, its field kept and named once.
    expect(() => analyzeDump(partial)).toThrow(
      /^test\.safetensors, field "attn\.L1": layer 1 is selected but its attention is missing \(have 0\)$/,
    );
    expect(() => analyzeDump(dump, { heads: { local: [[0, 5]], global: [[0, 0]] } })).toThrow(/pinned head \[0, 5\]/);
  });

  it('reads a real dump file (io/dump.ts) and leaks no tensors', () => {
    const { dump, maps } = makeDump(3, 2, 6, 2, 21);
    const bytes = writeAttentionDump({
      numHeads: 2,
      seqLen: 6,
      layerIndices: [0, 1, 2],
      numLayers: 3,
      tokens: dump.tokens,
      promptLength: 2,
      layers: new Map(maps.map((m, l) => [l, Float32Array.from(m.flat(2))])),
    });
    const parsed = parseAttentionDump(bytes, 'x.safetensors');
    analyzeDump(parsed);
    const before = tf.memory().numTensors;
    const a = analyzeDump(parsed).record;
    const b = analyzeDump(dump).record;
    expect(tf.memory().numTensors).toBe(before);
    expect(a.waad).toEqual(b.waad);
    expect(a.layers).toEqual([1, 2]); // L = 3: lo = 1, hi = 2
  });
});

describe('finishAsync', () => {
  it('gives the same cache as finish', async () => {
    await tf.setBackend('cpu');
    const { dump } = makeDump(2, 2, 6, 2, 31);
    const a = new RhythmAccumulator({ seqLen: 6, promptLength: 2, H_lo: 1 });
    const b = new RhythmAccumulator({ seqLen: 6, promptLength: 2, H_lo: 1 });
    for (const l of [0, 1]) {
      a.addLayerData(l, dump.layer(l), 2);
      b.addLayerData(l, dump.layer(l), 2);
    }
    const ca = a.finish();
    const cb = await b.finishAsync();
    expect(cb.layers.get(1)!.fai).toEqual(ca.layers.get(1)!.fai);
    expect(cb.layers.get(0)!.span).toEqual(ca.layers.get(0)!.span);
  });
});

describe('groups', () => {
  it('advantage and shaped_advantage for each response', async () => {
    await tf.setBackend('cpu');
    const recs = [1, 2, 3].map((s) => analyzeDump(makeDump(2, 1, 5, 1, s).dump).record);
    // rewards 1, 0, 0 -> mean 1/3, population std √(2/9) -> Â = (2/3)/√(2/9) = √2, −1/√2, −1/√2
    const g = applyGroup(recs, [1, 0, 0]);
    expect(g[0].advantage).toBeCloseTo(Math.SQRT2, 12);
    expect(g[1].advantage).toBeCloseTo(-1 / Math.SQRT2, 12);
    g.forEach((r) => {
      expect(r.shaped_advantage!.uniform).toEqual(r.gamma.uniform.map(() => r.advantage));
      expect(r.shaped_advantage!.coupled).toEqual(r.gamma.coupled.map((x) => x * r.advantage!));
      expect(r.shaped_advantage!.hicra).toEqual(
        r.anchor.map((a) => (a ? r.advantage! + 0.2 * Math.abs(r.advantage!) : r.advantage)),
      );
    });
    expect(applyGroup(recs, [1, 1, 1]).map((r) => r.advantage)).toEqual([0, 0, 0]);
    expect(() => applyGroup(recs, [1, 0])).toThrow(/2 rewards for 3 responses/);
  });

  it('applyGroups forms groups by key and leaves ungrouped records alone', () => {
    const recs = [1, 2, 3, 4].map((s) => analyzeDump(makeDump(2, 1, 5, 1, s).dump).record);
    const out = applyGroups(recs, [
      { group: 'a', reward: 1 },
      { group: 'b', reward: 3 },
      { group: 'a', reward: 0 },
      {},
    ]);
    // group a: rewards 1, 0 -> ±1; group b: a single response -> 0
    expect(out.map((r) => r.advantage)).toEqual([1, 0, -1, undefined]);
    expect(out[0].group).toBe('a');
    expect(out[3]).toBe(recs[3]);
  });
});

describe('model pass', () => {
  it('analyzeModel == analysis of the captured maps; entropy from the same logits', async () => {
    await tf.setBackend('wasm');
    const { model, tokenizer } = await loadModel(tinyGpt2Files({ nLayer: 3, nHead: 2, nEmbd: 16, seed: 1 }));
    try {
      const ids = tokenizer.encode('12+34=46');
      const tokens = ids.map((i) => tokenizer.tokenString(i));
      const seq = { ids, promptLength: 6, tokens };
      const opts = { H_lo: 0, H_hi: 2, W: 3 };
      const { record } = analyzeModel(model, seq, opts);
      const layers = new Map<number, Float32Array>();
      const logits = model.forward(ids, {
        onAttention: (l, probs) => layers.set(l, probs.dataSync().slice() as Float32Array),
      });
      const dump: DumpLike = {
        fileName: 'captured',
        numHeads: 2,
        seqLen: ids.length,
        layerIndices: [0, 1, 2],
        numLayers: 3,
        tokens,
        tokenIds: ids,
        promptLength: 6,
        layer: (l) => layers.get(l)!,
        logits: { data: logits.dataSync() as Float32Array, vocabSize: logits.shape[1] },
      };
      logits.dispose();
      const ref = analyzeDump(dump, opts).record;
      expect(record.layers).toEqual(ref.layers);
      record.waad.forEach((w, i) => expect(w).toBeCloseTo(ref.waad[i], 5));
      record.fai.forEach((f, i) => expect(f).toBeCloseTo(ref.fai[i], 5));
      record.entropy!.forEach((e, i) => expect(e).toBeCloseTo(ref.entropy![i], 4));
      const before = tf.memory().numTensors;
      analyzeModel(model, seq, opts);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      model.dispose();
    }
  });
});
