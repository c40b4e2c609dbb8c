/**
 * The per-head vectors of one attention map written straight from the definitions in docs/method.md, with plain
 * loops in float64 and nothing shared with the engine (no weight matrices, no tfjs): the reference the
 * accumulators are tested against.
 *   span d   = (1/|R|) Σ_{t∈R} Σ_{s≤t} A[t][s]·(t−s)
 *   WAAD_t   = Σ_{s≤t} A[t][s]·min(t−s, W)                         t ∈ R
 *   FAI_s    = mean of A[t][s] over t ∈ R with s+H_lo ≤ t ≤ min(N−1, s+H_hi); 0 when there is no such t
 * Sink on: key 0 is dropped and row t divided by 1 − A[t][0] (a row with all its mass on key 0 becomes zero).
 */
export interface ReferenceOptions {
  W: number;
  H_lo: number;
  H_hi: number;
  sink: boolean;
}

export interface ReferenceVectors {
  span: number;
  /** Per response position, in order (length N − promptLength). */
  waad: number[];
  fai: number[];
}

/** `map` is one head's [N, N] row-major map: row t = query, column s = key. */
export function referenceHeadVectors(
  map: ArrayLike<number>,
  N: number,
  promptLength: number,
  o: ReferenceOptions,
): ReferenceVectors {
  const a = (t: number, s: number): number => {
    if (!o.sink) return map[t * N + s];
    if (s === 0) return 0;
    const rest = 1 - map[t * N];
    return rest > 0 ? map[t * N + s] / rest : 0;
  };
  const responseLength = N - promptLength;
  let spanSum = 0;
  const waad: number[] = [];
  for (let t = promptLength; t < N; t++) {
    let w = 0;
    for (let s = 0; s <= t; s++) {
      spanSum += a(t, s) * (t - s);
      w += a(t, s) * Math.min(t - s, o.W);
    }
    waad.push(w);
  }
  const fai: number[] = [];
  for (let s = promptLength; s < N; s++) {
    let sum = 0;
    let count = 0;
    for (let t = promptLength; t < N; t++) {
      if (t >= s + o.H_lo && t <= s + o.H_hi) {
        sum += a(t, s);
        count++;
      }
    }
    fai.push(count === 0 ? 0 : sum / count);
  }
  return { span: spanSum / responseLength, waad, fai };
}
