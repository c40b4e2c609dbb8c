/**
 * Rhythm options: every choice method.md marks [default] is a named option here, with its default,
 * validation (InputError naming the option and the allowed range) and documentation.
 * Names are the formats.md names so a record's `options` object can be fed straight back in.
 */
import { InputError } from '../errors';

export type LayerChoice = 'middle-third' | 'all' | number[];
export type HeadRef = [layer: number, head: number];

export interface RhythmOptions {
  /** Which layers' heads are candidates: 5 evenly spaced in the middle third (paper), every layer, or a list. */
  layers: LayerChoice;
  /** Fraction of the M selected heads taken as local (first n by span) and global (last n); n = ⌈headFraction·M⌉. */
  headFraction: number;
  /** Pin the local/global head sets (e.g. computed once over a batch) instead of splitting per sequence. */
  heads?: { local: HeadRef[]; global: HeadRef[] };
  /** WAAD window: distances are clipped at W. */
  W: number;
  /** FAI horizon: a query t counts for key s when s + H_lo ≤ t ≤ min(N−1, s + H_hi). H_hi may be Infinity. */
  H_lo: number;
  H_hi: number;
  /** Exclude key 0 (attention sink) and renormalize each row by 1 − A[t][0]; applies before everything. */
  sink: boolean;
  /** Top-q fraction for preplan / anchor / random / high-entropy sets: ⌈q·|R|⌉ tokens. */
  q: number;
  /** Look-back for dominated anchors and intro tokens: u ∈ [t−k, t−1] ∩ R. */
  k: number;
  /** WAAD threshold for dominated anchors: 'median' of the response's WAAD, or a fixed number. */
  tau_waad: 'median' | number;
  /** Δ threshold for dominated anchors: 'min-preplan' (smallest Δ in T_loc), or a fixed number. */
  tau_delta: 'min-preplan' | number;
  /** Coupled strategy: share of the boost moved from a dominated anchor to its intro token. */
  alpha: number;
  /** Boost factor γ_amp ≥ 1 for chosen tokens. */
  gamma_amp: number;
  /** Seed of the random control strategy (mulberry32). */
  seed: number;
  /** HICRA-style shaping: Â + hicraCoef·|Â| on anchors. */
  hicraCoef: number;
  /** GRPO std: population (ddof 0, default) or sample (ddof 1). */
  advantageStd: 'population' | 'sample';
  /** Heads whose mean FAI is the record's `fai` (anchors, credit): the global heads (paper) or the receiver heads. */
  faiHeads: 'global' | 'receiver';
}

export const DEFAULT_OPTIONS: Readonly<RhythmOptions> = Object.freeze({
  layers: 'middle-third',
  headFraction: 0.3,
  W: 10,
  H_lo: 10,
  H_hi: 100,
  sink: false,
  q: 0.4,
  k: 3,
  tau_waad: 'median',
  tau_delta: 'min-preplan',
  alpha: 0.5,
  gamma_amp: 1.5,
  seed: 0,
  hicraCoef: 0.2,
  advantageStd: 'population',
  faiHeads: 'global',
} as RhythmOptions);

/** Kebab-case command-line flag for each option (formats.md: `--window 10 --h-lo 10 …`). */
export const OPTION_FLAGS: Readonly<Record<keyof RhythmOptions, string>> = Object.freeze({
  layers: 'layers',
  headFraction: 'head-fraction',
  heads: 'heads',
  W: 'window',
  H_lo: 'h-lo',
  H_hi: 'h-hi',
  sink: 'sink',
  q: 'q',
  k: 'k',
  tau_waad: 'tau-waad',
  tau_delta: 'tau-delta',
  alpha: 'alpha',
  gamma_amp: 'gamma-amp',
  seed: 'seed',
  hicraCoef: 'hicra-coef',
  advantageStd: 'advantage-std',
  faiHeads: 'fai-heads',
});

/** Options that change the per-head vectors, so changing them needs the attention maps again. */
export const MAP_OPTIONS = ['W', 'H_lo', 'H_hi', 'sink'] as const;

/**
 * ⌈fraction·n⌉ as a mathematical ceiling: products like 0.3·10 = 3.0000000000000004 in floating point
 * must give 3, not 4. A product within 1e-9 (relative) of an integer is taken as that integer.
 */
