/** The plain-loop reference of ./bmm-kernel.ts's product (tests and benchmarks compare against it). */
import { LOWER_A, LOWER_OUT, TRANSPOSE_A, TRANSPOSE_B, UPPER_A } from './bmm-kernel';

/** C[z, i, j] = alpha · Σ_p op(A)[z, i, p] · B[z, p, j], honouring the mode bits literally. */
export function bmmReference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  batch: number,
  M: number,
  K: number,
  N: number,
  mode: number,
  alpha: number,
): Float32Array {
  const c = new Float32Array(batch * M * N);
  for (let z = 0; z < batch; z++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        if (mode & LOWER_OUT && j > i) continue; // stays 0
        let s = 0;
        for (let p = 0; p < K; p++) {
          if ((mode & LOWER_A && p > i) || (mode & UPPER_A && p < i)) continue;
          const av = mode & TRANSPOSE_A ? a[z * M * K + p * M + i] : a[z * M * K + i * K + p];
          s += av * b[z * K * N + (mode & TRANSPOSE_B ? j * K + p : p * N + j)];
        }
        c[z * M * N + i * N + j] = alpha * s;
      }
    }
  }
  return c;
}

/** Random op(A) operand [batch, M, K] (stored [K, M] per matrix when TRANSPOSE_A) that is zero where the mode assumes zeros. */
export function triangularOperand(
  batch: number,
  M: number,
  K: number,
  mode: number,
  random: () => number,
): Float32Array {
  const a = new Float32Array(batch * M * K);
  for (let z = 0; z < batch; z++) {
    for (let i = 0; i < M; i++) {
      for (let p = 0; p < K; p++) {
        const zero = (mode & LOWER_A && p > i) || (mode & UPPER_A && p < i);
        a[z * M * K + (mode & TRANSPOSE_A ? p * M + i : i * K + p)] = zero ? 0 : random() - 0.5;
      }
    }
  }
  return a;
}
