"""Field-by-field comparison of two analysis records (Python vs TypeScript)."""
from __future__ import annotations

import math
from typing import Any

GAMMA_TOL = 1e-6
METRIC_TOL = 2e-4


def _num(x: Any) -> float:
    if x == "Infinity":
        return math.inf
    return float(x)


def close(a: Any, b: Any, tol: float) -> bool:
    a, b = _num(a), _num(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def compare_records(py: dict, ts: dict) -> list[str]:
    """Differences (empty when equal): exact for structure and roles, 1e-6 for γ and advantages, 2e-4 for metrics."""
    diffs: list[str] = []

    def eq(name: str):
        if py.get(name) != ts.get(name):
            diffs.append(f"{name}: {py.get(name)!r} != {ts.get(name)!r}")

    def vec(name: str, a, b, tol: float):
        if a is None or b is None or len(a) != len(b):
            if a != b:
                diffs.append(f"{name}: {a!r} vs {b!r}")
            return
        for i, (x, y) in enumerate(zip(a, b)):
            if not close(x, y, tol):
                diffs.append(f"{name}[{i}]: {x} != {y}")
                return

    for name in ("prompt_length", "tokens", "token_ids", "layers", "preplan", "anchor", "dominated", "intro", "num_layers", "num_heads", "model"):
        eq(name)
    for name in ("local", "global", "receiver"):
        if py["heads"][name] != ts["heads"][name]:
            diffs.append(f"heads.{name}: {py['heads'][name]} != {ts['heads'][name]}")
    if [s[:2] for s in py["heads"]["span"]] != [s[:2] for s in ts["heads"]["span"]]:
        diffs.append("heads.span: different heads")
    vec("heads.span", [s[2] for s in py["heads"]["span"]], [s[2] for s in ts["heads"]["span"]], METRIC_TOL)
    pk, tk = py["heads"].get("kurtosis"), ts["heads"].get("kurtosis")
    if (pk is None) != (tk is None) or (pk and [k[:2] for k in pk] != [k[:2] for k in tk]):
        diffs.append("heads.kurtosis: different heads")
    elif pk:
        for a, b in zip(pk, tk):
            if (a[2] is None) != (b[2] is None) or (a[2] is not None and not close(a[2], b[2], METRIC_TOL)):
                diffs.append(f"heads.kurtosis {a} != {b}")
                break
    for name in ("waad", "fai", "fai_receiver", "fai_global", "delta", "entropy"):
        vec(name, py.get(name), ts.get(name), METRIC_TOL)
    for name in ("tau_waad", "tau_delta"):
        if not close(py[name], ts[name], METRIC_TOL):
            diffs.append(f"{name}: {py[name]} != {ts[name]}")
    if set(py["gamma"]) != set(ts["gamma"]):
        diffs.append(f"gamma strategies: {sorted(py['gamma'])} != {sorted(ts['gamma'])}")
    for s in set(py["gamma"]) & set(ts["gamma"]):
        vec(f"gamma.{s}", py["gamma"][s], ts["gamma"][s], GAMMA_TOL)
    po, to = dict(py["options"]), dict(ts["options"])
    if po != to:
        diffs.append(f"options: {po} != {to}")
    for key in ("k", "anchors", "anchors_near_preplan"):
        if py["linkage"].get(key) != ts["linkage"].get(key):
            diffs.append(f"linkage.{key}: {py['linkage'].get(key)} != {ts['linkage'].get(key)}")
    if "advantage" in py or "advantage" in ts:
        if not close(py.get("advantage"), ts.get("advantage"), GAMMA_TOL):
            diffs.append(f"advantage: {py.get('advantage')} != {ts.get('advantage')}")
        for s in set(py.get("shaped_advantage", {})) | set(ts.get("shaped_advantage", {})):
            vec(f"shaped_advantage.{s}", py["shaped_advantage"].get(s), ts["shaped_advantage"].get(s), GAMMA_TOL)
    return diffs