export function ceilFraction(fraction: number, n: number): number {
  const x = fraction * n;
  const nearest = Math.round(x);
  if (Math.abs(x - nearest) <= 1e-9 * Math.max(1, Math.abs(x))) return nearest;
  return Math.ceil(x);
}

function bad(option: string, message: string): InputError {
  return new InputError(message, { field: option });
}

function num(
  o: Record<string, unknown>,
  name: string,
  ok: (v: number) => boolean,
  range: string,
  integer = false,
): number {
  const v = o[name];
  if (typeof v !== 'number' || Number.isNaN(v) || !ok(v) || (integer && !Number.isInteger(v))) {
    throw bad(
      name,
      `option ${name} must be ${integer ? 'an integer ' : ''}${range} (got ${JSON.stringify(v) ?? String(v)})`,
    );
  }
  return v;
}

function headList(v: unknown, name: string): HeadRef[] {
  if (!Array.isArray(v) || v.length === 0)
    throw bad(name, `option ${name} must be a non-empty list of [layer, head] pairs`);
  return v.map((p) => {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((x) => Number.isInteger(x) && x >= 0)) {
      throw bad(
        name,
        `option ${name} must hold [layer, head] pairs of non-negative integers (got ${JSON.stringify(p)})`,
      );
    }
    return [p[0], p[1]] as HeadRef;
  });
}

/** Accepts Infinity, "Infinity", "inf" or null (how JSON spells an infinite H_hi) for H_hi. */
function parseHHi(v: unknown): unknown {
  if (v === null || v === 'Infinity' || v === 'inf' || v === '∞') return Infinity;
  return v;
}

/**
 * Defaults + validation. Unknown option names and out-of-range values throw an InputError naming the option.
 * `undefined` values mean "use the default".
 */
export function resolveOptions(partial: Partial<RhythmOptions> | Record<string, unknown> = {}): RhythmOptions {
  const known = new Set<string>([...Object.keys(DEFAULT_OPTIONS), 'heads']);
  for (const key of Object.keys(partial)) {
    if (!known.has(key)) {
      throw bad(key, `unknown rhythm option "${key}" (known: ${[...known].join(', ')})`);
    }
  }
  const o: Record<string, unknown> = { ...DEFAULT_OPTIONS };
  for (const [key, v] of Object.entries(partial)) if (v !== undefined) o[key] = v;
  o.H_hi = parseHHi(o.H_hi);

  let layers: LayerChoice;
  if (o.layers === 'middle-third' || o.layers === 'all') layers = o.layers;
  else if (Array.isArray(o.layers) && o.layers.length > 0 && o.layers.every((x) => Number.isInteger(x) && x >= 0)) {
    layers = [...new Set(o.layers as number[])].sort((a, b) => a - b);
  } else {
    throw bad(
      'layers',
      `option layers must be 'middle-third', 'all' or a non-empty list of layer indices ≥ 0 (got ${JSON.stringify(o.layers)})`,
    );
  }

  const H_lo = num(o, 'H_lo', (v) => v >= 0 && Number.isFinite(v), '≥ 0', true);
  const H_hi = num(o, 'H_hi', (v) => v >= 0 && (Number.isInteger(v) || v === Infinity), 'an integer ≥ 0 or Infinity');
  if (H_lo > H_hi) throw bad('H_lo', `option H_lo (${H_lo}) must be ≤ H_hi (${H_hi})`);

  let tau_waad: RhythmOptions['tau_waad'];
  if (o.tau_waad === 'median') tau_waad = 'median';
  else tau_waad = num(o, 'tau_waad', Number.isFinite, "'median' or a finite number");
  let tau_delta: RhythmOptions['tau_delta'];
  if (o.tau_delta === 'min-preplan') tau_delta = 'min-preplan';
  else tau_delta = num(o, 'tau_delta', Number.isFinite, "'min-preplan' or a finite number");

  if (typeof o.sink !== 'boolean')
    throw bad('sink', `option sink must be true or false (got ${JSON.stringify(o.sink)})`);
  if (o.advantageStd !== 'population' && o.advantageStd !== 'sample') {
    throw bad(
      'advantageStd',
      `option advantageStd must be 'population' or 'sample' (got ${JSON.stringify(o.advantageStd)})`,
    );
  }

  if (o.faiHeads !== 'global' && o.faiHeads !== 'receiver') {
    throw bad('faiHeads', `option faiHeads must be 'global' or 'receiver' (got ${JSON.stringify(o.faiHeads)})`);
  }

  let heads: RhythmOptions['heads'];
  if (o.heads !== undefined && o.heads !== null) {
    const h = o.heads as { local?: unknown; global?: unknown };
    if (typeof h !== 'object') throw bad('heads', 'option heads must be {local: [[l,h],…], global: [[l,h],…]}');
    heads = { local: headList(h.local, 'heads.local'), global: headList(h.global, 'heads.global') };
  }

  return {
    layers,
    headFraction: num(o, 'headFraction', (v) => v > 0 && v <= 1, 'in (0, 1]'),
    ...(heads ? { heads } : {}),
    W: num(o, 'W', (v) => v >= 1 && Number.isFinite(v), '≥ 1 (finite)'),
    H_lo,
    H_hi,
    sink: o.sink,
    q: num(o, 'q', (v) => v > 0 && v <= 1, 'in (0, 1]'),
    k: num(o, 'k', (v) => v >= 1 && Number.isFinite(v), '≥ 1', true),
    tau_waad,
    tau_delta,
    alpha: num(o, 'alpha', (v) => v >= 0 && v <= 1, 'in [0, 1]'),
    gamma_amp: num(o, 'gamma_amp', (v) => v >= 1 && Number.isFinite(v), '≥ 1 (finite)'),
    seed: num(o, 'seed', Number.isFinite, 'a finite integer', true),
    hicraCoef: num(o, 'hicraCoef', (v) => v >= 0 && Number.isFinite(v), '≥ 0 (finite)'),
    advantageStd: o.advantageStd,
    faiHeads: o.faiHeads,
  };
}

