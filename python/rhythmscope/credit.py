"""Attention-rhythm credit: the public API.

- `analyze_dump(path, **options)`: the analysis record of an attention dump, field for field what
  `rhythmscope analyze --attention` writes for it.
- `analyze_sequences(model, sequences, prompt_lengths, **options)`: records from a model's eager attention,
  streamed layer by layer through forward hooks (see stream.py).
- `completion_gammas(...)`: γ per completion token for a padded GRPO batch (what the TRL trainer uses).
- The building blocks: roles, γ for every strategy, GRPO advantages, shaped advantages (record.py).
"""
from __future__ import annotations

import json
import math
from typing import Any, Mapping, Sequence

import torch

from .dump import AttentionDump, read_dump, write_dump
from .options import DEFAULT_OPTIONS, InputError, resolve_options
from .record import (
    STRATEGIES,
    HeadCache,
    analyze_cache,
    apply_group,
    credit_gammas,
    grpo_advantages,
    random_mask,
    rhythm_roles,
    shape_advantage,
)
from .stream import DEFAULT_MAX_LAYER_BYTES, PassResult, attention_modules, credit_pass
from .vectors import layer_vectors

__all__ = [
    "DEFAULT_OPTIONS", "STRATEGIES", "AttentionDump", "HeadCache", "InputError", "PassResult", "analyze_cache", "analyze_dump",
    "analyze_sequences", "apply_group", "attention_modules", "completion_gammas", "credit_gammas", "credit_pass", "grpo_advantages",
    "random_mask", "read_dump", "resolve_options", "rhythm_roles", "shape_advantage", "to_json", "write_dump",
]

# Strategies a trainer can apply: the γ strategies plus HICRA-style additive shaping.
TRAIN_STRATEGIES = ("uniform", "local_chunk", "global_anchor", "coupled", "random", "high_entropy", "hicra")


def _entropy_from_logits(logits: torch.Tensor, prompt_length: int) -> list[float]:
    """Entropy (nats, float64) of each response token's predictive distribution: token t from row t − 1."""
    x = logits.double()
    logz = torch.logsumexp(x, -1)
    h = (logz - (torch.softmax(x, -1) * x).sum(-1)).tolist()  # [N]
    return [0.0 if t == 0 else h[t - 1] for t in range(prompt_length, logits.shape[0])]


def analyze_dump(path: str, **options: Any) -> dict[str, Any]:
    """The record `rhythmscope analyze --attention PATH` writes (one JSON object), computed in float64."""
    opts = resolve_options(options)
    dump = read_dump(path)
    map_opts = {k: opts[k] for k in ("W", "H_lo", "H_hi", "sink")}
    cache = HeadCache(dump.seq_len, dump.prompt_length, dump.num_heads, map_opts)
    p, n = torch.tensor([dump.prompt_length]), torch.tensor([dump.seq_len])
    P, N = dump.prompt_length, dump.seq_len
    for l, maps in dump.layers():
        span, waad, fai = layer_vectors(maps.unsqueeze(0), p, n, **map_opts, dtype=torch.float64)
        cache.layers[l] = (span[0].tolist(), waad[0, :, P:N].tolist(), fai[0, :, P:N].tolist())
    logits = dump.logits()
    entropy = _entropy_from_logits(logits, P) if logits is not None else None
    try:
        return analyze_cache(cache, dump.tokens, token_ids=dump.token_ids, num_layers=dump.num_layers, entropy=entropy,
                             model=dump.model, options=options)
    except InputError as e:
        if e.file is None:
            raise InputError(str(e).split(": ", 1)[-1], file=path, field=e.field) from None
        raise


