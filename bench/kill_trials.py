"""Kill trials: interrupt `xxgk crawl` / `xxgk run` at random moments, rerun, count losses.

    python bench/kill_trials.py [--trials 10] [--seed 1] [--commands crawl,run]

Starts the demo portals on a free localhost port and makes one uninterrupted reference
crawl of every demo portal. Then, for each command (`crawl`, `run`) and each signal
(SIGINT, as Ctrl-C, and SIGKILL, as a power cut), `--trials` times: a fresh data
folder, the command started, the signal sent after a random delay within the
reference run's duration, then ONE uninterrupted rerun of the same command. The rerun
must hold every current document of the reference run. Printed per kind of trial and
in total:

- documents lost: reference documents (portal, URL) absent after the rerun (must be 0);
- duplicates: URLs with more than one current row, or two rows of the same bytes at
  the same URL (must be 0);
- integrity errors: `PRAGMA integrity_check` not ok, or a row whose bytes are not on
  disk (must be 0);
- for `run`: reports loaded after the rerun, against the reference run's.

Exit status 0 when all three counts are 0. The machine is shared: timings vary, the
counts must not.
"""

from __future__ import annotations

import argparse
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
    totals = {"trials": 0, "lost": 0, "duplicates": 0, "integrity": 0}
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
                    row = {"lost": 0, "duplicates": 0, "integrity": 0, "short_reports": 0, "interrupted": 0}
                    for trial in range(args.trials):
                        data = Path(tmp) / f"{kind}-{sig.name}-{trial}"
                        delay = rng.uniform(0.3, 0.85 * duration)
                        proc = subprocess.Popen(
                            command(kind, data, server.url),
                            cwd=REPO,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                        )
                        time.sleep(delay)
                        if proc.poll() is None:
                            proc.send_signal(sig)
                        killed_code = proc.wait(timeout=300)
                        row["interrupted"] += killed_code != 0  # 0: it had finished before the signal
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
                        row["short_reports"] += short
                        print(
                            f"  {kind} {sig.name:7} trial {trial + 1:2}: killed at {delay:5.1f} s"
                            f" (exit {killed_code}),"
                            f" rerun exit {code}: lost {lost}, duplicates {dupes}, integrity errors {errors}"
                            + (f", reports short {short}" if ref_reports is not None else ""),
                            flush=True,
                        )
                        if code != 0:
                            print("    rerun stderr: " + err.strip().splitlines()[-1], flush=True)
                    print(
                        f"{kind} {sig.name}: {args.trials} trials "
                        f"({row['interrupted']} interrupted mid-run), "
                        f"documents lost {row['lost']}, duplicates "
                        f"{row['duplicates']}, integrity errors {row['integrity']}"
                        + (f", reports short {row['short_reports']}" if ref_reports is not None else ""),
                        flush=True,
                    )
                    totals["trials"] += args.trials
                    totals["lost"] += row["lost"]
                    totals["duplicates"] += row["duplicates"]
                    totals["integrity"] += row["integrity"]
    finally:
        server.stop()
    print(
        f"TOTAL: {totals['trials']} trials, documents lost {totals['lost']}, "
        f"duplicates {totals['duplicates']}, "
        f"integrity errors {totals['integrity']}"
    )
    return 0 if totals["lost"] == totals["duplicates"] == totals["integrity"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
