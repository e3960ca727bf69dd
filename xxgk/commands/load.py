"""`xxgk load`: extract documents (files, JSON Lines, or the crawler's store) into the database.

`load()` is the library call under the command; `xxgk run` and `xxgk demo` call it after
their crawl, with an `ExtractionOptions` for where documents are extracted.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xxgk import config, logs
from xxgk.commands import add_data_options, examples, status
from xxgk.commands.status import CommandError, Locked, UsageError

if TYPE_CHECKING:
    from db.load import Loader, LoadSummary
    from db.parallel import Executor


@dataclass(frozen=True)
class ExtractionOptions:
    """Where documents are extracted: worker processes (default: one per core) or a Dask
    cluster. The defaults are those of a plain `xxgk load`."""

    jobs: int | None = None  # worker processes (None: one per core; 0: in this process)
    doc_timeout: float | None = None  # seconds per document (None: db.parallel's default)
    doc_memory: int = 0  # MB of address space per worker (0: no limit)
    dask: str | None = None  # scheduler address
    dask_store: str | None = None  # the data folder as the Dask workers see it

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ExtractionOptions:
        """The options of `add_extraction_options`, which bear the fields' names."""
        return cls(**{f.name: getattr(args, f.name) for f in fields(cls)})

    def executor(self, data_dir: str | Path) -> Executor:
        """The executor these options ask for; an impossible one is a usage error."""
        from db.parallel import DEFAULT_TIMEOUT, ExecutorError, make_executor

        try:
            return make_executor(
                self.jobs,
                dask=self.dask,
                timeout=self.doc_timeout or DEFAULT_TIMEOUT,
                memory_mb=self.doc_memory,
                local_store=str(data_dir),
                store=self.dask_store,
            )
        except ExecutorError as exc:
            raise UsageError(str(exc)) from None


def load(
    data_dir: str | Path,
    *,
    db: str | Path | None = None,
    files: Sequence[str] = (),
    jsonl: str | None = None,
    portal_region: str | None = None,
    stores: Sequence[str] = (),
    retry_errors: bool = False,
    wait: float = 0.0,
    db_timeout: float | None = None,
    registry: str | None = None,
    extraction: ExtractionOptions | None = None,
    verbosity: int = logs.NORMAL,
) -> int:
    """Extract `files`, or the JSON Lines in `jsonl` ('-': stdin), or else the crawler's
    stored documents not loaded yet (after merging other nodes' data folders `stores`
    into data_dir's), into the database (default DATA/xxgk.db). Returns 0,
    or 1 when any document failed (each is recorded in extraction_errors and named on
    stderr, and the summary counts the reasons). Raises Locked when another load holds
    the database. `db_timeout`: seconds a write waits for another writer (a crawl;
    default db.schema's); `registry`: the registry giving stored documents' portals their
    regions (default: the one shipped in crawler/)."""
    from db.lock import LoadLocked, load_lock

    path = Path(db) if db else Path(data_dir) / "xxgk.db"
    if not jsonl and not files and not path.exists() and not stores:
        print(
            f"xxgk load: nothing to load: no FILE given, and no crawled documents in {path.parent} "
            "(`xxgk crawl` stores them there; see --help)",
            file=sys.stderr,
        )
        return status.OK
    extraction = extraction or ExtractionOptions()
    source = _Source(Path(data_dir), tuple(files), jsonl, portal_region, tuple(stores), registry, db_timeout)
    try:
        with load_lock(path, wait):
            summary = _load_locked(path, source, retry_errors, extraction, verbosity <= logs.QUIET)
    except LoadLocked as exc:
        raise Locked(f"{path}: {exc}") from None
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        raise Locked(
            f"{path}: the database stayed locked by another program (a crawl?) longer than "
            f"the timeout ({exc}); nothing was lost, run the load again"
        ) from None
    if summary is None:
        return status.OK
    print(f"xxgk load: {path}: {summary.line()}", file=sys.stderr)
    return status.FAILED if summary.failures else status.OK


@dataclass(frozen=True)
class _Source:
    """What one load reads: FILEs, else JSON Lines, else the crawler's store in data_dir."""

    data_dir: Path
    files: tuple[str, ...]
    jsonl: str | None
    portal_region: str | None
    stores: tuple[str, ...]  # other crawl nodes' data folders, merged into data_dir first
    registry: str | None  # for the regions of the portals the stored documents came from
    db_timeout: float | None