def analyze_sequences(model, sequences: Sequence[Sequence[int]], prompt_lengths: Sequence[int], *, tokens: Sequence[Sequence[str]] | None = None,
                      max_layer_bytes: int = DEFAULT_MAX_LAYER_BYTES, **options: Any) -> list[dict[str, Any]]:
    """Records for prompt ⊕ response id sequences from one streamed eager pass (entropy from the same logits)."""
    res = credit_pass(model, sequences, prompt_lengths, options, entropy=True, max_layer_bytes=max_layer_bytes)
    out = []
    for i, cache in enumerate(res.caches):
        toks = list(tokens[i]) if tokens is not None else [str(t) for t in sequences[i]]
        out.append(analyze_cache(cache, toks, token_ids=list(sequences[i]), num_layers=res.num_layers, entropy=res.entropy[i] if res.entropy else None,
                                 options=options))
    return out


def completion_gammas(model, prompt_ids: torch.Tensor, prompt_mask: torch.Tensor, completion_ids: torch.Tensor, completion_mask: torch.Tensor,
                      strategy: str, options: Mapping[str, Any] | None = None, *, seeds: Sequence[int] | None = None,
                      keep_maps: Sequence[int] = (), max_layer_bytes: int = DEFAULT_MAX_LAYER_BYTES, switch_to_eager: bool = True,
                      pad_token_id: int = 0) -> tuple[torch.Tensor, list[dict[str, Any]], PassResult]:
    """γ [B, C] for a GRPO batch (prompts left-padded, completions right-padded, as TRL builds them).

    Each row's real prompt and completion tokens are packed into one unpadded sequence for the pass, so
    positions and distances are the sequence's own. Padding and masked-out completions get γ = 1. For
    'hicra' the returned tensor holds the anchor mask (0/1); the caller applies Â + c·|Â| there.
    """
    if strategy not in TRAIN_STRATEGIES:
        raise InputError(f"unknown credit strategy {strategy!r} (known: {', '.join(TRAIN_STRATEGIES)})", field="credit_strategy")
    opts = resolve_options(options)
    B, C = completion_ids.shape
    gamma = torch.ones(B, C, dtype=torch.float32, device=completion_ids.device)
    sequences, prompt_lengths, rows, cols = [], [], [], []
    for b in range(B):
        prompt = prompt_ids[b][prompt_mask[b].bool()].tolist()
        keep = completion_mask[b].bool()
        if not bool(keep.any()):
            continue  # a fully masked completion takes no part in the loss
        comp = completion_ids[b][keep].tolist()
        sequences.append(prompt + comp)
        prompt_lengths.append(len(prompt))
        rows.append(b)
        cols.append(keep.nonzero().squeeze(1))
    records: list[dict[str, Any]] = []
    if strategy == "uniform" and not keep_maps:
        return gamma, records, PassResult([], None, 0)
    res = credit_pass(model, sequences, prompt_lengths, opts, entropy=strategy == "high_entropy", max_layer_bytes=max_layer_bytes,
                      switch_to_eager=switch_to_eager, keep_maps=[rows.index(b) for b in keep_maps if b in rows], pad_token_id=pad_token_id)
    for j, cache in enumerate(res.caches):
        seq_opts = dict(opts)
        if seeds is not None:
            seq_opts["seed"] = int(seeds[rows[j]])
        rec = analyze_cache(cache, [""] * cache.seq_len, token_ids=sequences[j], num_layers=res.num_layers,
                            entropy=res.entropy[j] if res.entropy else None, options=seq_opts)
        records.append(rec)
        values = [1.0 if a else 0.0 for a in rec["anchor"]] if strategy == "hicra" else rec["gamma"][strategy]
        gamma[rows[j], cols[j]] = torch.tensor(values, dtype=torch.float32, device=gamma.device)
    if strategy == "hicra":
        mask = torch.zeros_like(gamma)
        for j, b in enumerate(rows):
            mask[b, cols[j]] = gamma[b, cols[j]]
        gamma = mask
    return gamma, records, res


def to_json(record: Any) -> str:
    """JSON as the TypeScript writer spells it: non-finite numbers become strings ("Infinity")."""
    def fix(v):
        if isinstance(v, float) and not math.isfinite(v):
            return "Infinity" if v > 0 else "-Infinity" if v < 0 else "NaN"
        if isinstance(v, dict):
            return {k: fix(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [fix(x) for x in v]
        return v
    return json.dumps(fix(record), ensure_ascii=False, separators=(",", ":"))
