/**
 * A replacement for tfjs-wasm's `Slice` kernel. tfjs-wasm 4.22 runs Slice in JavaScript and starts by copying its
 * whole input out of the heap (`readSync`): taking q, k and v out of a [256, 2304] projection copies 2.4 MB three
 * times, and a [256, 256] window of a [1024, 1024] causal mask copies 4 MB — 6–10 ms a slice with the garbage it
 * leaves, all on the worker's one JavaScript thread while the thread pool waits. This kernel reads the input where
 * it lies on the heap (as tfjs-wasm's own Concat does) and copies only the slice, one contiguous run at a time.
 * Strings (not on the heap) keep the original kernel.
 */
import * as tf from '@tensorflow/tfjs-core';

type Numeric = Float32Array | Int32Array | Uint8Array;

/** The parts of tfjs-wasm's backend the kernel touches (BackendWasm's public methods). */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Numeric;
}

/**
 * Copies the box `begin`..`begin + size` of a row-major array of `shape` into `out` (row-major, `size`). The
 * trailing axes the box spans whole merge with the last partial one into one run per `out.set`.
 */
export function copySlice(x: Numeric, shape: number[], begin: number[], size: number[], out: Numeric): void {
  const rank = shape.length;
  if (size.some((s) => s === 0)) return;
  if (rank === 0) return void out.set(x.subarray(0, 1));
  const strides = new Array<number>(rank);
  for (let a = rank - 1, s = 1; a >= 0; a--) ((strides[a] = s), (s *= shape[a]));
  // Axis k: the first axis from which the box is one contiguous run (every later axis taken whole).
  let k = rank - 1;
  while (k > 0 && begin[k] === 0 && size[k] === shape[k]) k--;
  const run = size[k] * strides[k];
  const base = begin.reduce((acc, b, a) => acc + b * strides[a], 0);
  const idx = new Array<number>(k).fill(0); // odometer over the axes before k
  for (let o = 0; o < out.length; o += run) {
    let off = base;
    for (let a = 0; a < k; a++) off += idx[a] * strides[a];
    out.set(x.subarray(off, off + run), o);
    for (let a = k - 1; a >= 0 && ++idx[a] === size[a]; a--) idx[a] = 0;
  }
}

const FAST = Symbol('rhythmscope-slice');

/** Puts the heap-reading Slice in place of tfjs-wasm's (idempotent; a no-op until tfjs-backend-wasm is imported). */
export function installWasmSlice(): void {
  const original = tf.getKernel('Slice', 'wasm');
  if (!original || (original.kernelFunc as unknown as Record<symbol, boolean>)[FAST]) return;
  const kernelFunc = ((args: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap; backend: unknown }) => {
    const x = args.inputs.x!;
    if (x.dtype === 'string') return original.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
    const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    const be = args.backend as WasmBackendLike;
    // The output first: making it may grow the heap, which would leave a view of the input taken before stale.
    const out = be.makeOutput(s, x.dtype);
    if (s.every((n) => n > 0)) copySlice(be.typedArrayFromHeap(x), x.shape, b, s, be.typedArrayFromHeap(out));
    return out;
  }) as unknown as tf.KernelFunc;
  (kernelFunc as unknown as Record<symbol, boolean>)[FAST] = true;
  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
}

/** Whether the heap-reading Slice is the one tfjs-wasm runs. */
export function wasmSliceInstalled(): boolean {
  const k = tf.getKernel('Slice', 'wasm');
  return !!k && !!(k.kernelFunc as unknown as Record<symbol, boolean>)[FAST];
}
