"""`xxgk run` (crawl, then extract and load) and `xxgk demo` (the same on the demo portals).

`run()` and `demo()` are plain calls of `crawl.crawl` and `load.load`: a new crawl or
load option has a default there, so it cannot break them.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from xxgk import config, logs
from xxgk.commands import examples, status
from xxgk.commands.crawl import (
    CrawlOptions,
    add_crawl_arguments,
    crawl,
    crawl_verbosity,
    portals_of,
    registry_portals,
    run_crawl,
    select_portals,
)
from xxgk.commands.load import ExtractionOptions, add_extraction_options, load
from xxgk.commands.status import UsageError

COMPARISON_SQL = """
SELECT s.region AS region, s.agency AS agency, s.year AS year, s.template AS template,
       r.requests_received AS received, r.requests_handled AS handled,
       round(r.share_disclosed, 3) AS share_disclosed, round(r.share_withheld, 3) AS share_withheld,
       r.reviews AS reviews, r.lawsuits AS lawsuits, s.status_label AS status
FROM report_status s LEFT JOIN rates r USING (report_id)
WHERE s.report_id IS NOT NULL  -- a year without numbers is a row that says why (status)
ORDER BY s.region, s.agency, s.year
"""


def run(
    names: Sequence[str],
    data_dir: str | Path,
    *,
    db: str | None = None,
    options: CrawlOptions | None = None,
    extraction: ExtractionOptions | None = None,
    db_timeout: float | None = None,
    verbosity: int = logs.NORMAL,
) -> int:
    """Crawl the named portals, then load what is new (`db_timeout` as for `load`). The
    worse of the two statuses: 1 when a portal or a document failed; an interrupted crawl
    (130) loads nothing."""
    crawled = crawl(names, data_dir, db=db, options=options, verbosity=verbosity)
    if crawled == status.INTERRUPTED:  # the user said stop
        return crawled
    registry = options.registry if options else None
    loaded = load(
        data_dir, db=db, db_timeout=db_timeout, registry=registry, extraction=extraction, verbosity=verbosity
    )
    return max(crawled, loaded)


def demo(data_dir: str | Path | None = None, *, verbosity: int = logs.NORMAL) -> int:
    """Start the demo portals on localhost, crawl them all into a fresh data folder (a new
    temporary one by default), load everything, and print the demo jurisdictions by year."""
    from crawler.demo.server import DemoServer

    if data_dir is not None and Path(data_dir).exists() and any(Path(data_dir).iterdir()):
        raise UsageError(f"{data_dir} is not empty; the demo builds a fresh database")
    data = Path(data_dir) if data_dir is not None else Path(tempfile.mkdtemp(prefix="xxgk-demo-"))
    # Progress and the summaries of the crawl and the load go to stderr; with -q, nowhere
    # (errors still do: they are logged). The crawl's table of portals only with -v.
    progress = (
        contextlib.redirect_stderr(io.StringIO()) if verbosity <= logs.QUIET else contextlib.nullcontext()
    )
    table = sys.stderr if verbosity >= logs.VERBOSE else io.StringIO()
    server = DemoServer("127.0.0.1", 0).start()
    try:
        with progress:
            print(f"xxgk demo: demo portals at {server.url}, data in {data}", file=sys.stderr)
            names = select_portals(registry_portals(None), (), all_demo=True)
            options = CrawlOptions(demo_url=server.url, throttle=False)
            crawled = crawl(names, data, options=options, verbosity=verbosity, out=table)
    finally:
        server.stop()
    with progress:
        loaded = load(data, verbosity=verbosity)
    _print_comparison(data / "xxgk.db")
    if data_dir is None:
        print(f"The demo's folder stays until you remove it: rm -r {data}")
    return max(crawled, loaded)


def _print_comparison(path: Path) -> None:
    """The demo's result: its jurisdictions side by side by year, and where to look next."""
    from db.query import write_table
    from db.schema import connect

    cursor = connect(path).conn.execute(COMPARISON_SQL)
    columns = [c[0] for c in cursor.description]
    rows = cursor.fetchall()
    print(f"The demo jurisdictions by year ({len(rows)} reports; database {path}):")
    write_table(sys.stdout, columns, rows)
    print(f'\nExplore: xxgk query --db {path} "SELECT * FROM rates"   or   xxgk serve --db {path}')


def run_pipeline(args: argparse.Namespace) -> int:
    """`xxgk run`: the parsed arguments as a call of `run()` (--list and --missing as in crawl)."""
    if args.list or args.missing:
        return run_crawl(args)
    options = CrawlOptions.from_args(args)
    names = portals_of(args, options.registry)
    if args.shard and not names:
        print(f"xxgk run: shard {args.shard} holds none of the portals selected", file=sys.stderr)
        return status.OK
    return run(
        names,
        args.data,
        db=args.db,
        options=options,
        extraction=ExtractionOptions.from_args(args),
        db_timeout=config.value("XXGK_DB_TIMEOUT"),
        verbosity=crawl_verbosity(args),
    )


def run_demo(args: argparse.Namespace) -> int:
    """`xxgk demo`: the parsed arguments as a call of `demo()`."""
    return demo(args.data, verbosity=logs.verbosity(args))


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
