"""From per-head vectors to the analysis record: head split, WAAD/FAI as head means, Δ, token roles, γ for
every strategy, GRPO advantages and shaped advantages. Field names are the project's record format and the
arithmetic mirrors src/core/rhythm/{metrics,credit,record}.ts, so both engines give the same record.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from .options import MAP_OPTIONS, InputError, ceil_fraction, mulberry32, record_options, resolve_options
from .select import argmax_range, median, select_layers, split_heads, tie_tolerance, top_q_mask

STRATEGIES = ("uniform", "local_chunk", "global_anchor", "coupled", "random", "high_entropy")


@dataclass
class HeadCache:
    """Everything the analysis needs from one sequence's maps; W, H_lo, H_hi, sink are baked in."""

    seq_len: int
    prompt_length: int
    num_heads: int
    map_options: dict[str, Any]
    # layer -> (span [H], waad [H][|R|], fai [H][|R|]) as Python floats
    layers: dict[int, tuple[list[float], list[list[float]], list[list[float]]]] = field(default_factory=dict)


def select_heads(cache: HeadCache, num_layers: int, opts: Mapping[str, Any]):
    layers = select_layers(num_layers, opts["layers"])
    spans = []
    for l in layers:
        if l not in cache.layers:
            have = ", ".join(str(x) for x in sorted(cache.layers)) or "none"
            raise InputError(f"layer {l} is selected but its attention is missing (have {have})", field=f"attn.L{l}")
        span = cache.layers[l][0]
        spans.extend((l, h, span[h]) for h in range(cache.num_heads))
    if "heads" in opts:
        for l, h in [*opts["heads"]["local"], *opts["heads"]["global"]]:
            if l not in cache.layers or h >= cache.num_heads:
                raise InputError(f"pinned head [{l}, {h}] is not in the attention (layers {sorted(cache.layers)}, {cache.num_heads} heads)", field="heads")
        return layers, opts["heads"]["local"], opts["heads"]["global"], spans
    local, glob = split_heads(spans, opts["headFraction"])
    return layers, local, glob, spans


def head_mean(cache: HeadCache, heads: Sequence[Sequence[int]], which: int) -> list[float]:
    """Plain mean over the given heads of a per-head response vector (which = 1: WAAD, 2: FAI)."""
    r = cache.seq_len - cache.prompt_length
    out = [0.0] * r
    for l, h in heads:
        v = cache.layers[l][which][h]
        for i in range(r):
            out[i] += v[i]
    return [x / len(heads) for x in out]


def excess_kurtosis(values: Sequence[float]) -> float:
    """κ = m4/m2² − 3 with population moments; −inf when m2 = 0 or there are no values."""
    n = len(values)
    if n == 0:
        return -math.inf
    mean = sum(values) / n
    m2 = sum((x - mean) ** 2 for x in values) / n
    m4 = sum((x - mean) ** 4 for x in values) / n
    return -math.inf if m2 == 0 else m4 / (m2 * m2) - 3


def receiver_heads(cache: HeadCache, candidates: Sequence[Sequence[int]], count: int):
    """The `count` candidates with the most heavy-tailed own FAI (largest κ over the measured positions, i.e.
    non-empty T(s); key 0 left out under sink), ties to the lower (layer, head). Returns (heads, [[l, h, κ]])."""
    N, p = cache.seq_len, cache.prompt_length
    measured = [s - p for s in range(p, N) if s + cache.map_options["H_lo"] <= N - 1 and not (cache.map_options["sink"] and s == 0)]
    scored = [(l, h, excess_kurtosis([cache.layers[l][2][h][i] for i in measured])) for l, h in candidates]
    tol = tie_tolerance([k for _, _, k in scored if math.isfinite(k)])

    def cmp(a, b):
        equal = a[2] == b[2] or (math.isfinite(a[2]) and math.isfinite(b[2]) and abs(a[2] - b[2]) <= tol)
        if not equal:
            return -1 if b[2] < a[2] else 1
        return (a[0] - b[0]) or (a[1] - b[1])

    ordered = sorted(scored, key=functools.cmp_to_key(cmp))
    return [[l, h] for l, h, _ in ordered[: min(count, len(ordered))]], [[l, h, k] for l, h, k in scored]


