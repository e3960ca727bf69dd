"""`xxgk run`: crawl a demo portal over HTTP, then extract and load; a second run adds nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlite_utils

from crawler.demo.server import DemoServer

REPO = Path(__file__).resolve().parent.parent


def xxgk_run(data: Path, url: str) -> subprocess.CompletedProcess[str]:
    cmd = [
        sys.executable,
        "-m",
        "xxgk.cli",
        "run",
        "demo-shanghai",
        "--data",
        str(data),
        "--demo-url",
        url,
        "--no-throttle",
        "-q",
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=REPO)


def test_run_crawls_extracts_and_loads_then_changes_nothing(tmp_path: Path) -> None:
    server = DemoServer(port=0).start()
    try:
        first = xxgk_run(tmp_path, server.url)
        assert first.returncode == 0, first.stderr[-2000:]
        db = sqlite_utils.Database(tmp_path / "xxgk.db")
        documents = db.execute("select count(*) from documents").fetchone()[0]
        reports = db.execute("select count(*) from reports").fetchone()[0]
        assert documents > 0 and reports > 0
        # every stored inline report page became a report with its tables
        assert db.execute("select count(*) from reports where template is null").fetchone()[0] == 0
        second = xxgk_run(tmp_path, server.url)
        assert second.returncode == 0, second.stderr[-2000:]
        assert db.execute("select count(*) from documents").fetchone()[0] == documents
        assert db.execute("select count(*) from reports").fetchone()[0] == reports
        assert "nothing new to load" in second.stderr
    finally:
        server.stop()
