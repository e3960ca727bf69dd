"""Completeness is a recorded fact: interrupted walks resume, failed documents come back.

Real processes throughout: the demo portals (or a fault portal) on localhost, `xxgk
crawl` in a subprocess, real SIGINT and SIGKILL. The full kill trial (>= 10 random
kills of each kind) is `bench/kill_trials.py`; here one of each, at a moment chosen so
that the crawl is surely half done.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils

from crawler.demo import reports as demo
from crawler.demo.server import DemoServer
from tests.crawl_process import crawl, crawl_command
from tests.fault_portal import FaultPortal, html, list_page, registry, report_page

REPO = Path(__file__).resolve().parents[1]
T = "年政府信息公开工作年度报告"


def titles(data: Path, portal: str) -> set[str]:
    db = sqlite_utils.Database(data / "xxgk.db")
    return {
        r[0] for r in db.execute("select title from documents where portal = ? and kind = 'page'", [portal])
    }


def frontier(data: Path) -> list[dict]:
    db = sqlite_utils.Database(data / "xxgk.db")
    return list(db.query("select * from crawl_frontier order by rowid"))


def test_a_list_page_that_failed_is_walked_on_the_next_run(tmp_path):
    """gkmlpt list pages 2+ answer 500 on their first two hits; with one retry, the walk
    breaks at page 2 in the first run, at page 3 in the second (page 2 now answers) …
    Without a recorded frontier, the second run stopped at page 1 (nothing new) for good."""
    srv = DemoServer(port=0, faults={"errors500"}).start()
    runs = []
    try:
        expected = srv.expected()["demo-gkmlpt"]
        for _ in range(6):
            before = len(srv.log)  # (clear_log would reset the fault's hit counts)
            proc = crawl(tmp_path, "demo-gkmlpt", demo_url=srv.url, settings={"RETRY_TIMES": "1"})
            pages = sorted(
                {e.path.split("page=")[1].split("&")[0] for e in srv.log[before:] if "page=" in e.path}
            )
            runs.append((proc, pages, titles(tmp_path, "demo-gkmlpt"), frontier(tmp_path)))
            if proc.returncode == 0:
                break
    finally:
        srv.stop()
    proc, _, got, owed = runs[0]
    assert proc.returncode == 1 and "\tHTTP 500 ×1" in proc.stdout  # the exit status and summary say so
    assert [(r["kind"], r["status"], r["reason"]) for r in owed] == [("list", "failed", "HTTP 500")]
    assert len(got) < len(expected)
    # Each later run walks the page that failed (and no further than the next failure).
    for n, (_proc, pages, _got, _owed) in enumerate(runs[1:], start=2):
        assert str(n) in pages
    last, _, got, owed = runs[-1]
    assert last.returncode == 0, last.stderr[-3000:]
    assert 2 < len(runs) < 6 and got == expected and owed == []


def test_a_stored_page_whose_attachment_failed_gets_it_on_the_next_run(tmp_path):
    portal = FaultPortal().start()
    pdf = b"%PDF-1.4 report\n%%EOF\n"
    portal.route("/list/page_1.html", list_page([("/r/a.html", f"甲局2023{T}")]))
    portal.route("/r/a.html", html(report_page(f"甲局2023{T}", '<a href="/f/a.pdf">附件.pdf</a>')))
    portal.route(
        "/f/a.pdf",
        lambda hit: html("busy", 500) if hit <= 2 else (200, [("Content-Type", "application/pdf")], pdf),
    )
    reg = registry(tmp_path, f"{portal.url}/list/page_1.html", allow_private=True)
    try:
        first = crawl(
            tmp_path, "fault-portal", demo_url=portal.url, registry=str(reg), settings={"RETRY_TIMES": "1"}
        )
        second = crawl(
            tmp_path, "fault-portal", demo_url=portal.url, registry=str(reg), settings={"RETRY_TIMES": "1"}
        )
    finally:
        portal.stop()
    assert first.returncode == 1 and first.stdout.splitlines()[1].endswith("\tHTTP 500 ×1")
    assert second.returncode == 0, second.stderr[-3000:]
    assert portal.paths().count("/r/a.html") == 1  # the page is known: not fetched again
    assert portal.paths().count("/f/a.pdf") == 3  # its attachment is (2 failures, then 200)
    db = sqlite_utils.Database(tmp_path / "xxgk.db")
    assert [r[0] for r in db.execute("select kind from documents order by id")] == ["page", "attachment"]


def test_a_document_that_keeps_failing_is_retried_with_backoff_then_given_up(tmp_path):
    """The soft-404 report of the GBK CMS never comes back. Give up after 3 failed runs:
    tried on runs 1, 2 and 4 (backoff 1, 2 runs), then never again, reason kept."""
    srv = DemoServer(port=0, faults={"soft404"}).start()
    asked, codes = [], []
    try:
        for _run in range(5):
            srv.clear_log()
            proc = crawl(tmp_path, "demo-gbkcms", demo_url=srv.url, settings={"XXGK_GIVE_UP_AFTER": "3"})
            codes.append(proc.returncode)
            (row,) = frontier(tmp_path)
            asked.append(sum(1 for e in srv.log if row["url"].endswith(e.path)))
        missing = subprocess.run(
            [sys.executable, "-m", "xxgk.cli", "crawl", "--missing", "--data", str(tmp_path)],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
    finally:
        srv.stop()
    assert asked == [1, 1, 0, 1, 0]
    assert codes == [1, 1, 1, 1, 0]  # missing until given up
    assert (row["status"], row["attempts"], row["kind"]) == ("gave_up", 3, "report")
    assert "soft 404" in row["reason"]
    lines = missing.stdout.splitlines()
    assert lines[0] == "portal\tstatus\tfailed_runs\tkind\turl\treason"
    assert lines[1].startswith("demo-gbkcms\tgave_up\t3\treport\thttp://")


def _stored_pages(data: Path) -> int:
    try:
        db = sqlite_utils.Database(data / "xxgk.db")
        return db.execute("select count(*) from documents where kind = 'page'").fetchone()[0]
    except Exception:  # not created yet
        return 0


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_a_crawl_killed_midway_is_completed_by_the_next_run(tmp_path, sig):
    srv = DemoServer(port=0, bench_reports=300).start()
    try:
        expected = srv.expected()["demo-bench"]
        cmd = crawl_command(
            tmp_path, "demo-bench", demo_url=srv.url, settings={"CONCURRENT_REQUESTS_PER_DOMAIN": "4"}
        )
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while _stored_pages(tmp_path) < 40 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        proc.send_signal(sig)
        _out, err = proc.communicate(timeout=120)
        cut = titles(tmp_path, "demo-bench")
        rerun = crawl(tmp_path, "demo-bench", demo_url=srv.url)
    finally:
        srv.stop()
    assert 40 <= len(cut) < len(expected)  # killed halfway
    if sig == signal.SIGINT:
        assert proc.returncode == 130, err[-2000:]  # "interrupted", not "all good"
    else:
        assert proc.returncode == -signal.SIGKILL
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert titles(tmp_path, "demo-bench") == expected
    db = sqlite_utils.Database(tmp_path / "xxgk.db")
    assert db.execute(
        "select count(*) - count(distinct url) from documents where is_current = 1"
    ).fetchone() == (0,)
    attachments = db.execute("select count(*) from documents where kind = 'attachment'").fetchone()[0]
    assert attachments == sum(1 for r in srv.sites["demo-bench"].reports() if not r.decoy and demo.ext(r))
    assert db.execute("pragma integrity_check").fetchone() == ("ok",)
    assert frontier(tmp_path) == []
