"""Crawl speed and incremental cost on the demo bench portal (no throttling).

    python bench/crawl.py [--reports 2000] [--keep DIR]

Starts the demo portals on a free localhost port, crawls `demo-bench` (a year-split
TRS tree of N reports, one in ten with a PDF) and `demo-nd` (a 动静结合 column paged
through its search API, found from the portal's home page) twice into a fresh data
folder, and prints pages per second of the first run and the request count of the
second, incremental run (goal: under 5% of the first run's).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.demo.server import DemoServer  # noqa: E402
from tests import crawl_process  # noqa: E402

PORTALS = ("demo-bench", "demo-nd")  # demo-nd: API-paged lists must stay cheap to recrawl too


def crawl(data: Path, server: DemoServer) -> tuple[float, int, int]:
    server.clear_log()
    started = time.perf_counter()
    proc = crawl_process.crawl(
        data, *PORTALS, demo_url=server.url, settings={"CONCURRENT_REQUESTS_PER_DOMAIN": "16"}, timeout=3600
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"crawl failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    ok = sum(1 for e in server.log if e.status in (200, 304))
    return elapsed, len(server.log), ok


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--reports", type=int, default=2000, help="reports on the bench portal (default 2000)"
    )
    parser.add_argument("--keep", help="data folder to keep (default: a temporary one)")
    args = parser.parse_args()
    server = DemoServer(port=0, bench_reports=args.reports).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(args.keep or tmp)
            t1, n1, ok1 = crawl(data, server)
            t2, n2, _ = crawl(data, server)
            import sqlite_utils

            db = sqlite_utils.Database(data / "xxgk.db")
            stored = db.execute(
                "select count(*) from documents where portal = 'demo-bench' and kind = 'page'"
            ).fetchone()[0]
    finally:
        server.stop()
    print(f"reports on the portal:        {args.reports}")
    print(f"reports stored (first run):   {stored}  (recall {stored / args.reports:.3f})")
    print(f"first run:  {n1} requests in {t1:.1f} s (incl. process start) = {ok1 / t1:.0f} pages/s")
    print(f"second run: {n2} requests in {t2:.1f} s = {100 * n2 / n1:.2f}% of the first run (goal < 5%)")
    return 0 if n2 < 0.05 * n1 and stored == args.reports else 1


if __name__ == "__main__":
    sys.exit(main())
