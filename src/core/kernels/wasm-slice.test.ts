import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../tasks/prng';
import { copySlice, installWasmSlice, wasmSliceInstalled } from './wasm-slice';

describe('copySlice', () => {
  it('copies a box by hand: rows 1..2, columns 1..2 of a 3 × 4 array', () => {
    // [[0 1 2 3], [4 5 6 7], [8 9 10 11]] -> [[5 6], [9 10]]
    const x = Float32Array.from({ length: 12 }, (_, i) => i);
    const out = new Float32Array(4);
    copySlice(x, [3, 4], [1, 1], [2, 2], out);
    expect(Array.from(out)).toEqual([5, 6, 9, 10]);
  });
  it('merges whole trailing axes into one run: [2, 3, 2] box [0..1, 1..2, all] = elements 2..5 and 8..11', () => {
    const x = Int32Array.from({ length: 12 }, (_, i) => i);
    const out = new Int32Array(8);
    copySlice(x, [2, 3, 2], [0, 1, 0], [2, 2, 2], out);
    expect(Array.from(out)).toEqual([2, 3, 4, 5, 8, 9, 10, 11]);
    // Two whole trailing axes: rows 1..2 of a [3, 2, 2] array are one run, elements 4..11.
    const three = new Int32Array(8);
    copySlice(x, [3, 2, 2], [1, 0, 0], [2, 2, 2], three);
    expect(Array.from(three)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
  });
  it('handles a scalar, a whole array and an empty box', () => {
    const one = new Float32Array(1);
    copySlice(Float32Array.of(7), [], [], [], one);
    expect(one[0]).toBe(7);
    const all = new Uint8Array(6);
    copySlice(Uint8Array.of(1, 2, 3, 4, 5, 6), [2, 3], [0, 0], [2, 3], all);
    expect(Array.from(all)).toEqual([1, 2, 3, 4, 5, 6]);
    const none = new Float32Array(0);
    copySlice(Float32Array.of(1, 2), [2], [1], [0], none);
    expect(none.length).toBe(0);
  });
});

describe('the heap-reading Slice on wasm', () => {
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    installWasmSlice();
    installWasmSlice(); // twice is once
  });

  it('is the kernel tfjs-wasm runs', () => {
    expect(wasmSliceInstalled()).toBe(true);
  });

  it('equals the cpu backend on random boxes of rank 1–5, float32, int32 and bool; leaks no tensor', async () => {
    const rng = new Rng(11);
    const int = (n: number) => rng.nextUint32() % n;
    const cases: { shape: number[]; begin: number[]; size: number[]; dtype: 'float32' | 'int32' | 'bool' }[] = [];
    for (let c = 0; c < 200; c++) {
      const rank = 1 + (c % 5);
      const shape = Array.from({ length: rank }, () => 1 + int(6));
      const begin = shape.map((d) => int(d));
      // Axes taken whole (size -1 from 0), to the end (-1), or partly (0 allowed).
      const size = shape.map((d, a) => [-1, -1, int(d - begin[a] + 1)][int(3)]);
      shape.forEach((_, a) => (begin[a] = int(3) === 0 ? 0 : begin[a]));
      cases.push({ shape, begin, size, dtype: (['float32', 'int32', 'bool'] as const)[c % 3] });
    }
    const expected: { values: number[]; shape: number[]; data: number[] }[] = [];
    await tf.setBackend('cpu');
    for (const { shape, begin, size, dtype } of cases) {
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: n }, (_, i) => (dtype === 'bool' ? Number(i % 3 === 0) : i * 1.5 - 7));
      const x = tf.tensor(values, shape, dtype);
      const y = tf.slice(x, begin, size);
      expected.push({ values, shape: y.shape, data: Array.from(y.dataSync()) });
      tf.dispose([x, y]);
    }
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    cases.forEach(({ shape, begin, size, dtype }, i) => {
      const x = tf.tensor(expected[i].values, shape, dtype);
      const y = tf.slice(x, begin, size);
      expect(y.shape, JSON.stringify(cases[i])).toEqual(expected[i].shape);
      expect(Array.from(y.dataSync()), JSON.stringify(cases[i])).toEqual(expected[i].data);
      tf.dispose([x, y]);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads the input on the heap: a window of a big tensor after others were made and freed', () => {
    const junk = tf.zeros([300, 300]);
    const big = tf.tidy(() => tf.reshape(tf.range(0, 1024 * 1024), [1024, 1024]));
    junk.dispose();
    const y = tf.slice(big, [3, 5], [2, 3]);
    expect(Array.from(y.dataSync())).toEqual([3077, 3078, 3079, 4101, 4102, 4103]);
    tf.dispose([big, y]);
  });

  it('leaves strings to the original kernel', () => {
    const s = tf.tensor(['a', 'b', 'c', 'd'], [2, 2], 'string');
    const y = tf.slice(s, [1, 0], [1, 2]);
    expect(y.arraySync()).toEqual([['c', 'd']]);
    tf.dispose([s, y]);
  });
});
