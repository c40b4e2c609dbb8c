"""verl: the credit as a custom advantage estimator (no verl import here; see python/README.md for the wiring).

verl's GRPO estimator turns `token_level_rewards` [B, T] into per-token advantages, grouping responses by
`index` (the prompt uid). `rhythm_grpo_advantage` does the same with γ [B, T] multiplied in. γ comes from
`rhythmscope.credit.completion_gammas` on the actor (one eager no-grad forward) and travels in the batch;
`make_estimator` wraps it into the signature verl's `register_adv_est` expects, reading γ from `gamma_key` in
the keyword arguments or, failing that, from a hand-off slot the driver fills before compute_advantage.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import torch

from .options import InputError

_PENDING: dict[str, torch.Tensor] = {}


def hand_off_gamma(gamma: torch.Tensor) -> None:
    """Driver side: γ [B, T] of the batch whose advantages verl computes next."""
    _PENDING["gamma"] = gamma


def rhythm_grpo_advantage(token_level_rewards: torch.Tensor, response_mask: torch.Tensor, index: Sequence[Any], gamma: torch.Tensor,
                          epsilon: float = 1e-6, norm_adv_by_std_in_grpo: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """(advantages, returns), both [B, T]: Â_i from the group of `index[i]` (sample std, as verl's GRPO), times γ."""
    if gamma.shape != token_level_rewards.shape:
        raise InputError(f"gamma has shape {list(gamma.shape)}, token_level_rewards {list(token_level_rewards.shape)}", field="gamma")
    if not bool(torch.isfinite(gamma).all()):
        raise InputError("gamma holds non-finite values; refusing rather than training with them", field="gamma")
    scores = token_level_rewards.sum(-1)  # [B]
    adv = torch.zeros_like(scores)
    groups: dict[Any, list[int]] = {}
    for i, key in enumerate(index):
        groups.setdefault(key, []).append(i)
    for members in groups.values():
        s = scores[members]
        if len(members) == 1:
            continue  # one response: no baseline, advantage 0 (verl does the same)
        centered = s - s.mean()
        std = s.std()
        if norm_adv_by_std_in_grpo:
            centered = centered / (std + epsilon) if std > 0 else torch.zeros_like(centered)  # equal rewards: 0, never NaN
        adv[members] = centered
    shaped = adv.unsqueeze(-1) * gamma.to(adv.dtype) * response_mask
    return shaped, shaped


def make_estimator(gamma_key: str = "rhythm_gamma") -> Callable[..., tuple[torch.Tensor, torch.Tensor]]:
    """An estimator with verl's keyword signature; register it with `register_adv_est("rhythm_grpo")(...)`."""

    def estimator(token_level_rewards, response_mask, index=None, epsilon: float = 1e-6, norm_adv_by_std_in_grpo: bool = True,
                  config=None, **kwargs):
        gamma = kwargs.get(gamma_key)
        if gamma is None:
            gamma = _PENDING.pop("gamma", None)
        if gamma is None:
            raise InputError("no γ for this batch: compute it with completion_gammas and pass it (hand_off_gamma) before compute_advantage",
                             field=gamma_key)
        if index is None:
            raise InputError("the GRPO estimator needs `index` (the prompt uid of every response)", field="index")
        return rhythm_grpo_advantage(token_level_rewards, response_mask, index, gamma, epsilon, norm_adv_by_std_in_grpo)

    return estimator
