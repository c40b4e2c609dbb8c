"""A tiny verifiable task for GRPO tests and the benchmark: "a+b=" → the digit string of a + b, char tokens."""
from __future__ import annotations

import random

from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast

CHARS = list("0123456789+= ")


def char_tokenizer() -> PreTrainedTokenizerFast:
    vocab = {"<pad>": 0, "<eos>": 1, "<unk>": 2, **{c: i + 3 for i, c in enumerate(CHARS)}}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    tok.decoder = decoders.Fuse()
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="<eos>", unk_token="<unk>")


def addition_prompts(n: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        a, b = rng.randint(0, 49), rng.randint(0, 49)
        out.append({"prompt": f"{a}+{b}=", "answer": str(a + b)})
    return out


def addition_reward(completions, answer, **_):
    """1 for the right sum at the start, plus a small graded part (share of digits) so groups differ."""
    rewards = []
    for c, a in zip(completions, answer):
        text = c.strip()
        digits = sum(ch.isdigit() for ch in text) / max(1, len(text))
        rewards.append((1.0 if text.startswith(a) else 0.0) + 0.1 * digits)
    return rewards
