/**
 * Rhythm engine benchmark: on a GPT-2-small-shaped random model (12 layers, 12 heads, d 768),
 *  - analysis overhead = time(forward with attention capture + all metrics) / time(plain forward), target ≤ 1.25;
 *  - peak tensor bytes during analysis (tf.profile), against the budget weights + 2 × one layer's maps (H·N²·4);
 *  - the streaming engine vs the naive full-map path (every layer's maps copied to JS, then plain loops).
 * Times are this process's CPU time (tfjs-wasm in Node is single-threaded), medians of several runs; wall time beside.
 * `--quick`: 2 layers and N = 128 only (a smoke test); `--sizes=256,1024` and `--runs=K` pick sizes and runs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { median } from './stats';
import '@tensorflow/tfjs-backend-wasm';
import { parseGPT2Config } from '../src/core/model/config';
import { Decoder } from '../src/core/model/decoder';
import { makeTinyGpt2, sourceFromTensors } from '../src/core/model/testing/tinyGpt2';
import { analyzeModel } from '../src/core/rhythm/analyze';
import { resolveOptions } from '../src/core/rhythm/options';

interface Timing {
  cpu: number;
  wall: number;
}

function timeIt(runs: number, fn: () => void): Timing {
  fn(); // warm-up: kernels compiled, weight matrices cached
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { cpu: median(cpu), wall: median(wall) };
}

/** The obvious path: copy every layer's maps to JS, then loops for span, WAAD and FAI of every head. */
function naiveAnalysis(model: Decoder, ids: number[], promptLength: number): number {
  const o = resolveOptions({});
  const maps: Float32Array[] = [];
  const logits = model.forward(ids, { onAttention: (_l, probs) => void maps.push(probs.dataSync() as Float32Array) });
  logits.dataSync();
  logits.dispose();
  const N = ids.length;
  const H = model.config.n_head;
  let checksum = 0;
  for (const m of maps) {
    for (let h = 0; h < H; h++) {
      const base = h * N * N;
      for (let t = promptLength; t < N; t++) {
        let span = 0;
        let waad = 0;
        for (let s = 0; s <= t; s++) {
          const a = m[base + t * N + s];
          span += a * (t - s);
          waad += a * Math.min(t - s, o.W);
        }
        checksum += span + waad;
      }
      for (let s = promptLength; s < N; s++) {
        let sum = 0;
        let n = 0;
        for (let t = s + o.H_lo; t <= Math.min(N - 1, s + o.H_hi); t++) ((sum += m[base + t * N + s]), n++);
        checksum += n ? sum / n : 0;
      }
    }
  }
  return checksum;
}

export async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  await tf.setBackend('wasm');
  await tf.ready();
  const nLayer = quick ? 2 : 12;
  const sizesFlag = args.find((a) => a.startsWith('--sizes='));
  const sizes = sizesFlag ? sizesFlag.slice(8).split(',').map(Number) : quick ? [128] : [256, 1024, 2048];
  const made = makeTinyGpt2({
    nLayer,
    nHead: 12,
    nEmbd: 768,
    nPositions: 2048,
    vocabSize: 50257,
    seed: 1,
    fastInit: true,
  });
  const config = parseGPT2Config(made.configJson);
  const model = Decoder.fromSource(config, sourceFromTensors(made.tensors), { name: 'gpt2-small-shape' });
  const weightBytes = tf.memory().numBytes;
  console.log(
    `GPT-2-small-shaped random model: ${nLayer} layers, 12 heads, d 768, vocab 50257; backend ${tf.getBackend()}; weights ${(weightBytes / 2 ** 20).toFixed(0)} MiB\n`,
  );
  console.log('| N | plain forward CPU ms (wall) | forward + capture + metrics CPU ms (wall) | overhead | target |');
  console.log('|---|---|---|---|---|');
  const memRows: string[] = [];
  const naiveRows: string[] = [];
  for (const N of sizes) {
    const ids = Array.from({ length: N }, (_, i) => (i * 7919 + 13) % 50257);
    const promptLength = Math.floor(N / 8);
    const tokens = ids.map(String);
    const runsFlag = args.find((a) => a.startsWith('--runs='));
    const runs = runsFlag ? Number(runsFlag.slice(7)) : N >= 2048 ? 1 : N >= 1024 ? 2 : 3;
    const plain = timeIt(runs, () => {
      const l = model.forward(ids);
      l.dataSync();
      l.dispose();
    });
    const analysed = timeIt(runs, () => void analyzeModel(model, { ids, promptLength, tokens }));
    const ratio = analysed.cpu / plain.cpu;
    console.log(
      `| ${N} | ${plain.cpu.toFixed(0)} (${plain.wall.toFixed(0)}) | ${analysed.cpu.toFixed(0)} (${analysed.wall.toFixed(0)}) | ${ratio.toFixed(3)} | ≤ 1.25 ${ratio <= 1.25 ? 'met' : 'MISSED'} |`,
    );
    const before = tf.memory().numTensors;
    const plainProf = await tf.profile(() => {
      const l = model.forward(ids);
      l.dataSync();
      l.dispose();
    });
    const prof = await tf.profile(() => void analyzeModel(model, { ids, promptLength, tokens }));
    if (tf.memory().numTensors !== before) throw new Error('analysis leaked tensors');
    const oneLayerMaps = 12 * N * N * 4;
    // The plain forward's own peak (logits [N, V], LM-head blocks) is above the literal budget already; what the
    // analysis adds on top of it is the engine's share.
    const logitsBytes = N * 50257 * 4;
    const budget = weightBytes + 2 * oneLayerMaps;
    const mib = (b: number) => (b / 2 ** 20).toFixed(0);
    memRows.push(
      `| ${N} | ${mib(plainProf.peakBytes)} | ${mib(prof.peakBytes)} | ${mib(logitsBytes)} | ${mib(budget)} | ${((prof.peakBytes - plainProf.peakBytes) / oneLayerMaps).toFixed(2)} | analysis adds ≤ 2 layers' maps: ${prof.peakBytes - plainProf.peakBytes <= 2 * oneLayerMaps ? 'met' : 'MISSED'}; literal budget: ${prof.peakBytes <= budget ? 'met' : 'MISSED'} |`,
    );
    if (N <= 1024) {
      const naive = timeIt(1, () => void naiveAnalysis(model, ids, promptLength));
      naiveRows.push(
        `| ${N} | ${naive.cpu.toFixed(0)} (${naive.wall.toFixed(0)}) | ${analysed.cpu.toFixed(0)} (${analysed.wall.toFixed(0)}) | ${(naive.cpu / analysed.cpu).toFixed(2)}× | ${((nLayer * oneLayerMaps) / 2 ** 20).toFixed(0)} MiB of maps held at once |`,
      );
    }
  }
  console.log('\nPeak tensor memory during one analysis (tf.profile peakBytes, weights included)\n');
  console.log(
    "| N | plain forward peak MiB | analysis peak MiB | of which logits [N, V] MiB | budget: weights + 2 × H·N²·4, MiB | (analysis − plain peak) / one layer's maps | target |",
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of memRows) console.log(r);
  console.log('\nStreaming engine vs the naive full-map path (maps copied to JS, plain loops; same forward)\n');
  console.log('| N | naive CPU ms (wall) | streaming CPU ms (wall) | speedup | naive memory |');
  console.log('|---|---|---|---|---|');
  for (const r of naiveRows) console.log(r);
  model.dispose();
}
