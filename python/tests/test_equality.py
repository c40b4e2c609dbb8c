"""Python records vs the TypeScript engine's (`rhythmscope analyze --attention`) on the committed fixtures."""
import json
import os

import pytest

from compare import compare_records
from conftest import FIX
from rhythmscope.credit import analyze_dump, apply_group

CASES = json.load(open(os.path.join(FIX, "cases.json")))


def ts_record(case: str) -> dict:
    with open(os.path.join(FIX, "ts", f"{case}.jsonl")) as f:
        return json.loads(f.readline())


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_same_record_as_typescript(case):
    py = analyze_dump(os.path.join(FIX, case["dump"]), **case["options"])
    assert compare_records(py, ts_record(case["case"])) == []


def test_fixtures_cover_qwen3_half_floats_and_entropy():
    dumps = {c["dump"] for c in CASES}
    assert "qwen3-tiny.safetensors" in dumps and "random-b.safetensors" in dumps  # random-b is stored as F16
    assert "high_entropy" in ts_record("qwen3-tiny--default")["gamma"]


def test_group_advantages_match_typescript_records():
    """apply_group on the TypeScript records gives what the committed Python group output holds."""
    with open(os.path.join(FIX, "py", "group.json")) as f:
        py_group = json.load(f)
    ts_records = [ts_record(f"random-a--{o}") for o in ("default", "wide", "pinned")]
    shaped = apply_group(ts_records, py_group["rewards"])
    for a, b in zip(shaped, py_group["records"]):
        assert compare_records(a, b) == []
    assert any(r["advantage"] != 0 for r in shaped)


def test_comparison_can_fail():
    case = CASES[0]
    ts = ts_record(case["case"])
    ts["gamma"]["coupled"][0] += 1e-3
    assert compare_records(analyze_dump(os.path.join(FIX, case["dump"]), **case["options"]), ts)
