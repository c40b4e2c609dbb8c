/**
 * Batched matrix product in hand-written WebAssembly SIMD, for the attention core of training.
 * tfjs-wasm runs rank-3 matMuls in a scalar loop (~3 GFLOP/s here, against ~28 for its XNNPACK 2-D path);
 * attention's products are many small [T, hd] × [hd, T] / [T, T] × [T, hd] blocks and are half zeros (causal),
 * which this kernel skips.
 *
 *   bmm(a, b, c, batch, M, K, N, mode, alpha):  C[z] = alpha · op(A[z]) · B[z]   for z < batch
 *   A[z] is [M, K] row-major (or [K, M] when TRANSPOSE_A: op(A) = Aᵀ); B[z] is [K, N]; C[z] is [M, N].
 *   Pointers are byte offsets into the imported memory; batches are contiguous.
 *   mode bits:
 *     LOWER_A (1)     op(A)[i, p] = 0 for p > i is assumed: those terms are skipped (K = M);
 *     UPPER_A (2)     op(A)[i, p] = 0 for p < i is assumed: skipped;
 *     LOWER_OUT (4)   only C[i, j ≤ i] is computed; C[i, j > i] is set to 0;
 *     TRANSPOSE_A (8) A[z] is stored [K, M];
 *     TRANSPOSE_B (16) B[z] is stored [N, K] (C = alpha · A · Bᵀ: dot products along contiguous rows; not with
 *                     TRANSPOSE_A; LOWER_A / UPPER_A skip nothing there, which is the same under their assumption).
 *
 * Micro-kernel: two rows × 16 columns in eight f32x4 accumulators (one B load feeds two rows), then
 * 4-column and scalar tails. An odd last row is computed as a pair with itself (same values stored twice).
 * TRANSPOSE_B: one row × four columns, each a SIMD dot product over p (one A load feeds four columns), for
 * decoding's q·Kᵀ with M = 1.
 */
import { Code, F32, I32, V128, assembleModule, type ValType } from './wasm-emit';

export const LOWER_A = 1;
export const UPPER_A = 2;
export const LOWER_OUT = 4;
export const TRANSPOSE_A = 8;
export const TRANSPOSE_B = 16;

// Locals, by index: the params, then the declared locals in LOCALS order.
const [A, B, C, BATCH, M, K, N, MODE, ALPHA] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const PARAMS: ValType[] = [I32, I32, I32, I32, I32, I32, I32, I32, F32];
const LOCALS: ValType[] = [];
const declare = (type: ValType, n: number): number[] =>
  Array.from({ length: n }, () => PARAMS.length + LOCALS.push(type) - 1);
const [Z, I0, I1, J, P, P_END, PA0, PA1, PB, C0, C1, J_LIM, B_ROW, P_START, A_ROW, A_COL] = declare(I32, 16);
const PBS = declare(I32, 4); // TRANSPOSE_B: &B[j + k, p] for the four columns of a dot block
const S = declare(F32, 4);
const [S0, S1] = S;
const [ALPHA_V, AV0, AV1, BV] = declare(V128, 4);
const ACC = declare(V128, 8);

/** Sets PA0, PA1 to &op(A)[i0, P], &op(A)[i1, P] and PB to &B[P, J]. */
function pointAt(c: Code): void {
  const addr = (row: number) => c.get(A).get(row).get(A_ROW).mul().add().get(P).get(A_COL).mul().add();
  addr(I0).set(PA0);
  addr(I1).set(PA1);
  c.get(B).get(P).get(B_ROW).mul().add().get(J).i32(4).mul().add().set(PB);
}

/** The p loop of a block of `width` columns (16 or 4): accumulators ACC[0..w/4) for row i0, ACC[4..) for i1. */
function vectorBlock(c: Code, width: 16 | 4): void {
  const lanes = width / 4;
  for (let v = 0; v < lanes; v++)
    c.v128Zero()
      .set(ACC[v])
      .v128Zero()
      .set(ACC[4 + v]);
  c.get(P_START).set(P);
  pointAt(c);
  c.while(
    (c) => c.get(P).get(P_END).ltS(),
    (c) => {
      c.get(PA0).v128Load32Splat().set(AV0).get(PA1).v128Load32Splat().set(AV1);
      for (let v = 0; v < lanes; v++) {
        c.get(PB)
          .v128Load(16 * v)
          .set(BV);
        c.get(ACC[v]).get(AV0).get(BV).f32x4Mul().f32x4Add().set(ACC[v]);
        c.get(ACC[4 + v])
          .get(AV1)
          .get(BV)
          .f32x4Mul()
          .f32x4Add()
          .set(ACC[4 + v]);
      }
      c.inc(PA0, (c) => c.get(A_COL))
        .inc(PA1, (c) => c.get(A_COL))
        .inc(PB, (c) => c.get(B_ROW))
        .inc(P, 1);
    },
  );
  // c0[j + 4v] = alpha · acc (row i1 after row i0, so a self-paired last row stores the same value twice)
  for (const [row, base] of [
    [C0, 0],
    [C1, 4],
  ] as const) {
    for (let v = 0; v < lanes; v++) {
      c.get(row)
        .get(J)
        .i32(4)
        .mul()
        .add()
        .get(ACC[base + v])
        .get(ALPHA_V)
        .f32x4Mul()
        .v128Store(16 * v);
    }
  }
  c.inc(J, width);
}

