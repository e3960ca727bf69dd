"""Every failure reaches the exit status, and Ctrl-C stops at any moment with 130.

Real `xxgk` processes throughout (the console script of this Python's environment), real
files, real SIGINT. The moment of a signal is chosen from what the process has done, not
from a delay: with PYTHONPROFILEIMPORTTIME Python reports each module it has imported on
stderr, so the test waits for the import that marks the phase it wants to interrupt.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.demo.server import DemoServer

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "tests" / "corpus" / "seed" / "baicheng-2019.txt"
XXGK = shutil.which("xxgk", path=str(Path(sys.executable).parent)) or "xxgk"


def xxgk(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([XXGK, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_an_unknown_portal_is_a_usage_error_with_status_2(tmp_path: Path) -> None:
    for command in ("crawl", "run"):
        proc = xxgk(command, "no-such-portal", "--data", str(tmp_path))
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr == (
            f"xxgk {command}: no portal named no-such-portal in the registry (see `xxgk crawl --list`)\n"
        )
    assert not (tmp_path / "xxgk.db").exists()  # refused before anything was touched


def test_bad_arguments_exit_2_and_a_bad_query_exits_1(tmp_path: Path) -> None:
    proc = xxgk("crawl", "demo-trs", "-s", "CONCURRENT_REQUESTS", "--data", str(tmp_path))
    assert proc.returncode == 2 and "expected NAME=VALUE, got 'CONCURRENT_REQUESTS'" in proc.stderr
    assert xxgk("load", "--data", str(tmp_path), str(SEED), "-q").returncode == 0
    proc = xxgk("query", "--data", str(tmp_path), "--canned", "no_such_query")
    assert proc.returncode == 2 and proc.stderr.startswith("xxgk query: no canned query 'no_such_query'")
    proc = xxgk("query", "--data", str(tmp_path), "SELECT nonsense FROM reports")
    assert proc.returncode == 1 and proc.stderr.startswith("xxgk query: ") and "Traceback" not in proc.stderr


def test_load_exits_1_when_a_document_failed_and_the_summary_names_the_reasons(tmp_path: Path) -> None:
    noise = tmp_path / "noise.bin"
    noise.write_bytes(random.Random(7).randbytes(4000))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    data = tmp_path / "data"
    proc = xxgk("load", "--data", str(data), str(SEED), str(noise), str(empty))
    assert proc.returncode == 1, proc.stderr
    assert (
        f"xxgk load: {noise}: not extracted: not a report: no text (binary data of an unknown format)\n"
        in (proc.stderr)
    )
    assert f"xxgk load: {empty}: not extracted: empty file\n" in proc.stderr
    summary = proc.stderr.splitlines()[-1]
    assert "1 new report(s)" in summary and "2 extraction error(s)" in summary
    assert "failed: 1 × not a report; 1 × empty file" in summary
    db = sqlite3.connect(data / "xxgk.db")
    assert db.execute("SELECT source FROM reports").fetchall() == [(str(SEED),)]  # the good one loaded
    assert sorted(s for (s,) in db.execute("SELECT source FROM extraction_errors")) == sorted(
        [str(noise), str(empty)]
    )
    # all good: 0
    assert xxgk("load", "--data", str(tmp_path / "good"), str(SEED)).returncode == 0


def interrupt_after_import(
    module: str, args: list[str], timeout: float = 120
) -> tuple[int, list[str], float]:
    """Start `xxgk ARGS`, send SIGINT once Python has imported `module`; return the exit
    status, the stderr lines that are not import timings, and the seconds from the
    signal to the exit."""
    env = dict(os.environ, PYTHONPROFILEIMPORTTIME="1")
    # A shell starts a background job (`.ci/run &`) with SIGINT ignored, and Python keeps
    # an ignored SIGINT ignored: the child gets the default disposition, as at a terminal.
    proc = subprocess.Popen(
        [XXGK, *args],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stderr is not None
    lines: list[str] = []
    for line in proc.stderr:
        lines.append(line)
        if line.startswith("import time:") and line.rstrip().endswith(f" {module}"):
            break
    else:
        pytest.fail(f"{module} was never imported:\n{''.join(lines[-20:])}")
    proc.send_signal(signal.SIGINT)
    sent = time.monotonic()
    _out, err = proc.communicate(timeout=timeout)
    took = time.monotonic() - sent
    said = [line for line in (*lines, *err.splitlines(keepends=True)) if not line.startswith("import time:")]
    return proc.returncode, [line.rstrip("\n") for line in said], took


def test_ctrl_c_while_the_libraries_load_is_one_line_and_status_130(tmp_path: Path) -> None:
    """extract.pipeline comes with the first command module: most libraries (db,
    Scrapy) are still to be imported when the signal arrives."""
    status, said, _ = interrupt_after_import("extract.pipeline", ["load", "--data", str(tmp_path), str(SEED)])
    assert (status, said) == (130, ["xxgk: interrupted"])
    assert not (tmp_path / "xxgk.db").exists()


def test_ctrl_c_during_the_crawlers_start_up_stops_the_crawl_with_status_130(tmp_path: Path) -> None:
    """Scrapy imports its TLS context factory while it builds the first crawler's
    downloader: inside Deferreds, before the reactor runs. Ctrl-C there used to be
    swallowed: the crawl went on to its end (about 250 requests, 37 s) and exited 1."""
    server = DemoServer(port=0).start()
    try:
        args = ["crawl", "--all-demo", "--demo-url", server.url, "--data", str(tmp_path), "--no-throttle"]
        status, said, took = interrupt_after_import("scrapy.core.downloader.contextfactory", args)
        served = len(server.log)
    finally:
        server.stop()
    assert status == 130, "\n".join(said[-30:])
    assert took < 30, took  # promptly
    assert served < 60, served  # stopped, not run to the end
    assert not any("Traceback" in line for line in said), said
    assert "interrupted" in said[-1] or "interrupted" in said[-2], said[-3:]
