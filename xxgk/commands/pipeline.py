"""`xxgk run` (crawl, then extract and load) and `xxgk demo` (the same on the demo portals)."""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
from pathlib import Path

from xxgk import logs
from xxgk.commands import add_verbosity_options, examples, verbosity_flags
from xxgk.commands.crawl import (
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_USAGE,
    add_crawl_arguments,
    run_crawl,
    with_exit_codes,
)
from xxgk.commands.db import add_extraction_options, run_load

COMPARISON_SQL = """
SELECT s.region AS region, s.agency AS agency, s.year AS year, s.template AS template,
       r.requests_received AS received, r.requests_handled AS handled,
       round(r.share_disclosed, 3) AS share_disclosed, round(r.share_withheld, 3) AS share_withheld,
       r.reviews AS reviews, r.lawsuits AS lawsuits, s.status_label AS status
FROM report_status s LEFT JOIN rates r USING (report_id)
WHERE s.report_id IS NOT NULL  -- a year without numbers is a row that says why (status)
ORDER BY s.region, s.agency, s.year
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run",
        help="crawl the registry, then extract and load what was fetched",
        description="The main job: crawl the named portals (or --all) into the data folder, then extract "
        "every stored document not loaded yet into the database (`xxgk crawl` followed by `xxgk load`). "
        "Incremental and idempotent: run it on a schedule.",
        **with_exit_codes(
            examples(
                "xxgk run --all --data /srv/xxgk",
                "xxgk run baicheng-ndbg --data /srv/xxgk -q",
                "xxgk run --all-demo --demo-url http://127.0.0.1:8765 --data /tmp/demo",
            )
        ),
    )
    add_crawl_arguments(p)
    add_extraction_options(p)
    p.set_defaults(func=run_pipeline)

    d = sub.add_parser(
        "demo",
        help="the whole pipeline on the built-in demo portals",
        description="Start the demo portals on localhost, crawl them, extract and load every report into a "
        "fresh database, and print the demo jurisdictions side by side by year.",
        **examples("xxgk demo", "xxgk demo --data /tmp/demo -q"),
    )
    d.add_argument("--data", help="fresh data folder to build (default: a new temporary folder)")
    d.set_defaults(func=run_demo)


def _load(data: str, db: str | None, args: argparse.Namespace) -> int:
    load_args = argparse.Namespace(
        data=data,
        db=db,
        jsonl=None,
        files=[],
        retry_errors=False,
        portal_region=None,
        quiet=args.quiet,
        verbose=args.verbose,
        **{
            k: getattr(args, k)
            for k in ("jobs", "doc_timeout", "doc_memory", "dask", "dask_store")
            if hasattr(args, k)
        },
    )
    return run_load(load_args)


def _crawl_args(argv: list[str]) -> argparse.Namespace:
    """The arguments of `xxgk crawl ARGV`, every option not given at its default."""
    parser = argparse.ArgumentParser(prog="xxgk crawl", add_help=False)
    add_crawl_arguments(parser)
    add_verbosity_options(parser)
    return parser.parse_args(argv)


def run_pipeline(args: argparse.Namespace) -> int:
    if args.list or args.missing:
        return run_crawl(args)
    crawled = run_crawl(args)
    if crawled in (EXIT_USAGE, EXIT_LOCKED, EXIT_INTERRUPTED):  # nothing to load, or the user said stop
        return crawled
    loaded = _load(args.data, args.db, args)
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
    level = logs.verbosity(args)
    # Progress and the summaries of the crawl and the load go to stderr; with -q, nowhere
    # (errors still do: they are logged). The crawl's table of portals only with -v.
    progress = contextlib.redirect_stderr(io.StringIO()) if level <= logs.QUIET else contextlib.nullcontext()
    table = sys.stderr if level >= logs.VERBOSE else io.StringIO()
    server = DemoServer("127.0.0.1", 0).start()
    try:
        with progress:
            print(f"xxgk demo: demo portals at {server.url}, data in {data}", file=sys.stderr)
            argv = ["--all-demo", "--data", str(data), "--demo-url", server.url, "--no-throttle"]
            with contextlib.redirect_stdout(table):
                crawled = run_crawl(_crawl_args(argv + verbosity_flags(args)))
    finally:
        server.stop()
    with progress:
        loaded = _load(str(data), None, args)
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
    if not args.data:
        print(f"The demo's folder stays until you remove it: rm -r {data}")
    return crawled or loaded
