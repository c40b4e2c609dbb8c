import { describe, expect, it } from 'vitest';
import { instantiateBmm, LOWER_A, LOWER_OUT, TRANSPOSE_A, TRANSPOSE_B, UPPER_A } from './bmm-kernel';
import { bmmReference, triangularOperand } from './bmm-reference';
import { sleb, uleb } from './wasm-emit';
import { maxAbsDiff } from '../testing/numeric';
import { Rng } from '../tasks/prng';

describe('wasm-emit LEB128', () => {
  it('encodes by hand-checked examples', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]); // the DWARF spec's example
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });
});

describe('SIMD batched matMul kernel (own memory)', () => {
  const memory = new WebAssembly.Memory({ initial: 64 });
  const bmm = instantiateBmm(memory);
  const heap = () => new Float32Array(memory.buffer);

  /**
   * Runs the kernel with A, B, C at 4-byte-aligned (not 16-byte) offsets, C prefilled with NaN, guard words before
   * and after C, and checks that nothing but C was written.
   */
  function run(
    a: Float32Array,
    b: Float32Array,
    batch: number,
    M: number,
    K: number,
    N: number,
    mode: number,
    alpha: number,
  ) {
    const [ao, bo] = [4, 8 + 4 * a.length];
    const co = bo + 4 * b.length + 8;
    const size = batch * M * N;
    heap().set(a, ao / 4);
    heap().set(b, bo / 4);
    heap().fill(NaN, co / 4 - 1, co / 4 + size + 1);
    bmm(ao, bo, co, batch, M, K, N, mode, alpha);
    expect(Number.isNaN(heap()[co / 4 - 1]) && Number.isNaN(heap()[co / 4 + size])).toBe(true); // guards intact
    expect(heap().slice(ao / 4, ao / 4 + a.length)).toEqual(a); // operands untouched
    expect(heap().slice(bo / 4, bo / 4 + b.length)).toEqual(b);
    return heap().slice(co / 4, co / 4 + size);
  }

  it('computes a hand-worked 2×2 case in every mode', () => {
    // A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]]: A·B = [[19, 22], [43, 50]]; Aᵀ·B = [[26, 30], [38, 44]].
    const a = new Float32Array([1, 2, 3, 4]);
    const b = new Float32Array([5, 6, 7, 8]);
    expect([...run(a, b, 1, 2, 2, 2, 0, 1)]).toEqual([19, 22, 43, 50]);
    expect([...run(a, b, 1, 2, 2, 2, 0, 0.5)]).toEqual([9.5, 11, 21.5, 25]);
    expect([...run(a, b, 1, 2, 2, 2, TRANSPOSE_A, 1)]).toEqual([26, 30, 38, 44]);
    expect([...run(a, b, 1, 2, 2, 2, LOWER_OUT, 1)]).toEqual([19, 0, 43, 50]);
    // Lower-triangular A = [[1, 0], [3, 4]]: [[5, 6], [43, 50]]; upper A = [[1, 2], [0, 4]]: [[19, 22], [28, 32]].
    expect([...run(new Float32Array([1, 0, 3, 4]), b, 1, 2, 2, 2, LOWER_A, 1)]).toEqual([5, 6, 43, 50]);
    expect([...run(new Float32Array([1, 2, 0, 4]), b, 1, 2, 2, 2, UPPER_A, 1)]).toEqual([19, 22, 28, 32]);
    // A·Bᵀ = [[1·5 + 2·6, 1·7 + 2·8], [3·5 + 4·6, 3·7 + 4·8]] = [[17, 23], [39, 53]].
    expect([...run(a, b, 1, 2, 2, 2, TRANSPOSE_B, 1)]).toEqual([17, 23, 39, 53]);
    expect([...run(a, b, 1, 2, 2, 2, TRANSPOSE_B | LOWER_OUT, 2)]).toEqual([34, 0, 78, 106]);
  });

  it('skips the entries a triangular mode assumes zero: NaN there never reaches C', () => {
    const rng = new Rng(5);
    const [batch, M] = [2, 19];
    for (const mode of [LOWER_A, UPPER_A, LOWER_A | TRANSPOSE_A, UPPER_A | TRANSPOSE_A, LOWER_A | LOWER_OUT]) {
      const a = triangularOperand(batch, M, M, mode, () => rng.next());
      const b = Float32Array.from({ length: batch * M * 21 }, () => rng.next() - 0.5);
      const want = bmmReference(a, b, batch, M, M, 21, mode, 1);
      // A row pair (i, i+1) reads op(A)[i, i+1] (LOWER_A) or op(A)[i+1, i] (UPPER_A), both assumed 0: NaN goes
      // one step further out, where no row reads.
      for (let z = 0; z < batch; z++)
        for (let i = 0; i < M; i++)
          for (let p = 0; p < M; p++) {
            const far = mode & LOWER_A ? p > i + 1 : p < i - 1;
            if (far) a[z * M * M + (mode & TRANSPOSE_A ? p * M + i : i * M + p)] = NaN;
          }
      expect(maxAbsDiff(run(a, b, batch, M, M, 21, mode, 1), want), `mode ${mode}`).toBeLessThan(1e-5);
    }
  });

  const cases: [number, number, number, number][] = [
    [1, 1, 1, 1],
    [2, 3, 5, 7],
    [3, 5, 5, 5],
    [2, 17, 9, 33],
    [4, 21, 21, 24],
    [3, 20, 24, 20],
    [2, 7, 7, 7],
    [1, 40, 3, 37],
    [5, 1, 24, 13],
    [3, 1, 9, 1],
  ];
  const modes = [
    0,
    LOWER_OUT,
    LOWER_A,
    UPPER_A,
    TRANSPOSE_A,
    TRANSPOSE_A | UPPER_A,
    TRANSPOSE_A | LOWER_A,
    LOWER_A | LOWER_OUT,
    TRANSPOSE_B,
    TRANSPOSE_B | LOWER_OUT,
    TRANSPOSE_B | LOWER_A,
  ];
  it.each(cases)('equals the plain-loop reference: batch %i, M %i, K %i, N %i, all modes', (batch, M, K, N) => {
    const rng = new Rng(batch * 1000 + M * 100 + K * 10 + N);
    for (const mode of modes) {
      if (mode & (LOWER_A | UPPER_A) && K !== M) continue;
      const a = triangularOperand(batch, M, K, mode, () => rng.next());
      const b = Float32Array.from({ length: batch * K * N }, () => rng.next() - 0.5);
      const got = run(a, b, batch, M, K, N, mode, 0.75);
      expect(maxAbsDiff(got, bmmReference(a, b, batch, M, K, N, mode, 0.75)), `mode ${mode}`).toBeLessThan(1e-5);
    }
  });
});
