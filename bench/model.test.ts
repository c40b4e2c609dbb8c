import { describe, expect, it } from 'vitest';
import { parseGPT2Config } from '../src/core/model/config';
import { forwardFlops } from './model';

const cfg = (o: Record<string, number>) =>
  parseGPT2Config(JSON.stringify({ model_type: 'gpt2', n_positions: 1024, layer_norm_epsilon: 1e-5, ...o }));

describe('forwardFlops', () => {
  it('counts a toy config by hand', () => {
    // L=1, D=4, F=16, N=2, V=10: 2·N·(3D² + D² + 2·D·F) = 4·(48 + 16 + 128) = 768; attention 4·N²·D = 64;
    // LM head 2·N·D·V = 160 -> 992
    expect(forwardFlops(cfg({ n_layer: 1, n_head: 2, n_embd: 4, vocab_size: 10 }), 2)).toBe(992);
  });

  it('GPT-2 small at N=256 is 65.67 GFLOP (43.49 blocks + 2.42 attention + 19.76 head)', () => {
    const f = forwardFlops(cfg({ n_layer: 12, n_head: 12, n_embd: 768, vocab_size: 50257 }), 256);
    expect(f / 1e9).toBeCloseTo(43.487 + 2.416 + 19.762, 2);
  });
});
