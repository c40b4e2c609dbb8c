"""Hand-computed checks of the method (selection rules, WAAD/FAI/Δ, roles, γ, GRPO) and bad-input errors."""
import math

import pytest
import torch

from rhythmscope.credit import InputError, analyze_dump, grpo_advantages, shape_advantage, write_dump
from rhythmscope.options import ceil_fraction, mulberry32, resolve_options
from rhythmscope.select import middle_third_layers, top_q_mask
from rhythmscope.vectors import layer_vectors

# Two heads, N = 4, prompt_length = 1 (worked by hand in the comments of test_hand_computed_record).
HEAD0 = [[1, 0, 0, 0], [0.5, 0.5, 0, 0], [0, 0.25, 0.75, 0], [0, 0, 0.5, 0.5]]
HEAD1 = [[1, 0, 0, 0], [1, 0, 0, 0], [0.5, 0.5, 0, 0], [0.5, 0, 0, 0.5]]


def small_dump(path, maps=None, prompt_length=1, tokens=None):
    maps = maps if maps is not None else torch.tensor([HEAD0, HEAD1])
    n = maps.shape[-1]
    write_dump(str(path), {0: maps}, tokens or [f"t{i}" for i in range(n)], prompt_length)
    return str(path)


def test_selection_rules():
    assert middle_third_layers(36) == [12, 15, 18, 21, 24]
    assert middle_third_layers(2) == [0, 1]
    assert middle_third_layers(9) == [3, 4, 5, 6]
    assert ceil_fraction(0.3, 10) == 3 and ceil_fraction(0.4, 7) == 3 and ceil_fraction(0.3, 2) == 1
    assert top_q_mask([0.25, 0.25, 0.0], 0.4) == [True, True, False]
    assert top_q_mask([0.0, 1.0, 1.0 + 1e-9, 0.5], 0.25) == [False, True, False, False]  # near-tie: earlier wins
    r = mulberry32(0)
    assert r() == 0.26642920868471265 and r() == 0.0003297457005828619  # same stream as src/core/random.ts


def test_hand_computed_record(tmp_path):
    rec = analyze_dump(small_dump(tmp_path / "d.safetensors"), W=1, H_lo=1, H_hi=2)
    # spans: head 0 (0.5 + 0.25 + 0.5)/3, head 1 (1 + 1.5 + 1.5)/3 -> head 0 local, head 1 global (n = ⌈0.3·2⌉ = 1)
    assert rec["heads"]["local"] == [[0, 0]] and rec["heads"]["global"] == [[0, 1]]
    assert rec["heads"]["span"][0][2] == pytest.approx(1.25 / 3) and rec["heads"]["span"][1][2] == pytest.approx(4 / 3)
    assert rec["waad"] == pytest.approx([0.5, 0.25, 0.5])  # W = 1: the mass off the diagonal
    # FAI: T(1) = {2, 3} -> (0.5 + 0)/2; T(2) = {3} -> 0; T(3) empty -> 0
    assert rec["fai"] == pytest.approx([0.25, 0, 0])
    assert rec["delta"] == pytest.approx([0.25, 0.25, 0])
    assert rec["preplan"] == [True, True, False] and rec["anchor"] == [True, True, False]
    # τ_waad = 0.5, τ_Δ = 0.25; anchor 1 has WAAD 0.25 and Δ_0 = 0.25 before it -> dominated, intro token 0
    assert rec["dominated"] == [False, True, False] and rec["intro"] == [True, False, False]
    g = rec["gamma"]
    assert g["coupled"] == pytest.approx([1.75, 1.25, 1])  # 1 + 0.5 (anchor) + 0.25 (intro); 1 + 0.25 (dominated)
    assert g["local_chunk"] == [1.5, 1.5, 1] and g["global_anchor"] == [1.5, 1.5, 1] and g["uniform"] == [1, 1, 1]
    assert sorted(g["random"]) == [1, 1.5, 1.5]
    assert rec["options"]["W"] == 1 and rec["tau_waad"] == 0.5 and rec["tau_delta"] == 0.25


def test_sink_renormalizes_rows():
    maps = torch.tensor([[HEAD1]], dtype=torch.float64)  # [1, 1, 4, 4]
    span, waad, fai = layer_vectors(maps, torch.tensor([1]), torch.tensor([4]), W=10, H_lo=1, H_hi=2, sink=True, dtype=torch.float64)
    # row 1 has all its mass on key 0 -> zeros; row 2 [0.5, 0.5] -> key 1 with weight 1, distance 1; row 3 -> key 3, distance 0
    assert waad[0, 0].tolist() == pytest.approx([0, 0, 1, 0])
    assert span[0, 0].item() == pytest.approx(1 / 3)
    assert fai[0, 0].tolist() == pytest.approx([0, (1 + 0) / 2, 0, 0])  # T(1) = {2, 3}: 1 (renormalized) and 0


def test_grpo_and_shaping():
    assert grpo_advantages([1, 0, 0, 1]) == [1, -1, -1, 1]
    assert grpo_advantages([2, 2, 2]) == [0, 0, 0] and grpo_advantages([5]) == [0]
    assert grpo_advantages([1, 0], "sample") == pytest.approx([math.sqrt(0.5), -math.sqrt(0.5)])
    out = shape_advantage(-2.0, {"coupled": [1.75, 1.0]}, [True, False], 0.2)
    assert out["coupled"] == [-3.5, -2.0] and out["hicra"] == pytest.approx([-1.6, -2.0])  # both signs scaled


def test_options_validated():
    with pytest.raises(InputError, match="option q"):
        resolve_options(q=0)
    with pytest.raises(InputError, match="unknown rhythm option"):
        resolve_options(window=3)
    with pytest.raises(InputError, match="H_lo"):
        resolve_options(H_lo=20, H_hi=10)
    assert resolve_options(H_hi="Infinity")["H_hi"] == math.inf


def test_bad_dumps(tmp_path):
    bad = torch.tensor([HEAD0, HEAD1])
    bad[1, 2, 0] = float("nan")
    with pytest.raises(InputError, match=r"attn\.L0.*non-finite"):
        analyze_dump(small_dump(tmp_path / "nan.safetensors", bad))
    with pytest.raises(InputError, match="prompt_length"):
        analyze_dump(small_dump(tmp_path / "p.safetensors", prompt_length=4))
    upper = torch.tensor([HEAD0, HEAD1])
    upper[0, 1] = torch.tensor([0.5, 0.25, 0.25, 0])
    with pytest.raises(InputError, match="above the diagonal"):
        analyze_dump(small_dump(tmp_path / "u.safetensors", upper))
    with pytest.raises(InputError, match="tokens"):
        analyze_dump(small_dump(tmp_path / "t.safetensors", tokens=["a", "b"]))
    with pytest.raises(InputError, match="no such file"):
        analyze_dump(str(tmp_path / "missing.safetensors"))
    with pytest.raises(InputError, match="layer 1 is out of range"):
        analyze_dump(small_dump(tmp_path / "ok.safetensors"), layers=[1])
