"""Two loads of one database, and queries during a load, as real processes.

A second `xxgk load` refuses clearly (exit 3) or waits with --wait; a query during a
load sees the database before or after its schema is made, never half of it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from extract import extract_path
from tests.conftest import CORPUS

SEED = CORPUS / "seed" / "baicheng-2019.txt"
ENV = dict(os.environ)


def xxgk(*args: str) -> list[str]:
    return [sys.executable, "-m", "xxgk.cli", *args]


def documents(folder: Path, n: int) -> list[str]:
    """n versions of the seed report (different bytes, same agency and year)."""
    folder.mkdir()
    text = SEED.read_text(encoding="utf-8")
    paths = []
    for i in range(n):
        p = folder / f"r{i:03}.txt"
        p.write_text(text + f"\n附:第{i}版\n", encoding="utf-8")
        paths.append(str(p))
    return paths


def wait_for(predicate, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def test_a_second_load_refuses_clearly_or_waits(tmp_path: Path) -> None:
    docs = documents(tmp_path / "docs", 30)
    data = tmp_path / "data"
    lock = data / "xxgk.db.load.lock"
    line = json.dumps(extract_path(SEED).to_json(), ensure_ascii=False) + "\n"
    # the first load reads reports from a pipe: it holds the database until the pipe closes
    first = subprocess.Popen(
        xxgk("load", "-q", "--data", str(data), "--jsonl", "-"),
        env=ENV,
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    waited = None
    try:
        first.stdin.write(line)
        first.stdin.flush()
        wait_for(lambda: lock.exists() and lock.read_text().strip() == str(first.pid))
        refused = subprocess.run(
            xxgk("load", "-q", "--data", str(data), *docs),
            env=ENV,
            capture_output=True,
            text=True,
            timeout=120,
        )
        waited = subprocess.Popen(
            xxgk("load", "-q", "--wait", "300", "--data", str(data), *docs),
            env=ENV,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(1)
        assert waited.poll() is None  # waiting for the lock
        first_err = first.communicate("", timeout=300)[1]
        waited_err = waited.communicate(timeout=300)[1]
    finally:
        first.kill()
        if waited:
            waited.kill()
    assert first.returncode == 0 and "1 new report(s)" in first_err
    assert refused.returncode == 3
    assert refused.stderr == (
        f"xxgk load: {data / 'xxgk.db'}: another xxgk load is writing this database (pid {first.pid}); "
        "not starting a second one (--wait SECONDS waits for it)\n"
    )
    assert waited.returncode == 0, waited_err
    assert "Traceback" not in waited_err
    assert "0 new report(s), 30 new version(s), 0 unchanged, 0 extraction error(s)" in waited_err
    query = subprocess.run(
        xxgk(
            "query",
            "--data",
            str(data),
            "-f",
            "csv",
            "SELECT COUNT(*) AS n, COUNT(DISTINCT sha256) AS d FROM reports",
        ),
        env=ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert query.stdout == "n,d\n31,31\n"


def test_queries_during_a_first_load_never_see_half_a_schema(tmp_path: Path) -> None:
    docs = documents(tmp_path / "docs", 20)
    data = tmp_path / "data"
    sql = "SELECT COUNT(*) FROM report_wide"
    load = subprocess.Popen(xxgk("load", "-q", "--data", str(data), *docs), env=ENV, stderr=subprocess.PIPE)
    answers: dict[str, int] = {}
    try:
        # one query process after another, from before the database exists until the load ends
        while True:
            done = load.poll() is not None
            q = subprocess.run(
                xxgk("query", "--data", str(data), "-f", "csv", sql), env=ENV, capture_output=True, text=True
            )
            answer = "counted" if q.returncode == 0 else q.stderr.strip().split(": ", 2)[-1]
            answers[answer] = answers.get(answer, 0) + 1
            if done:
                break
    finally:
        load.kill()
    assert load.returncode == 0
    assert set(answers) <= {
        "counted",
        "no such database (create it with `xxgk load`)",
        "no reports loaded yet (run `xxgk load`)",
    }, answers
    assert answers["counted"] >= 1
