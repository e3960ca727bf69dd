"""The hostile-document set (tests/hostile.py) through `xxgk extract`, under a memory cap.

One run over every kind, as a user would start it: each input gets a one-line error
naming the file and the reason, or a correct report; the run ends, exits 1, and the
good documents of the same run are read.
"""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile import LIMITS, MEMORY_CAP, PDF, SEED, build, hostile_set


def capped() -> None:  # preexec_fn: the whole run within MEMORY_CAP of address space
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("hostile")
    built = build(folder / "set")
    paths = [str(p) for _, p in built]
    env = dict(os.environ, **LIMITS)
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "xxgk.cli", "extract", "--jsonl", str(SEED), *paths, str(PDF)],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
        preexec_fn=capped,
    )
    return built, done, time.monotonic() - start


def test_the_set_has_forty_kinds_or_more() -> None:
    assert len({h.name for h in hostile_set()}) >= 40


def test_every_hostile_document_is_an_error_or_a_correct_report(run) -> None:
    built, done, seconds = run
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    by_source = {o["source"]: o for o in out}
    assert len(out) == len(built) + 2  # one object per input, in order, none lost
    # the good documents before and after the hostile ones are read
    assert by_source[str(SEED)]["cells"]["applications.received_new.total"] == 59
    assert by_source[str(PDF)]["cells"]["applications.received_new.total"] == 95
    errors = {}
    for h, path in built:
        got = by_source[str(path)]
        if isinstance(h.expected, dict):
            assert "error" not in got, (h.name, got.get("error"))
            assert {k: got["cells"].get(k) for k in h.expected} == h.expected, h.name
        else:
            assert "error" in got, (h.name, "read as a report")
            assert re.fullmatch(h.expected, got["error"]), (h.name, got["error"])
            errors[str(path)] = got["error"]
    # on stderr: one line per failed input, naming the file and the reason
    lines = done.stderr.splitlines()
    for path, reason in errors.items():
        assert f"xxgk extract: {path}: {reason}" in lines, path
        assert "\n" not in reason
    assert seconds < 600


def test_limits_are_settings(tmp_path: Path) -> None:
    """A limit set lower applies: the seed report refused as too large for a document."""
    env = dict(os.environ, XXGK_MAX_DOCUMENT_BYTES="1000")
    done = subprocess.run(
        [sys.executable, "-m", "xxgk.cli", "extract", str(SEED)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        f"xxgk extract: {SEED}: too large: {SEED.stat().st_size:,} bytes, over the limit of 1,000 bytes "
        "for a document (XXGK_MAX_DOCUMENT_BYTES)"
    )


def test_a_document_over_the_time_limit_is_an_error_and_the_run_goes_on(tmp_path: Path) -> None:
    from extract import is_compiled

    # a report's first lines, then a number a line: slow to map (seconds, not the limit's 0.2)
    head = "\n".join(SEED.read_text(encoding="utf-8").splitlines()[:20]).encode() + b"\n"
    big = tmp_path / "slow-big.txt"  # over XXGK_IN_PROCESS_BYTES: read in a child, killed
    big.write_bytes(head + b"1\n" * 400_000)
    small = tmp_path / "slow-small.txt"  # read in process, interrupted by a timer
    small.write_bytes(head + b"1\n" * 120_000)
    assert len(small.read_bytes()) < 256 * 1024 < len(big.read_bytes())
    env = dict(os.environ, XXGK_DOCUMENT_SECONDS="0.2")
    paths = [big, small] if not is_compiled() else [big]  # compiled code sees no timer (docs/limits.md)
    done = subprocess.run(
        [sys.executable, "-m", "xxgk.cli", "extract", "--jsonl", *map(str, paths), str(SEED)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    out = [json.loads(line) for line in done.stdout.splitlines()]
    reason = "took longer than the limit of 0.2 s for one document (XXGK_DOCUMENT_SECONDS); stopped"
    assert [o.get("error") for o in out[:-1]] == [reason] * len(paths)
    assert out[-1]["cells"]["applications.received_new.total"] == 59
    assert done.returncode == 1


def test_load_records_what_is_not_a_file_and_loads_the_rest(tmp_path: Path) -> None:
    import sqlite3

    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.pdf"
    zero.symlink_to("/dev/zero")
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"\0" * 10_000)
    data = tmp_path / "data"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "xxgk.cli",
            "load",
            "--data",
            str(data),
            str(fifo),
            str(zero),
            str(nul),
            str(SEED),
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=300,
    )
    assert done.returncode == 1, done.stderr  # three documents failed
    summary = done.stderr.splitlines()[-1]
    for kind in (
        "not a report",
        "a named pipe, not a regular file",
        "a character device, not a regular file",
    ):
        assert f"1 × {kind}" in summary.split("; failed: ")[1], summary
    db = sqlite3.connect(data / "xxgk.db")
    assert sorted(db.execute("SELECT source, reason FROM extraction_errors")) == [
        (str(nul), "not a report: no text (binary data of an unknown format)"),
        (str(fifo), "a named pipe, not a regular file: not read"),
        (str(zero), "a character device, not a regular file: not read"),
    ]
    assert db.execute("SELECT source FROM reports").fetchall() == [(str(SEED),)]


def _crash() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def _fail() -> None:
    raise ValueError("a bug in a reader")


def _allocate() -> bytes:
    return b"x" * (4 << 30)


def test_a_child_that_crashes_fails_or_overruns_memory_is_that_documents_error(capfd) -> None:
    import faulthandler

    from extract.bounded import run_in_child
    from extract.model import ReadError

    assert faulthandler.is_enabled()  # pytest's, inherited by the forked child
    with pytest.raises(ReadError, match=r"^the reader crashed \(SIGSEGV\) on this document$"):
        run_in_child(_crash, ())
    assert capfd.readouterr().err == ""  # the one-line error only: no "Fatal Python error" dump
    with pytest.raises(ValueError, match=r"^a bug in a reader$"):  # raised here as if read here
        run_in_child(_fail, ())
    with pytest.raises(ReadError, match=r"^too large: reading it needs more than the memory limit of .* MiB"):
        run_in_child(_allocate, ())
    assert run_in_child(sum, ([1, 2, 3],)) == 6


def test_a_pdf_read_in_a_child_leaves_its_reader_imported_here() -> None:
    """The parent imports the PDF reader before forking, so that the next PDF's child
    inherits it instead of importing pdfplumber again (~0.2 s a document)."""
    pdf = Path(__file__).parent / "documents" / "split-2021.pdf"
    probe = (
        "import resource, sys\n"
        "from extract import extract_bytes\n"
        "before = 'pdfplumber' in sys.modules\n"
        f"report = extract_bytes(open({str(pdf)!r}, 'rb').read(), 'split-2021.pdf')\n"
        "child = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(before, 'pdfplumber' in sys.modules, child.ru_utime > 0, len(report.cells) > 100)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["False", "True", "True", "True"], done.stderr
