"""Cost of the credit pass on CPU with a tiny random Qwen3.

    python python/bench/bench_credit.py [--steps 6] [--seq 1024]

1. Share of a GRPO step: RhythmGRPOTrainer (coupled) on the toy addition task; the attention pass + credit
   time over the training-step time (generation, scoring, pass, loss, backward), as the trainer logs it.
2. Peak memory of one sequence of --seq tokens: the streamed pass (hooks on the selected layers, vectors only)
   vs a forward with output_attentions=True for all layers. Each mode runs in a fresh subprocess; the number is
   the growth of the peak resident set (ru_maxrss) over the resident set just before the forward.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))


def rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def memory_child(mode: str, seq: int) -> None:
    import torch

    from conftest import tiny_qwen3
    from rhythmscope.credit import credit_pass

    torch.set_num_threads(1)
    model = tiny_qwen3(layers=6)
    ids = torch.randint(0, 96, (seq,), generator=torch.Generator().manual_seed(0)).tolist()
    before = rss_kib()
    t0 = time.perf_counter()
    if mode == "stream":
        credit_pass(model, [ids], [seq // 4], {}, max_layer_bytes=1 << 32)
    else:
        with torch.no_grad():
            out = model(input_ids=torch.tensor([ids]), output_attentions=True)
        assert len(out.attentions) == 6
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"mode": mode, "peak_growth_mib": (peak - before) / 1024, "seconds": seconds}))


def step_share(steps: int) -> dict:
    import torch
    from datasets import Dataset
    from trl import GRPOConfig

    from conftest import tiny_qwen3
    from rhythmscope.trl import RhythmGRPOTrainer
    from toy import addition_prompts, addition_reward, char_tokenizer

    torch.set_num_threads(1)
    tok = char_tokenizer()
    model = tiny_qwen3(layers=4)
    model.config.pad_token_id, model.config.eos_token_id = tok.pad_token_id, tok.eos_token_id
    model.generation_config.pad_token_id, model.generation_config.eos_token_id = tok.pad_token_id, tok.eos_token_id
    with tempfile.TemporaryDirectory() as out:
        args = GRPOConfig(output_dir=out, per_device_train_batch_size=8, num_generations=8, max_completion_length=32, max_steps=steps,
                          learning_rate=1e-3, logging_steps=1, report_to=[], seed=0, use_cpu=True, save_strategy="no", disable_tqdm=True)
        trainer = RhythmGRPOTrainer(model=model, reward_funcs=addition_reward, args=args, train_dataset=Dataset.from_list(addition_prompts(64)),
                                    processing_class=tok, credit_strategy="coupled")
        trainer.train()
    t = trainer.credit_timing
    params = sum(p.numel() for p in model.parameters())
    return {"params": params, "steps": steps, "credit_s": t["credit_s"], "step_s": t["step_s"], "share": t["credit_s"] / t["step_s"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--seq", type=int, default=1024)
    ap.add_argument("--child", choices=["stream", "all"])
    a = ap.parse_args()
    if a.child:
        memory_child(a.child, a.seq)
        return
    share = step_share(a.steps)
    print(f"GRPO step share: {share['share'] * 100:.1f}% ({share['credit_s']:.2f} s of {share['step_s']:.2f} s over {share['steps']} steps, "
          f"{share['params']} parameters, batch 8 x 32 completion tokens)")
    for mode in ("stream", "all"):
        res = subprocess.run([sys.executable, __file__, "--child", mode, "--seq", str(a.seq)], capture_output=True, text=True, check=True)
        r = json.loads(res.stdout.strip().splitlines()[-1])
        print(f"N={a.seq} {mode:6s}: peak RSS growth {r['peak_growth_mib']:.0f} MiB, {r['seconds']:.2f} s")


if __name__ == "__main__":
    main()