/** True when going from `before` to `after` changes the per-head vectors (W, H_lo, H_hi, sink): rerun the maps. */
export function needsMaps(before: Partial<RhythmOptions>, after: Partial<RhythmOptions>): boolean {
  const a = resolveOptions(before);
  const b = resolveOptions(after);
  return MAP_OPTIONS.some((k) => a[k] !== b[k]);
}

const FLAG_TO_OPTION = new Map(Object.entries(OPTION_FLAGS).map(([opt, flag]) => [flag, opt as keyof RhythmOptions]));

/** Option name for a kebab-case flag (`window` → `W`), or undefined when the flag is not a rhythm option. */
export function optionForFlag(flag: string): keyof RhythmOptions | undefined {
  return FLAG_TO_OPTION.get(flag.replace(/^--/, ''));
}

/**
 * Parses command-line values (strings) into options: numbers, `true/false` for sink, `'median'`,
 * `'min-preplan'`, `inf` for H_hi, layer lists `12,15,18`, heads as JSON `{"local":[[0,1]],"global":[[3,2]]}`.
 * Keys are flag names (`window`, `h-lo`, …) or option names; unknown keys and bad values throw an InputError.
 */
export function optionsFromFlags(flags: Record<string, string | boolean>): RhythmOptions {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(flags)) {
    const key = optionForFlag(rawKey) ?? (rawKey in OPTION_FLAGS ? (rawKey as keyof RhythmOptions) : undefined);
    if (!key) throw bad(rawKey, `unknown rhythm option --${rawKey.replace(/^--/, '')}`);
    const text = typeof value === 'boolean' ? String(value) : value.trim();
    if (key === 'sink') {
      if (text !== 'true' && text !== 'false')
        throw bad('sink', `option sink must be true or false (got ${JSON.stringify(text)})`);
      out.sink = text === 'true';
    } else if (key === 'layers') {
      out.layers =
        text === 'middle-third' || text === 'all'
          ? text
          : text.split(',').map((x) => (x.trim() === '' ? NaN : Number(x)));
    } else if (key === 'heads') {
      try {
        out.heads = JSON.parse(text);
      } catch {
        throw bad('heads', 'option heads must be JSON like {"local":[[0,1]],"global":[[3,2]]}');
      }
    } else if (
      key === 'advantageStd' ||
      key === 'faiHeads' ||
      (key === 'tau_waad' && text === 'median') ||
      (key === 'tau_delta' && text === 'min-preplan')
    ) {
      out[key] = text;
    } else if (key === 'H_hi' && /^(inf|infinity|∞)$/i.test(text)) {
      out.H_hi = Infinity;
    } else {
      out[key] = text === '' ? NaN : Number(text);
    }
  }
  return resolveOptions(out);
}
