"""`xxgk run` (crawl, then extract and load) and `xxgk demo` (the same on the demo portals)."""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
from pathlib import Path

from xxgk.commands import examples
from xxgk.commands.crawl import add_crawl_arguments, run_crawl
from xxgk.commands.db import run_load

COMPARISON_SQL = """
SELECT w.region AS region, w.agency AS agency, w.year AS year, w.template AS template,
       r.requests_received AS received, r.requests_handled AS handled,
       round(r.share_disclosed, 3) AS share_disclosed, round(r.share_withheld, 3) AS share_withheld,
       r.reviews AS reviews, r.lawsuits AS lawsuits,
       (SELECT count(*) FROM checks c WHERE c.report_id = w.report_id AND c.ok = 0) AS checks_failed
FROM report_wide w JOIN rates r USING (report_id)
ORDER BY w.region, w.agency, w.year
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run",
        help="crawl the registry, then extract and load what was fetched",
        description="The main job: crawl the named portals (or --all) into the data folder, then extract "
        "every stored document not loaded yet into the database (`xxgk crawl` followed by `xxgk load`). "
        "Incremental and idempotent: run it on a schedule.",
        **examples(
            "xxgk run --all --data /srv/xxgk",
            "xxgk run baicheng-ndbg --data /srv/xxgk -q",
            "xxgk run --all-demo --demo-url http://127.0.0.1:8765 --data /tmp/demo",
        ),
    )
    add_crawl_arguments(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress, only the summaries")
    p.set_defaults(func=run_pipeline)

    d = sub.add_parser(
        "demo",
        help="the whole pipeline on the built-in demo portals",
        description="Start the demo portals on localhost, crawl them, extract and load every report into a "
        "fresh database, and print the demo jurisdictions side by side by year.",
        **examples("xxgk demo", "xxgk demo --data /tmp/demo -q"),
    )
    d.add_argument("--data", help="fresh data folder to build (default: a new temporary folder)")
    d.add_argument("-q", "--quiet", action="store_true", help="no progress, only the comparison")
    d.set_defaults(func=run_demo)


def _load(data: str, db: str | None, quiet: bool) -> int:
    args = argparse.Namespace(
        data=data, db=db, jsonl=None, files=[], retry_errors=False, quiet=quiet, portal_region=None
    )
    return run_load(args)


def run_pipeline(args: argparse.Namespace) -> int:
    if args.list:
        return run_crawl(args)
    crawled = run_crawl(args)
    if crawled in (2, 3):  # bad arguments or registry, or another run holds the lock
        return crawled
    loaded = _load(args.data, args.db, args.quiet)
    return crawled or loaded


def run_demo(args: argparse.Namespace) -> int:
    from crawler.demo.server import DemoServer
    from db.query import write_table
    from db.schema import connect

    if args.data:
        data = Path(args.data)
        if data.exists() and any(data.iterdir()):
            print(f"xxgk demo: {data} is not empty; the demo builds a fresh database", file=sys.stderr)
            return 2
    else:
        data = Path(tempfile.mkdtemp(prefix="xxgk-demo-"))
    server = DemoServer("127.0.0.1", 0).start()
    try:
        print(f"xxgk demo: demo portals at {server.url}, data in {data}", file=sys.stderr)
        crawl_args = argparse.Namespace(
            portals=[],
            all=False,
            all_demo=True,
            list=False,
            data=str(data),
            db=None,
            registry=None,
            full=False,
            revalidate=False,
            demo_url=server.url,
            no_throttle=True,
            no_robots=False,
            legacy_tls=False,
            log_level="ERROR",
            set=[],
        )
        with contextlib.redirect_stdout(sys.stderr):  # the crawl summary is progress here
            crawled = run_crawl(crawl_args)
    finally:
        server.stop()
    loaded = _load(str(data), None, args.quiet)
    db = connect(data / "xxgk.db")
    cursor = db.conn.execute(COMPARISON_SQL)
    columns = [c[0] for c in cursor.description]
    rows = cursor.fetchall()
    print(f"The demo jurisdictions by year ({len(rows)} reports; database {data / 'xxgk.db'}):")
    write_table(sys.stdout, columns, rows)
    print(
        '\nExplore: xxgk query --db {0} "SELECT * FROM rates"   or   xxgk serve --db {0}'.format(
            data / "xxgk.db"
        )
    )
    return crawled or loaded
