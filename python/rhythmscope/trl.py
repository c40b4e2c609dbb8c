"""`RhythmGRPOTrainer`: TRL's GRPOTrainer with attention-rhythm credit.

After TRL builds a batch (prompts, completions, one GRPO advantage Â_i per completion), one extra no-grad
eager forward of the policy over prompt ⊕ completion gives γ per completion token (rhythmscope.credit), and
the advantages handed to the loss become the per-token Ã_{i,t} = γ_t·Â_i ([B, T]; TRL's loss accepts per-token
advantages). The pass is timed and logged as a share of the training step; every `credit_dump_every` steps the
first sequence's attention (selected layers) is written as a workbench dump.

Extension point: `_generate_and_score_completions` (TRL ≥ 0.20; checked against 1.13), whose output dict holds
`advantages` of shape [B]; `_compute_loss` multiplies per-token advantages into the clipped surrogate.
"""
from __future__ import annotations

import os
import time
from typing import Any, Mapping

import torch
from trl import GRPOTrainer

from .credit import TRAIN_STRATEGIES, completion_gammas, write_dump
from .options import InputError, resolve_options
from .stream import DEFAULT_MAX_LAYER_BYTES

SIGNS = ("both", "positive", "negative")


class RhythmGRPOTrainer(GRPOTrainer):
    """GRPOTrainer + token-level credit. Extra arguments (all keyword):

    credit_strategy: 'coupled' (default), 'local_chunk', 'global_anchor', 'random', 'high_entropy', 'hicra', 'uniform'.
    credit_options: rhythm options (W, H_lo, H_hi, q, headFraction, layers, k, alpha, gamma_amp, sink, faiHeads, …).
    credit_signs: scale advantages of 'both' signs (default, the paper's v2), or only 'positive' / 'negative' ones.
    credit_dump_dir / credit_dump_every: write `step-{n}.safetensors` (workbench attention dump) every n steps.
    credit_max_layer_bytes: memory budget for one layer's maps of a sub-batch; longer sequences are refused.
    credit_switch_to_eager: SDPA/flash models are switched to eager attention for the credit pass only (else refused).
    """

    def __init__(self, *args: Any, credit_strategy: str = "coupled", credit_options: Mapping[str, Any] | None = None,
                 credit_signs: str = "both", credit_dump_dir: str | None = None, credit_dump_every: int = 0,
                 credit_max_layer_bytes: int = DEFAULT_MAX_LAYER_BYTES, credit_switch_to_eager: bool = True, **kwargs: Any):
        if credit_strategy not in TRAIN_STRATEGIES:
            raise InputError(f"unknown credit_strategy {credit_strategy!r} (known: {', '.join(TRAIN_STRATEGIES)})", field="credit_strategy")
        if credit_signs not in SIGNS:
            raise InputError(f"credit_signs must be one of {', '.join(SIGNS)} (got {credit_signs!r})", field="credit_signs")
        if credit_dump_every and not credit_dump_dir:
            raise InputError("credit_dump_every needs credit_dump_dir", field="credit_dump_dir")
        self.credit_strategy = credit_strategy
        self.credit_options = resolve_options(credit_options)
        self.credit_signs = credit_signs
        self.credit_dump_dir = credit_dump_dir
        self.credit_dump_every = int(credit_dump_every)
        self.credit_max_layer_bytes = credit_max_layer_bytes
        self.credit_switch_to_eager = credit_switch_to_eager
        # Seconds spent in the credit pass and in training steps (cumulative, this process).
        self.credit_timing = {"credit_s": 0.0, "step_s": 0.0, "passes": 0}
        self.last_credit_records: list[dict[str, Any]] = []
        super().__init__(*args, **kwargs)
        if getattr(self, "use_liger_kernel", False):
            raise InputError("RhythmGRPOTrainer needs per-token advantages, which the Liger GRPO loss does not take; set use_liger_kernel=False",
                             field="use_liger_kernel")

    def _credit_dump_due(self) -> bool:
        step = self.state.global_step
        return bool(self.credit_dump_every) and step % self.credit_dump_every == 0 and self.accelerator.is_main_process

    def _generate_and_score_completions(self, inputs):
        out = super()._generate_and_score_completions(inputs)
        mode = "train" if self.model.training else "eval"
        dump = self._credit_dump_due() and mode == "train"
        if self.credit_strategy == "uniform" and not dump:
            return out
        t0 = time.perf_counter()
        model = self.accelerator.unwrap_model(self.model)
        adv = out["advantages"]  # [B]
        B = adv.shape[0]
        base = int(self.credit_options["seed"]) + (self.state.global_step * 1_000_003 + self.accelerator.process_index * 10_007) * B
        gamma, records, res = completion_gammas(
            model, out["prompt_ids"], out["prompt_mask"], out["completion_ids"], out["completion_mask"], self.credit_strategy,
            self.credit_options, seeds=[base + i for i in range(B)], keep_maps=[0] if dump else [],
            max_layer_bytes=self.credit_max_layer_bytes, switch_to_eager=self.credit_switch_to_eager,
            pad_token_id=self.processing_class.pad_token_id if getattr(self.processing_class, "pad_token_id", None) is not None else 0,
        )
        out["advantages"] = self.shape_advantages(adv, gamma)
        elapsed = time.perf_counter() - t0
        self.credit_timing["credit_s"] += elapsed
        self.credit_timing["passes"] += 1
        self.last_credit_records = records
        self._metrics[mode]["rhythm/credit_pass_s"].append(elapsed)
        mask = out["completion_mask"].bool()
        if self.credit_strategy != "uniform":
            boosted = (gamma != 1) if self.credit_strategy != "hicra" else (gamma > 0)
            self._metrics[mode]["rhythm/amplified_share"].append((boosted & mask).sum().item() / max(1, mask.sum().item()))
        if dump and res.maps:
            self._write_dump(out, res)
        return out

    def shape_advantages(self, adv: torch.Tensor, gamma: torch.Tensor) -> torch.Tensor:
        """Ã [B, T] from Â [B] and γ [B, T] (for 'hicra', γ is the anchor mask and Ã = Â + c·|Â| there)."""
        a = adv.unsqueeze(1).to(gamma.dtype)
        if self.credit_strategy == "hicra":
            shaped = a + self.credit_options["hicraCoef"] * a.abs() * gamma
        else:
            shaped = a * gamma
        if self.credit_signs == "positive":
            shaped = torch.where(a > 0, shaped, a.expand_as(shaped))
        elif self.credit_signs == "negative":
            shaped = torch.where(a < 0, shaped, a.expand_as(shaped))
        return shaped.detach().to(adv.dtype)

    def _write_dump(self, out, res) -> None:
        b = 0
        prompt = out["prompt_ids"][b][out["prompt_mask"][b].bool()].tolist()
        comp = out["completion_ids"][b][out["completion_mask"][b].bool()].tolist()
        ids = prompt + comp
        tok = self.processing_class
        tokens = [tok.decode([i]) for i in ids] if hasattr(tok, "decode") else [str(i) for i in ids]
        os.makedirs(self.credit_dump_dir, exist_ok=True)
        name = getattr(self.accelerator.unwrap_model(self.model).config, "_name_or_path", "") or None
        write_dump(os.path.join(self.credit_dump_dir, f"step-{self.state.global_step}.safetensors"), res.maps[0], tokens, len(prompt),
                   token_ids=ids, num_layers=res.num_layers, model=name)

    def training_step(self, model, inputs, num_items_in_batch):
        t0 = time.perf_counter()
        loss = super().training_step(model, inputs, num_items_in_batch)
        self.credit_timing["step_s"] += time.perf_counter() - t0
        mode = "train" if self.model.training else "eval"
        self._metrics[mode]["rhythm/credit_share"].append(self.credit_timing["credit_s"] / max(self.credit_timing["step_s"], 1e-12))
        return loss
