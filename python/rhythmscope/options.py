"""Rhythm options: every choice the method leaves open is a named option with a default.

Names and validation follow the TypeScript engine (src/core/rhythm/options.ts) so a record's ``options``
object can be fed straight back in, in either language.
"""
from __future__ import annotations

import math
from typing import Any, Mapping


class InputError(ValueError):
    """Bad input (a file, a field, an option): the message names where the problem is."""

    def __init__(self, message: str, *, file: str | None = None, field: str | None = None, line: int | None = None):
        parts = []
        if file:
            parts.append(f"{file}:{line}" if line is not None else file)
        elif line is not None:
            parts.append(f"line {line}")
        if field:
            parts.append(f'field "{field}"')
        super().__init__(f"{', '.join(parts)}: {message}" if parts else message)
        self.file, self.field, self.line = file, field, line


DEFAULT_OPTIONS: dict[str, Any] = {
    "layers": "middle-third",  # 'middle-third' | 'all' | list of layer indices
    "headFraction": 0.3,  # n = ⌈headFraction·M⌉ local and global heads
    "W": 10,  # WAAD window
    "H_lo": 10,  # FAI horizon start
    "H_hi": 100,  # FAI horizon end (math.inf = to the end)
    "sink": False,  # exclude key 0 and renormalize rows
    "q": 0.4,  # top-q fraction for preplan / anchor / random / high-entropy sets
    "k": 3,  # look-back for dominated anchors
    "tau_waad": "median",  # or a number
    "tau_delta": "min-preplan",  # or a number
    "alpha": 0.5,  # coupled: share moved from a dominated anchor to its intro token
    "gamma_amp": 1.5,  # boost factor
    "seed": 0,  # seed of the random control (mulberry32)
    "hicraCoef": 0.2,  # HICRA-style Â + c·|Â| on anchors
    "advantageStd": "population",  # GRPO std: 'population' (ddof 0) or 'sample' (ddof 1)
    "faiHeads": "global",  # heads whose mean FAI is the record's `fai`: 'global' (paper) or 'receiver'
}

MAP_OPTIONS = ("W", "H_lo", "H_hi", "sink")


def ceil_fraction(fraction: float, n: int) -> int:
    """⌈fraction·n⌉ as a mathematical ceiling: 0.3·10 = 3.0000000000000004 gives 3, not 4."""
    x = fraction * n
    nearest = math.floor(x + 0.5)  # JavaScript's Math.round (half up), not Python's banker's round
    if abs(x - nearest) <= 1e-9 * max(1.0, abs(x)):
        return int(nearest)
    return math.ceil(x)


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and float(v).is_integer()


def _num(o: Mapping[str, Any], name: str, ok, rng: str, integer: bool = False) -> float:
    v = o[name]
    if not isinstance(v, (int, float)) or isinstance(v, bool) or math.isnan(v) or not ok(v) or (integer and not _is_int(v)):
        raise InputError(f"option {name} must be {'an integer ' if integer else ''}{rng} (got {v!r})", field=name)
    return int(v) if integer else v


def _head_list(v: Any, name: str) -> list[list[int]]:
    if not isinstance(v, (list, tuple)) or len(v) == 0:
        raise InputError(f"option {name} must be a non-empty list of [layer, head] pairs", field=name)
    out = []
    for p in v:
        if not isinstance(p, (list, tuple)) or len(p) != 2 or not all(_is_int(x) and x >= 0 for x in p):
            raise InputError(f"option {name} must hold [layer, head] pairs of non-negative integers (got {p!r})", field=name)
        out.append([int(p[0]), int(p[1])])
    return out


def _h_hi(v: Any) -> Any:
    if v is None or v in ("Infinity", "inf", "∞"):
        return math.inf
    return v


