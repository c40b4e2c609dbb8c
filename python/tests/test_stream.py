"""The streamed attention pass on a tiny random Qwen3: same records as a full output_attentions dump, batched
over padding, SDPA switched to eager (or refused), memory budget, NaN attention."""
import json
import os

import pytest
import torch

from compare import compare_records
from conftest import FIX, tiny_qwen3
from rhythmscope.credit import InputError, analyze_dump, analyze_sequences, completion_gammas, credit_pass, write_dump

IDS = json.load(open(os.path.join(FIX, "qwen3-tiny-ids.json")))


def full_dump(model, ids, p, path):
    """The reference: every layer's maps from output_attentions=True, written as a dump."""
    with torch.no_grad():
        out = model(input_ids=torch.tensor([ids]), output_attentions=True)
    write_dump(str(path), {l: a[0] for l, a in enumerate(out.attentions)}, [str(t) for t in ids], p, token_ids=ids,
               num_layers=len(out.attentions), logits=out.logits[0])
    return str(path)


@pytest.mark.parametrize("opts", [{}, {"layers": "all", "H_hi": "Infinity", "sink": True}])
def test_streamed_pass_equals_full_dump(tmp_path, opts):
    model = tiny_qwen3()
    ids, p = IDS["ids"], IDS["prompt_length"]
    ref = analyze_dump(full_dump(model, ids, p, tmp_path / "d.safetensors"), **opts)
    (rec,) = analyze_sequences(model, [ids], [p], **opts)
    assert compare_records(rec, ref) == []


def test_batched_with_padding_equals_one_by_one():
    model = tiny_qwen3()
    g = torch.Generator().manual_seed(3)
    seqs = [torch.randint(0, 96, (n,), generator=g).tolist() for n in (30, 17, 41)]
    prompts = [5, 0, 12]
    batched = analyze_sequences(model, seqs, prompts)
    for s, p, rec in zip(seqs, prompts, batched):
        (alone,) = analyze_sequences(model, [s], [p])
        assert compare_records(rec, alone) == []
    # a budget that fits one sequence per sub-batch gives the same records
    chunked = analyze_sequences(model, seqs, prompts, max_layer_bytes=4 * 41 * 41 * 4)
    assert all(compare_records(a, b) == [] for a, b in zip(chunked, batched))


def test_hooks_only_on_selected_layers_and_removed():
    model = tiny_qwen3()
    seen = []
    res = credit_pass(model, [IDS["ids"]], [IDS["prompt_length"]])
    seen = sorted(res.caches[0].layers)
    assert seen == [2, 3, 4]  # middle third of 6 layers: vectors kept for those only
    assert all(len(layer.self_attn._forward_hooks) == 0 for layer in model.model.layers)


def test_sdpa_model_switched_to_eager_or_refused():
    eager, sdpa = tiny_qwen3(attn="eager"), tiny_qwen3(attn="sdpa")
    ids, p = IDS["ids"], IDS["prompt_length"]
    a = analyze_sequences(eager, [ids], [p])[0]
    b = analyze_sequences(sdpa, [ids], [p])[0]
    assert compare_records(a, b) == []
    assert sdpa.config._attn_implementation == "sdpa"  # restored after the pass
    with pytest.raises(InputError, match="eager"):
        credit_pass(sdpa, [ids], [p], switch_to_eager=False)


def test_over_budget_refused():
    model = tiny_qwen3()
    with pytest.raises(InputError, match="max_layer_bytes"):
        credit_pass(model, [IDS["ids"]], [IDS["prompt_length"]], max_layer_bytes=1000)


def test_nan_attention_is_an_error_not_uniform_credit():
    model = tiny_qwen3()

    def poison(_m, _a, out):
        out[1][0, 0, 20, 3] = float("nan")

    h = model.model.layers[3].self_attn.register_forward_hook(poison)
    try:
        with pytest.raises(InputError, match=r"attn\.L3 row 20 has non-finite"):
            credit_pass(model, [IDS["ids"]], [IDS["prompt_length"]])
    finally:
        h.remove()


def test_completion_gammas_on_a_trl_style_batch():
    """Left-padded prompts, right-padded completions: γ lands on the right columns, 1 on padding."""
    model = tiny_qwen3()
    g = torch.Generator().manual_seed(5)
    prompts = [torch.randint(1, 96, (n,), generator=g).tolist() for n in (6, 9)]
    comps = [torch.randint(1, 96, (n,), generator=g).tolist() for n in (20, 14)]
    P, C = 9, 20
    prompt_ids = torch.zeros(2, P, dtype=torch.long)
    prompt_mask = torch.zeros(2, P, dtype=torch.long)
    completion_ids = torch.zeros(2, C, dtype=torch.long)
    completion_mask = torch.zeros(2, C, dtype=torch.long)
    for b in range(2):
        prompt_ids[b, P - len(prompts[b]):] = torch.tensor(prompts[b])
        prompt_mask[b, P - len(prompts[b]):] = 1
        completion_ids[b, : len(comps[b])] = torch.tensor(comps[b])
        completion_mask[b, : len(comps[b])] = 1
    gamma, records, res = completion_gammas(model, prompt_ids, prompt_mask, completion_ids, completion_mask, "coupled")
    ref = analyze_sequences(model, [p + c for p, c in zip(prompts, comps)], [len(p) for p in prompts])
    for b in range(2):
        n = len(comps[b])
        assert gamma[b, :n].tolist() == pytest.approx(ref[b]["gamma"]["coupled"])
        assert gamma[b, n:].eq(1).all()
    assert res.seconds > 0 and gamma.ne(1).any()
