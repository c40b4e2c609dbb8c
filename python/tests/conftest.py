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


def tiny_qwen3(seed: int = 0, attn: str = "eager", layers: int = 6):
    from transformers import Qwen3Config, Qwen3ForCausalLM

    torch.manual_seed(seed)
    cfg = Qwen3Config(vocab_size=96, hidden_size=32, intermediate_size=64, num_hidden_layers=layers, num_attention_heads=4,
                      num_key_value_heads=2, head_dim=8, max_position_embeddings=256, tie_word_embeddings=True, attn_implementation=attn)
    return Qwen3ForCausalLM(cfg).eval()
