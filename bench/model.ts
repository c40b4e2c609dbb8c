/**
 * Model runtime benchmark (docs/performance.md targets):
 *  - forward time (logits for all N positions) at N = 64, 256, 1024 on a GPT-2-small-shaped random model
 *    (built in memory) and on the tiny fixture, per Node backend (wasm; cpu only where it is affordable);
 *  - the wasm 2-D matMul rate (256x768 . 768x3072) in the same run, and the forward's share of it at
 *    N = 256 with the forward's FLOPs counted analytically;
 *  - generation tokens/s with the KV cache vs full recompute.
 * Medians of several runs, printed as markdown. `--quick` shrinks everything for a smoke test.
 *
 * Every time is taken twice: wall clock and this process's CPU time (process.cpuUsage). tfjs-wasm in Node is
 * single-threaded, so CPU time is the compute time even when other jobs share the cores; rates, shares and
 * ratios use CPU time, wall times are printed beside them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { median } from './stats';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { filesFromDir } from '../src/core/io/node-files';
import { parseGPT2Config } from '../src/core/model/config';
import { generate } from '../src/core/model/generate';
import { Decoder } from '../src/core/model/decoder';
import { loadModel } from '../src/core/model/load';
import { makeTinyGpt2, sourceFromTensors } from '../src/core/model/testing/tinyGpt2';
import type { CausalLM, ModelConfig } from '../src/core/model/types';
import { specOf } from '../src/core/model/families';
import { familiesSection } from './model-families';

const FIXTURE = 'public/models/tiny-random';

interface Timing {
  /** median CPU ms of this process (user + system) */
  cpu: number;
  /** median wall-clock ms */
  wall: number;
}

/** Median CPU and wall time (ms) of `runs` calls, after one warm-up unless `warmup` is false. */
export async function timeIt(runs: number, fn: () => Promise<void>, warmup = true): Promise<Timing> {
  if (warmup) await fn();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { cpu: median(cpu), wall: median(wall) };
}

/** FLOPs of one forward over N tokens (multiply-add = 2): the matMuls, attention as computed (full N x N). */
/** Multiply-adds × 2 of one forward over N tokens: projections, attention (full N², as computed), MLP, LM head. */
export function forwardFlops(c: ModelConfig, N: number): number {
  const s = specOf(c);
  const [D, F, qDim, kvDim] = [s.hidden, s.inner, s.heads * s.headDim, s.kvHeads * s.headDim];
  const perLayer = 2 * N * (D * (qDim + 2 * kvDim) + qDim * D + (s.gated ? 3 : 2) * D * F) + 2 * 2 * N * N * qDim;
  return s.layers * perLayer + 2 * N * D * s.vocab;
}