def resolve_options(partial: Mapping[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    """Defaults + validation; unknown names and out-of-range values raise InputError naming the option."""
    given = {**(partial or {}), **kwargs}
    known = set(DEFAULT_OPTIONS) | {"heads"}
    for key in given:
        if key not in known:
            raise InputError(f'unknown rhythm option "{key}" (known: {", ".join(sorted(known))})', field=key)
    o = dict(DEFAULT_OPTIONS)
    o.update({k: v for k, v in given.items() if v is not None})  # None means "use the default"
    o["H_hi"] = _h_hi(o["H_hi"])

    layers = o["layers"]
    if layers not in ("middle-third", "all"):
        if isinstance(layers, (list, tuple)) and layers and all(_is_int(x) and x >= 0 for x in layers):
            layers = sorted({int(x) for x in layers})
        else:
            raise InputError(f"option layers must be 'middle-third', 'all' or a non-empty list of layer indices ≥ 0 (got {layers!r})", field="layers")

    H_lo = _num(o, "H_lo", lambda v: v >= 0 and math.isfinite(v), "≥ 0", True)
    H_hi = _num(o, "H_hi", lambda v: v >= 0 and (v == math.inf or float(v).is_integer()), "an integer ≥ 0 or Infinity")
    if H_hi != math.inf:
        H_hi = int(H_hi)
    if H_lo > H_hi:
        raise InputError(f"option H_lo ({H_lo}) must be ≤ H_hi ({H_hi})", field="H_lo")

    tau_waad = "median" if o["tau_waad"] == "median" else _num(o, "tau_waad", math.isfinite, "'median' or a finite number")
    tau_delta = "min-preplan" if o["tau_delta"] == "min-preplan" else _num(o, "tau_delta", math.isfinite, "'min-preplan' or a finite number")
    if not isinstance(o["sink"], bool):
        raise InputError(f"option sink must be true or false (got {o['sink']!r})", field="sink")
    if o["advantageStd"] not in ("population", "sample"):
        raise InputError(f"option advantageStd must be 'population' or 'sample' (got {o['advantageStd']!r})", field="advantageStd")

    if o["faiHeads"] not in ("global", "receiver"):
        raise InputError(f"option faiHeads must be 'global' or 'receiver' (got {o['faiHeads']!r})", field="faiHeads")

    out: dict[str, Any] = {
        "layers": layers,
        "headFraction": _num(o, "headFraction", lambda v: 0 < v <= 1, "in (0, 1]"),
        "W": _num(o, "W", lambda v: v >= 1 and math.isfinite(v), "≥ 1 (finite)"),
        "H_lo": H_lo,
        "H_hi": H_hi,
        "sink": o["sink"],
        "q": _num(o, "q", lambda v: 0 < v <= 1, "in (0, 1]"),
        "k": _num(o, "k", lambda v: v >= 1 and math.isfinite(v), "≥ 1", True),
        "tau_waad": tau_waad,
        "tau_delta": tau_delta,
        "alpha": _num(o, "alpha", lambda v: 0 <= v <= 1, "in [0, 1]"),
        "gamma_amp": _num(o, "gamma_amp", lambda v: v >= 1 and math.isfinite(v), "≥ 1 (finite)"),
        "seed": _num(o, "seed", math.isfinite, "a finite integer", True),
        "hicraCoef": _num(o, "hicraCoef", lambda v: v >= 0 and math.isfinite(v), "≥ 0 (finite)"),
        "advantageStd": o["advantageStd"],
        "faiHeads": o["faiHeads"],
    }
    heads = o.get("heads")
    if heads is not None:
        if not isinstance(heads, Mapping):
            raise InputError("option heads must be {local: [[l,h],…], global: [[l,h],…]}", field="heads")
        out["heads"] = {"local": _head_list(heads.get("local"), "heads.local"), "global": _head_list(heads.get("global"), "heads.global")}
    return out


def record_options(o: Mapping[str, Any]) -> dict[str, Any]:
    """Options as a record writes them: an infinite H_hi becomes the string "Infinity"."""
    return {**o, "H_hi": "Infinity" if o["H_hi"] == math.inf else o["H_hi"]}


def mulberry32(seed: int):
    """The project's seeded PRNG (same stream as src/core/random.ts): floats in [0, 1)."""
    a = int(seed) & 0xFFFFFFFF

    def nxt() -> float:
        nonlocal a
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = a
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t = (t ^ ((t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return nxt
