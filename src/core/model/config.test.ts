import { describe, expect, it } from 'vitest';
import { isInputError } from '../errors';
import { countParams, mlpWidth, parseGPT2Config } from './config';

const GPT2_SMALL = {
  model_type: 'gpt2',
  n_layer: 12,
  n_head: 12,
  n_embd: 768,
  n_positions: 1024,
  n_ctx: 1024,
  vocab_size: 50257,
  layer_norm_epsilon: 1e-5,
  activation_function: 'gelu_new',
  bos_token_id: 50256,
  eos_token_id: 50256,
};

function errorOf(obj: unknown, text?: string): Error {
  try {
    parseGPT2Config(text ?? JSON.stringify(obj), 'models/x/config.json');
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an InputError');
}

describe('parseGPT2Config', () => {
  it('parses the GPT-2 small config', () => {
    const c = parseGPT2Config(JSON.stringify(GPT2_SMALL));
    expect(c).toMatchObject({
      n_layer: 12,
      n_head: 12,
      n_embd: 768,
      n_positions: 1024,
      vocab_size: 50257,
      eos_token_id: 50256,
    });
    expect(c.activation_function).toBe('gelu_new');
    expect(c.raw.n_ctx).toBe(1024);
  });

  it('counts GPT-2 small at 124,439,808 parameters (the published figure)', () => {
    // 50257*768 + 1024*768 + 12*(4*768 + 768*2304 + 2304 + 768*768 + 768 + 768*3072 + 3072 + 3072*768 + 768) + 2*768
    expect(countParams(parseGPT2Config(JSON.stringify(GPT2_SMALL)))).toBe(124439808);
  });

  it('fills HF defaults for layer_norm_epsilon and activation_function, and n_inner', () => {
    const { layer_norm_epsilon, activation_function, ...rest } = GPT2_SMALL;
    void layer_norm_epsilon;
    void activation_function;
    const c = parseGPT2Config(JSON.stringify(rest));
    expect(c.layer_norm_epsilon).toBe(1e-5);
    expect(c.activation_function).toBe('gelu_new');
    expect(mlpWidth(c)).toBe(3072);
    expect(mlpWidth(parseGPT2Config(JSON.stringify({ ...GPT2_SMALL, n_inner: 1000 })))).toBe(1000);
  });

  it('accepts HF aliases (n_ctx, num_hidden_layers, hidden_size, ...)', () => {
    const c = parseGPT2Config(
      JSON.stringify({
        model_type: 'gpt2',
        num_hidden_layers: 2,
        num_attention_heads: 4,
        hidden_size: 64,
        n_ctx: 128,
        vocab_size: 10,
      }),
    );
    expect([c.n_layer, c.n_head, c.n_embd, c.n_positions]).toEqual([2, 4, 64, 128]);
  });

  it('names the file and key of a missing required key', () => {
    const { n_head, ...rest } = GPT2_SMALL;
    void n_head;
    const e = errorOf(rest);
    expect(isInputError(e)).toBe(true);
    expect(e.message).toBe('models/x/config.json, field "n_head": missing required key (or num_attention_heads)');
  });

  it.each([
    [{ n_layer: 0 }, 'n_layer', /positive integer, got 0/],
    [{ n_embd: 76.8 }, 'n_embd', /positive integer, got 76.8/],
    [{ vocab_size: '50257' }, 'vocab_size', /positive integer, got "50257"/],
    [{ n_embd: 770 }, 'n_embd', /n_embd \(770\) must be divisible by n_head \(12\)/],
    [{ n_ctx: 512 }, 'n_ctx', /n_ctx = 512 disagrees with n_positions = 1024/],
    [{ model_type: 'llama' }, 'model_type', /unsupported model type "llama"/],
    [{ activation_function: 'swish' }, 'activation_function', /unsupported "swish"/],
    [{ layer_norm_epsilon: -1 }, 'layer_norm_epsilon', /positive number/],
    [{ n_inner: 0 }, 'n_inner', /positive integer/],
    [{ scale_attn_by_inverse_layer_idx: 'yes' }, 'scale_attn_by_inverse_layer_idx', /true or false/],
    [{ scale_attn_weights: 0 }, 'scale_attn_weights', /true or false/],
    [{ eos_token_id: -3 }, 'eos_token_id', /non-negative integer/],
  ])('rejects %j naming field %s', (patch, field, message) => {
    const e = errorOf({ ...GPT2_SMALL, ...patch }) as Error & { where?: { field?: string; file?: string } };
    expect(isInputError(e)).toBe(true);
    expect(e.where?.field).toBe(field);
    expect(e.where?.file).toBe('models/x/config.json');
    expect(e.message).toMatch(message);
  });

  it('rejects a missing model_type, bad JSON and a non-object', () => {
    const { model_type, ...rest } = GPT2_SMALL;
    void model_type;
    expect(errorOf(rest).message).toMatch(/field "model_type": missing; expected "gpt2"/);
    expect(errorOf(null, '{"n_layer": 1,').message).toMatch(/^models\/x\/config\.json: not valid JSON/);
    expect(errorOf([1, 2]).message).toMatch(/expected a JSON object/);
  });
});
