/**
 * `batchMatMul(a, b, {mode, alpha})`: alpha · op(a) · b on rank-3 tensors, with the causal shortcuts of
 * ./bmm-kernel.ts. On the wasm backend it runs the hand-written SIMD kernel directly on tfjs-wasm's heap (a
 * registered kernel, so inputs and output stay tfjs tensors with no copies); on every other backend, or where
 * the kernel cannot be instantiated (no SIMD, no reachable memory), it is the same product in tfjs ops.
 * Its gradient (tfjs ops, every backend) is for completeness: the hot callers have their own hand-written ones
 * (../train/causal-attention.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { instantiateBmm, LOWER_A, LOWER_OUT, TRANSPOSE_A, TRANSPOSE_B, UPPER_A, type BmmFn } from './bmm-kernel';

export { LOWER_A, LOWER_OUT, TRANSPOSE_A, TRANSPOSE_B, UPPER_A };

export const BATCH_MATMUL_KERNEL = 'RhythmscopeBatchMatMul';

export interface BatchMatMulOptions {
  /** Bit set of LOWER_A, UPPER_A, LOWER_OUT, TRANSPOSE_A, TRANSPOSE_B (see ./bmm-kernel.ts); default 0. */
  mode?: number;
  /** Scale of the product; default 1. */
  alpha?: number;
}

/** The parts of tfjs-wasm's backend the kernel touches (BackendWasm's public fields). */
interface WasmBackendLike {
  /** The emscripten module: its heap is `HEAPU8`; the Memory is `wasmMemory` (threaded build) or an export. */
  wasm: {
    asm?: Record<string, unknown>;
    wasmExports?: Record<string, unknown>;
    wasmMemory?: unknown;
    HEAPU8?: Uint8Array;
  } | null;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

const kernels = new WeakMap<object, BmmFn | null>();

/** The SIMD kernel bound to this backend's memory, or null where it cannot run. */
function kernelOf(backend: WasmBackendLike): BmmFn | null {
  const module = backend.wasm;
  if (!module) return null; // a disposed backend
  if (kernels.has(module)) return kernels.get(module)!;
  let fn: BmmFn | null = null;
  try {
    const isMemory = (x: unknown): x is WebAssembly.Memory => x instanceof WebAssembly.Memory;
    // The threaded build imports its memory (emscripten keeps it as wasmMemory); the others export it.
    const memory = [module.wasmMemory, ...Object.values(module.asm ?? module.wasmExports ?? {})].find(isMemory);
    // Only the memory that holds tfjs's tensors will do.
    if (memory && module.HEAPU8 && memory.buffer === module.HEAPU8.buffer) fn = instantiateBmm(memory);
  } catch {
    fn = null; // no SIMD in this engine, or an incompatible memory: the tfjs-ops path below is used
  }
  kernels.set(module, fn);
  return fn;
}

/** Shapes of alpha · op(a) · b, or an error naming the mismatch. */
function shapes(a: tf.TensorInfo, b: tf.TensorInfo, mode: number): { batch: number; M: number; K: number; N: number } {
  if (a.shape.length !== 3 || b.shape.length !== 3)
    throw new Error(`batchMatMul: rank-3 operands expected, got [${a.shape}] and [${b.shape}]`);
  const [batch, r, c] = a.shape;
  const [M, K] = mode & TRANSPOSE_A ? [c, r] : [r, c];
  if (mode & TRANSPOSE_A && mode & TRANSPOSE_B)
    throw new Error('batchMatMul: TRANSPOSE_A and TRANSPOSE_B together are not supported');
  const [bb, bk, N] = mode & TRANSPOSE_B ? [b.shape[0], b.shape[2], b.shape[1]] : b.shape;
  if (bb !== batch || bk !== K)
    throw new Error(
      `batchMatMul: op(a) is [${batch}, ${M}, ${K}] but ${mode & TRANSPOSE_B ? 'bᵀ' : 'b'} is [${bb}, ${bk}, ${N}]`,
    );
  if (mode & (LOWER_A | UPPER_A) && M !== K)
    throw new Error(`batchMatMul: a triangular op(a) must be square, got [${M}, ${K}]`);
  if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error('batchMatMul: float32 operands expected');
  return { batch, M, K, N };
}

tf.registerKernel({
  kernelName: BATCH_MATMUL_KERNEL,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { mode, alpha } = attrs as unknown as { mode: number; alpha: number };
    const be = backend as unknown as WasmBackendLike;
    const { batch, M, K, N } = shapes(a, b, mode);
    const out = be.makeOutput([batch, M, N], 'float32');
    if (batch * M * N === 0) return out;
    const offset = (t: tf.TensorInfo) => be.dataIdMap.get(t.dataId)!.memoryOffset;
    kernelOf(be)!(offset(a), offset(b), offset(out), batch, M, K, N, mode, alpha);
    return out;
  },
});

