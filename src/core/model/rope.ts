/**
 * Rotary position embeddings of the Llama-style families: the config's RoPE parameters (transformers 5's
 * `rope_parameters`, or 4.x's `rope_theta` + `rope_scaling`) and the inverse frequencies and cos/sin factor
 * transformers derives from them for each `rope_type` we run: default, linear, dynamic, llama3 and yarn.
 */
import type { ConfigReader } from './config-reader';
import type { RopeScaling } from './types';

const TYPES = ['default', 'linear', 'dynamic', 'llama3', 'yarn'];

export interface RopeParams {
  theta: number;
  scaling: RopeScaling | null;
}

export function parseRope(r: ConfigReader, maxPositions: number): RopeParams {
  const obj = r.obj;
  let key = r.has('rope_parameters') ? 'rope_parameters' : 'rope_scaling';
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  let params = obj[key] ?? {};
  if (!isObject(params)) r.fail(key, `must be an object or null, got ${JSON.stringify(params)}`);
  // transformers 5 nests the parameters per layer type for models that mix them; every layer here is full attention.
  if (isObject(params.full_attention)) {
    params = params.full_attention;
    key = `${key}.full_attention`;
  }
  const p = params as Record<string, unknown>;
  if (obj.partial_rotary_factor !== undefined && obj.partial_rotary_factor !== null && obj.partial_rotary_factor !== 1)
    r.fail('partial_rotary_factor', 'only full rotary embeddings (1.0) are supported');
  const type = (p.rope_type ?? p.type ?? 'default') as string;
  if (!TYPES.includes(type)) {
    r.fail(`${key}.rope_type`, `unsupported RoPE type ${JSON.stringify(type)}; supported: ${TYPES.join(', ')}`);
  }
  if (p.partial_rotary_factor !== undefined && p.partial_rotary_factor !== 1) {
    r.fail(`${key}.partial_rotary_factor`, 'only full rotary embeddings (1.0) are supported');
  }
  const theta = r.positiveNumber('rope_theta', (obj.rope_theta as number) ?? 10000, p, `${key}.rope_theta`);
  const need = (k: string) => {
    if (p[k] === undefined || p[k] === null) r.fail(`${key}.${k}`, `missing (required by rope_type "${type}")`);
    return r.positiveNumber(k, 0, p, `${key}.${k}`);
  };
  // transformers fills in the pretraining context from max_position_embeddings where a config leaves it out.
  const original = () =>
    p.original_max_position_embeddings === undefined
      ? maxPositions
      : r.positiveNumber('original_max_position_embeddings', 0, p, `${key}.original_max_position_embeddings`);
  const optional = (k: string) =>
    p[k] === undefined || p[k] === null ? undefined : r.positiveNumber(k, 0, p, `${key}.${k}`);
  // Keys transformers reads with Python's `or`: 0, null or absent all mean the default.
  const orDefault = (k: string, fallback: number) => (p[k] ? r.positiveNumber(k, 0, p, `${key}.${k}`) : fallback);
  switch (type) {
    case 'linear':
    case 'dynamic':
      return { theta, scaling: { rope_type: type, factor: need('factor') } };
    case 'llama3':
      return {
        theta,
        scaling: {
          rope_type: 'llama3',
          factor: need('factor'),
          low_freq_factor: need('low_freq_factor'),
          high_freq_factor: need('high_freq_factor'),
          original_max_position_embeddings: original(),
        },
      };
    case 'yarn': {
      // An explicit null factor is the ratio of the context to the pretraining one, as transformers takes it.
      const factor = p.factor === null ? maxPositions / original() : need('factor');
      const mscale = orDefault('mscale', 0);
      const mscaleAllDim = orDefault('mscale_all_dim', 0);
      const attention_factor =
        optional('attention_factor') ??
        (mscale && mscaleAllDim ? yarnMscale(factor, mscale) / yarnMscale(factor, mscaleAllDim) : yarnMscale(factor));
      if (p.truncate !== undefined && typeof p.truncate !== 'boolean')
        r.fail(`${key}.truncate`, `must be true or false, got ${JSON.stringify(p.truncate)}`);
      return {
        theta,
        scaling: {
          rope_type: 'yarn',
          factor,
          original_max_position_embeddings: original(),
          beta_fast: orDefault('beta_fast', 32),
          beta_slow: orDefault('beta_slow', 1),
          truncate: (p.truncate as boolean | undefined) ?? true,
          attention_factor,
        },
      };
    }
    default:
      return { theta, scaling: null };
  }
}

/** YaRN's attention temperature: 0.1·m·ln(s) + 1 for a scale s > 1, else 1. */
function yarnMscale(scale: number, m = 1): number {
  return scale <= 1 ? 1 : 0.1 * m * Math.log(scale) + 1;
}

/**
 * RoPE inverse frequencies θ^(−2i/hd), i < hd/2, as the scaling changes them:
 * - linear: all divided by `factor` (positions interpolated);
 * - dynamic (NTK): unchanged up to max_position_embeddings, the longest sequence the decoder accepts (transformers
 *   raises θ only for longer ones);
 * - llama3: long wavelengths (beyond context / low_freq_factor) divided by `factor`, short ones (below
 *   context / high_freq_factor) kept, the band between blended linearly in context / wavelength;
 * - yarn: per frequency a blend of the interpolated (÷ factor) and the original one, by a ramp over the dimensions
 *   between the ones that turn beta_fast and beta_slow times within the original context.
 */
export function ropeInverseFrequencies(theta: number, hd: number, scaling: RopeScaling | null): Float64Array {
  const inv = new Float64Array(hd / 2);
  for (let i = 0; i < hd / 2; i++) inv[i] = 1 / Math.pow(theta, (2 * i) / hd);
  if (!scaling || scaling.rope_type === 'dynamic') return inv;
  if (scaling.rope_type === 'linear') return inv.map((f) => f / scaling.factor);
  if (scaling.rope_type === 'llama3') {
    const { factor, low_freq_factor: low, high_freq_factor: high, original_max_position_embeddings: ctx } = scaling;
    return inv.map((f) => {
      const wavelen = (2 * Math.PI) / f;
      if (wavelen > ctx / low) return f / factor;
      if (wavelen < ctx / high) return f;
      const smooth = (ctx / wavelen - low) / (high - low);
      return (1 - smooth) * (f / factor) + smooth * f;
    });
  }
  const { factor, original_max_position_embeddings: ctx, beta_fast, beta_slow, truncate } = scaling;
  // The dimension index at which a frequency completes `turns` rotations over the original context.
  const dimOf = (turns: number) => (hd * Math.log(ctx / (turns * 2 * Math.PI))) / (2 * Math.log(theta));
  let lo = dimOf(beta_fast);
  let hi = dimOf(beta_slow);
  if (truncate) [lo, hi] = [Math.floor(lo), Math.ceil(hi)];
  [lo, hi] = [Math.max(lo, 0), Math.min(hi, hd - 1)];
  if (lo === hi) hi += 0.001;
  return inv.map((f, i) => {
    const keep = 1 - Math.min(1, Math.max(0, (i - lo) / (hi - lo))); // 1: the original frequency
    return (f / factor) * (1 - keep) + f * keep;
  });
}

/** The factor on cos and sin (YaRN's attention temperature; 1 for every other type). */
export function ropeAttentionFactor(scaling: RopeScaling | null): number {
  return scaling?.rope_type === 'yarn' ? scaling.attention_factor : 1;
}
