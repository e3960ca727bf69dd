"""Kill trials: interrupt `xxgk crawl` / `xxgk run` at random moments, rerun, count losses.

    python bench/kill_trials.py [--trials 10] [--seed 1] [--commands crawl,run]

Starts the demo portals on a free localhost port and makes one uninterrupted reference
crawl of every demo portal. Then, for each command (`crawl`, `run`) and each signal
(SIGINT, as Ctrl-C, and SIGKILL, as a power cut), `--trials` times: a fresh data
folder, the command started, the signal sent once the store holds N documents (N
drawn at random between 1 and 90% of the reference run's count), then ONE
uninterrupted rerun of the same command. The rerun must hold every current document of
the reference run.

The kill moment is chosen by watching progress, not a clock: a delay drawn from the
reference run's duration often landed before the crawl had started (interpreter and
Scrapy start-up) or after it had ended, on a machine whose load varies, so only 16 of
40 trials interrupted anything. Counting stored documents puts every kill inside the
crawl. A trial whose process ended before its N is reported as not interrupted.
Printed per kind of trial and in total:

- documents lost: reference documents (portal, URL) absent after the rerun (must be 0);
- duplicates: URLs with more than one current row, or two rows of the same bytes at
  the same URL (must be 0);
- integrity errors: `PRAGMA integrity_check` not ok, or a row whose bytes are not on
  disk (must be 0);
- stale locks: the crawl lock (`<data>/crawl.lock`) or the load lock still held by
  nobody once the killed process is gone, so that the rerun would refuse (must be 0);
- for `run`: reports loaded after the rerun, against the reference run's.

Exit status 0 when all three counts are 0. The machine is shared: timings vary, the
counts must not.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.demo.server import DemoServer  # noqa: E402

COUNTS = ("lost", "duplicates", "integrity", "stale_locks")  # each must stay 0


def quiet_resets(server: DemoServer) -> None:
    """Keep the demo server from printing a traceback for each connection a killed
    crawl drops: those resets are the point of the trial, not an error."""
    default = server.httpd.handle_error

    def handle_error(request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            default(request, client_address)  # type: ignore[arg-type]

    server.httpd.handle_error = handle_error  # type: ignore[method-assign]


def command(kind: str, data: Path, url: str) -> list[str]:
    cmd = [sys.executable, "-m", "xxgk.cli", kind, "--all-demo", "--data", str(data), "--demo-url", url]
    return cmd + ["--no-throttle", "-s", "XXGK_RETRY_BACKOFF=0.05"] + (["-q"] if kind == "run" else [])


def run_to_end(kind: str, data: Path, url: str) -> tuple[int, float, str]:
    started = time.monotonic()
    proc = subprocess.run(command(kind, data, url), capture_output=True, text=True, cwd=REPO, timeout=900)
    return proc.returncode, time.monotonic() - started, proc.stderr


def documents(data: Path) -> set[tuple[str, str]]:
    conn = sqlite3.connect(data / "xxgk.db")
    try:
        return set(conn.execute("select portal, url from documents where is_current = 1"))
    finally:
        conn.close()


def loaded_reports(data: Path) -> int | None:
    conn = sqlite3.connect(data / "xxgk.db")
    try:
        return conn.execute("select count(*) from reports").fetchone()[0]
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()


def stored_documents(data: Path) -> int:
    """Documents in the store so far (0 before the database exists): the progress the
    kill moment is chosen by. Read-only, so the crawl's writes are never held up."""
    path = data / "xxgk.db"
    if not path.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("select count(*) from documents").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:  # schema not created yet, or busy for a moment
        return 0


