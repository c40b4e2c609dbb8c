import os
import sys

import pytest
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
FIX = os.path.join(HERE, "fixtures")


@pytest.fixture(autouse=True)
def _few_threads():
    torch.set_num_threads(1)  # the CI machine is shared; tiny models gain nothing from more threads
    yield


def tiny_qwen3(seed: int = 0, attn: str = "eager", layers: int = 6, hidden: int = 32):
    """A random Qwen3: hidden 32 (about 40k parameters) for the method tests; hidden 96 with 4 layers (about 420k)
    for the trainer, the size of model the GRPO test is meant to exercise."""
    from transformers import Qwen3Config, Qwen3ForCausalLM

    torch.manual_seed(seed)
    cfg = Qwen3Config(vocab_size=96, hidden_size=hidden, intermediate_size=2 * hidden if hidden <= 32 else 256,
                      num_hidden_layers=layers, num_attention_heads=4, num_key_value_heads=2, head_dim=hidden // 4,
                      max_position_embeddings=256, tie_word_embeddings=True, attn_implementation=attn)
    return Qwen3ForCausalLM(cfg).eval()
