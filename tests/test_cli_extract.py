"""`xxgk extract`: output formats, and bad files that must not stop the run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS

SEED = CORPUS / "seed" / "baicheng-2019.txt"


def xxgk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xxgk.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_jsonl_has_the_contract_fields() -> None:
    run = xxgk("extract", "--jsonl", str(SEED))
    assert run.returncode == 0, run.stderr
    obj = json.loads(run.stdout)
    for field in (
        "source",
        "title",
        "agency",
        "year",
        "template",
        "cells",
        "raw",
        "checks",
        "warnings",
        "sections",
    ):
        assert field in obj
    assert obj["source"] == str(SEED)
    assert obj["cells"]["applications.received_new.total"] == 59
    assert obj["raw"]["review_litigation.litigation_direct.pending"] == "7(市自然资源局)"
    assert {"name", "ok", "expected", "actual"} <= set(obj["checks"][0])


def test_bad_files_give_errors_and_the_rest_is_still_extracted(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    image = tmp_path / "scan.pdf"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)  # a PNG under a .pdf name
    missing = tmp_path / "missing.html"
    run = xxgk("extract", "--jsonl", str(empty), str(SEED), str(image), str(missing))
    assert run.returncode == 1
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [o["source"] for o in lines] == [str(empty), str(SEED), str(image), str(missing)]
    assert lines[0]["error"] == "empty file"
    assert lines[1]["cells"]["applications.results_total.total"] == 50
    assert lines[2]["error"].startswith("not a readable image (")
    assert lines[3]["error"] == "file not found"
    assert f"{missing}: file not found" in run.stderr


def test_readable_output_prints_the_tables() -> None:
    run = xxgk("extract", str(SEED))
    assert run.returncode == 0
    assert "三、收到和处理政府信息公开申请情况" in run.stdout
    row = next(line for line in run.stdout.splitlines() if line.strip().startswith("received_new"))
    assert row.split()[1:] == ["56", "3", "0", "0", "0", "0", "59"]


def test_batch_gc_collects_less_often_and_restores_the_setting() -> None:
    import gc

    from extract import batch_gc
    from extract.pipeline import BATCH_GC_THRESHOLD

    before = gc.get_threshold()
    with batch_gc():
        inside = gc.get_threshold()
    assert inside[0] == max(before[0], BATCH_GC_THRESHOLD) and inside[1:] == before[1:]
    assert gc.get_threshold() == before
    with pytest.raises(ValueError), batch_gc():  # restored even when the run fails
        raise ValueError
    assert gc.get_threshold() == before
