import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import './gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { causalAttentionBuiltin, makeCausalAttention } from './causal-attention';
import { maxAbsDiff } from '../testing/numeric';

const causal = (T: number) =>
  tf.tensor2d(
    Array.from({ length: T * T }, (_, i) => (i % T > Math.floor(i / T) ? -1e9 : 0)),
    [T, T],
  );

describe.each(['cpu', 'wasm'])('causal attention core on %s', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
  });

  it('matches a hand-computed case', () => {
    // One head, T = 2, hd = 1, scale 1: q = [0, ln 3], k = [0, 1], v = [2, 6].
    // Row 0 sees key 0 only: o0 = 2. Row 1: scores [0, ln 3] -> p = [1/4, 3/4], o1 = 0.5 + 4.5 = 5.
    const q = tf.tensor3d([[[0], [Math.log(3)]]]);
    const k = tf.tensor3d([[[0], [1]]]);
    const v = tf.tensor3d([[[2], [6]]]);
    const mask = causal(2);
    const attend = makeCausalAttention(mask, 1);
    const o = attend(q, k, v);
    expect(maxAbsDiff(o.dataSync(), [2, 5])).toBeLessThan(1e-5);
    // L = o1: dv = p row 1 = [1/4, 3/4]; dS = p ⊙ (v − o1) = [1/4·(−3), 3/4·1] = [−3/4, 3/4];
    // dq1 = dS·k = 3/4; dk = dSᵀ·q1 = [−3/4·ln 3, 3/4·ln 3]; row 0 has no gradient.
    const sel = tf.tensor3d([[[0], [1]]]);
    const [dq, dk, dv] = tf.grads((a, b, c) =>
      tf.sum(tf.mul(attend(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D), sel)),
    )([q, k, v]);
    expect(maxAbsDiff(dq.dataSync(), [0, 0.75])).toBeLessThan(1e-5);
    expect(maxAbsDiff(dk.dataSync(), [-0.75 * Math.log(3), 0.75 * Math.log(3)])).toBeLessThan(1e-5);
    expect(maxAbsDiff(dv.dataSync(), [0.25, 0.75])).toBeLessThan(1e-5);
    tf.dispose([q, k, v, mask, o, sel, dq, dk, dv]);
  });

  it.each([
    [6, 7, 5],
    [5, 37, 24],
  ])("value and gradients equal tfjs's autodiff on random data, [BH, T, hd] = [%i, %i, %i]", (BH, T, hd) => {
    const q = tf.randomNormal([BH, T, hd], 0, 1, 'float32', 1) as tf.Tensor3D;
    const k = tf.randomNormal([BH, T, hd], 0, 1, 'float32', 2) as tf.Tensor3D;
    const v = tf.randomNormal([BH, T, hd], 0, 1, 'float32', 3) as tf.Tensor3D;
    const up = tf.randomNormal([BH, T, hd], 0, 1, 'float32', 4);
    const mask = causal(T);
    const scale = 1 / Math.sqrt(hd);
    const fast = makeCausalAttention(mask, scale);
    const ref = (a: tf.Tensor3D, b: tf.Tensor3D, c: tf.Tensor3D) => causalAttentionBuiltin(a, b, c, mask, scale);
    const loss = (f: typeof fast) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.sum(tf.mul(tf.tanh(f(a as tf.Tensor3D, b as tf.Tensor3D, c as tf.Tensor3D)), up));
    const of = fast(q, k, v);
    const or = ref(q, k, v);
    expect(maxAbsDiff(of.dataSync(), or.dataSync())).toBeLessThan(1e-5);
    const gf = tf.grads(loss(fast))([q, k, v]);
    const gr = tf.grads(loss(ref))([q, k, v]);
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(gf[i].dataSync(), gr[i].dataSync())).toBeLessThan(1e-4);
    tf.dispose([q, k, v, up, mask, of, or, ...gf, ...gr]);
  });
});
