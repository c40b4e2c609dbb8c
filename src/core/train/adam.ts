/**
 * Adam (AdamW-style decoupled weight decay) with linear warm-up, cosine decay and global-norm clipping.
 * Written out rather than tf.train.adam so the schedule, the clipping and the optimizer state
 * (m, v, step) are explicit and checkpointable as plain named arrays.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedArray } from './gpt2-train';

export interface AdamConfig {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Decoupled weight decay, applied to matrices only (not biases, LayerNorm or position table). */
  weightDecay: number;
  warmupSteps: number;
  totalSteps: number;
  /** The cosine ends at lr·minLrFraction. */
  minLrFraction: number;
  /** Clip the global gradient norm to this (0 = off). */
  clipNorm: number;
}

export const DEFAULT_ADAM: AdamConfig = {
  lr: 3e-3,
  beta1: 0.9,
  beta2: 0.99,
  eps: 1e-8,
  weightDecay: 0.01,
  warmupSteps: 100,
  totalSteps: 2000,
  minLrFraction: 0.1,
  clipNorm: 1,
};

/**
 * Learning rate at 0-based `step`: lr·(step+1)/warmup during warm-up, then
 * lr·(f + (1−f)·½(1 + cos(π·p))) with p = (step − warmup)/(total − warmup) clamped to [0, 1].
 */
export function learningRate(step: number, c: AdamConfig): number {
  if (step < c.warmupSteps) return (c.lr * (step + 1)) / c.warmupSteps;
  const span = Math.max(1, c.totalSteps - c.warmupSteps);
  const p = Math.min(1, Math.max(0, (step - c.warmupSteps) / span));
  return c.lr * (c.minLrFraction + (1 - c.minLrFraction) * 0.5 * (1 + Math.cos(Math.PI * p)));
}

const decays = (name: string): boolean => name.endsWith('.weight') && !/ln_|wpe/.test(name);

export class Adam {
  readonly config: AdamConfig;
  /** Updates applied so far. */
  step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(config: AdamConfig) {
    this.config = config;
  }

  /**
   * One update of `params` from `grads` (same keys). Returns the pre-clip global gradient norm and the
   * learning rate used. Disposes nothing of the caller's.
   */
  apply(params: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>): { gradNorm: number; lr: number } {
    const c = this.config;
    const lr = learningRate(this.step, c);
    const gradNorm = tf.tidy(() => {
      const sq = [...grads.values()].map((g) => tf.sum(tf.mul(g, g)));
      return tf.sqrt(tf.addN(sq));
    });
    const norm = gradNorm.dataSync()[0];
    gradNorm.dispose();
    const scale = c.clipNorm > 0 && norm > c.clipNorm ? c.clipNorm / norm : 1;
    const t = this.step + 1;
    const bc1 = 1 - Math.pow(c.beta1, t);
    const bc2 = 1 - Math.pow(c.beta2, t);
    for (const [name, p] of params) {
      const g0 = grads.get(name);
      if (!g0) continue;
      if (!this.m.has(name)) {
        // A variable keeps its own reference to the initial data: free the temporary zeros.
        for (const map of [this.m, this.v]) {
          const zeros = tf.zerosLike(p);
          map.set(name, tf.variable(zeros, false));
          zeros.dispose();
        }
      }
      const m = this.m.get(name)!;
      const v = this.v.get(name)!;
      tf.tidy(() => {
        const g = scale === 1 ? g0 : tf.mul(g0, scale);
        const m1 = tf.add(tf.mul(m, c.beta1), tf.mul(g, 1 - c.beta1));
        const v1 = tf.add(tf.mul(v, c.beta2), tf.mul(tf.mul(g, g), 1 - c.beta2));
        m.assign(m1);
        v.assign(v1);
        const update = tf.div(tf.div(m1, bc1), tf.add(tf.sqrt(tf.div(v1, bc2)), c.eps));
        let next = tf.sub(p, tf.mul(update, lr));
        if (c.weightDecay > 0 && decays(name)) next = tf.sub(next, tf.mul(p, lr * c.weightDecay));
        p.assign(next);
      });
    }
    this.step++;
    return { gradNorm: norm, lr };
  }

  /** Optimizer state as named arrays ("m.<param>", "v.<param>"), for checkpoints. */
  stateArrays(): NamedArray[] {
    const out: NamedArray[] = [];
    for (const [prefix, map] of [
      ['m', this.m],
      ['v', this.v],
    ] as const) {
      for (const [name, t] of map)
        out.push({ name: `${prefix}.${name}`, shape: t.shape.slice(), data: t.dataSync() as Float32Array });
    }
    return out;
  }

  loadState(arrays: NamedArray[], step: number): void {
    this.dispose();
    for (const a of arrays) {
      const dot = a.name.indexOf('.');
      const kind = a.name.slice(0, dot);
      const map = kind === 'm' ? this.m : kind === 'v' ? this.v : undefined;
      if (!map) throw new Error(`unexpected optimizer tensor ${a.name}`);
      const initial = tf.tensor(a.data, a.shape);
      map.set(a.name.slice(dot + 1), tf.variable(initial, false));
      initial.dispose();
    }
    this.step = step;
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
