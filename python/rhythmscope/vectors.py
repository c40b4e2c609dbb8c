"""Per-head rhythm vectors of one layer from its attention maps, for a right-padded batch.

For maps A [B, H, N, N] (row t = query, column s = key; sequence b occupies the top-left n_b × n_b block,
its response is positions p_b..n_b−1):
    span[b, h]    = (1/|R|) Σ_{t∈R} Σ_s A[t][s]·(t−s)
    waad[b, h, t] = Σ_s A[t][s]·min(t−s, W)                  t ∈ R (0 elsewhere)
    fai[b, h, s]  = (1/|T(s)|) Σ_{t∈T(s)} A[t][s]             s ∈ R, 0 when T(s) is empty
with T(s) = {t : s + H_lo ≤ t ≤ min(n_b−1, s + H_hi)}. With `sink`, key 0 is dropped and each row is divided
by 1 − A[t][0] (a row with all its mass on key 0 becomes zeros). Only [B, H, N] vectors leave this function:
the products against [N, N] weights run over a few heads at a time, so the extra memory is a fraction of one
layer's maps.
"""
from __future__ import annotations

import torch

from .options import InputError


def _weights(N: int, W: float, H_lo: int, H_hi: float, sink: bool, device, dtype):
    t = torch.arange(N, device=device, dtype=dtype).unsqueeze(1)  # [N, 1]
    s = torch.arange(N, device=device, dtype=dtype).unsqueeze(0)  # [1, N]
    lag = t - s  # [N, N]; unclipped like the TypeScript engine (t·rowsum − Σ s·A), 0 mass above the diagonal anyway
    key_ok = (s >= (1 if sink else 0)).to(dtype)  # [1, N]
    win = lag.clamp(min=0, max=W) * key_ok  # [N, N]: min(t − s, W) for s ≤ t, key 0 dropped under sink
    band = ((lag >= H_lo) & (lag <= H_hi)).to(dtype) * key_ok  # [N, N]: t ∈ [s + H_lo, s + H_hi]
    return lag * key_ok, win, band


def layer_vectors(
    maps: torch.Tensor,
    prompt_lengths: torch.Tensor,
    seq_lengths: torch.Tensor,
    *,
    W: float,
    H_lo: int,
    H_hi: float,
    sink: bool,
    dtype: torch.dtype = torch.float32,
    head_chunk: int = 4,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """maps [B, H, N, N] -> span [B, H], waad [B, H, N], fai [B, H, N] in `dtype`."""
    if maps.dim() != 4 or maps.shape[-1] != maps.shape[-2]:
        raise InputError(f"attention maps must be [B, H, N, N], got {list(maps.shape)}", field="attention")
    B, H, N, _ = maps.shape
    dev = maps.device
    p = prompt_lengths.to(dev).view(B, 1)
    n = seq_lengths.to(dev).view(B, 1)
    pos = torch.arange(N, device=dev).view(1, N)
    response = ((pos >= p) & (pos < n)).to(dtype)  # [B, N]
    r_len = (n - p).to(dtype).view(B, 1)  # [B, 1]
    dist, win, band = _weights(N, W, H_lo, H_hi, sink, dev, dtype)
    # |T(s)| = min(n−1, s + H_hi) − (s + H_lo) + 1 for response keys (key 0 excluded under sink)
    s_pos = pos.to(dtype)
    count = torch.minimum(n.to(dtype) - 1, s_pos + H_hi) - (s_pos + H_lo) + 1  # [B, N]
    key_resp = (pos >= p) & (pos < n) & (pos >= (1 if sink else 0))
    inv_count = torch.where(key_resp & (count > 0), 1 / count.clamp(min=1), torch.zeros_like(count))  # [B, N]

    span = torch.empty(B, H, dtype=dtype, device=dev)
    waad = torch.empty(B, H, N, dtype=dtype, device=dev)
    fai = torch.empty(B, H, N, dtype=dtype, device=dev)
    for h0 in range(0, H, head_chunk):
        a = maps[:, h0 : h0 + head_chunk].to(dtype)  # [B, hc, N, N]
        if sink:
            denom = 1 - a[..., 0]  # [B, hc, N]
            scale = torch.where(denom > 0, 1 / denom.clamp(min=1e-30), torch.zeros_like(denom))
        else:
            scale = torch.ones(a.shape[:3], dtype=dtype, device=dev)
        scale = scale * response.unsqueeze(1)  # rows outside the response (and padding) count for nothing
        dist_rows = (a * dist).sum(-1) * scale  # [B, hc, N]
        span[:, h0 : h0 + head_chunk] = dist_rows.sum(-1) / r_len
        waad[:, h0 : h0 + head_chunk] = (a * win).sum(-1) * scale
        cols = torch.matmul(scale.unsqueeze(2), a * band).squeeze(2)  # [B, hc, 1, N] -> [B, hc, N]
        fai[:, h0 : h0 + head_chunk] = cols * inv_count.unsqueeze(1)
    return span, waad, fai


def check_attention(maps: torch.Tensor, layer: int, seq_lengths: torch.Tensor | None = None, tol: float = 1e-3,
                    where: str | None = None, causal: bool = False) -> None:
    """Non-finite values, rows that do not sum to 1, negative entries (and with `causal`, mass above the
    diagonal) raise InputError: never silent uniform credit. Rows past a sequence's length are padding."""
    name = f"attn.L{layer}"
    B, H, N, _ = maps.shape
    sums = maps.float().sum(-1)  # [B, H, N]; NaN/Inf anywhere in a row shows up here
    rows = torch.ones(B, 1, N, dtype=torch.bool, device=maps.device)
    if seq_lengths is not None:
        rows = torch.arange(N, device=maps.device).view(1, 1, N) < seq_lengths.to(maps.device).view(B, 1, 1)
    nonfinite = rows & ~torch.isfinite(sums)
    if bool(nonfinite.any()):
        b, h, t = (int(x) for x in nonfinite.nonzero()[0])
        raise InputError(f"{name} row {t} has non-finite attention (sequence {b}, head {h}); the credit pass refuses NaN/Inf "
                         "attention rather than fall back to uniform credit (check the model's dtype and inputs)", file=where, field=name)
    bad = rows & ((sums - 1).abs() > tol)
    if bool(bad.any()):
        b, h, t = (int(x) for x in bad.nonzero()[0])
        raise InputError(f"{name} row {t} sums to {sums[b, h, t].item():.4g}, expected 1 ± {tol} (sequence {b}, head {h})", file=where, field=name)
    if causal:
        if bool((maps < -tol).any()):
            raise InputError(f"{name} has a negative entry {maps.min().item()}", file=where, field=name)
        upper = (maps.abs() * torch.ones(N, N, device=maps.device, dtype=maps.dtype).triu(1)).sum(-1)  # [B, H, N]
        if bool((rows & (upper > tol)).any()):
            raise InputError(f"{name} has mass above the diagonal (causal attention has none; tolerance {tol})", file=where, field=name)