function scalarColumn(c: Code): void {
  c.f32(0).set(S0).f32(0).set(S1).get(P_START).set(P);
  pointAt(c);
  c.while(
    (c) => c.get(P).get(P_END).ltS(),
    (c) => {
      c.get(S0).get(PA0).f32Load().get(PB).f32Load().f32Mul().f32Add().set(S0);
      c.get(S1).get(PA1).f32Load().get(PB).f32Load().f32Mul().f32Add().set(S1);
      c.inc(PA0, (c) => c.get(A_COL))
        .inc(PA1, (c) => c.get(A_COL))
        .inc(PB, (c) => c.get(B_ROW))
        .inc(P, 1);
    },
  );
  c.get(C0).get(J).i32(4).mul().add().get(S0).get(ALPHA).f32Mul().f32Store();
  c.get(C1).get(J).i32(4).mul().add().get(S1).get(ALPHA).f32Mul().f32Store();
  c.inc(J, 1);
}

/** Zero C[i, i+1 .. N-1] (row pointer `rowPtr`), when there are such columns. */
function zeroAboveDiagonal(c: Code, rowPtr: number, i: number): void {
  c.get(i).i32(1).add().get(N).ltS();
  c.if((c) => {
    c.get(rowPtr).get(i).i32(1).add().i32(4).mul().add(); // dest
    c.i32(0); // byte value
    c.get(N).get(i).sub().i32(1).sub().i32(4).mul(); // length in bytes
    c.memoryFill();
  });
}

/** TRANSPOSE_B, columns J .. J+cols-1 of row I0: SIMD dot products of A[I0, :] with B[j, :], scalar p tail. */
function dotBlock(c: Code, cols: 4 | 1): void {
  for (let k = 0; k < cols; k++) c.v128Zero().set(ACC[k]).f32(0).set(S[k]);
  c.get(A).get(I0).get(K).mul().i32(4).mul().add().set(PA0);
  c.get(B).get(J).get(K).mul().i32(4).mul().add().set(PBS[0]);
  for (let k = 1; k < cols; k++)
    c.get(PBS[k - 1])
      .get(K)
      .i32(4)
      .mul()
      .add()
      .set(PBS[k]);
  c.i32(0).set(P);
  c.while(
    (c) => c.get(P).i32(4).add().get(K).leS(),
    (c) => {
      c.get(PA0).v128Load().set(AV0);
      for (let k = 0; k < cols; k++) c.get(ACC[k]).get(AV0).get(PBS[k]).v128Load().f32x4Mul().f32x4Add().set(ACC[k]);
      c.inc(PA0, 16).inc(P, 4);
      for (let k = 0; k < cols; k++) c.inc(PBS[k], 16);
    },
  );
  c.while(
    (c) => c.get(P).get(K).ltS(),
    (c) => {
      for (let k = 0; k < cols; k++) c.get(S[k]).get(PA0).f32Load().get(PBS[k]).f32Load().f32Mul().f32Add().set(S[k]);
      c.inc(PA0, 4).inc(P, 1);
      for (let k = 0; k < cols; k++) c.inc(PBS[k], 4);
    },
  );
  for (let k = 0; k < cols; k++) {
    c.get(C0).get(J).i32(k).add().i32(4).mul().add(); // &C[I0, J + k]
    c.get(S[k]);
    for (let lane = 0; lane < 4; lane++) c.get(ACC[k]).f32x4ExtractLane(lane).f32Add();
    c.get(ALPHA).f32Mul().f32Store();
  }
  c.inc(J, cols);
}

