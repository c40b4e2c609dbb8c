/**
 * The Train tab's pool of training workers: how a comparison (strategies × seeds) is split over them and how their
 * runs map back to the comparison's order. Each worker trains a cross product of its own (a share of the
 * strategies with every seed, or of the seeds with every strategy), one run at a time, so it keeps every run it
 * trained for export and the before/after view. Pure (Node-tested).
 */
import type { RlStrategy } from '../../core/rl/options';

/** One worker's share: its runs are strategies × seeds, strategy-major, as the worker plans them. */
export interface PoolShare {
  strategies: RlStrategy[];
  seeds: number[];
}

/** The comparison's run keys in its order (strategy-major, as one worker plans it): `<strategy>-s<seed>`. */
export function runKeys(strategies: RlStrategy[], seeds: number[]): string[] {
  return strategies.flatMap((s) => seeds.map((k) => `${s}-s${k}`));
}

/**
 * Splits strategies × seeds over at most `cores` workers along the longer of the two lists (round-robin, so
 * shares differ by at most one item); one worker with one core or one run.
 */
export function splitComparison(strategies: RlStrategy[], seeds: number[], cores: number): PoolShare[] {
  const bySeed = seeds.length > strategies.length;
  const items = bySeed ? seeds.length : strategies.length;
  const n = Math.max(1, Math.min(Math.floor(cores) || 1, items));
  return Array.from({ length: n }, (_, w) => {
    const pick = <T>(xs: T[]) => xs.filter((_, i) => i % n === w);
    return bySeed ? { strategies, seeds: pick(seeds) } : { strategies: pick(strategies), seeds };
  });
}

/** Workers for this page: navigator.hardwareConcurrency (1 when unknown). */
export function poolCores(): number {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  return n && n > 0 ? n : 1;
}

/**
 * Progress over runs that advance together, in the sequential form the label shows ("run r/R · step s/S"):
 * the steps done in all, as whole runs plus the steps of the next.
 */
export function pooledProgress(
  stepsDone: number,
  runsTotal: number,
  steps: number,
): { runIndex: number; step: number } {
  const total = runsTotal * steps;
  if (steps <= 0 || stepsDone >= total) return { runIndex: Math.max(0, runsTotal - 1), step: steps };
  return { runIndex: Math.floor(stepsDone / steps), step: stepsDone % steps };
}