def _load_locked(
    path: Path, source: _Source, retry_errors: bool, extraction: ExtractionOptions, quiet: bool
) -> LoadSummary | None:
    """The load, once this process holds the database (None: nothing new to load)."""
    from db.load import Loader, load_documents, load_paths, stored_documents
    from db.schema import SchemaError, connect
    from extract import batch_gc

    try:
        database = connect(path) if source.db_timeout is None else connect(path, timeout=source.db_timeout)
    except SchemaError as exc:
        raise CommandError(f"{path}: {exc}") from None
    loader = Loader(database, retry_errors=retry_errors)
    if source.jsonl:
        summary = _load_jsonl(loader, source.jsonl, source.portal_region, quiet)
    elif source.files:
        executor = extraction.executor(source.data_dir)
        progress = ProgressLine(len(source.files), quiet, loader.summary)
        with batch_gc():
            summary = load_paths(
                loader, source.files, progress=progress, portal_region=source.portal_region, executor=executor
            )
        progress.finish()
    else:
        if source.stores:
            _merge_stores(database, source)
        rows = stored_documents(database)
        if not rows:
            print(f"xxgk load: {path}: nothing new to load: every stored document is loaded", file=sys.stderr)
            return None
        executor = extraction.executor(source.data_dir)
        progress = ProgressLine(len(rows), quiet, loader.summary)
        with batch_gc():
            regions = _portal_regions(source.registry)
            summary = load_documents(
                loader,
                rows,
                str(source.data_dir),
                portal_regions=regions,
                progress=progress,
                executor=executor,
            )
        progress.finish()
    database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return summary


def _merge_stores(database: Any, source: _Source) -> None:
    """Bring the documents of the other nodes' stores into this one (db.stores)."""
    from db.stores import StoreError, merge_stores

    try:
        merged = merge_stores(database, source.data_dir, list(source.stores))
    except StoreError as exc:
        raise UsageError(str(exc)) from None
    print(f"xxgk load: {merged.line()}", file=sys.stderr)
    for missing in merged.missing:
        print(f"xxgk load: skipped {missing}: its file is missing or not of its hash", file=sys.stderr)


def _load_jsonl(loader: Loader, jsonl: str, portal_region: str | None, quiet: bool) -> LoadSummary:
    from db.load import load_jsonl

    progress = ProgressLine(None, quiet, loader.summary)
    try:
        if jsonl == "-":
            summary = load_jsonl(
                loader, sys.stdin.buffer, "stdin", portal_region=portal_region, progress=progress
            )
        else:
            with open(jsonl, "rb") as stream:
                summary = load_jsonl(loader, stream, jsonl, portal_region=portal_region, progress=progress)
    except OSError as exc:
        raise CommandError(f"{jsonl}: cannot read ({exc.strerror or exc})") from None
    progress.finish()
    return summary


def run_load(args: argparse.Namespace) -> int:
    """`xxgk load`: the parsed arguments as a call of `load()`."""
    return load(
        args.data,
        db=args.db,
        files=args.files,
        jsonl=args.jsonl,
        portal_region=args.portal_region,
        stores=args.store,
        retry_errors=args.retry_errors,
        wait=args.wait,
        db_timeout=config.value("XXGK_DB_TIMEOUT"),
        registry=config.registry_path(),
        extraction=ExtractionOptions.from_args(args),
        verbosity=logs.verbosity(args),
    )


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "load",
        help="extract documents into the database",
        description="Extract report documents into the SQLite database (created or migrated as needed). "
        "With FILEs, extracts those files; with --jsonl, loads `xxgk extract --jsonl` output; with neither, "
        "extracts the crawler's stored documents not loaded yet. Idempotent: content already loaded is "
        "skipped unread; new content for a known report (same agency and year) is stored as a new version "
        "and becomes current. A document that cannot be extracted is recorded in extraction_errors and "
        "the run goes on; the exit status is then 1. Progress goes to stderr.",
        **examples(
            "xxgk load report1.pdf report2.html",
            "xxgk load --data /srv/xxgk",
            "xxgk load --data /srv/xxgk --dask tcp://scheduler:8786   # on a Dask cluster",
            "xxgk load --data /srv/xxgk --store /mnt/node1 --store /mnt/node2   # merge crawl nodes",
            "xxgk extract --jsonl reports/*.pdf | xxgk load --jsonl -",
        ),
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="report documents (any format)")
    add_data_options(p)
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


def _portal_regions(registry: str | None) -> dict[str, str]:
    """Portal name -> region code from the crawler's registry, when the crawler is installed."""
    try:
        from crawler.registry import RegistryError, load_registry
    except ImportError:
        return {}
    try:
        return {p.name: p.region for p in load_registry(registry).values()}
    except RegistryError as exc:
        print(f"xxgk load: portal regions unknown: {exc}", file=sys.stderr)
        return {}