def stale_locks(data: Path) -> int:
    """Lock files of the data folder that cannot be taken although no crawl or load runs."""
    stale = 0
    for path in (data / "crawl.lock", data / "xxgk.db.load.lock"):
        if not path.exists():
            continue
        fd = os.open(path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(fd, fcntl.LOCK_UN)
        except BlockingIOError:
            stale += 1
        finally:
            os.close(fd)
    return stale


def kill_at(
    kind: str, data: Path, url: str, sig: signal.Signals, target: int
) -> tuple[int, int, float, bool]:
    """Start `kind`, send `sig` once `target` documents are stored. Returns (exit status,
    documents stored at the signal, seconds from start, whether it was still running)."""
    started = time.monotonic()
    proc = subprocess.Popen(
        command(kind, data, url), cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    while proc.poll() is None and stored_documents(data) < target:
        time.sleep(0.02)
    at, after = stored_documents(data), time.monotonic() - started
    running = proc.poll() is None
    if running:
        proc.send_signal(sig)
    return proc.wait(timeout=300), at, after, running


def damage(data: Path) -> tuple[int, int]:
    """(duplicates, integrity errors) of a data folder."""
    conn = sqlite3.connect(data / "xxgk.db")
    try:
        dupes = conn.execute(
            "select count(*) from (select url from documents where is_current = 1"
            " group by url having count(*) > 1)"
        ).fetchone()[0]
        dupes += conn.execute(
            "select count(*) from (select url, sha256 from documents"
            " group by url, sha256 having count(*) > 1)"
        ).fetchone()[0]
        errors = 0 if conn.execute("pragma integrity_check").fetchone()[0] == "ok" else 1
        for (sha,) in conn.execute("select distinct sha256 from documents"):
            if not (data / "docs" / sha[:2] / sha).is_file():
                errors += 1
    finally:
        conn.close()
    return dupes, errors


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--trials", type=int, default=10, help="trials per command and signal (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the kill moments")
    parser.add_argument("--commands", default="crawl,run", help="comma-separated: crawl, run")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    server = DemoServer(port=0).start()
    quiet_resets(server)
    totals = dict.fromkeys(("trials", "interrupted", *COUNTS), 0)
    try:
        with tempfile.TemporaryDirectory(prefix="xxgk-kill-") as tmp:
            for kind in args.commands.split(","):
                ref = Path(tmp) / f"reference-{kind}"
                code, duration, err = run_to_end(kind, ref, server.url)
                if code != 0:
                    sys.exit(f"reference {kind} failed ({code}):\n{err[-3000:]}")
                reference = documents(ref)
                ref_reports = loaded_reports(ref) if kind == "run" else None
                print(
                    f"reference `xxgk {kind} --all-demo`: {len(reference)} documents"
                    + (f", {ref_reports} reports loaded" if ref_reports is not None else "")
                    + f", {duration:.1f} s",
                    flush=True,
                )
                for sig in (signal.SIGINT, signal.SIGKILL):
                    row = dict.fromkeys((*COUNTS, "short_reports", "interrupted"), 0)
                    for trial in range(args.trials):
                        data = Path(tmp) / f"{kind}-{sig.name}-{trial}"
                        target = rng.randint(1, max(1, int(0.9 * len(reference))))
                        killed_code, at, after, running = kill_at(kind, data, server.url, sig, target)
                        interrupted = running and killed_code != 0
                        row["interrupted"] += interrupted
                        stale = stale_locks(data)
                        code, _, err = run_to_end(kind, data, server.url)
                        got = documents(data)
                        lost = len(reference - got)
                        dupes, errors = damage(data)
                        short = 0
                        if ref_reports is not None:
                            short = max(0, ref_reports - (loaded_reports(data) or 0))
                        row["lost"] += lost
                        row["duplicates"] += dupes
                        row["integrity"] += errors
                        row["stale_locks"] += stale
                        row["short_reports"] += short
                        print(
                            f"  {kind} {sig.name:7} trial {trial + 1:2}: killed at {at:4}/{len(reference)}"
                            f" documents, {after:5.1f} s (exit {killed_code}"
                            f"{'' if interrupted else ', NOT interrupted'}),"
                            f" rerun exit {code}: lost {lost}, duplicates {dupes},"
                            f" integrity errors {errors}, stale locks {stale}"
                            + (f", reports short {short}" if ref_reports is not None else ""),
                            flush=True,
                        )
                        if code != 0:
                            print("    rerun stderr: " + (err.strip().splitlines() or [""])[-1], flush=True)
                    print(
                        f"{kind} {sig.name}: {args.trials} trials "
                        f"({row['interrupted']} interrupted mid-crawl), "
                        f"documents lost {row['lost']}, duplicates {row['duplicates']}, "
                        f"integrity errors {row['integrity']}, stale locks {row['stale_locks']}"
                        + (f", reports short {row['short_reports']}" if ref_reports is not None else ""),
                        flush=True,
                    )
                    totals["trials"] += args.trials
                    totals["interrupted"] += row["interrupted"]
                    for name in COUNTS:
                        totals[name] += row[name]
    finally:
        server.stop()
    print(
        f"TOTAL: {totals['trials']} trials ({totals['interrupted']} interrupted mid-crawl), "
        f"documents lost {totals['lost']}, duplicates {totals['duplicates']}, "
        f"integrity errors {totals['integrity']}, stale locks {totals['stale_locks']}"
    )
    clean = all(totals[name] == 0 for name in COUNTS)
    return 0 if clean and totals["interrupted"] == totals["trials"] else 1


if __name__ == "__main__":
    sys.exit(main())
