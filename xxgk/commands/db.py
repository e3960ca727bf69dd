"""`xxgk load`, `xxgk query`, `xxgk export`, `xxgk serve`: the research database."""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import Any

from xxgk import config
from xxgk.commands import examples

DEFAULT_DATA = config.data_dir()


def _db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db else Path(args.data) / "xxgk.db"


def _add_db_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data",
        default=DEFAULT_DATA,
        metavar="DIR",
        help="data folder holding xxgk.db and the document store docs/ (default: %(default)s, or $XXGK_DATA)",
    )
    p.add_argument("--db", metavar="FILE", help="database file (default: DIR/xxgk.db)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "load",
        help="extract documents into the database",
        description="Extract report documents into the SQLite database (created or migrated as needed). "
        "With FILEs, extracts those files; with --jsonl, loads `xxgk extract --jsonl` output; with neither, "
        "extracts the crawler's stored documents not loaded yet. Idempotent: content already loaded is "
        "skipped unread; new content for a known report (same agency and year) is stored as a new version "
        "and becomes current. A document that cannot be extracted is recorded in extraction_errors and "
        "the run goes on. Progress goes to stderr.",
        **examples(
            "xxgk load report1.pdf report2.html",
            "xxgk load --data /srv/xxgk",
            "xxgk load --data /srv/xxgk --dask tcp://scheduler:8786   # on a Dask cluster",
            "xxgk load --data /srv/xxgk --store /mnt/node1 --store /mnt/node2   # merge crawl nodes",
            "xxgk extract --jsonl reports/*.pdf | xxgk load --jsonl -",
        ),
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="report documents (any format)")
    _add_db_args(p)
    p.add_argument("--jsonl", metavar="FILE", help="load Report JSON lines from FILE ('-' for stdin)")
    p.add_argument(
        "--portal-region",
        metavar="CODE|NAME",
        help="region of the portal the FILEs came from (context for agency names such as 上湾乡人民政府)",
    )
    p.add_argument(
        "--retry-errors",
        action="store_true",
        help="extract again documents that failed before (e.g. after an extractor upgrade)",
    )
    p.add_argument(
        "--wait",
        type=float,
        default=0,
        metavar="SECONDS",
        help="if another load is writing the database, wait up to SECONDS for it (default: refuse at "
        "once, exit status 3)",
    )
    p.add_argument(
        "--store",
        action="append",
        default=[],
        metavar="DIR",
        help="merge the documents of another crawl node's data folder into DATA first (repeatable; "
        "idempotent: content-addressed, the same document from two nodes is one document; "
        "see docs/crawling.md)",
    )
    add_extraction_options(p)
    p.set_defaults(func=run_load)

    p = sub.add_parser(
        "query",
        help="run read-only SQL on the database",
        description="Run one SQL statement on the database, opened read-only, and print the result as an "
        "aligned table (default), CSV, JSON or JSON Lines. Useful tables and views: report_wide, "
        "comparable, rates, cell_values, sections, regions, agencies. Full text, any word length: "
        "... FROM sections_fts JOIN sections s ON s.id = sections_fts.rowid "
        "WHERE sections_fts MATCH fts_phrase('疫情'). "
        "A bad query prints SQLite's error and exits with status 1.",
        **examples(
            'xxgk query "SELECT region, year, share_disclosed FROM rates ORDER BY year"',
            "xxgk query --canned city_share_granted -p province=江苏省 -f csv",
            "xxgk query --list-canned",
            'echo "SELECT year, count(*) FROM reports GROUP BY year" | xxgk query -',
        ),
    )
    p.add_argument("sql", nargs="?", help="the SQL statement, '-' to read it from stdin (or use --canned)")
    _add_db_args(p)
    p.add_argument("-f", "--format", choices=("table", "csv", "json", "jsonl"), default="table")
    p.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="value for a :NAME parameter (repeatable)",
    )
    p.add_argument("--canned", metavar="NAME", help="run a canned research query (see --list-canned)")
    p.add_argument("--list-canned", action="store_true", help="list the canned queries and exit")
    p.set_defaults(func=run_query)

    p = sub.add_parser(
        "export",
        help="write the research views as CSV / Parquet, with a data dictionary",
        description="Write the views report_wide, comparable and rates (reports with numbers) as CSV files "
        "(and Parquet with --format parquet, which needs the `parquet` extra: pip install 'xxgk[parquet]'), "
        "and datapackage.json: a Frictionless data package giving every column's type, label and "
        "description (`frictionless validate DIR/datapackage.json` checks the files against it). Codes are "
        "text: read them as strings (pandas: dtype=str, or frictionless' to_pandas).",
        **examples(
            "xxgk export -o export/",
            "xxgk export --excel -o export/       # UTF-8 with a BOM, for Excel on Windows",
            "xxgk export --format csv --format parquet -o export/",
        ),
    )
    _add_db_args(p)
    p.add_argument(
        "-o", "--out", default="export", metavar="DIR", help="output folder (default: %(default)s)"
    )
    p.add_argument(
        "--format",
        action="append",
        choices=("csv", "parquet"),
        help="csv and/or parquet (repeatable; default: csv)",
    )
    p.add_argument(
        "--excel",
        action="store_true",
        help="CSV for Excel: UTF-8 with a byte-order mark, so that Excel on Windows shows the Chinese text",
    )
    p.set_defaults(func=run_export)

    p = sub.add_parser(
        "show-cell",
        help="write the page crop an OCR'd number was read from, as PNG",
        description="For a report read by OCR, cut the page image around the cell a number was read "
        "from (the cell outlined in red) and write it as PNG, so that the number can be checked by eye. "
        "Prints the value, the text read, the confidence and the page box on stderr.",
        **examples(
            "xxgk show-cell 12 applications.received_new.total -o cell.png",
            "xxgk show-cell --data /srv/xxgk 12 review_litigation.review.total",
        ),
    )
    _add_db_args(p)
    p.add_argument("report_id", help="the report's id (reports.id, report_wide.report_id)")
    p.add_argument("key", help="the cell's key, e.g. applications.received_new.total")
    p.add_argument("-o", "--output", metavar="PNG", help="file to write (default: REPORT_ID-KEY.png)")
    p.set_defaults(func=run_show_cell)

    p = sub.add_parser(
        "serve",
        help="browse the database in Datasette",
        description="Serve the database read-only with Datasette: table and view descriptions, licence "
        "and source notes, and the canned research queries. Stop with Ctrl-C.",
        **examples("xxgk serve --data /srv/xxgk", "xxgk serve --db /tmp/demo/xxgk.db --port 8002"),
    )
    _add_db_args(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    p.add_argument("--port", type=int, default=8001, help="port (default: %(default)s)")
    p.set_defaults(func=run_serve)


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a number of processes (0 or more), not {text!r}")
    return int(text)


def add_extraction_options(p: argparse.ArgumentParser) -> None:
    """Where documents are extracted: worker processes (default: one per core) or a Dask cluster."""
    from db.parallel import DEFAULT_TIMEOUT

    g = p.add_argument_group("extraction on several cores or machines (see docs/performance.md)")
    g.add_argument(
        "-j",
        "--jobs",
        type=_count,
        default=None,
        metavar="N",
        help="extract in N worker processes; this process alone writes the database (default: one per "
        "core; 0: in this process, no isolation)",
    )
    g.add_argument(
        "--doc-timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="a document still extracting after SECONDS is stopped and recorded as an error (worker "
        "processes only; default: %(default)g)",
    )
    g.add_argument(
        "--doc-memory",
        type=int,
        default=0,
        metavar="MB",
        help="address space a worker may use; a document needing more is an error (default: no limit)",
    )
    g.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="extract on a Dask cluster, e.g. tcp://scheduler:8786 (needs `pip install 'xxgk[dask]'`); "
        "its workers read the documents from the store, this process writes the database",
    )
    g.add_argument(
        "--dask-store",
        metavar="PATH|URL",
        help="the data folder as the Dask workers see it (a shared mount or an fsspec URL; default: the "
        "same path as here)",
    )


def _executor(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The extraction executor the options ask for (`xxgk run` passes the same options)."""
    from db.parallel import DEFAULT_TIMEOUT, ExecutorError, make_executor

    try:
        return make_executor(
            getattr(args, "jobs", None),
            dask=getattr(args, "dask", None),
            timeout=getattr(args, "doc_timeout", None) or DEFAULT_TIMEOUT,
            memory_mb=getattr(args, "doc_memory", 0) or 0,
            local_store=args.data,
            store=getattr(args, "dask_store", None),
        )
    except ExecutorError as exc:
        print(f"xxgk load: {exc}", file=sys.stderr)
        return None


class ProgressLine:
    """Progress on stderr: a rewritten line on a terminal, a line every 10 s otherwise."""

    def __init__(self, total: int | None, quiet: bool, summary: Any = None) -> None:
        self.total, self.quiet = total, quiet
        self.summary = summary  # db.load.LoadSummary: its last_error names the reason
        self.done = 0
        self.start = self.last = time.monotonic()
        self.tty = sys.stderr.isatty()

    def __call__(self, status: str, source: str) -> None:
        self.done += 1
        if status == "error" and not self.quiet:
            self._clear()
            reason = getattr(self.summary, "last_error", "") or "see the table extraction_errors"
            print(f"xxgk load: {source}: not extracted: {reason}", file=sys.stderr)
        t = time.monotonic()
        if self.quiet or t - self.last < (0.2 if self.tty else 10):
            return
        self.last = t
        of = f"/{self.total}" if self.total else ""
        rate = self.done / max(t - self.start, 1e-9)
        eta = f", {_duration((self.total - self.done) / rate)} left" if self.total and rate > 0 else ""
        msg = f"loading: {self.done}{of} documents ({rate:.1f}/s{eta}) {source[-50:]}"
        if self.tty:
            print("\r" + msg[:120].ljust(120), end="", file=sys.stderr, flush=True)
        else:
            print(msg, file=sys.stderr, flush=True)

    def _clear(self) -> None:
        if self.tty:
            print("\r" + " " * 120 + "\r", end="", file=sys.stderr)

    def finish(self) -> None:
        if not self.quiet:
            self._clear()


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


LOCKED = 3  # exit status: another program holds the database


def run_load(args: argparse.Namespace) -> int:
    import sqlite3

    from db.lock import LoadLocked, load_lock

    path = _db_path(args)
    if not args.jsonl and not args.files and not path.exists() and not getattr(args, "store", None):
        print(
            f"xxgk load: nothing to load: no FILE given, and no crawled documents in {path.parent} "
            "(`xxgk crawl` stores them there; see --help)",
            file=sys.stderr,
        )
        return 0
    try:
        with load_lock(path, getattr(args, "wait", 0) or 0):
            return _run_load(args, path)
    except LoadLocked as exc:
        print(f"xxgk load: {path}: {exc}", file=sys.stderr)
        return LOCKED
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        print(
            f"xxgk load: {path}: the database stayed locked by another program (a crawl?) longer than "
            f"the timeout ({exc}); nothing was lost, run the load again",
            file=sys.stderr,
        )
        return LOCKED


def _run_load(args: argparse.Namespace, path: Path) -> int:
    from db.load import Loader, load_documents, load_paths, stored_documents
    from db.schema import SchemaError, connect
    from extract import batch_gc

    try:
        db = connect(path, timeout=config.value("XXGK_DB_TIMEOUT"))
    except SchemaError as exc:
        print(f"xxgk load: {path}: {exc}", file=sys.stderr)
        return 2
    loader = Loader(db, retry_errors=args.retry_errors)
    if args.jsonl:
        try:
            summary = _load_jsonl(loader, args)
        except OSError as exc:
            print(f"xxgk load: {args.jsonl}: cannot read ({exc.strerror or exc})", file=sys.stderr)
            return 1
    elif args.files:
        if (executor := _executor(args)) is None:
            return 2
        progress = ProgressLine(len(args.files), args.quiet, loader.summary)
        with batch_gc():
            summary = load_paths(
                loader, args.files, progress=progress, portal_region=args.portal_region, executor=executor
            )
        progress.finish()
    else:
        if getattr(args, "store", None) and _merge_stores(db, args) != 0:
            return 2
        rows = stored_documents(db)
        if not rows:
            print(f"xxgk load: {path}: nothing new to load: every stored document is loaded", file=sys.stderr)
            return 0
        if (executor := _executor(args)) is None:
            return 2
        progress = ProgressLine(len(rows), args.quiet, loader.summary)
        with batch_gc():
            regions = _portal_regions()
            summary = load_documents(
                loader, rows, args.data, portal_regions=regions, progress=progress, executor=executor
            )
        progress.finish()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"xxgk load: {path}: {summary.line()}", file=sys.stderr)
    return 0


def _merge_stores(db, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    from db.stores import StoreError, merge_stores

    try:
        merged = merge_stores(db, args.data, args.store)
    except StoreError as exc:
        print(f"xxgk load: {exc}", file=sys.stderr)
        return 2
    print(f"xxgk load: {merged.line()}", file=sys.stderr)
    for missing in merged.missing:
        print(f"xxgk load: skipped {missing}: its file is missing or not of its hash", file=sys.stderr)
    return 0


def _portal_regions() -> dict[str, str]:
    """Portal name -> region code from the crawler's registry, when the crawler is installed."""
    try:
        from crawler.registry import RegistryError, load_registry
    except ImportError:
        return {}
    try:
        return {p.name: p.region for p in load_registry(config.registry_path()).values()}
    except RegistryError as exc:
        print(f"xxgk load: portal regions unknown: {exc}", file=sys.stderr)
        return {}


def _load_jsonl(loader, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from db.load import load_jsonl

    progress = ProgressLine(None, args.quiet, loader.summary)
    if args.jsonl == "-":
        summary = load_jsonl(
            loader, sys.stdin.buffer, "stdin", portal_region=args.portal_region, progress=progress
        )
    else:
        with open(args.jsonl, "rb") as stream:
            summary = load_jsonl(
                loader, stream, args.jsonl, portal_region=args.portal_region, progress=progress
            )
    progress.finish()
    return summary


def run_query(args: argparse.Namespace) -> int:
    from db.canned import BY_NAME, CANNED
    from db.query import QueryError, open_readonly, write
    from db.query import run_query as execute

    if args.list_canned:
        for c in CANNED:
            params = ", ".join(f":{p}" for p in c.params)
            print(f"{c.name}\t{c.title}\t{params}")
        return 0
    params: dict[str, str] = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep:
            print(f"xxgk query: --param {item!r}: expected NAME=VALUE", file=sys.stderr)
            return 2
        params[name.lstrip(":")] = value
    if args.canned:
        canned = BY_NAME.get(args.canned)
        if not canned:
            print(
                f"xxgk query: no canned query {args.canned!r}; known: {', '.join(BY_NAME)}", file=sys.stderr
            )
            return 2
        sql = canned.sql
        _warn_unused(params, canned.params, f"the canned query {canned.name}")
        params = {p: params.get(p, "") for p in canned.params}
    elif args.sql:
        sql = sys.stdin.read() if args.sql == "-" else args.sql
        _warn_unused(params, _sql_parameters(sql), "the SQL")
    else:
        print("xxgk query: give an SQL statement or --canned NAME (see --help)", file=sys.stderr)
        return 2
    try:
        conn = open_readonly(_db_path(args))
        columns, rows = execute(conn, sql, params)
    except QueryError as exc:
        print(f"xxgk query: {exc}", file=sys.stderr)
        return 1
    write(sys.stdout, args.format, columns, rows)
    return 0


def _sql_parameters(sql: str) -> tuple[str, ...]:
    """The :name parameters of an SQL statement (string literals and comments skipped)."""
    code = re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/", " ", sql, flags=re.S)
    return tuple(dict.fromkeys(re.findall(r"(?<![:\w]):(\w+)", code)))


def _warn_unused(given: dict[str, str], known: tuple[str, ...], what: str) -> None:
    """A mistyped `-p wrd=x` would otherwise be ignored without a word."""
    for name in given:
        if name not in known:
            has = ", ".join(f":{k}" for k in known) or "none"
            print(f"xxgk query: warning: {what} has no parameter :{name} (it has: {has})", file=sys.stderr)


def run_export(args: argparse.Namespace) -> int:
    from db.export import ExportError, export
    from db.query import QueryError

    formats = tuple(args.format or ["csv"])
    try:
        files = export(_db_path(args), args.out, formats=formats, excel=args.excel)
    except (ExportError, QueryError) as exc:
        print(f"xxgk export: {exc}", file=sys.stderr)
        return 1
    for f in files:
        print(f)
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from db.serve import serve

    return serve(_db_path(args), args.host, args.port)


def run_show_cell(args: argparse.Namespace) -> int:
    from db.cellcrop import CropError, cell_crop
    from db.query import QueryError, open_readonly
    from extract import ReadError

    if not args.report_id.isdigit():
        print(
            f"xxgk show-cell: REPORT_ID must be a number (reports.id), not {args.report_id!r}",
            file=sys.stderr,
        )
        return 2
    out = Path(args.output or f"{args.report_id}-{args.key}.png")
    try:
        conn = open_readonly(_db_path(args))
        crop = cell_crop(conn, int(args.report_id), args.key, Path(args.data))
    except (QueryError, CropError, ReadError, FileNotFoundError) as exc:
        print(f"xxgk show-cell: {exc}", file=sys.stderr)
        return 1
    out.write_bytes(crop.png)
    print(
        f"{out}: {args.key} = {crop.value} "
        f"(read {crop.raw!r}, confidence {crop.confidence}, {crop.placement}) "
        f"from page {crop.page}, box {','.join(map(str, crop.box))} of {crop.document}",
        file=sys.stderr,
    )
    return 0