/** Whether the SIMD kernel runs on the current backend (benchmarks and tests report it). */
export function fastBatchMatMulActive(): boolean {
  return tf.getBackend() === 'wasm' && kernelOf(tf.backend() as unknown as WasmBackendLike) !== null;
}

/**
 * alpha · op(a) · b, [batch, M, K] × [batch, K, N] → [batch, M, N]; see ./bmm-kernel.ts for the mode bits.
 * Differentiable on every backend (the gradient is the same in tfjs ops everywhere; the triangular modes'
 * skipped entries get zero gradient, as they take no part in the product).
 */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D, options: BatchMatMulOptions = {}): tf.Tensor3D {
  const mode = options.mode ?? 0;
  const alpha = options.alpha ?? 1;
  shapes(a, b, mode);
  // Outside any gradient recording (decoding), skip customGrad's bookkeeping (~40 µs a call).
  const engine = tf.engine() as unknown as { isTapeOn?: () => boolean };
  if (engine.isTapeOn && !engine.isTapeOn()) return product(a, b, mode, alpha);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, y, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
    save([x, y]);
    return {
      value: product(x, y, mode, alpha),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        gradients(dy as tf.Tensor3D, saved as tf.Tensor3D[], mode, alpha),
    };
  });
  return (f as unknown as (x: tf.Tensor3D, y: tf.Tensor3D) => tf.Tensor3D)(a, b);
}

function product(a: tf.Tensor3D, b: tf.Tensor3D, mode: number, alpha: number): tf.Tensor3D {
  if (fastBatchMatMulActive()) {
    return tf
      .engine()
      .runKernel(BATCH_MATMUL_KERNEL, { a, b }, { mode, alpha } as unknown as tf.NamedAttrMap) as tf.Tensor3D;
  }
  return tf.tidy(() => {
    let c: tf.Tensor3D = tf.matMul(a, b, (mode & TRANSPOSE_A) !== 0, (mode & TRANSPOSE_B) !== 0);
    if (alpha !== 1) c = tf.mul(c, alpha);
    return mode & LOWER_OUT ? triangle(c, 'lower') : c; // zero above the diagonal, as the kernel
  });
}

/** dA, dB of C = alpha·op(A)·op(B) (op(B) = Bᵀ with TRANSPOSE_B), with LOWER_OUT's and the triangular masks. */
function gradients(dC: tf.Tensor3D, [a, b]: tf.Tensor3D[], mode: number, alpha: number): tf.Tensor3D[] {
  const [tA, tB] = [(mode & TRANSPOSE_A) !== 0, (mode & TRANSPOSE_B) !== 0];
  const g = tf.mul(mode & LOWER_OUT ? triangle(dC, 'lower') : dC, alpha) as tf.Tensor3D; // [batch, M, N]
  const opA = tA ? tf.transpose(a, [0, 2, 1]) : a; // [batch, M, K]
  const opB = tB ? tf.transpose(b, [0, 2, 1]) : b; // [batch, K, N]
  let dOpA: tf.Tensor3D = tf.matMul(g, opB, false, true); // [batch, M, K]
  if (mode & LOWER_A) dOpA = triangle(dOpA, 'lower');
  if (mode & UPPER_A) dOpA = triangle(dOpA, 'upper');
  const dOpB: tf.Tensor3D = tf.matMul(opA, g, true, false); // [batch, K, N]
  return [tA ? tf.transpose(dOpA, [0, 2, 1]) : dOpA, tB ? tf.transpose(dOpB, [0, 2, 1]) : dOpB];
}

/**
 * Each matrix of c with the entries outside its lower (i ≥ j) or upper (i ≤ j) triangle set to 0: one broadcast
 * select (tf.linalg.bandPart unstacks the batch into one op per matrix, 512 of them for RL attention).
 */
function triangle(c: tf.Tensor3D, part: 'lower' | 'upper'): tf.Tensor3D {
  return tf.tidy(() => {
    const [, M, N] = c.shape;
    const i = tf.reshape(tf.range(0, M, 1, 'int32'), [M, 1]);
    const j = tf.range(0, N, 1, 'int32');
    const keep = part === 'lower' ? tf.greaterEqual(i, j) : tf.lessEqual(i, j); // [M, N], broadcast over the batch
    return tf.where(keep, c, tf.zerosLike(c));
  });
}