def rhythm_roles(waad: Sequence[float], fai: Sequence[float], opts: Mapping[str, Any]) -> dict[str, Any]:
    """Δ, preplan (top q of Δ), anchor (top q of FAI), dominated anchors and their intro tokens."""
    r = len(waad)
    delta = [abs(waad[i] - waad[i + 1]) if i + 1 < r else 0.0 for i in range(r)]  # Δ at the last token = 0
    preplan = top_q_mask(delta, opts["q"])
    anchor = top_q_mask(fai, opts["q"])
    tau_waad = median(waad) if opts["tau_waad"] == "median" else opts["tau_waad"]
    if opts["tau_delta"] == "min-preplan":
        tau_delta = min((delta[i] for i in range(r) if preplan[i]), default=math.inf)
    else:
        tau_delta = opts["tau_delta"]
    tol_w, tol_d = tie_tolerance(waad), tie_tolerance(delta)
    dominated, intro, intro_of = [False] * r, [False] * r, [-1] * r
    for i in range(r):
        if not anchor[i] or waad[i] > tau_waad + tol_w:
            continue
        u = argmax_range(delta, i - opts["k"], i - 1, tol_d)
        if u < 0 or delta[u] < tau_delta - tol_d:
            continue
        dominated[i] = intro[u] = True
        intro_of[i] = u
    return {"delta": delta, "preplan": preplan, "anchor": anchor, "dominated": dominated, "intro": intro,
            "intro_of": intro_of, "tau_waad": tau_waad, "tau_delta": tau_delta}


def random_mask(n: int, count: int, seed: int) -> list[bool]:
    """Partial Fisher–Yates with mulberry32: the same `count` indices as the TypeScript engine."""
    rand = mulberry32(seed)
    idx = list(range(n))
    mask = [False] * n
    for i in range(min(count, n)):
        j = i + math.floor(rand() * (n - i))
        idx[i], idx[j] = idx[j], idx[i]
        mask[idx[i]] = True
    return mask


def credit_gammas(roles: Mapping[str, Any], opts: Mapping[str, Any], entropy: Sequence[float] | None = None) -> dict[str, list[float]]:
    """γ over the response for every strategy; `high_entropy` only when entropy is given."""
    r = len(roles["anchor"])
    amp = opts["gamma_amp"]
    g = amp - 1
    boost = lambda mask: [amp if m else 1 for m in mask]  # noqa: E731
    coupled = [
        1
        + (g if roles["anchor"][i] and not roles["dominated"][i] else 0)
        + ((1 - opts["alpha"]) * g if roles["dominated"][i] else 0)
        + (opts["alpha"] * g if roles["intro"][i] else 0)
        for i in range(r)
    ]
    out = {
        "uniform": [1] * r,
        "local_chunk": boost(roles["preplan"]),
        "global_anchor": boost(roles["anchor"]),
        "coupled": coupled,
        "random": boost(random_mask(r, ceil_fraction(opts["q"], r), opts["seed"])),
    }
    if entropy is not None:
        out["high_entropy"] = boost(top_q_mask(entropy, opts["q"]))
    return out


def grpo_advantages(rewards: Sequence[float], std: str = "population") -> list[float]:
    """Â_i = (r_i − mean r)/std r; one response, equal rewards or a zero std give zeros, never NaN."""
    n = len(rewards)
    if n < 2 or all(x == rewards[0] for x in rewards):
        return [0.0] * n
    mean = sum(rewards) / n
    ss = sum((x - mean) * (x - mean) for x in rewards)
    sd = math.sqrt(ss / (n - 1 if std == "sample" else n))
    scale = max(max(abs(x) for x in rewards), 1)
    if not sd > 1e-12 * scale:
        return [0.0] * n
    return [(x - mean) / sd for x in rewards]


def shape_advantage(advantage: float, gammas: Mapping[str, Sequence[float]], anchor: Sequence[bool], hicra_coef: float) -> dict[str, list[float]]:
    """Ã = γ·Â for every strategy in `gammas`, and `hicra`: Â + coef·|Â| on anchors, Â elsewhere."""
    out = {s: [x * advantage for x in gammas[s]] for s in STRATEGIES if s in gammas}
    out["hicra"] = [advantage + hicra_coef * abs(advantage) if a else advantage for a in anchor]
    return out


def linkage(roles: Mapping[str, Any], k: int, entropy: Sequence[float] | None = None) -> dict[str, Any]:
    r = len(roles["anchor"])
    anchors = near = 0
    for i in range(r):
        if not roles["anchor"][i]:
            continue
        anchors += 1
        if any(roles["preplan"][u] for u in range(max(0, i - k), i + 1)):
            near += 1
    out: dict[str, Any] = {"k": k, "anchors_near_preplan": near, "anchors": anchors, "anchor_preplan_share": near / anchors if anchors else 0}
    if entropy is not None:
        def mean(pick: bool):
            vals = [entropy[i] for i in range(r) if roles["preplan"][i] == pick]
            return sum(vals) / len(vals) if vals else None
        out["entropy_preplan"] = mean(True)
        out["entropy_other"] = mean(False)
    return out


