"""RhythmGRPOTrainer: a tiny random Qwen3 trains 3 GRPO steps on toy addition; shaped advantages reach the loss."""
import math
import os

import pytest
import torch

pytest.importorskip("trl")
from datasets import Dataset  # noqa: E402
from trl import GRPOConfig  # noqa: E402

from conftest import tiny_qwen3  # noqa: E402
from rhythmscope.credit import InputError, analyze_dump  # noqa: E402
from rhythmscope.trl import RhythmGRPOTrainer  # noqa: E402
from toy import addition_prompts, addition_reward, char_tokenizer  # noqa: E402


def make_trainer(tmp_path, seed=0, strategy="coupled", attn="eager", **kw):
    tok = char_tokenizer()
    model = tiny_qwen3(seed=seed, attn=attn, layers=4, hidden=96)
    model.config.pad_token_id, model.config.eos_token_id = tok.pad_token_id, tok.eos_token_id
    model.generation_config.pad_token_id, model.generation_config.eos_token_id = tok.pad_token_id, tok.eos_token_id
    args = GRPOConfig(output_dir=str(tmp_path / "out"), per_device_train_batch_size=4, num_generations=4, max_completion_length=12,
                      max_steps=3, learning_rate=5e-3, logging_steps=1, report_to=[], seed=seed, use_cpu=True, save_strategy="no",
                      temperature=1.0, disable_tqdm=True, dataloader_num_workers=0)
    data = Dataset.from_list(addition_prompts(16, seed))
    return RhythmGRPOTrainer(model=model, reward_funcs=addition_reward, args=args, train_dataset=data, processing_class=tok,
                             credit_strategy=strategy, credit_options={"H_lo": 2, "H_hi": 8}, **kw)


def losses(trainer):
    return [h["loss"] for h in trainer.state.log_history if "loss" in h]


def test_three_steps_deterministic_finite_and_shaped(tmp_path):
    seen = []
    t1 = make_trainer(tmp_path / "a", credit_dump_dir=str(tmp_path / "dumps"), credit_dump_every=2)
    original = t1._compute_loss

    def spy(model, inputs):
        seen.append(inputs["advantages"].detach().clone())
        return original(model, inputs)

    t1._compute_loss = spy
    t1.train()
    l1 = losses(t1)
    assert len(l1) == 3 and all(math.isfinite(x) for x in l1)
    assert all(a.dim() == 2 for a in seen)  # per-token advantages reached the loss
    assert t1.credit_timing["passes"] >= 1 and 0 < t1.credit_timing["credit_s"] < t1.credit_timing["step_s"]
    assert any("rhythm/credit_share" in h for h in t1.state.log_history)
    dumps = sorted(os.listdir(tmp_path / "dumps"))
    assert dumps and analyze_dump(str(tmp_path / "dumps" / dumps[0]), H_lo=2, H_hi=8)["layers"] == [1, 2]
    t2 = make_trainer(tmp_path / "b")
    t2.train()
    assert losses(t2) == pytest.approx(l1, rel=1e-5, abs=1e-7)  # same seed, same run


def test_shaped_advantages_change_the_loss(tmp_path):
    """The loss of one batch with Ã = γ·Â differs from the loss with Â, by exactly what γ predicts."""
    trainer = make_trainer(tmp_path)
    trainer.model.train()
    trainer.current_gradient_accumulation_steps = 1  # set by Trainer.train(); the loss is called directly here
    batch = trainer._generate_and_score_completions(addition_prompts(4, 1) * 1)
    shaped = batch["advantages"]
    assert shaped.dim() == 2
    records = trainer.last_credit_records
    assert records and any(g != 1 for r in records for g in r["gamma"]["coupled"])
    # Â per row: the value at a token with γ = 1
    gamma = torch.ones_like(shaped)
    mask = batch["completion_mask"].bool()
    plain = torch.zeros(shaped.shape[0])
    for b, rec in enumerate(records):
        cols = mask[b].nonzero().squeeze(1)
        gamma[b, cols] = torch.tensor(rec["gamma"]["coupled"], dtype=gamma.dtype)
        one = [i for i, g in enumerate(rec["gamma"]["coupled"]) if g == 1][0]
        plain[b] = shaped[b, cols[one]]
    assert torch.allclose(shaped, plain.unsqueeze(1) * gamma)
    if plain.abs().max() == 0:
        pytest.skip("all rewards equal in this group")
    loss_shaped = trainer._compute_loss(trainer.model, batch).item()
    loss_plain = trainer._compute_loss(trainer.model, {**batch, "advantages": plain}).item()
    assert loss_shaped != pytest.approx(loss_plain, rel=1e-6)


def test_bad_arguments(tmp_path):
    with pytest.raises(InputError, match="credit_strategy"):
        make_trainer(tmp_path, strategy="nope")
    with pytest.raises(InputError, match="credit_dump_dir"):
        make_trainer(tmp_path, credit_dump_every=2)


def test_sdpa_policy_gets_eager_credit_pass(tmp_path):
    trainer = make_trainer(tmp_path, attn="sdpa")
    batch = trainer._generate_and_score_completions(addition_prompts(4, 2))
    assert batch["advantages"].dim() == 2
    assert trainer.model.config._attn_implementation == "sdpa"
