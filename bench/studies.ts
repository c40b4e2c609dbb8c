/**
 * Studies: (1) linkage per sequence against a plain analysis of the same sequence (target ≤ 1.1×), (2) the
 * perturbation test's continuations of one response, batched vs one at a time in the same run (target ≥ 4×).
 *   npx tsx bench/studies.ts [--model DIR] [--sequences 200] [--n 256] [--repeats 3]
 * Default model: public/models/rhythm-mini, tfjs-wasm in Node. Sequences are seeded random token ids (the
 * attention work depends on N, not on the text). Wall and process CPU time; medians.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { filesFromDir } from '../src/core/io/node-files';
import { loadModel } from '../src/core/model/load';
import type { GPT2Config } from '../src/core/model/types';
import { mulberry32 } from '../src/core/random';
import { analyzeModel } from '../src/core/rhythm/analyze';
import { batchedContinuer, sequentialContinuer } from '../src/core/studies/continue';
import { LinkageStudy } from '../src/core/studies/linkage-study';
import { cpuMs, median } from './stats';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; wall: number; cpu: number }> {
  const c0 = cpuMs();
  const t0 = performance.now();
  const value = await fn();
  return { value, wall: performance.now() - t0, cpu: cpuMs() - c0 };
}

export async function main(): Promise<void> {
  const dir = flag('model', 'public/models/rhythm-mini');
  await tf.setBackend('wasm');
  const files = filesFromDir(dir);
  const { model, tokenizer } = await loadModel(files);
  const c = model.config as GPT2Config;
  const V = c.vocab_size;
  const N = Math.min(Number(flag('n', '256')), c.n_positions);
  const count = Number(flag('sequences', '200'));
  const rand = mulberry32(7);
  const seq = () => Array.from({ length: N }, () => 1 + Math.floor(rand() * (V - 1)));
  console.log(`model ${dir}: ${c.n_layer} layers × ${c.n_head} heads × ${c.n_embd}; backend ${tf.getBackend()}`);

  // 1. Linkage: each sequence analysed plainly, then analysed and added to the study (alternating, same run).
  const promptLength = 16;
  const options = {};
  analyzeModel(model, { ids: seq(), promptLength, tokens: new Array(N).fill('x') }, options); // warm-up
  const plain: number[] = [];
  const plainCpu: number[] = [];
  const study: number[] = [];
  const studyCpu: number[] = [];
  const linkage = new LinkageStudy();
  for (let i = 0; i < count; i++) {
    const ids = seq();
    const input = { ids, promptLength, tokens: ids.map((id) => tokenizer.tokenString(id)) };
    const a = await timed(() => analyzeModel(model, input, options));
    const b = await timed(() => linkage.add(analyzeModel(model, input, options).record));
    plain.push(a.wall);
    plainCpu.push(a.cpu);
    study.push(b.wall);
    studyCpu.push(b.cpu);
  }
  const ratio = median(studyCpu) / median(plainCpu);
  console.log(`\n## Linkage per sequence vs a plain analysis (${count} sequences, N = ${N}, medians)\n`);
  console.log('| | wall ms | CPU ms |\n|---|---|---|');
  console.log(
    `| plain analysis (forward + rhythm record) | ${median(plain).toFixed(1)} | ${median(plainCpu).toFixed(1)} |`,
  );
  console.log(`| analysis + linkage study | ${median(study).toFixed(1)} | ${median(studyCpu).toFixed(1)} |`);
  console.log(`| ratio (CPU) | ${(median(study) / median(plain)).toFixed(3)} | ${ratio.toFixed(3)} (target ≤ 1.1) |`);

  // 2. Perturbation continuations of one response: m = 3, k = 3 -> 18 continuations of 100 tokens.
  const tail = Number(flag('tail', '100'));
  const base = seq();
  const starts = Array.from({ length: 6 }, (_, j) => 30 + 4 * j).filter((t) => t + tail < c.n_positions);
  const prefixes: number[][] = [];
  for (const t of starts)
    for (let v = 0; v < 3; v++) prefixes.push([...base.slice(0, t), 1 + ((base[t] + v) % (V - 1))]);
  const lengths = prefixes.map(() => tail);
  const batched = batchedContinuer(model, undefined);
  const one = sequentialContinuer(model, undefined);
  await batched.continueAll(prefixes.slice(0, 2), [4, 4]);
  await one.continueAll(prefixes.slice(0, 1), [4]);
  const repeats = Number(flag('repeats', '3'));
  const rows: { b: number; bc: number; s: number; sc: number }[] = [];
  let same = true;
  for (let r = 0; r < repeats; r++) {
    const b = await timed(() => batched.continueAll(prefixes, lengths));
    const s = await timed(() => one.continueAll(prefixes, lengths));
    same &&= JSON.stringify(b.value) === JSON.stringify(s.value);
    rows.push({ b: b.wall, bc: b.cpu, s: s.wall, sc: s.cpu });
  }
  const m = (k: keyof (typeof rows)[number]) => median(rows.map((x) => x[k]));
  console.log(
    `\n## Perturbation of one response: ${prefixes.length} continuations × ${tail} tokens (m = 3, k = 3), median of ${repeats}\n`,
  );
  console.log('| | wall ms | CPU ms |\n|---|---|---|');
  console.log(`| one at a time (KV cache) | ${m('s').toFixed(0)} | ${m('sc').toFixed(0)} |`);
  console.log(`| batched (one left-padded batch) | ${m('b').toFixed(0)} | ${m('bc').toFixed(0)} |`);
  console.log(`| speed-up | ${(m('s') / m('b')).toFixed(2)}× | ${(m('sc') / m('bc')).toFixed(2)}× (target ≥ 4×) |`);
  console.log(`\nidentical continuations batched and one at a time: ${same ? 'yes' : 'NO'}`);
  batched.dispose();
  model.dispose();
}

if (process.argv[1]?.endsWith('studies.ts')) void main();
