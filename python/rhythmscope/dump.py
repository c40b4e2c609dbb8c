"""Attention dumps (the workbench's format): a safetensors file with one `attn.L{l}` tensor [H, N, N] per
layer, optional `logits` [N, V], and string metadata `tokens` (JSON), `prompt_length`, optional `token_ids`
(JSON), `num_layers`, `model`. Read one layer at a time; written atomically (temporary file, then rename).
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from .options import InputError

LAYER_NAME = re.compile(r"^attn\.L(0|[1-9][0-9]*)$")
ROW_TOLERANCE = {torch.float32: 1e-3, torch.float16: 2e-2, torch.bfloat16: 2e-2}


@dataclass
class AttentionDump:
    path: str
    num_heads: int
    seq_len: int
    layer_indices: list[int]
    num_layers: int
    tokens: list[str]
    prompt_length: int
    token_ids: list[int] | None
    model: str | None
    has_logits: bool

    def layers(self) -> Iterator[tuple[int, torch.Tensor]]:
        """(layer, maps [H, N, N] float32) one layer at a time, each checked (finite, causal, rows sum to 1)."""
        from .vectors import check_attention

        with safe_open(self.path, framework="pt") as f:
            for l in self.layer_indices:
                t = f.get_tensor(f"attn.L{l}")
                tol = ROW_TOLERANCE.get(t.dtype, 1e-3)
                maps = t.to(torch.float32).unsqueeze(0)  # [1, H, N, N]
                check_attention(maps, l, tol=tol, where=self.path, causal=True)
                yield l, maps[0]

    def logits(self) -> torch.Tensor | None:
        if not self.has_logits:
            return None
        with safe_open(self.path, framework="pt") as f:
            x = f.get_tensor("logits").to(torch.float32)
        if x.dim() != 2 or x.shape[0] != self.seq_len:
            raise InputError(f"shape {list(x.shape)} must be [N, vocab] with N = {self.seq_len}", file=self.path, field="logits")
        if not bool(torch.isfinite(x).all()):
            row = int((~torch.isfinite(x)).nonzero()[0][0])
            raise InputError(f"row {row} has a non-finite value", file=self.path, field="logits")
        return x


def _json_field(md: Mapping[str, str], name: str, path: str) -> Any:
    if name not in md:
        return None
    try:
        return json.loads(md[name])
    except json.JSONDecodeError:
        raise InputError("metadata value is not valid JSON", file=path, field=name) from None


def _int_field(md: Mapping[str, str], name: str, path: str) -> int | None:
    if name not in md:
        return None
    if not re.fullmatch(r"\s*[0-9]+\s*", md[name]):
        raise InputError(f"must be a non-negative integer string, got {md[name]!r}", file=path, field=name)
    return int(md[name])


def read_dump(path: str) -> AttentionDump:
    """Header and metadata of a dump, validated; the maps are read later, one layer at a time."""
    if not os.path.isfile(path):
        raise InputError("no such file", file=path)
    try:
        f = safe_open(path, framework="pt")
    except Exception as e:  # noqa: BLE001 - the library raises several kinds for a bad header
        raise InputError(f"not a safetensors file ({e})", file=path) from None
    with f:
        md = f.metadata() or {}
        names = list(f.keys())
        shapes = {n: list(f.get_slice(n).get_shape()) for n in names}
    layers = []
    for n in names:
        m = LAYER_NAME.match(n)
        if m:
            layers.append(int(m.group(1)))
        elif n.startswith("attn."):
            raise InputError("attention tensors must be named attn.L{layer}, e.g. attn.L0", file=path, field=n)
    if not layers:
        raise InputError("no attention tensors (attn.L0, attn.L1, …) in the file", file=path)
    layers.sort()
    first = shapes[f"attn.L{layers[0]}"]
    for l in layers:
        s = shapes[f"attn.L{l}"]
        if len(s) != 3 or s[1] != s[2] or s[0] < 1 or s[1] < 1:
            raise InputError(f"shape {s} must be [heads, N, N]", file=path, field=f"attn.L{l}")
        if s[:2] != first[:2]:
            raise InputError(f"shape {s} differs from attn.L{layers[0]} {first}", file=path, field=f"attn.L{l}")
    H, N = first[0], first[1]
    tokens = _json_field(md, "tokens", path)
    if tokens is None:
        raise InputError("missing metadata (JSON array of N token strings)", file=path, field="tokens")
    if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
        raise InputError("must be a JSON array of strings", file=path, field="tokens")
    if len(tokens) != N:
        raise InputError(f"has {len(tokens)} entries, attention has N = {N}", file=path, field="tokens")
    p = _int_field(md, "prompt_length", path)
    if p is None:
        raise InputError("missing metadata (integer string)", file=path, field="prompt_length")
    if p >= N:
        raise InputError(f"{p} leaves no response tokens (N = {N}; need 0 <= prompt_length < N)", file=path, field="prompt_length")
    ids = _json_field(md, "token_ids", path)
    if ids is not None:
        if not isinstance(ids, list) or not all(isinstance(t, int) and not isinstance(t, bool) and t >= 0 for t in ids):
            raise InputError("must be a JSON array of non-negative integers", file=path, field="token_ids")
        if len(ids) != N:
            raise InputError(f"has {len(ids)} entries, attention has N = {N}", file=path, field="token_ids")
    declared = _int_field(md, "num_layers", path)
    if declared is not None and declared <= layers[-1]:
        raise InputError(f"{declared} but the file has attn.L{layers[-1]}", file=path, field="num_layers")
    num_layers = declared if declared is not None else max(len(layers), layers[-1] + 1)
    return AttentionDump(path, H, N, layers, num_layers, tokens, p, ids, md.get("model"), "logits" in shapes)


def write_dump(path: str, layers: Mapping[int, torch.Tensor], tokens: list[str], prompt_length: int, *,
               token_ids: list[int] | None = None, num_layers: int | None = None, model: str | None = None,
               logits: torch.Tensor | None = None) -> None:
    """Writes a dump atomically: maps [H, N, N] per layer (stored as float32)."""
    md = {"tokens": json.dumps(tokens, ensure_ascii=False), "prompt_length": str(prompt_length)}
    if token_ids is not None:
        md["token_ids"] = json.dumps([int(x) for x in token_ids])
    if num_layers is not None:
        md["num_layers"] = str(num_layers)
    if model:
        md["model"] = model
    tensors = {f"attn.L{l}": m.detach().to(torch.float32).contiguous().cpu() for l, m in layers.items()}
    if logits is not None:
        tensors["logits"] = logits.detach().to(torch.float32).contiguous().cpu()
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".safetensors", dir=folder)
    os.close(fd)
    try:
        save_file(tensors, tmp, metadata=md)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; a dump is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
