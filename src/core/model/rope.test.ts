import { describe, expect, it } from 'vitest';
import { ConfigReader } from './config-reader';
import { parseRope, ropeAttentionFactor, ropeInverseFrequencies } from './rope';

const parse = (obj: Record<string, unknown>, maxPositions = 64000) =>
  parseRope(new ConfigReader(obj, 'config.json'), maxPositions);

/** head_dim 8, θ = 10⁴: the plain inverse frequencies are 10^(−j), j = 0..3. */
const PLAIN = [1, 0.1, 0.01, 0.001];

function frequencies(params: Record<string, unknown>): number[] {
  const { theta, scaling } = parse({ rope_parameters: { rope_theta: 1e4, ...params } });
  return Array.from(ropeInverseFrequencies(theta, 8, scaling));
}

function expectClose(actual: number[], expected: number[], digits = 9): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], digits));
}

describe('RoPE inverse frequencies by rope_type, hand-computed (head_dim 8, θ = 10⁴)', () => {
  it('default: θ^(−2j/8) = 10^(−j)', () => {
    expectClose(frequencies({ rope_type: 'default' }), PLAIN);
  });

  it('linear: every frequency ÷ factor', () => {
    expectClose(frequencies({ rope_type: 'linear', factor: 2 }), [0.5, 0.05, 0.005, 0.0005]);
  });

  it('dynamic: unchanged within max_position_embeddings', () => {
    expectClose(frequencies({ rope_type: 'dynamic', factor: 2 }), PLAIN);
  });

  // yarn, factor 4, original context 16000, β_fast 32, β_slow 1. The pair j turns 16000·10^(−j)/(2π) times over the
  // original context, so the pair that turns β times is j(β) = log10(16000 / (2π β)): j(32) = 1.9008, j(1) = 3.4059.
  it('yarn, truncated: the ramp runs from ⌊1.9008⌋ = 1 to ⌈3.4059⌉ = 4', () => {
    // Weight of the original frequency 1 − clamp((j − 1)/3): 1, 1, 2/3, 1/3; the rest is frequency / 4.
    // j = 2: 0.01·2/3 + 0.0025·1/3 = 0.0075; j = 3: 0.001·1/3 + 0.00025·2/3 = 0.0005.
    const yarn = { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 16000 };
    expectClose(frequencies(yarn), [1, 0.1, 0.0075, 0.0005]);
  });

  it('yarn, not truncated: the ramp runs from 1.9008 to 3.4059', () => {
    // Weights of the original: j = 2: 1 − 0.0992/1.5051 = 0.93409; j = 3: 1 − 1.0992/1.5051 = 0.26967.
    // j = 2: 0.01·0.93409 + 0.0025·0.06591 = 0.0095057; j = 3: 0.001·0.26967 + 0.00025·0.73033 = 0.00045225.
    const yarn = { rope_type: 'yarn', factor: 4, original_max_position_embeddings: 16000, truncate: false };
    expectClose(frequencies(yarn), [1, 0.1, 0.0095057, 0.00045225], 6);
  });

  it('llama3: long wavelengths ÷ factor, short ones kept, a blend between', () => {
    // Context 16000, low 1, high 4: wavelengths 2π·10^j = 6.28, 62.8, 628, 6283; all below 16000/4 = 4000 but
    // the last, which lies in [4000, 16000]: smooth = (16000/6283.19 − 1)/3 = 0.51548, so
    // f = 0.001·(0.48452/8 + 0.51548) = 0.00057605.
    const llama3 = {
      rope_type: 'llama3',
      factor: 8,
      low_freq_factor: 1,
      high_freq_factor: 4,
      original_max_position_embeddings: 16000,
    };
    expectClose(frequencies(llama3), [1, 0.1, 0.01, 0.00057605], 7);
  });
});

describe('RoPE cos/sin factor', () => {
  it('yarn: 0.1·ln(factor) + 1 by default; mscale / mscale_all_dim when both are given; attention_factor as given', () => {
    const yarn = (extra: Record<string, unknown>) =>
      ropeAttentionFactor(parse({ rope_parameters: { rope_type: 'yarn', factor: 4, ...extra } }).scaling);
    expect(yarn({})).toBeCloseTo(1.138629436, 9); // 0.1·1.386294 + 1
    // (0.1·1·ln 4 + 1) / (0.1·0.5·ln 4 + 1) = 1.138629 / 1.069315
    expect(yarn({ mscale: 1, mscale_all_dim: 0.5 })).toBeCloseTo(1.064821625, 9);
    expect(yarn({ mscale: 1 })).toBeCloseTo(1.138629436, 9); // only one of the two: the default
    expect(yarn({ attention_factor: 0.7 })).toBe(0.7);
    expect(yarn({ factor: 1 })).toBe(1); // no stretch, no temperature
  });

  it('is 1 for every other type', () => {
    expect(ropeAttentionFactor(null)).toBe(1);
    expect(ropeAttentionFactor({ rope_type: 'linear', factor: 4 })).toBe(1);
  });
});

describe('reading the RoPE parameters', () => {
  it('reads transformers 4 configs (rope_theta + rope_scaling with `type`)', () => {
    expect(parse({ rope_theta: 5e5, rope_scaling: { type: 'linear', factor: 3 } })).toEqual({
      theta: 5e5,
      scaling: { rope_type: 'linear', factor: 3 },
    });
  });

  it('takes the pretraining context from max_position_embeddings when a yarn config leaves it out', () => {
    const { scaling } = parse({ rope_parameters: { rope_type: 'yarn', factor: 2, beta_fast: 0 } }, 4096);
    expect(scaling).toMatchObject({ original_max_position_embeddings: 4096, beta_fast: 32, beta_slow: 1 });
  });

  it('a null yarn factor is the ratio of the contexts', () => {
    const { scaling } = parse(
      { rope_parameters: { rope_type: 'yarn', factor: null, original_max_position_embeddings: 1024 } },
      4096,
    );
    expect(scaling).toMatchObject({ factor: 4 });
  });

  it('reads parameters nested per layer type (the full-attention ones)', () => {
    expect(parse({ rope_parameters: { full_attention: { rope_type: 'linear', rope_theta: 5e5, factor: 2 } } })).toEqual(
      { theta: 5e5, scaling: { rope_type: 'linear', factor: 2 } },
    );
    expect(() => parse({ rope_parameters: { full_attention: { rope_type: 'longrope' } } })).toThrow(
      /field "rope_parameters.full_attention.rope_type"/,
    );
  });

  it('refuses by name what it does not run', () => {
    expect(() => parse({ rope_parameters: { rope_type: 'longrope' } })).toThrow(
      /field "rope_parameters.rope_type": unsupported RoPE type "longrope"/,
    );
    expect(() => parse({ rope_parameters: { rope_type: 'default', partial_rotary_factor: 0.5 } })).toThrow(
      /field "rope_parameters.partial_rotary_factor"/,
    );
    expect(() => parse({ partial_rotary_factor: 0.25 })).toThrow(/field "partial_rotary_factor"/);
    expect(() => parse({ rope_scaling: { type: 'dynamic' } })).toThrow(
      /field "rope_scaling.factor": missing \(required by rope_type "dynamic"\)/,
    );
  });
});
