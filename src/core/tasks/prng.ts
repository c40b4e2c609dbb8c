/**
 * Seeded pseudo-random numbers for task generators and training.
 *
 * Algorithm: mulberry32 (Tommy Ettinger, public domain) — a 32-bit state advanced by the constant
 * 0x6D2B79F5 and mixed with two multiply-xorshift rounds. Period 2^32, fast, and identical in every
 * JS engine because it only uses Math.imul and 32-bit integer ops. Good enough for data generation;
 * not cryptographic.
 */
import { mulberry32Uint } from '../random';

export class Rng {
  private readonly nextUint: () => number;

  constructor(seed: number) {
    // Any finite number is accepted; non-integers and negatives are folded into 32 bits.
    this.nextUint = mulberry32Uint(Math.floor(Number.isFinite(seed) ? seed : 0));
  }

  /** Next uniform 32-bit unsigned integer. */
  nextUint32(): number {
    return this.nextUint();
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Fisher–Yates shuffle, returns a new array. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /** A derived generator, so sub-streams (e.g. one per problem) don't depend on call order elsewhere. */
  fork(salt: number): Rng {
    return new Rng((this.nextUint32() ^ Math.imul(salt | 0, 0x9e3779b1)) >>> 0);
  }
}

/** Mix a seed with an index into a new 32-bit seed (stable across runs; used for "problem i of seed s"). */
export function mixSeed(seed: number, index: number): number {
  let h = (Math.floor(seed) ^ 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (index >>> 0), 0xcc9e2d51) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x1b873593) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}
