"""The attention pass on a Hugging Face causal LM: one no-grad eager forward over a right-padded batch, with
forward hooks on the attention modules of the selected layers only. Each hook turns its layer's maps
[B, H, N, N] into per-head vectors [B, H, N] and lets the maps go, so the pass holds O(L·H·N) per sequence
plus the one layer the eager forward materializes anyway.
"""
from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import torch
from torch import nn

from .options import InputError, resolve_options
from .record import HeadCache
from .select import select_layers
from .vectors import check_attention, layer_vectors

# One layer's maps of a sub-batch may take at most this many bytes (float32) unless the caller says otherwise.
DEFAULT_MAX_LAYER_BYTES = 1 << 30


@dataclass
class PassResult:
    caches: list[HeadCache]
    entropy: list[list[float]] | None
    num_layers: int
    seconds: float = 0.0
    # sequence index -> {layer: maps [H, n, n] (float32, CPU)} for the sequences asked for in `keep_maps`
    maps: dict[int, dict[int, torch.Tensor]] = field(default_factory=dict)


def _text_config(model: nn.Module):
    cfg = model.config
    return cfg.get_text_config() if hasattr(cfg, "get_text_config") else cfg


def attention_modules(model: nn.Module) -> list[nn.Module]:
    """The attention module of every decoder layer, in order (Llama/Qwen/Mistral `self_attn`, GPT-2 `attn`)."""
    L = _text_config(model).num_hidden_layers
    for module in model.modules():
        if isinstance(module, nn.ModuleList) and len(module) == L:
            found = []
            for layer in module:
                attn = getattr(layer, "self_attn", None) or getattr(layer, "attn", None) or getattr(layer, "attention", None)
                if attn is None:
                    break
                found.append(attn)
            if len(found) == L:
                return found
    raise InputError(f"cannot find the {L} decoder layers' attention modules (self_attn / attn) of {type(model).__name__}", field="model")


@contextlib.contextmanager
def eager_attention(model: nn.Module, switch: bool = True):
    """Runs the block with eager attention (SDPA / flash kernels return no weights); restores the setting after."""
    before = getattr(model.config, "_attn_implementation", None)
    if before in (None, "eager"):
        yield
        return
    if not switch:
        raise InputError(f"the credit pass needs eager attention but the model uses {before!r}; "
                         "load it with attn_implementation='eager' or allow switching (switch_to_eager=True)", field="attn_implementation")
    try:
        model.set_attn_implementation("eager")
    except Exception as e:  # noqa: BLE001 - transformers raises ValueError/ImportError/NotImplementedError here
        raise InputError(f"{type(model).__name__} cannot switch to eager attention for the credit pass ({e})", field="attn_implementation") from None
    try:
        yield
    finally:
        model.set_attn_implementation(before)


def _entropy_rows(logits: torch.Tensor) -> torch.Tensor:
    """Entropy (nats) of softmax of each row of [..., V], float32."""
    x = logits.float()
    logz = torch.logsumexp(x, -1, keepdim=True)
    p = torch.exp(x - logz)
    return (logz.squeeze(-1) - (p * x).sum(-1))


def credit_pass(model: nn.Module, sequences: Sequence[Sequence[int]], prompt_lengths: Sequence[int], options: Mapping[str, Any] | None = None, *,
                entropy: bool = False, max_layer_bytes: int = DEFAULT_MAX_LAYER_BYTES, switch_to_eager: bool = True,
                keep_maps: Sequence[int] = (), pad_token_id: int = 0) -> PassResult:
    """Per-head vectors (and optionally predictive entropy) of every sequence = prompt ⊕ response ids."""
    t0 = time.perf_counter()
    opts = resolve_options(options)
    map_opts = {k: opts[k] for k in ("W", "H_lo", "H_hi", "sink")}
    cfg = _text_config(model)
    L = cfg.num_hidden_layers
    wanted = set(select_layers(L, opts["layers"]))
    if "heads" in opts:
        wanted |= {l for l, _ in [*opts["heads"]["local"], *opts["heads"]["global"]]}
    bad = [l for l in wanted if l >= L]
    if bad:
        raise InputError(f"pinned head layer {bad[0]} is out of range 0..{L - 1}", field="heads")
    modules = attention_modules(model)
    lengths = [len(s) for s in sequences]
    for i, (n, p) in enumerate(zip(lengths, prompt_lengths)):
        if not 0 <= p < n:
            raise InputError(f"sequence {i}: prompt_length {p} leaves no response tokens (length {n})", field="prompt_length")
    heads = cfg.num_attention_heads
    device = next(model.parameters()).device
    per_seq = lambda n: heads * n * n * 4  # noqa: E731 - bytes of one layer's float32 maps for one sequence
    too_long = [i for i, n in enumerate(lengths) if per_seq(n) > max_layer_bytes]
    if too_long:
        n = lengths[too_long[0]]
        raise InputError(f"sequence {too_long[0]} has {n} tokens: one layer's attention maps ({heads}·{n}² floats = {per_seq(n) / 2**20:.0f} MiB) "
                         f"exceed max_layer_bytes = {max_layer_bytes / 2**20:.0f} MiB; raise the budget or shorten the sequence", field="max_layer_bytes")

    caches: list[HeadCache | None] = [None] * len(sequences)
    entropies: list[list[float] | None] = [None] * len(sequences)
    kept: dict[int, dict[int, torch.Tensor]] = {}
    # Sub-batches of consecutive sequences whose padded maps fit the budget.
    batches, cur = [], []
    for i in range(len(sequences)):
        n_max = max([lengths[j] for j in cur] + [lengths[i]])
        if cur and (len(cur) + 1) * per_seq(n_max) > max_layer_bytes:
            batches.append(cur)
            cur = []
        cur.append(i)
    if cur:
        batches.append(cur)

    was_training = model.training
    model.eval()  # no attention dropout in the measurement
    try:
        with torch.no_grad(), eager_attention(model, switch_to_eager):
            for idx in batches:
                _run_batch(model, modules, sorted(wanted), idx, sequences, prompt_lengths, lengths, map_opts, entropy, keep_maps,
                           pad_token_id, device, caches, entropies, kept, heads)
    finally:
        model.train(was_training)
    return PassResult([c for c in caches if c is not None], entropies if entropy else None, L, time.perf_counter() - t0, kept)  # type: ignore[arg-type]


