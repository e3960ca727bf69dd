"""Benchmark: PDF and DOCX reports extracted per second on one core.

    python bench/extract_office.py [--seconds 10]

Runs the whole extraction (read, map, check, describe) in one process over the PDF and
DOCX reports of tests/ (real PDFs and rendered ones) until each format has run for the
given time. Goals: >= 2 PDF reports/s and >= 20 DOCX reports/s. `measure(paths)` is
the function another benchmark (bench/extract.py) can call.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract import extract_bytes  # noqa: E402

TESTS = ROOT / "tests"
FOLDERS = (TESTS / "corpus" / "dev-pdf", TESTS / "corpus" / "seed-rendered", TESTS / "documents")
# a scan is refused, so it is not timed
PDFS = sorted(p for d in FOLDERS for p in d.glob("*.pdf") if not p.name.startswith("scan"))
DOCXS = sorted(p for d in FOLDERS for p in d.glob("*.docx"))
GOALS = {"pdf": 2.0, "docx": 20.0}


def measure(paths: list[Path], seconds: float = 10.0) -> tuple[int, float]:
    """(reports extracted, elapsed seconds): rounds over `paths` until `seconds` pass."""
    docs = [(p.read_bytes(), str(p)) for p in paths]
    done = 0
    start = time.perf_counter()
    while True:
        for data, source in docs:
            extract_bytes(data, source)
            done += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done, elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=10.0, help="time to run each format (default 10)")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    ok = True
    for fmt, paths in (("pdf", PDFS), ("docx", DOCXS)):
        n, elapsed = measure(paths, args.seconds)
        rate = n / elapsed
        ok &= rate >= GOALS[fmt]
        print(f"{fmt}: {rate:.1f} reports/s ({n} in {elapsed:.1f} s over {len(paths)} documents; "
              f"goal >= {GOALS[fmt]:g})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
