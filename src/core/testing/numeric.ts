/** Test helpers for numeric comparisons (vitest only). */
import { expect } from 'vitest';

/** Largest |a[i] − b[i]|; fails the test when the lengths differ. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
