/**
 * The SIMD batched matMul (src/core/kernels) against tfjs-wasm's own BatchMatMul on the attention products of RL
 * training and decoding (built-in model: 4 heads × hd 24, 128 rows → batch 512; T = 96 ≈ prompt + response at
 * addition level 4). tfjs's side is the product as tfjs would compute it (transpose flags where the math has a
 * transpose); the kernel's side skips the causal zeros where the mode says so. The two are timed alternately
 * in one run (medians of process CPU time, so a busy machine slows both alike) and checked against each other.
 *   npm run bench -- kernels [--quick]
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { cpuMs, median } from './stats';
import {
  batchMatMul,
  fastBatchMatMulActive,
  LOWER_A,
  LOWER_OUT,
  TRANSPOSE_A,
  TRANSPOSE_B,
  UPPER_A,
} from '../src/core/kernels/batch-matmul';

interface Case {
  name: string;
  a: [number, number, number];
  b: [number, number, number];
  mode: number;
  /** a lower- (or, transposed, upper-) triangular operand like attention probabilities */
  triangularA?: boolean;
}

/** Ones on and below the diagonal, [r, c]. */
const lowerOnes = (r: number, c: number) =>
  tf.tensor2d(
    Array.from({ length: r * c }, (_, i) => (i % c <= Math.floor(i / c) ? 1 : 0)),
    [r, c],
  );

function operand(shape: [number, number, number], lower: boolean): tf.Tensor3D {
  return tf.tidy(() => {
    const x = tf.randomUniform(shape, -1, 1, 'float32', 5) as tf.Tensor3D;
    return lower ? tf.mul(x, lowerOnes(shape[1], shape[2])) : x;
  });
}

export async function main(args: string[]): Promise<void> {
  await tf.setBackend('wasm');
  const quick = args.includes('--quick');
  const [Z, T, hd, ctx] = quick ? [64, 48, 24, 40] : [512, 96, 24, 80];
  if (!fastBatchMatMulActive()) console.log('**SIMD kernel unavailable on this engine: both columns are tfjs**\n');
  const cases: Case[] = [
    {
      name: `S = q·kᵀ, dot path [${Z},${T},${hd}]·[${Z},${T},${hd}]ᵀ`,
      a: [Z, T, hd],
      b: [Z, T, hd],
      mode: TRANSPOSE_B | LOWER_OUT,
    },
    {
      name: `S = q·(kᵀ) (train fwd, kᵀ given) [${Z},${T},${hd}]·[${Z},${hd},${T}]`,
      a: [Z, T, hd],
      b: [Z, hd, T],
      mode: LOWER_OUT,
    },
    {
      name: `o = P·v (train fwd) [${Z},${T},${T}]·[${Z},${T},${hd}]`,
      a: [Z, T, T],
      b: [Z, T, hd],
      mode: LOWER_A,
      triangularA: true,
    },
    { name: `dv = Pᵀ·do (train bwd)`, a: [Z, T, T], b: [Z, T, hd], mode: TRANSPOSE_A | UPPER_A, triangularA: true },
    { name: `dq = dS·k (train bwd)`, a: [Z, T, T], b: [Z, T, hd], mode: LOWER_A, triangularA: true },
    { name: `decode q·Kᵀ [${Z},1,${hd}]·[${Z},${ctx},${hd}]ᵀ`, a: [Z, 1, hd], b: [Z, ctx, hd], mode: TRANSPOSE_B },
    { name: `decode P·V [${Z},1,${ctx}]·[${Z},${ctx},${hd}]`, a: [Z, 1, ctx], b: [Z, ctx, hd], mode: 0 },
  ];
  const runs = quick ? 3 : 9;
  console.log(`tfjs-wasm BatchMatMul vs SIMD kernel, median CPU ms of ${runs} alternating runs\n`);
  console.log('| product | tfjs ms | SIMD ms | speed-up | max abs diff |\n|---|---|---|---|---|');
  for (const c of cases) {
    const a = operand(c.a, c.triangularA === true);
    const b = operand(c.b, false);
    const tfjs = (): tf.Tensor3D => tf.matMul(a, b, (c.mode & TRANSPOSE_A) !== 0, (c.mode & TRANSPOSE_B) !== 0);
    // The kernel's own path; LOWER_OUT's zeroed half is compared against tfjs's full product masked below.
    const simd = () => batchMatMul(a, b, { mode: c.mode });
    const diff = tf.tidy(() => {
      const ref = tfjs();
      const masked = c.mode & LOWER_OUT ? tf.mul(ref, lowerOnes(ref.shape[1], ref.shape[2])) : ref;
      return tf.max(tf.abs(tf.sub(masked, simd()))).dataSync()[0];
    });
    const times = { tfjs: [] as number[], simd: [] as number[] };
    for (let r = 0; r <= runs; r++) {
      for (const [k, f] of [
        ['tfjs', tfjs],
        ['simd', simd],
      ] as const) {
        const c0 = cpuMs();
        f().dispose();
        if (r > 0) times[k].push(cpuMs() - c0); // run 0 warms up
      }
    }
    const [t, s] = [median(times.tfjs), median(times.simd)];
    console.log(
      `| ${c.name} | ${t.toFixed(2)} | ${s.toFixed(2)} | ${(t / s).toFixed(1)}× | ${diff.toExponential(1)} |`,
    );
    tf.dispose([a, b]);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
