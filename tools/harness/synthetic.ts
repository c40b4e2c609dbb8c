/**
 * Synthetic attention with the paper's rhythm, for harness views of sizes the fixture model cannot show
 * (N = 1024 maps, 36 × 32 head galleries): local heads decay from the diagonal, global heads put mass on a
 * few anchor columns and the sink. Deterministic (seeded); not model output.
 */
import type { Thumbnail } from '../../src/core/rhythm';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
}

/** Row-major [n, n] causal row-stochastic map. locality ∈ [0, 1]: 1 = purely local, 0 = anchors + sink. */
export function syntheticMap(n: number, locality: number, seed = 1): Float32Array {
  const rand = rng(seed);
  const anchors: number[] = [];
  for (let s = 8; s < n; s += 12 + Math.floor(rand() * 40)) anchors.push(s);
  const m = new Float32Array(n * n);
  const decay = 1.5 + 6 * (1 - locality);
  for (let t = 0; t < n; t++) {
    const row = t * n;
    let sum = 0;
    for (let s = 0; s <= t; s++) {
      let w = locality * Math.exp(-(t - s) / decay) + 0.002 * rand();
      if (s === 0) w += 0.3 * (1 - locality) + 0.02;
      sum += m[row + s] = w;
    }
    for (const a of anchors)
      if (a <= t) {
        const w = (1 - locality) * (0.4 + rand()) * Math.exp(-(t - a) / 400);
        m[row + a] += w;
        sum += w;
      }
    for (let s = 0; s <= t; s++) m[row + s] /= sum;
  }
  return m;
}

/** Max-pooled [size, size] thumbnail of an analytic rhythm-like map of n tokens (no n² work). */
function syntheticThumb(
  n: number,
  size: number,
  locality: number,
  rand: () => number,
  out: Float32Array,
  offset: number,
): void {
  const block = n / size;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      const dist = (i - j) * block;
      let v = locality * Math.exp(-dist / (2 + 8 * (1 - locality))) + 0.01 * rand();
      if (j === 0) v += 0.3 * (1 - locality);
      if (1 - locality > 0.3 && (j * 7 + 3) % 11 === 0) v += (1 - locality) * 0.2 * (0.5 + rand());
      out[offset + i * size + j] = v;
    }
  }
}

export interface SyntheticModel {
  numLayers: number;
  numHeads: number;
  thumbnails: Map<number, Thumbnail>;
  spans: Map<number, Float32Array>;
  selection: {
    layers: number[];
    heads: { local: [number, number][]; global: [number, number][]; span: [number, number, number][] };
  };
}

/** A big model's worth of thumbnails and spans, with the method's head selection (middle third, 30 %). */
export function syntheticModel(numLayers: number, numHeads: number, n = 512, size = 64, seed = 3): SyntheticModel {
  const rand = rng(seed);
  const thumbnails = new Map<number, Thumbnail>();
  const spans = new Map<number, Float32Array>();
  const loc: number[][] = [];
  for (let l = 0; l < numLayers; l++) {
    const data = new Float32Array(numHeads * size * size);
    const span = new Float32Array(numHeads);
    loc.push([]);
    for (let h = 0; h < numHeads; h++) {
      const locality = Math.min(1, Math.max(0, rand() * 1.2 - 0.1));
      loc[l].push(locality);
      syntheticThumb(n, size, locality, rand, data, h * size * size);
      span[h] = 2 + (1 - locality) ** 2 * n * 0.35 + rand() * 3;
    }
    thumbnails.set(l, { size, data });
    spans.set(l, span);
  }
  const lo = Math.floor(numLayers / 3),
    hi = Math.floor((2 * numLayers) / 3);
  const layers = [...new Set(Array.from({ length: 5 }, (_, i) => lo + Math.floor((i * (hi - lo)) / 4 + 0.5)))];
  const all = layers.flatMap((l) =>
    Array.from({ length: numHeads }, (_, h) => [l, h, spans.get(l)![h]] as [number, number, number]),
  );
  const sorted = [...all].sort((a, b) => a[2] - b[2] || a[0] - b[0] || a[1] - b[1]);
  const k = Math.ceil(0.3 * sorted.length);
  return {
    numLayers,
    numHeads,
    thumbnails,
    spans,
    selection: {
      layers,
      heads: {
        local: sorted.slice(0, k).map(([l, h]) => [l, h]),
        global: sorted.slice(-k).map(([l, h]) => [l, h]),
        span: all,
      },
    },
  };
}
