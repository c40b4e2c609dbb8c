"""Selection rules: which layers, the local/global head split, top-q sets, median and argmax.

Tie-breaks are the project's documented ones and match src/core/rhythm/select.ts exactly: values within
TIE_REL_TOL × (largest |value| of the vector) count as equal, then the earlier position (or the lower
layer, head) wins. Sorting uses the same comparator as the TypeScript engine.
"""
from __future__ import annotations

import functools
from typing import Sequence

from .options import InputError, ceil_fraction

TIE_REL_TOL = 1e-6


def tie_tolerance(values: Sequence[float]) -> float:
    return TIE_REL_TOL * max((abs(v) for v in values), default=0.0)


def middle_third_layers(L: int) -> list[int]:
    """lo = ⌊L/3⌋, hi = ⌊2L/3⌋, layer_i = lo + ⌊(2·i·(hi−lo) + 4)/8⌋, i = 0..4, duplicates removed."""
    if not isinstance(L, int) or L < 1:
        raise InputError(f"number of layers must be an integer ≥ 1 (got {L})", field="num_layers")
    if L < 3:
        return list(range(L))
    lo, hi = L // 3, (2 * L) // 3
    if hi - lo + 1 <= 5:
        return list(range(lo, hi + 1))
    out: list[int] = []
    for i in range(5):
        layer = lo + (2 * i * (hi - lo) + 4) // 8
        if layer not in out:
            out.append(layer)
    return out


def select_layers(L: int, choice) -> list[int]:
    if choice == "middle-third":
        return middle_third_layers(L)
    if choice == "all":
        return list(range(L))
    for l in choice:
        if not isinstance(l, int) or l < 0 or l >= L:
            raise InputError(f"option layers: layer {l} is out of range 0..{L - 1}", field="layers")
    return sorted(set(choice))


def split_heads(spans: Sequence[tuple[int, int, float]], head_fraction: float):
    """spans: (layer, head, d). Sorted by (d, layer, head); the first n are local, the last n global."""
    tol = tie_tolerance([s[2] for s in spans])

    def cmp(a, b):
        if abs(a[2] - b[2]) > tol:
            return -1 if a[2] < b[2] else 1
        return (a[0] - b[0]) or (a[1] - b[1])

    ordered = sorted(spans, key=functools.cmp_to_key(cmp))
    n = ceil_fraction(head_fraction, len(ordered))
    local = [[s[0], s[1]] for s in ordered[:n]]
    glob = [[s[0], s[1]] for s in ordered[len(ordered) - n :]]
    return local, glob


def top_count_mask(values: Sequence[float], count: int) -> list[bool]:
    """The `count` largest values, ties (within tolerance) to the earlier index, as a mask."""
    tol = tie_tolerance(values)

    def cmp(a, b):
        va, vb = values[a], values[b]
        if abs(va - vb) > tol:
            return -1 if vb < va else 1
        return a - b

    idx = sorted(range(len(values)), key=functools.cmp_to_key(cmp))
    mask = [False] * len(values)
    for i in idx[: min(count, len(idx))]:
        mask[i] = True
    return mask


def top_q_mask(values: Sequence[float], q: float) -> list[bool]:
    return top_count_mask(values, ceil_fraction(q, len(values)))


def median(values: Sequence[float]) -> float:
    v = sorted(values)
    if not v:
        return float("nan")
    mid = len(v) >> 1
    return v[mid] if len(v) % 2 == 1 else (v[mid - 1] + v[mid]) / 2


def argmax_range(values: Sequence[float], start: int, end: int, tol: float) -> int:
    """Index of the largest value in [start, end] (inclusive), ties to the earlier index; -1 if empty."""
    best = -1
    for i in range(max(0, start), min(end, len(values) - 1) + 1):
        if best < 0 or values[i] > values[best] + tol:
            best = i
    return best
