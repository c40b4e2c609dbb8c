/**
 * Model-family benchmarks on wasm (docs/performance.md targets), run as part of `npm run bench -- model`
 * (or alone with `npm run bench -- model --families`):
 *  - a SmolLM2-135M-shaped random Llama (30 layers, 9 heads, 3 KV heads, d 576, inner 1536, V 49152): forward at
 *    N = 256 as a share of the same run's 2-D matMul rate (target ≥ 70%);
 *  - a Qwen3-0.6B-layer-shaped random model (hidden 1024, 16 heads, 8 KV heads, head_dim 128, inner 3072,
 *    V 151936, 6 layers): analysis (forward + capture + every metric) vs the plain forward at N = 1024 (the LM head
 *    tile by tile in both; see plainForwardTiles), target ≤ 1.25×,
 *    and KV-cache generation vs full recompute at 256 new tokens (target ≥ 5×).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Decoder } from '../src/core/model/decoder';
import { generate } from '../src/core/model/generate';
import { randomLlama, type RandomLlamaShape } from '../src/core/model/testing/randomModel';
import { TILE_ELEMENTS } from '../src/core/model/head';
import { analyzeModel } from '../src/core/rhythm';
import { forwardFlops, ids, recomputeRateEstimate, timeIt } from './model';

const SMOLLM2: RandomLlamaShape = {
  layers: 30,
  heads: 9,
  kvHeads: 3,
  hidden: 576,
  inner: 1536,
  vocab: 49152,
  context: 2048,
};
const QWEN3_LAYERS: RandomLlamaShape = {
  modelType: 'qwen3',
  layers: 6,
  heads: 16,
  kvHeads: 8,
  hidden: 1024,
  headDim: 128,
  inner: 3072,
  vocab: 151936,
  context: 2048,
};

/** Embed, every block, then every LM-head tile's matMul (blockEntropy's tiles), each dropped at once. */
function plainForwardTiles(model: Decoder, seq: number[]): void {
  let x = tf.tidy(() => model.embed(seq, 0)); // [N, D]
  for (let l = 0; l < model.config.n_layer; l++) {
    const prev = x;
    x = tf.tidy(() => model.block(l, prev, null).x);
    prev.dispose();
  }
  const h = x;
  tf.tidy(() => {
    const normed = model.finalHidden(h); // [N, D]
    const blocks = model.headBlocks();
    const rows = Math.max(1, Math.floor(TILE_ELEMENTS / Math.max(...blocks.map((b) => b.shape[1]))));
    for (let r0 = 0; r0 < seq.length; r0 += rows) {
      const n = Math.min(rows, seq.length - r0);
      for (const w of blocks) tf.tidy(() => void tf.matMul(tf.slice(normed, [r0, 0], [n, normed.shape[1]]), w));
    }
  });
  h.dispose();
}

function build(shape: RandomLlamaShape, name: string): Decoder {
  const { config, source } = randomLlama(shape);
  return Decoder.fromSource(config, source, { name });
}

/** Markdown lines of the families section; `matmulRate` is the same run's wasm 2-D matMul GFLOP/s. */
export async function familiesSection(matmulRate: number, quick: boolean): Promise<string[]> {
  const R = (n: number) => (quick ? 1 : n);
  const out: string[] = ['', '## Model families (random weights, wasm)', ''];

  const smolShape = quick ? { ...SMOLLM2, layers: 4 } : SMOLLM2;
  const t0 = performance.now();
  const smol = build(smolShape, 'smollm2-135m shape');
  const smolLoad = performance.now() - t0;
  const n256 = ids(256, smol.config.vocab_size);
  const fwd = await timeIt(R(3), async () => {
    const l = smol.forward(n256);
    await l.data();
    l.dispose();
  });
  const gflops = forwardFlops(smol.config, 256) / (fwd.cpu * 1e6);
  console.error(`  smollm2 shape N=256: ${fwd.cpu.toFixed(0)} ms, ${gflops.toFixed(1)} GFLOP/s`);
  smol.dispose();

  const qShape = quick ? { ...QWEN3_LAYERS, layers: 2, vocab: 32768 } : QWEN3_LAYERS;
  const q = build(qShape, 'qwen3 layer shape');
  // Logits [N, V] at N = 1024 are 622 MB (the whole forward's result does not fit tfjs-wasm's heap in Node beside
  // 1 GB of weights), so the plain forward here computes every LM-head tile and drops it: the same matMuls as
  // forward(), with nothing joined, reduced or read back. The analysis reduces each tile to its entropy statistics.
  const N = quick ? 256 : 1024;
  const seq = ids(N, q.config.vocab_size);
  const plain = await timeIt(1, async () => plainForwardTiles(q, seq));
  const analysis = await timeIt(1, async () => {
    analyzeModel(q, { ids: seq, promptLength: 16, tokens: seq.map(String) });
  });
  console.error(`  qwen3 shape N=${N}: plain ${plain.cpu.toFixed(0)} ms, analysis ${analysis.cpu.toFixed(0)} ms`);
  const newTokens = quick ? 16 : 256;
  const prompt = ids(8, q.config.vocab_size);
  const cachedT = await timeIt(
    1,
    async () => {
      const r = await generate(q, prompt, { maxTokens: newTokens });
      if (r.ids.length !== newTokens) throw new Error(`generated ${r.ids.length} of ${newTokens}`);
    },
    false,
  );
  const cached = newTokens / (cachedT.cpu / 1000);
  const full = await recomputeRateEstimate(q, newTokens);
  console.error(
    `  qwen3 shape generation: cache ${cached.toFixed(1)} tok/s, recompute ${full.toFixed(2)} tok/s (estimated)`,
  );
  q.dispose();

  out.push('| measure | value |', '|---|---|');
  out.push(
    `| SmolLM2-135M shape${quick ? ' (4 layers, --quick)' : ''}: build + upload | ${(smolLoad / 1000).toFixed(1)} s |`,
  );
  out.push(
    `| SmolLM2-135M shape: forward N=256 | ${fwd.cpu.toFixed(0)} ms (${fwd.wall.toFixed(0)} ms wall), ${gflops.toFixed(1)} GFLOP/s |`,
  );
  out.push(
    `| **share of the matMul rate** (${matmulRate.toFixed(1)} GFLOP/s; target ≥ 70%) | **${((100 * gflops) / matmulRate).toFixed(0)}%** |`,
  );
  out.push(
    `| Qwen3 layer shape${quick ? ' (--quick: 2 layers, V 32768)' : ''}: plain forward N=${N} (every LM-head tile computed and dropped) | ${plain.cpu.toFixed(0)} ms |`,
  );
  out.push(
    `| **analysis (forward + capture + every metric) / plain** (target ≤ 1.25×) | **${(analysis.cpu / plain.cpu).toFixed(2)}×** (${analysis.cpu.toFixed(0)} ms) |`,
  );
  out.push(
    `| **KV-cache generation / full recompute**, ${newTokens} new tokens (target ≥ 5×) | **${(cached / full).toFixed(1)}×** (${cached.toFixed(1)} vs ${full.toFixed(2)} tokens/s, recompute estimated) |`,
  );
  out.push('', `(tfjs ${tf.version_core}; times are this process's CPU time unless marked wall)`);
  return out;
}
