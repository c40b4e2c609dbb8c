#!/usr/bin/env python3
"""Writes the tiny random Llama / Qwen2 / Qwen3 checkpoints that the TypeScript tests compare against.

Each fixture folder under src/core/model/testing/fixtures/<name>/ holds what save_pretrained wrote
(config.json, safetensors — one file or shards with model.safetensors.index.json), a char_vocab.json so
the folder loads like any model, and expected.json: token ids, the eager forward's logits [N, V] and every
layer's attention [L, H, N, N]. Run from the repository root:  python3 scripts/make-family-fixtures.py
"""
import json
import os
import shutil

import torch
from transformers import (LlamaConfig, LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM, Qwen3Config,
                          Qwen3ForCausalLM)

OUT = os.path.join('src', 'core', 'model', 'testing', 'fixtures')
VOCAB = 64
IDS = [1, 17, 42, 5, 63, 0, 28, 9, 33, 12]

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
}


def make(name, model_cls, config_cls, extra, save):
    torch.manual_seed(len(name))
    config = config_cls(**COMMON, **extra)
    model = model_cls(config).eval()
    # Random (not the tiny init) norms and biases, so a missing piece changes the numbers.
    with torch.no_grad():
        for pname, p in model.named_parameters():
            if 'norm' in pname:
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
    for fixture_name, (m, c, e, s) in FIXTURES.items():
        make(fixture_name, m, c, e, s)
