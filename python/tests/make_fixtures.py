"""Regenerates the cross-language fixtures in python/tests/fixtures/.

    python python/tests/make_fixtures.py          (from the repository root; needs node_modules for the TS side)

1. Attention dumps: random causal attention (a few shapes, F32 and F16, with and without logits) and a tiny
   random Qwen3 (transformers' Qwen3ForCausalLM, eager attention) run on random ids.
2. For every case (dump × option set): the TypeScript record from `rhythmscope analyze --attention` into
   fixtures/ts/<case>.jsonl and the Python record from rhythmscope.credit.analyze_dump into fixtures/py/<case>.json.
   pytest compares Python against ts/; src/core/rhythm/python-equality.test.ts compares TypeScript against py/.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "fixtures")
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, ".."))

from rhythmscope.credit import analyze_dump, apply_group, to_json, write_dump  # noqa: E402

GROUP_REWARDS = [1.0, 0.0, 0.25]

# Option sets: python keyword options and the equivalent CLI flags.
OPTION_SETS = {
    "default": ({}, []),
    "wide": ({"H_hi": "Infinity", "sink": True, "layers": "all", "q": 0.3, "W": 4, "faiHeads": "receiver"},
             ["--h-hi", "inf", "--sink", "--layers", "all", "--q", "0.3", "--window", "4", "--fai-heads", "receiver"]),
    "pinned": ({"heads": {"local": [[1, 0], [2, 1]], "global": [[2, 3]]}, "alpha": 0.25, "gamma_amp": 2, "seed": 7, "k": 2, "H_lo": 3, "H_hi": 20},
               ["--heads", '{"local":[[1,0],[2,1]],"global":[[2,3]]}', "--alpha", "0.25", "--gamma-amp", "2", "--seed", "7", "--k", "2", "--h-lo", "3", "--h-hi", "20"]),
}


def random_attention(L: int, H: int, N: int, gen: torch.Generator, sharpness: float = 3.0) -> dict[int, torch.Tensor]:
    """Causal row-stochastic maps with a mix of local and long-range heads."""
    out = {}
    t = torch.arange(N).view(N, 1)
    s = torch.arange(N).view(1, N)
    for l in range(L):
        logits = torch.randn(H, N, N, generator=gen) * sharpness
        bias = torch.linspace(-0.6, 0.1, H).view(H, 1, 1) * (t - s).clamp(min=0)  # heads differ in span
        logits = logits + bias
        logits = logits.masked_fill(s > t, float("-inf"))
        out[l] = torch.softmax(logits, -1)
    return out


def tiny_qwen3(seed: int = 0):
    from transformers import Qwen3Config, Qwen3ForCausalLM

    torch.manual_seed(seed)
    cfg = Qwen3Config(vocab_size=96, hidden_size=32, intermediate_size=64, num_hidden_layers=6, num_attention_heads=4, num_key_value_heads=2,
                      head_dim=8, max_position_embeddings=128, tie_word_embeddings=True, attn_implementation="eager")
    return Qwen3ForCausalLM(cfg).eval()


def make_dumps() -> list[str]:
    gen = torch.Generator().manual_seed(1234)
    names = []
    for name, (L, H, N, p, dtype, logits_v) in {
        "random-a": (6, 4, 48, 14, torch.float32, 0),
        "random-b": (3, 4, 30, 0, torch.float16, 0),
        "random-c": (4, 4, 40, 9, torch.float32, 24),
    }.items():
        maps = random_attention(L, H, N, gen)
        maps = {l: m.to(dtype) for l, m in maps.items()}
        logits = torch.randn(N, logits_v, generator=gen) * 2 if logits_v else None
        tokens = [f"tok{i} " if i % 5 else f"<{i}>" for i in range(N)]
        path = os.path.join(FIX, f"{name}.safetensors")
        _write_raw(path, maps, tokens, p, list(range(N)), L, f"random {name}", logits)
        names.append(name)
    model = tiny_qwen3()
    ids = torch.randint(0, 96, (1, 44), generator=gen)
    with torch.no_grad():
        out = model(input_ids=ids, output_attentions=True)
    maps = {l: a[0] for l, a in enumerate(out.attentions)}
    write_dump(os.path.join(FIX, "qwen3-tiny.safetensors"), maps, [f"t{i}" for i in ids[0].tolist()], 16, token_ids=ids[0].tolist(),
               num_layers=6, model="qwen3-tiny-random", logits=out.logits[0])
    with open(os.path.join(FIX, "qwen3-tiny-ids.json"), "w") as f:
        json.dump({"ids": ids[0].tolist(), "prompt_length": 16}, f)
    names.append("qwen3-tiny")
    return names


def _write_raw(path, maps, tokens, p, ids, L, model, logits):
    """Like write_dump but keeps the maps' dtype (F16 exercises the half-float reader on both sides)."""
    from safetensors.torch import save_file

    md = {"tokens": json.dumps(tokens), "prompt_length": str(p), "token_ids": json.dumps(ids), "num_layers": str(L), "model": model}
    tensors = {f"attn.L{l}": m.contiguous() for l, m in maps.items()}
    if logits is not None:
        tensors["logits"] = logits.to(torch.float32).contiguous()
    save_file(tensors, path, metadata=md)


def main() -> None:
    os.makedirs(os.path.join(FIX, "ts"), exist_ok=True)
    os.makedirs(os.path.join(FIX, "py"), exist_ok=True)
    cases = []
    for dump in make_dumps():
        for opt_name, (opts, flags) in OPTION_SETS.items():
            if opt_name == "pinned" and dump == "random-b":
                continue  # keeps the fixture set small
            case = f"{dump}--{opt_name}"
            dump_path = os.path.join(FIX, f"{dump}.safetensors")
            ts_out = os.path.join(FIX, "ts", f"{case}.jsonl")
            subprocess.run(["npx", "tsx", "src/cli/main.ts", "analyze", "--backend", "cpu", "--attention", dump_path, "--out", ts_out, *flags],
                           cwd=ROOT, check=True)
            rec = analyze_dump(dump_path, **opts)
            with open(os.path.join(FIX, "py", f"{case}.json"), "w") as f:
                f.write(to_json(rec) + "\n")
            cases.append({"case": case, "dump": f"{dump}.safetensors", "options": opts, "flags": flags})
    # A GRPO group: the three option sets of random-a as three responses with rewards.
    group = [analyze_dump(os.path.join(FIX, "random-a.safetensors"), **OPTION_SETS[o][0]) for o in ("default", "wide", "pinned")]
    with open(os.path.join(FIX, "py", "group.json"), "w") as f:
        f.write(to_json({"rewards": GROUP_REWARDS, "records": apply_group(group, GROUP_REWARDS)}) + "\n")
    with open(os.path.join(FIX, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    print(f"{len(cases)} cases written to {FIX}")


if __name__ == "__main__":
    main()