def analyze_cache(cache: HeadCache, tokens: Sequence[str], *, token_ids: Sequence[int] | None = None, num_layers: int | None = None,
                  entropy: Sequence[float] | None = None, model: str | None = None, options: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The analysis record of one sequence from its cached per-head vectors."""
    options = dict(options or {})
    given = resolve_options(options)
    for key in MAP_OPTIONS:
        if options.get(key) is not None and given[key] != cache.map_options[key]:
            raise InputError(f"option {key} = {given[key]} differs from the cached pass ({cache.map_options[key]}); rerun the attention pass", field=key)
    opts = {**given, **cache.map_options}
    N, p = cache.seq_len, cache.prompt_length
    r = N - p
    if len(tokens) != N:
        raise InputError(f"tokens has {len(tokens)} entries, expected {N}", field="tokens")
    if token_ids is not None and len(token_ids) != N:
        raise InputError(f"token_ids has {len(token_ids)} entries, expected {N}", field="token_ids")
    if entropy is not None and len(entropy) != r:
        raise InputError(f"entropy has {len(entropy)} entries, expected {r}", field="entropy")
    n_layers = num_layers if num_layers is not None else max(cache.layers) + 1
    layers, local, glob, spans = select_heads(cache, n_layers, opts)
    waad = head_mean(cache, local, 1)
    fai_global = head_mean(cache, glob, 2)
    receivers, kurtosis = receiver_heads(cache, [[l, h] for l, h, _ in spans], ceil_fraction(opts["headFraction"], len(spans)))
    fai_receiver = head_mean(cache, receivers, 2)
    fai = fai_receiver if opts["faiHeads"] == "receiver" else fai_global
    roles = rhythm_roles(waad, fai, opts)
    record: dict[str, Any] = {"prompt_length": p, "tokens": list(tokens)}
    if token_ids is not None:
        record["token_ids"] = [int(x) for x in token_ids]
    record.update({
        "layers": layers,
        "heads": {"local": local, "global": glob, "span": [[l, h, d] for l, h, d in spans], "receiver": receivers,
                  "kurtosis": [[l, h, k if math.isfinite(k) else None] for l, h, k in kurtosis]},
        "waad": waad, "fai": fai, "fai_receiver": fai_receiver,
    })
    if opts["faiHeads"] == "receiver":
        record["fai_global"] = fai_global
    record.update({
        "delta": roles["delta"],
        "preplan": roles["preplan"], "anchor": roles["anchor"], "dominated": roles["dominated"], "intro": roles["intro"],
    })
    if entropy is not None:
        record["entropy"] = list(entropy)
    record.update({
        "gamma": credit_gammas(roles, opts, entropy),
        "options": record_options(opts),
        "tau_waad": roles["tau_waad"], "tau_delta": roles["tau_delta"],
        "linkage": linkage(roles, opts["k"], entropy),
        "num_layers": n_layers, "num_heads": cache.num_heads,
    })
    if model:
        record["model"] = model
    return record


def apply_group(records: Sequence[dict[str, Any]], rewards: Sequence[float], *, advantage_std: str | None = None,
                hicra_coef: float | None = None) -> list[dict[str, Any]]:
    """One GRPO group: records gain `reward`, `advantage` (Â_i) and `shaped_advantage` per strategy."""
    if len(rewards) != len(records):
        raise InputError(f"{len(rewards)} rewards for {len(records)} responses", field="reward")
    for i, x in enumerate(rewards):
        if not isinstance(x, (int, float)) or not math.isfinite(x):
            raise InputError(f"reward of response {i} must be a finite number (got {x})", field="reward")
    std = advantage_std or (records[0]["options"]["advantageStd"] if records else "population")
    adv = grpo_advantages(list(rewards), std)
    out = []
    for rec, reward, a in zip(records, rewards, adv):
        coef = hicra_coef if hicra_coef is not None else rec["options"]["hicraCoef"]
        out.append({**rec, "reward": reward, "advantage": a, "shaped_advantage": shape_advantage(a, rec["gamma"], rec["anchor"], coef)})
    return out