async function useBackend(name: 'wasm' | 'cpu'): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to initialise`);
  await tf.ready();
}

export function ids(N: number, V: number): number[] {
  return Array.from({ length: N }, (_, i) => (i * 7919 + 13) % V);
}

async function forwardOnce(model: CausalLM, tokens: number[], withAttention = false): Promise<void> {
  const logits = model.forward(tokens, withAttention ? { onAttention: () => {} } : {});
  await logits.data();
  logits.dispose();
}

async function matmulRate(runs: number): Promise<number> {
  const a = tf.randomNormal([256, 768]) as tf.Tensor2D;
  const b = tf.randomNormal([768, 3072]) as tf.Tensor2D;
  const t = await timeIt(runs, async () => {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  });
  a.dispose();
  b.dispose();
  return (2 * 256 * 768 * 3072) / (t.cpu * 1e6); // GFLOP/s of CPU time
}

interface ForwardRow {
  model: string;
  backend: string;
  N: number;
  ms: number;
  wallMs: number;
  gflops: number;
}

async function benchForwards(
  name: string,
  model: CausalLM,
  backend: string,
  plan: [number, number][],
  warmup = true,
): Promise<ForwardRow[]> {
  const rows: ForwardRow[] = [];
  for (const [N, runs] of plan) {
    if (N > model.config.n_positions) continue;
    const tokens = ids(N, model.config.vocab_size);
    const t = await timeIt(runs, () => forwardOnce(model, tokens), warmup);
    rows.push({
      model: name,
      backend,
      N,
      ms: t.cpu,
      wallMs: t.wall,
      gflops: forwardFlops(model.config, N) / (t.cpu * 1e6),
    });
    console.error(`  ${name} ${backend} N=${N}: ${t.cpu.toFixed(1)} ms CPU, ${t.wall.toFixed(1)} ms wall`);
  }
  return rows;
}

/** Greedy generation of `newTokens` after an 8-token prompt; returns tokens/s (median of `runs`). */
async function genRate(model: CausalLM, newTokens: number, useCache: boolean, runs: number): Promise<number> {
  const prompt = ids(8, model.config.vocab_size);
  const t = await timeIt(runs, async () => {
    const r = await generate(model, prompt, { maxTokens: newTokens, useCache });
    if (r.ids.length !== newTokens)
      throw new Error(`generated ${r.ids.length} of ${newTokens} tokens (${r.stopReason})`);
  });
  return newTokens / (t.cpu / 1000);
}

/**
 * Full-recompute generation time for `newTokens` after an 8-token prompt, estimated from measured
 * forward(N, logits: 'last') times at 5 lengths, linearly interpolated and summed over N = 8..8+newTokens-1
 * (measuring it directly takes minutes on the GPT-2-small shape).
 */
export async function recomputeRateEstimate(model: CausalLM, newTokens: number): Promise<number> {
  const Ns = [0, 1, 2, 3, 4].map((i) => 8 + Math.round((i * (newTokens - 1)) / 4));
  const ts: number[] = [];
  for (const N of Ns) {
    const tokens = ids(N, model.config.vocab_size);
    const t = await timeIt(1, async () => {
      const l = model.forward(tokens, { logits: 'last' });
      await l.data();
      l.dispose();
    });
    ts.push(t.cpu);
  }
  let total = 0;
  for (let N = 8; N < 8 + newTokens; N++) {
    const i = Math.min(3, Math.floor(((N - 8) * 4) / (newTokens - 1)));
    const f = (N - Ns[i]) / (Ns[i + 1] - Ns[i]);
    total += ts[i] + f * (ts[i + 1] - ts[i]);
  }
  return newTokens / (total / 1000);
}

function smallShape(quick: boolean): { configJson: string; tensors: ReturnType<typeof makeTinyGpt2>['tensors'] } {
  return makeTinyGpt2(
    quick
      ? { nLayer: 2, nHead: 12, nEmbd: 768, nPositions: 1024, vocabSize: 50257, seed: 1, fastInit: true }
      : { nLayer: 12, nHead: 12, nEmbd: 768, nPositions: 1024, vocabSize: 50257, seed: 1, fastInit: true },
  );
}

export async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const R = (n: number) => (quick ? 1 : n);
  const t0 = performance.now();
  const out: string[] = [];

  await useBackend('wasm');
  const rate = await matmulRate(R(9));
  console.error(`  wasm matMul 256x768.768x3072: ${rate.toFixed(1)} GFLOP/s`);
  if (args.includes('--families')) {
    console.log(
      [`wasm 2-D matMul 256x768 . 768x3072: ${rate.toFixed(1)} GFLOP/s`, ...(await familiesSection(rate, quick))].join(
        '\n',
      ),
    );
    return;
  }

  // GPT-2-small-shaped model, built in memory.
  const small = smallShape(quick);
  const smallConfig = parseGPT2Config(small.configJson);
  const smallName = quick ? 'gpt2-shape (2 layers, --quick)' : 'gpt2-small shape (124M, random)';
  const rows: ForwardRow[] = [];
  let smallModel = Decoder.fromSource(smallConfig, sourceFromTensors(small.tensors), { name: smallName });
  rows.push(
    ...(await benchForwards(smallName, smallModel, 'wasm', [
      [64, R(5)],
      [256, R(5)],
      [1024, R(3)],
    ])),
  );
  const n256 = ids(256, smallConfig.vocab_size);
  const attnMs = (await timeIt(R(3), () => forwardOnce(smallModel!, n256, true))).cpu;
  const plain256 = rows.find((r) => r.N === 256)!.ms;

  // Generation on the small shape: KV cache measured over 256 new tokens; full recompute estimated.
  const genTokens = quick ? 16 : 256;
  const smallCache = await genRate(smallModel, genTokens, true, R(1));
  const smallFull = await recomputeRateEstimate(smallModel, genTokens);
  smallModel.dispose();

  // Tiny fixture on wasm and cpu.
  const gen: string[] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    await useBackend(backend);
    const { model } = await loadModel(filesFromDir(FIXTURE));
    rows.push(
      ...(await benchForwards(`tiny-random (${model.numParams} params)`, model, backend, [
        [64, R(7)],
        [256, R(7)],
        [1024, R(5)],
      ])),
    );
    if (backend === 'wasm') {
      const cached = await genRate(model, 256, true, R(3));
      const full = await genRate(model, 256, false, R(3));
      gen.push(
        `| tiny-random | wasm | 256 | ${cached.toFixed(1)} | ${full.toFixed(1)} (measured) | **${(cached / full).toFixed(1)}×** |`,
      );
    }
    model.dispose();
  }
  gen.unshift(
    `| ${smallName} | wasm | ${genTokens} | ${smallCache.toFixed(2)} | ${smallFull.toFixed(2)} (estimated) | **${(smallCache / smallFull).toFixed(1)}×** |`,
  );

  // cpu on the small shape: N = 64 only (pure JS is ~20x slower).
  await useBackend('cpu');
  smallModel = Decoder.fromSource(smallConfig, sourceFromTensors(small.tensors), { name: smallName });
  rows.push(...(await benchForwards(smallName, smallModel, 'cpu', [[64, R(3)]], false)));
  smallModel.dispose();

  out.push('## Forward (logits for all N positions, batch 1), median ms', '');
  out.push('| model | backend | N | ms (CPU) | ms (wall) | GFLOP/s (CPU) |', '|---|---|---|---|---|---|');
  for (const r of rows) {
    out.push(
      `| ${r.model} | ${r.backend} | ${r.N} | ${r.ms.toFixed(1)} | ${r.wallMs.toFixed(1)} | ${r.gflops.toFixed(2)} |`,
    );
  }
  const fwd256 = rows.find((r) => r.model === smallName && r.backend === 'wasm' && r.N === 256)!;
  out.push('', '## Share of the wasm matMul rate (same run)', '');
  out.push('| measure | value |', '|---|---|');
  out.push(`| wasm 2-D matMul 256x768 . 768x3072 | ${rate.toFixed(1)} GFLOP/s |`);
  out.push(`| forward FLOPs at N=256 (analytic) | ${(forwardFlops(smallConfig, 256) / 1e9).toFixed(1)} GFLOP |`);
  out.push(`| forward rate at N=256 | ${fwd256.gflops.toFixed(1)} GFLOP/s |`);
  out.push(
    `| **forward share of matMul rate** (target ≥ 40%, aim 70%) | **${((100 * fwd256.gflops) / rate).toFixed(0)}%** |`,
  );
  out.push(
    `| forward + onAttention at N=256 (per-layer [H,N,N] stack handed out) | ${attnMs.toFixed(1)} ms (${(attnMs / plain256).toFixed(2)}× plain) |`,
  );
  out.push('', '## Generation, greedy, 8-token prompt, tokens/s (target: KV cache ≥ 5× recompute at 256)', '');
  out.push('| model | backend | new tokens | KV cache | full recompute | ratio |', '|---|---|---|---|---|---|', ...gen);
  out.push(
    '',
    'Full recompute on the GPT-2-small shape is estimated from forward(N, last) timed at 5 lengths in this run.',
  );
  const la = (await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  out.push(
    '',
    `Rates, shares and ratios use this process's CPU time; wall times show the machine's load (load average now: ${la}).`,
  );
  out.push(...(await familiesSection(rate, quick)));
  out.push(
    '',
    `(total bench time ${((performance.now() - t0) / 1000).toFixed(0)} s; node ${process.version}; tfjs ${tf.version_core})`,
  );
  console.log(out.join('\n'));
}
