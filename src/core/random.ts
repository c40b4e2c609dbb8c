/**
 * The project's one seeded PRNG: mulberry32 (Tommy Ettinger, public domain). A 32-bit state advanced by
 * 0x6D2B79F5 and mixed by two multiply-xorshift rounds; period 2^32, identical in every JS engine (only
 * Math.imul and 32-bit integer ops). Used for sampling, the random credit control and task generators.
 */

/** Uniform unsigned 32-bit integers from `seed` (folded into 32 bits). */
export function mulberry32Uint(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Uniform floats in [0, 1) from `seed`. */
export function mulberry32(seed: number): () => number {
  const next = mulberry32Uint(seed);
  return () => next() / 4294967296;
}
