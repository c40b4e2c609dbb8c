#!/usr/bin/env python3
"""Writes the tiny random GPT-2 / Llama / Qwen2 / Qwen3 checkpoints that the TypeScript tests compare against.

Each fixture folder under src/core/model/testing/fixtures/<name>/ holds what save_pretrained wrote
(config.json, safetensors — one file or shards with model.safetensors.index.json), a char_vocab.json so
the folder loads like any model, and expected.json: token ids, the eager forward's logits [N, V] and every
layer's attention [L, H, N, N]. Run from the repository root:  python3 scripts/make-family-fixtures.py [NAME ...]
(no names: all of them).
"""
import json
import os
import shutil

import sys

import torch
from transformers import (GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM, Qwen2Config,
                          Qwen2ForCausalLM, Qwen3Config, Qwen3ForCausalLM)

OUT = os.path.join('src', 'core', 'model', 'testing', 'fixtures')
VOCAB = 64
IDS = [1, 17, 42, 5, 63, 0, 28, 9, 33, 12]

GPT2_COMMON = dict(vocab_size=VOCAB, n_embd=32, n_head=4, n_positions=64, bos_token_id=1, eos_token_id=2,
                   attn_implementation='eager')

COMMON = dict(vocab_size=VOCAB, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
              num_attention_heads=4, max_position_embeddings=64, rms_norm_eps=1e-6, bos_token_id=1,
              eos_token_id=2, attn_implementation='eager')

FIXTURES = {
    # Qwen3: head_dim independent of hidden/heads, q_norm/k_norm, GQA 4:2, tied head, float32 single file.
    'qwen3': (Qwen3ForCausalLM, Qwen3Config, dict(num_key_value_heads=2, head_dim=16, tie_word_embeddings=True,
                                                   rope_parameters={'rope_type': 'default', 'rope_theta': 10000.0}),
              dict()),
    # Llama 3 with llama3 RoPE scaling (some frequencies scaled, some smoothed at this context), untied head.
    'llama3': (LlamaForCausalLM, LlamaConfig, dict(num_key_value_heads=2, tie_word_embeddings=False,
                                                   rope_parameters={'rope_type': 'llama3', 'rope_theta': 500000.0,
                                                                    'factor': 8.0, 'low_freq_factor': 1.0,
                                                                    'high_freq_factor': 4.0,
                                                                    'original_max_position_embeddings': 16}),
               dict()),
    # Qwen2: q/k/v bias, one KV head, tied head, BF16 weights in several shards.
    'qwen2-bf16-sharded': (Qwen2ForCausalLM, Qwen2Config, dict(num_key_value_heads=1, tie_word_embeddings=True,
                                                               rope_parameters={'rope_type': 'default',
                                                                                'rope_theta': 1000000.0}),
                           dict(dtype=torch.bfloat16, max_shard_size='12KB')),
    # YaRN RoPE (blended frequencies and the cos/sin attention factor), q/k/v/o and MLP biases, a gated exact-erf
    # GELU, head_dim 12 (not hidden/heads), one KV head, untied head.
    'llama-yarn-gelu': (LlamaForCausalLM, LlamaConfig, dict(num_key_value_heads=1, head_dim=12, attention_bias=True,
                                                            mlp_bias=True, hidden_act='gelu', tie_word_embeddings=False,
                                                            rope_parameters={'rope_type': 'yarn', 'rope_theta': 10000.0,
                                                                             'factor': 4.0,
                                                                             'original_max_position_embeddings': 16}),
                        dict()),
    # Linear RoPE scaling (positions / factor), attention_bias (o_proj too), untied head.
    'qwen3-linear': (Qwen3ForCausalLM, Qwen3Config, dict(num_key_value_heads=2, head_dim=8, attention_bias=True,
                                                         tie_word_embeddings=False,
                                                         rope_parameters={'rope_type': 'linear', 'rope_theta': 1e6,
                                                                          'factor': 2.0}),
                     dict()),
    # Dynamic NTK RoPE (the default frequencies up to max_position_embeddings), a gated tanh GELU.
    'qwen2-dynamic': (Qwen2ForCausalLM, Qwen2Config, dict(num_key_value_heads=2, hidden_act='gelu_pytorch_tanh',
                                                          rope_parameters={'rope_type': 'dynamic', 'rope_theta': 1e4,
                                                                           'factor': 2.0}),
                      dict()),
    # GPT-2 as GPT2LMHeadModel saves it (Conv1D [in, out] weights, "transformer." names, tied head).
    'gpt2': (GPT2LMHeadModel, GPT2Config, dict(n_layer=2), dict()),
    # GPT-2 without the 1/sqrt(head_dim) score scale but with 1/(layer + 1) instead (scale_attn_by_inverse_layer_idx,
    # as Stanford CRFM's GPT-2s), exact GELU, n_inner, a wider epsilon, untied head.
    'gpt2-unscaled-by-layer': (GPT2LMHeadModel, GPT2Config,
                               dict(n_layer=3, scale_attn_weights=False, scale_attn_by_inverse_layer_idx=True,
                                    reorder_and_upcast_attn=True, activation_function='gelu', n_inner=40,
                                    layer_norm_epsilon=1e-3, tie_word_embeddings=False),
                               dict()),
}


def make(name, model_cls, config_cls, extra, save):
    torch.manual_seed(len(name))
    config = config_cls(**(GPT2_COMMON if config_cls is GPT2Config else COMMON), **extra)
    model = model_cls(config).eval()
    # Random (not the tiny init) norms and biases, so a missing piece changes the numbers.
    with torch.no_grad():
        for pname, p in model.named_parameters():
            if ('norm' in pname or '.ln_' in pname) and pname.endswith('weight'):
                p.copy_(1 + 0.3 * torch.randn_like(p))
            elif pname.endswith('.bias'):
                p.copy_(0.2 * torch.randn_like(p))
            else:
                p.copy_(0.15 * torch.randn_like(p))
    dtype = save.get('dtype')
    if dtype is not None:
        model = model.to(dtype)
    folder = os.path.join(OUT, name)
    shutil.rmtree(folder, ignore_errors=True)
    model.save_pretrained(folder, max_shard_size=save.get('max_shard_size', '10GB'))
    # Expected numbers: what transformers computes in float32 from the stored files (BF16 ones widened).
    model = model_cls.from_pretrained(folder, dtype=torch.float32, attn_implementation='eager').eval()
    with torch.no_grad():
        out = model(torch.tensor([IDS]), output_attentions=True)
    expected = {
        'ids': IDS,
        'logits': [[round(v, 7) for v in row] for row in out.logits[0].tolist()],
        'attentions': [[[[round(v, 8) for v in r] for r in head] for head in a[0].tolist()] for a in out.attentions],
    }
    with open(os.path.join(folder, 'expected.json'), 'w') as f:
        json.dump(expected, f, separators=(',', ':'))
    vocab = [chr(0x41 + i) if i < 26 else chr(0x61 + i - 26) if i < 52 else chr(0x30 + i - 52) for i in range(VOCAB)]
    with open(os.path.join(folder, 'char_vocab.json'), 'w') as f:
        json.dump({'type': 'char', 'tokens': vocab}, f)
    for junk in ('generation_config.json',):
        if os.path.exists(os.path.join(folder, junk)):
            os.remove(os.path.join(folder, junk))
    print(name, sorted(os.listdir(folder)))


if __name__ == '__main__':
    for fixture_name in sys.argv[1:] or FIXTURES:
        make(fixture_name, *FIXTURES[fixture_name])