/** The loop nest of TRANSPOSE_B (rows one at a time; the column blocks are the unit of reuse). */
function dotLoops(c: Code, bit: (b: number) => void): void {
  c.i32(0).set(Z);
  c.while(
    (c) => c.get(Z).get(BATCH).ltS(),
    (c) => {
      c.i32(0).set(I0);
      c.while(
        (c) => c.get(I0).get(M).ltS(),
        (c) => {
          c.get(I0).i32(1).add().get(N).get(I0).i32(1).add().get(N).ltS().select().get(N);
          bit(LOWER_OUT);
          c.select().set(J_LIM); // LOWER_OUT ? min(i0 + 1, N) : N
          c.get(C).get(I0).get(B_ROW).mul().add().set(C0);
          c.i32(0).set(J);
          c.while(
            (c) => c.get(J).i32(4).add().get(J_LIM).leS(),
            (c) => dotBlock(c, 4),
          );
          c.while(
            (c) => c.get(J).get(J_LIM).ltS(),
            (c) => dotBlock(c, 1),
          );
          bit(LOWER_OUT);
          c.if((c) => zeroAboveDiagonal(c, C0, I0));
          c.inc(I0, 1);
        },
      );
      c.inc(A, (c) => c.get(M).get(K).mul().i32(4).mul());
      c.inc(B, (c) => c.get(K).get(N).mul().i32(4).mul());
      c.inc(C, (c) => c.get(M).get(N).mul().i32(4).mul());
      c.inc(Z, 1);
    },
  );
}

function bmmCode(): Code {
  const c = new Code();
  const bit = (b: number) => c.get(MODE).i32(b).and();
  /** Pushes min(i1 + 1, limit). */
  const diagonalLimit = (limit: number) =>
    c.get(I1).i32(1).add().get(limit).get(I1).i32(1).add().get(limit).ltS().select();
  c.get(N).i32(4).mul().set(B_ROW);
  c.get(ALPHA).f32x4Splat().set(ALPHA_V);
  bit(TRANSPOSE_B);
  c.if((c) => {
    dotLoops(c, bit);
    c.return();
  });
  // op(A) strides in bytes: row-major [M, K] → row K·4, column 4; transposed ([K, M]) → row 4, column M·4.
  c.i32(4).get(K).i32(4).mul();
  bit(TRANSPOSE_A);
  c.select().set(A_ROW);
  c.get(M).i32(4).mul().i32(4);
  bit(TRANSPOSE_A);
  c.select().set(A_COL);
  c.i32(0).set(Z);
  c.while(
    (c) => c.get(Z).get(BATCH).ltS(),
    (c) => {
      c.i32(0).set(I0);
      c.while(
        (c) => c.get(I0).get(M).ltS(),
        (c) => {
          // i1 = i0 + 1 < M ? i0 + 1 : i0
          c.get(I0).i32(1).add().get(I0).get(I0).i32(1).add().get(M).ltS().select().set(I1);
          c.get(I0).i32(0);
          bit(UPPER_A);
          c.select().set(P_START); // UPPER_A ? i0 : 0
          diagonalLimit(K);
          c.get(K);
          bit(LOWER_A);
          c.select().set(P_END); // LOWER_A ? min(i1 + 1, K) : K
          diagonalLimit(N);
          c.get(N);
          bit(LOWER_OUT);
          c.select().set(J_LIM); // LOWER_OUT ? min(i1 + 1, N) : N
          c.get(C).get(I0).get(B_ROW).mul().add().set(C0);
          c.get(C).get(I1).get(B_ROW).mul().add().set(C1);
          c.i32(0).set(J);
          const blockFits = (w: number) => (c: Code) =>
            c.get(J).i32(w).add().get(N).leS().get(J).get(J_LIM).ltS().and();
          c.while(blockFits(16), (c) => vectorBlock(c, 16));
          c.while(blockFits(4), (c) => vectorBlock(c, 4));
          c.while((c) => c.get(J).get(J_LIM).ltS(), scalarColumn);
          bit(LOWER_OUT);
          c.if((c) => {
            zeroAboveDiagonal(c, C0, I0);
            zeroAboveDiagonal(c, C1, I1);
          });
          c.inc(I0, 2);
        },
      );
      // next batch: A, B, C advance by one matrix each
      c.inc(A, (c) => c.get(M).get(K).mul().i32(4).mul());
      c.inc(B, (c) => c.get(K).get(N).mul().i32(4).mul());
      c.inc(C, (c) => c.get(M).get(N).mul().i32(4).mul());
      c.inc(Z, 1);
    },
  );
  return c;
}

/** The module's bytes: one exported function `bmm` (see the file comment), memory imported as env.memory. */
export function bmmModuleBytes(sharedMemory = false): Uint8Array<ArrayBuffer> {
  return assembleModule([{ name: 'bmm', params: PARAMS, locals: LOCALS, code: bmmCode() }], sharedMemory);
}

export type BmmFn = (
  a: number,
  b: number,
  c: number,
  batch: number,
  M: number,
  K: number,
  N: number,
  mode: number,
  alpha: number,
) => void;

/** Instantiates the kernel on `memory` (synchronous: the module is a few hundred bytes). */
export function instantiateBmm(memory: WebAssembly.Memory): BmmFn {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const module = new WebAssembly.Module(bmmModuleBytes(shared));
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports.bmm as BmmFn;
}