def _run_batch(model, modules, layers, idx, sequences, prompt_lengths, lengths, map_opts, want_entropy, keep_maps, pad_token_id, device,
               caches, entropies, kept, heads):
    B = len(idx)
    n_max = max(lengths[i] for i in idx)
    ids = torch.full((B, n_max), pad_token_id, dtype=torch.long, device=device)
    mask = torch.zeros((B, n_max), dtype=torch.long, device=device)
    for row, i in enumerate(idx):
        ids[row, : lengths[i]] = torch.as_tensor(list(sequences[i]), dtype=torch.long, device=device)
        mask[row, : lengths[i]] = 1
    p = torch.tensor([prompt_lengths[i] for i in idx], device=device)
    n = torch.tensor([lengths[i] for i in idx], device=device)
    vectors: dict[int, tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = {}
    keep_rows = [row for row, i in enumerate(idx) if i in keep_maps]

    def hook_for(layer: int):
        def hook(_module, _args, output):
            weights = output[1] if isinstance(output, tuple) and len(output) > 1 else None
            if weights is None:
                raise InputError(f"layer {layer}'s attention module returned no attention weights; the credit pass needs eager attention "
                                 "(attn_implementation='eager')", field="attn_implementation")
            if weights.shape[-1] != n_max or weights.dim() != 4:
                raise InputError(f"layer {layer} attention has shape {list(weights.shape)}, expected [B, H, {n_max}, {n_max}]", field=f"attn.L{layer}")
            tol = 1e-3 if weights.dtype == torch.float32 else 2e-2
            check_attention(weights, layer, n, tol=tol)
            vectors[layer] = layer_vectors(weights, p, n, **map_opts)
            for row in keep_rows:
                kept.setdefault(idx[row], {})[layer] = weights[row, :, : lengths[idx[row]], : lengths[idx[row]]].float().cpu()
        return hook

    handles = [modules[l].register_forward_hook(hook_for(l)) for l in layers]
    try:
        kwargs: dict[str, Any] = {"input_ids": ids, "attention_mask": mask, "use_cache": False}
        if not want_entropy:
            kwargs["logits_to_keep"] = 1  # the logits are not needed: skip most of the LM head
        try:
            out = model(**kwargs)
        except TypeError:
            kwargs.pop("logits_to_keep", None)
            out = model(**kwargs)
    finally:
        for h in handles:
            h.remove()
    missing = [l for l in layers if l not in vectors]
    if missing:
        raise InputError(f"no attention reached the hooks of layers {missing}", field="attention")
    for row, i in enumerate(idx):
        P, N = prompt_lengths[i], lengths[i]
        layer_data = {}
        for l in layers:
            span, waad, fai = vectors[l]
            layer_data[l] = (span[row].double().tolist(), waad[row, :, P:N].double().tolist(), fai[row, :, P:N].double().tolist())
        caches[i] = HeadCache(N, P, heads, dict(map_opts), layer_data)
        if want_entropy:
            logits = out.logits[row]
            ent = _entropy_rows(logits[max(P - 1, 0) : N - 1]).double().tolist()  # token t was drawn from row t − 1
            entropies[i] = ([0.0] + ent) if P == 0 else ent
    del out
