"""What the commands print on stderr: one line per problem with its reason, the same
-q/-v everywhere, tracebacks only when asked for (xxgk/logs.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from xxgk.cli import build_parser

REPO = Path(__file__).resolve().parents[1]
# Portals on hosts of the reserved .invalid domain, which never resolve (RFC 6761),
# online or not; docs/crawling.md shows a run of them.
OFFLINE = REPO / "tests" / "data" / "offline-portals.json"
UNREACHABLE = ["gone-a", "gone-b", "gone-c"]


def xxgk(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xxgk.cli", *args], capture_output=True, text=True, timeout=300, cwd=cwd
    )


def offline_run(registry: Path, data: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    # no retries: a dead host fails the same way each time, and the test stays fast
    return xxgk(
        "run", "--all", "--registry", str(registry), "--data", str(data), "-s", "RETRY_TIMES=0", *flags
    )


def test_an_offline_run_says_once_per_portal_why_it_failed(tmp_path: Path) -> None:
    run = offline_run(OFFLINE, tmp_path / "data")
    assert run.returncode != 0
    assert "Traceback" not in run.stderr and "[scrapy" not in run.stderr
    log = run.stderr.splitlines()
    for name in UNREACHABLE:
        lines = [line for line in log if f"{name}:" in line]
        assert len(lines) == 1, log
        assert lines[0].startswith(f"xxgk crawl: {name}: failed: DNS lookup failed"), lines[0]
    summary = next(line for line in log if "portal(s) crawled" in line)
    assert "3 failed (3 × DNS lookup failed)" in summary
    # one line per portal, the summary line, and one line from the load
    assert len(log) == len(UNREACHABLE) + 2, log
    table = run.stdout.splitlines()
    assert table[0].startswith("portal\tstatus") and len(table) == len(UNREACHABLE) + 1
    assert [row.split("\t")[:2] for row in table[1:]] == [[n, "failed"] for n in UNREACHABLE]


def test_quiet_leaves_the_summary_and_verbose_adds_the_tracebacks(tmp_path: Path) -> None:
    quiet = offline_run(OFFLINE, tmp_path / "q", "-q")
    assert quiet.returncode != 0
    assert [line.split(":")[0:2] for line in quiet.stderr.splitlines()] == [
        ["xxgk crawl", " 3 portal(s) crawled into " + str(tmp_path / "q")],
        ["xxgk load", " " + str(tmp_path / "q" / "xxgk.db")],
    ]
    verbose = offline_run(OFFLINE, tmp_path / "v", "-v")
    assert "Traceback" in verbose.stderr and "DNSLookupError" in verbose.stderr


def subcommands() -> dict:
    parser = build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return dict(action.choices)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_command_takes_quiet_and_verbose(name: str) -> None:
    sub = subcommands()[name]
    required = [a for a in sub._actions if a.required or a.nargs == "+"]
    argv = ["x"] * len(required)
    for flags, quiet, verbose in ((["-q"], True, 0), (["-vv"], False, 2), ([], False, 0)):
        args = sub.parse_args([*flags, *argv])
        assert (args.quiet, args.verbose) == (quiet, verbose)


def test_load_in_an_empty_folder_says_there_is_nothing_to_load(tmp_path: Path) -> None:
    run = xxgk("load", cwd=tmp_path)
    assert run.returncode == 0
    assert run.stderr.startswith(
        "xxgk load: nothing to load: no FILE given, and no crawled documents in data"
    )
    assert list(tmp_path.iterdir()) == []  # no empty database left behind


def test_query_reads_stdin_and_warns_of_a_mistyped_parameter(tmp_path: Path, seed_path: Path) -> None:
    data = str(tmp_path / "data")
    assert xxgk("load", "--data", data, "-q", str(seed_path)).returncode == 0
    run = subprocess.run(
        [sys.executable, "-m", "xxgk.cli", "query", "-", "--data", data, "-f", "csv", "-p", "yaer=2019"],
        input="SELECT agency, year FROM report_wide WHERE year = 2019 -- not :year",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["agency,year", "白城市人民政府,2019"]
    assert run.stderr == "xxgk query: warning: the SQL has no parameter :yaer (it has: none)\n"
    canned = xxgk("query", "--data", data, "--canned", "problems_mentioning", "-p", "wrd=不完善")
    assert canned.returncode == 0
    assert (
        "the canned query problems_mentioning has no parameter :wrd (it has: :word, :page, :page_size)"
        in canned.stderr
    )
