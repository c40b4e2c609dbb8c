"""The verl estimator runs without verl: GRPO per uid group, times γ, padding zero; γ missing is an error."""
import numpy as np
import pytest
import torch

from rhythmscope.credit import InputError
from rhythmscope.verl import hand_off_gamma, make_estimator, rhythm_grpo_advantage


def test_grpo_times_gamma():
    rewards = torch.zeros(4, 3)
    rewards[:, -1] = torch.tensor([1.0, 0.0, 2.0, 2.0])  # outcome reward on the last token
    mask = torch.tensor([[1, 1, 1], [1, 1, 0], [1, 1, 1], [1, 0, 0]], dtype=torch.float32)
    gamma = torch.tensor([[1.5, 1, 1], [1, 1.25, 1], [1, 1, 1], [2, 1, 1]])
    adv, ret = rhythm_grpo_advantage(rewards, mask, np.array(["a", "a", "b", "b"]), gamma, epsilon=0.0)
    s = 1 / torch.tensor([1.0, 0.0]).std()  # group a: ±0.5 / sample std
    assert adv[0].tolist() == pytest.approx([0.75 * s, 0.5 * s, 0.5 * s])
    assert adv[1].tolist() == pytest.approx([-0.5 * s, -0.625 * s, 0])
    assert adv[2:].abs().sum() == 0  # equal rewards in group b
    assert torch.equal(adv, ret)


def test_estimator_reads_gamma_from_kwargs_or_hand_off():
    est = make_estimator()
    rewards, mask = torch.tensor([[0.0, 1.0], [0.0, 0.0]]), torch.ones(2, 2)
    gamma = torch.tensor([[1.5, 1.0], [1.0, 1.5]])
    a, _ = est(token_level_rewards=rewards, response_mask=mask, index=[0, 0], rhythm_gamma=gamma)
    hand_off_gamma(gamma)
    b, _ = est(token_level_rewards=rewards, response_mask=mask, index=[0, 0])
    assert torch.equal(a, b) and a[0, 0] > a[0, 1] > 0
    with pytest.raises(InputError, match="no γ"):
        est(token_level_rewards=rewards, response_mask=mask, index=[0, 0])
    with pytest.raises(InputError, match="non-finite"):
        est(token_level_rewards=rewards, response_mask=mask, index=[0, 0], rhythm_gamma=gamma * float("nan"))
