"""`xxgk crawl` (run the reports spider over registry portals) and `xxgk demo-portal`.

`crawl()` is the library call under `xxgk crawl`; `xxgk run`, `xxgk demo`, the tests and
bench/crawl.py call it too, with a `CrawlOptions` for whatever differs from a plain crawl.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from xxgk import config, logs
from xxgk.commands import (
    add_data_options,
    add_politeness_options,
    add_registry_option,
    examples,
    status,
)
from xxgk.commands.status import CommandError, Locked, UsageError

if TYPE_CHECKING:
    from scrapy.crawler import CrawlerProcess

    from crawler.registry import Portal

# --log-level NAME is the verbosity that shows Scrapy's messages of that level.
LOG_LEVEL_VERBOSITY = {"WARNING": logs.VERBOSE, "INFO": logs.VERBOSE + 1, "DEBUG": logs.VERBOSE + 2}


@dataclass(frozen=True)
class CrawlOptions:
    """How to crawl, beyond which portals and where: `xxgk crawl`'s options as values.

    Every field has the default of a plain `xxgk crawl`, so a caller (the demo, a test)
    names only what it changes, and a new option cannot break it.
    """

    registry: str | None = None  # None: $XXGK_REGISTRY, else the registry shipped in crawler/
    full: bool = False  # walk every list page, not only up to the first with nothing new
    revalidate: bool = False  # re-request known reports conditionally; implies full
    demo_url: str | None = None  # base URL of the demo portals
    throttle: bool = True  # AutoThrottle and a delay between requests
    robots: bool = True  # obey robots.txt
    legacy_tls: bool = False  # accept old HTTPS servers (OpenSSL security level 1)
    scrapy_settings: Mapping[str, str] = field(default_factory=dict)  # -s NAME=VALUE

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> CrawlOptions:
        return cls(
            registry=args.registry or config.registry_path(),
            full=args.full,
            revalidate=args.revalidate,
            demo_url=args.demo_url,
            throttle=not args.no_throttle,
            robots=not args.no_robots,
            legacy_tls=args.legacy_tls,
            scrapy_settings=dict(args.set),
        )


def crawl(
    names: Sequence[str],
    data_dir: str | Path,
    *,
    db: str | None = None,
    options: CrawlOptions | None = None,
    verbosity: int = logs.NORMAL,
    out: TextIO | None = None,
) -> int:
    """Crawl the named portals into `data_dir`; print one summary line per portal to `out`
    (default stdout) and return the exit status: 0 all good, 1 something failed or is
    missing, 130 interrupted. Raises UsageError for unknown portals, Locked when another
    crawl holds the data folder. Runs Twisted's reactor: once per process."""
    data_dir, options = Path(data_dir), options or CrawlOptions()
    unknown = [n for n in names if n not in registry_portals(options.registry)]
    if unknown:
        raise UsageError(f"no portal named {', '.join(unknown)} in the registry (see `xxgk crawl --list`)")
    if not names:
        raise UsageError("name the portals to crawl, or use --all / --all-demo (see --help)")
    names = list(dict.fromkeys(names))
    if options.legacy_tls:
        _lower_openssl_security_level(data_dir)
    settings = _scrapy_settings(data_dir, db, options, verbosity)
    from scrapy.crawler import CrawlerProcess

    from crawler import lock
    from crawler.store import DocumentStore

    try:
        held = lock.acquire(data_dir)
    except lock.CrawlLocked as exc:
        raise Locked(str(exc)) from None
    try:
        store = DocumentStore(data_dir, db)
        before = store.db.execute("select coalesce(max(id), 0) from crawl_runs").fetchone()[0]
        store.close()
        process = CrawlerProcess(settings)
        _twisted_errors_to_logging()
        with _StopOnSignal(process) as stop:
            for name in names:
                walk = {
                    "full": "1" if options.full else "0",
                    "revalidate": "1" if options.revalidate else "0",
                }
                process.crawl("reports", portal=name, **walk)
            process.start(install_signal_handlers=False)
    finally:
        lock.release(held)
    return _summary(data_dir, db, before, names, verbosity, out or sys.stdout, stopped=stop.received > 0)


class _StopOnSignal:
    """Ctrl-C (or SIGTERM) stops a crawl at any moment, its start-up included.

    Scrapy installs its own handlers only once the reactor runs; before that, Ctrl-C
    raises KeyboardInterrupt inside the crawlers' Deferreds, which swallow it, and the
    crawl went on as if nothing happened. So the handlers go in before the crawlers are
    made: the first signal stops every crawl gracefully (what is owed stays in the
    frontier; the summary says "interrupted", exit 130), the second stops the reactor
    at once. The handlers in place before are restored on the way out.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, process: CrawlerProcess) -> None:
        self.process = process
        self.received = 0
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> _StopOnSignal:
        for sig in self.SIGNALS:
            self.previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)

    def _handle(self, signum: int, frame: object) -> None:
        from twisted.internet import reactor

        self.received += 1
        # A signal handler may not log or touch the reactor's state: queue the stop.
        reactor.callFromThread(self._stop_gracefully if self.received == 1 else self._stop_now)

    def _stop_gracefully(self) -> None:
        logging.getLogger("xxgk.crawl").info("interrupted: stopping the crawl (Ctrl-C again stops at once)")
        self.process.stop().addBoth(self._stop_now)

    @staticmethod
    def _stop_now(_: object = None) -> None:
        from twisted.internet import reactor
        from twisted.internet.error import ReactorNotRunning

        with contextlib.suppress(ReactorNotRunning):
            reactor.stop()


def registry_portals(registry: str | None) -> dict[str, Portal]:
    """The registry's portals by name; a registry that cannot be read is a usage error."""
    from crawler.registry import RegistryError, load_registry

    try:
        return load_registry(registry)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None


def select_portals(
    portals: Mapping[str, Portal], names: Sequence[str], *, all_real: bool = False, all_demo: bool = False
) -> list[str]:
    """The portals named, plus every real one (--all) or every demo one (--all-demo)."""
    selected = list(names)
    if all_real:
        selected += [n for n, p in portals.items() if not p.demo]
    if all_demo:
        selected += [n for n, p in portals.items() if p.demo and n != "demo-bench"]
    return list(dict.fromkeys(selected))


def _scrapy_settings(data_dir: Path, db: str | None, options: CrawlOptions, verbosity: int):  # type: ignore[no-untyped-def]
    """The project's Scrapy settings with this crawl's options on top (priority "cmdline")."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    overrides: dict[str, object] = {
        "XXGK_DATA": str(data_dir),
        "LOG_INSTALL_ROOT_HANDLER": False,  # stderr is xxgk.logs' (-q/-v), not Scrapy's
        "LOG_LEVEL": logging.getLevelName(min(logs.library_level(verbosity), logging.WARNING)),
        # progress lines every few seconds: on a terminal, or when asked for with -v
        "XXGK_PROGRESS": verbosity >= logs.VERBOSE or (verbosity == logs.NORMAL and sys.stderr.isatty()),
    }
    if db:
        overrides["XXGK_DB"] = db
    if options.registry:
        overrides["XXGK_REGISTRY"] = options.registry
    if options.demo_url:
        overrides["XXGK_DEMO_URL"] = options.demo_url
    if not options.throttle:
        overrides.update(AUTOTHROTTLE_ENABLED=False, DOWNLOAD_DELAY=0, CONCURRENT_REQUESTS_PER_DOMAIN=8)
    if not options.robots:
        overrides["ROBOTSTXT_OBEY"] = False
    overrides.update(options.scrapy_settings)
    settings.setdict(overrides, priority="cmdline")
    return settings


def list_portals(registry: str | None, out: TextIO | None = None) -> int:
    """`xxgk crawl --list`: the registry by province and level, tab-separated."""
    from crawler.registry import listing

    out = out or sys.stdout
    rows = listing(registry_portals(registry))
    columns = ("province", "level", "name", "platform", "verified", "region", "title", "start_urls")
    print("\t".join(columns), file=out)
    for row in rows:
        print("\t".join(row[c] for c in columns), file=out)
    unverified = sum(r["verified"] == "unverified" for r in rows)
    print(f"{len(rows)} portals; {unverified} real ones not yet verified by a crawl", file=sys.stderr)
    return status.OK


def list_missing(data_dir: str | Path, db: str | None = None, out: TextIO | None = None) -> int:
    """`xxgk crawl --missing`: the documents still owed or given up, tab-separated."""
    from crawler.store import DocumentStore

    out = out or sys.stdout
    store = DocumentStore(data_dir, db)
    rows = store.db.execute(
        "select portal, status, attempts, kind, url, coalesce(reason, '') from crawl_frontier"
        " order by portal, status, rowid"
    ).fetchall()
    store.close()
    print("portal\tstatus\tfailed_runs\tkind\turl\treason", file=out)
    for row in rows:
        print("\t".join(str(v) for v in row), file=out)
    return status.OK


def run_crawl(args: argparse.Namespace) -> int:
    """`xxgk crawl` (and the crawl half of `xxgk run`): the parsed arguments as a call."""
    options = CrawlOptions.from_args(args)
    if args.list:
        return list_portals(options.registry)
    if args.missing:
        return list_missing(args.data, args.db)
    names = portals_of(args, options.registry)
    if args.shard and not names:
        print(f"xxgk crawl: shard {args.shard} holds none of the portals selected", file=sys.stderr)
        return status.OK
    return crawl(names, args.data, db=args.db, options=options, verbosity=crawl_verbosity(args))


def portals_of(args: argparse.Namespace, registry: str | None) -> list[str]:
    """The portals `xxgk crawl`/`run` arguments select: those named, --all, --all-demo,
    then this node's share of them (--shard K/N, by portal or --province)."""
    portals = registry_portals(registry)
    names = select_portals(portals, args.portals, all_real=args.all, all_demo=args.all_demo)
    if args.shard:
        from crawler.shards import ShardError, parse_shard, select

        try:
            names = select(names, portals, parse_shard(args.shard), by_province=args.province)
        except ShardError as exc:
            raise UsageError(str(exc)) from None
    return names


def crawl_verbosity(args: argparse.Namespace) -> int:
    """-q/-v, raised by --log-level (which also reconfigures the log handler to match)."""
    level = logs.verbosity(args)
    if args.log_level and LOG_LEVEL_VERBOSITY[args.log_level] > level:
        level = LOG_LEVEL_VERBOSITY[args.log_level]
        logs.setup(level)
    return level


def _setting(text: str) -> tuple[str, str]:
    """-s NAME=VALUE as a pair; anything else is a usage error (exit 2, from argparse)."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "crawl",
        help="crawl annual reports from the portals of the registry",
        description="Crawl portals of the registry into a data folder (raw documents under DATA/docs, "
        "metadata in DATA/xxgk.db). Incremental: known reports are not fetched again and list paging "
        "stops at the first page holding nothing new; a walk that was cut short (Ctrl-C, a kill, an "
        "error) resumes where it stopped, and failed documents are retried on later runs. Requests "
        "stay on each portal's hosts. Progress goes to stderr; a summary table (one line per portal, "
        "tab-separated) to stdout.",
        **examples(
            "xxgk crawl --list",
            "xxgk crawl baicheng-ndbg jilin-szf-ndbg --data /srv/xxgk",
            "xxgk crawl --all --data /srv/xxgk",
            "xxgk crawl --all-demo --demo-url http://127.0.0.1:8765 --data /tmp/demo",
            "xxgk crawl --missing --data /srv/xxgk",
            "xxgk crawl --all --shard 2/3 --data /srv/node2   # this node's third of the registry",
        ),
    )
    add_crawl_arguments(p)
    p.set_defaults(func=run_crawl)

    d = subparsers.add_parser(
        "demo-portal",
        help="serve the demo portals on localhost",
        description="Serve local imitations of government portals (TRS, Hanweb jpage/jpaas, gkmlpt, "
        "Shanghai, UCAP, a GBK CMS) for trying the crawler. Prints the base URL; Ctrl-C stops.",
        **examples(
            "xxgk demo-portal --port 8765",
            "xxgk demo-portal --port 8765 --faults challenge,errors500",
        ),
    )
    d.add_argument("--host", default="127.0.0.1")
    d.add_argument("--port", type=int, default=8765, help="port (0: any free port; default 8765)")
    d.add_argument(
        "--faults",
        default="",
        help="comma-separated faults to switch on, or 'all': "
        "challenge, wzws, errors500, slow, soft404, moved",
    )
    d.add_argument("--bench-reports", type=int, default=2000, help="reports on the demo-bench portal")
    d.set_defaults(func=run_demo_portal)


def add_crawl_arguments(p: argparse.ArgumentParser) -> None:
    """The options of a crawl, shared by `xxgk crawl` and `xxgk run` (CrawlOptions.from_args reads them)."""
    p.add_argument("portals", nargs="*", metavar="PORTAL", help="registry names of the portals to crawl")
    p.add_argument("--all", action="store_true", help="every real (non-demo) portal of the registry")
    p.add_argument("--all-demo", action="store_true", help="every demo portal (needs `xxgk demo-portal`)")
    p.add_argument(
        "--list",
        action="store_true",
        help="list the registry's portals by province and level (tab-separated, with whether a "
        "crawl has verified each) and exit",
    )
    p.add_argument(
        "--missing",
        action="store_true",
        help="list the documents still owed or given up (tab-separated: portal, status, failed runs, "
        "kind, URL, reason) and exit",
    )
    add_data_options(p)
    add_registry_option(p)
    p.add_argument(
        "--shard",
        metavar="K/N",
        help="crawl only this node's share of the portals named or selected: the K-th of N, by a stable "
        "hash of the portal name (merge the nodes' data folders with `xxgk load --store`)",
    )
    p.add_argument(
        "--province",
        action="store_true",
        help="with --shard, share out whole provinces instead of portals",
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="walk every list page, not only up to the first page with nothing new",
    )
    p.add_argument(
        "--revalidate",
        action="store_true",
        help="re-request known reports conditionally "
        "(ETag/Last-Modified) to catch silent corrections; implies --full",
    )
    p.add_argument(
        "--demo-url", help="base URL of the demo portals (default: $XXGK_DEMO_URL or http://127.0.0.1:8765)"
    )
    add_politeness_options(p)
    p.add_argument(
        "--legacy-tls",
        action="store_true",
        help="accept old HTTPS servers (1024-bit DH keys, legacy renegotiation) by lowering "
        "OpenSSL's security level to 1 for this crawl",
    )
    p.add_argument(
        "--log-level",
        choices=("WARNING", "INFO", "DEBUG"),
        type=str.upper,
        help="show Scrapy's messages from this level on: the same as -v, -vv, -vvv",
    )
    p.add_argument(
        "-s",
        "--set",
        action="append",
        type=_setting,
        default=[],
        metavar="NAME=VALUE",
        help="any Scrapy setting, e.g. -s CONCURRENT_REQUESTS_PER_DOMAIN=1",
    )


LEGACY_OPENSSL_CONF = """openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
CipherString = DEFAULT:@SECLEVEL=1
Options = UnsafeLegacyServerConnect
"""


def _lower_openssl_security_level(data: Path) -> None:
    """Many government HTTPS servers fail OpenSSL 3's defaults ("dh key too small",
    "unsafe legacy renegotiation"). Scrapy has no public setting for the security
    level, but OpenSSL reads `OPENSSL_CONF` when it starts, which in this process is
    still to come (Scrapy and OpenSSL are imported after this)."""
    data.mkdir(parents=True, exist_ok=True)
    path = data / "openssl-legacy.cnf"
    path.write_text(LEGACY_OPENSSL_CONF, encoding="utf-8")
    os.environ["OPENSSL_CONF"] = str(path.resolve())


def _twisted_errors_to_logging() -> None:
    """Let Twisted's errors reach stderr only through `logging` (and so only with -v).

    Until logging "begins", Twisted writes every failure (an "Unhandled error in
    Deferred", an error "while handling timed call") straight to stderr, traceback and
    all. Scrapy has already routed Twisted's log into `logging`; beginning with no other
    observer removes that raw stderr copy.
    """
    from twisted.logger import globalLogBeginner

    globalLogBeginner.beginLoggingTo([], discardBuffer=True, redirectStandardIO=False)


SUMMARY_COLUMNS = (
    ("portal", "portal"),
    ("status", "status"),
    ("list_pages", "pages"),
    ("new_documents", "new_reports"),
    ("not_modified", "not_modified"),
    ("errors", "errors"),
    ("requests", "requests"),
    ("blocked", "blocked"),
    ("missing", "missing"),
    ("given_up", "given_up"),
    ("refused", "refused"),
    ("reasons", "reasons"),
)


def _summary(
    data_dir: Path,
    db: str | None,
    before: int,
    names: list[str],
    verbosity: int,
    out: TextIO,
    *,
    stopped: bool,
) -> int:
    """Print one line per portal run (to `out`); return the exit status (xxgk/commands/status.py).
    `stopped`: the user interrupted the crawl, so a portal that did not start is not a failure."""
    from crawler.store import DocumentStore

    store = DocumentStore(data_dir, db)
    rows = list(store.db.query("select * from crawl_runs where id > ? order by id", [before]))
    store.close()
    print("\t".join(title for title, _ in SUMMARY_COLUMNS), file=out)
    for r in rows:
        print("\t".join(str(r[k] if r.get(k) is not None else "") for _, k in SUMMARY_COLUMNS), file=out)
    done = {r["portal"] for r in rows}
    not_started = [n for n in names if n not in done]
    # A portal failed when its run did not end ok, or any document failed or is still owed.
    failed = [r for r in rows if r["status"] not in ("ok", "warning") or r["errors"] or r.get("missing")]
    interrupted = [r for r in rows if r["status"] in ("interrupted", "running")]
    quiet = verbosity <= logs.QUIET
    for r in rows if not quiet else []:  # a run that reached less than it should says why
        for warning in json.loads(r["warnings"] or "[]"):
            print(f"xxgk crawl: {r['portal']}: warning: {warning}", file=sys.stderr)
    reasons: Counter[str] = Counter()
    for r in failed:
        reason = _failure_reason(r)
        reasons[reason.split(": ")[0]] += 1  # "DNS lookup failed: <host>" counts as "DNS lookup failed"
        if not quiet:
            print(f"xxgk crawl: {r['portal']}: {r['status']}: {reason}", file=sys.stderr)
    why_not = "interrupted before it started" if stopped else "the spider did not start"
    line = "interrupted before it started" if stopped else f"failed: {why_not} (-v says why)"
    for n in not_started:
        reasons[why_not] += 1
        if not quiet:
            print(f"xxgk crawl: {n}: {line}", file=sys.stderr)
    statuses = Counter(r["status"] for r in rows)
    outcome = ", ".join(f"{statuses[s]} {s}" for s in ("ok", "blocked", "failed") if statuses[s])
    outcome += "".join(f", {n} {s}" for s, n in statuses.items() if s not in ("ok", "blocked", "failed"))
    if not_started:
        outcome += f", {len(not_started)} not started"
    why = "; ".join(f"{n} × {reason}" if n > 1 else reason for reason, n in reasons.most_common())
    missing = sum(r.get("missing") or 0 for r in rows)
    print(
        f"xxgk crawl: {len(names)} portal(s) crawled into {data_dir}: {outcome.lstrip(', ') or 'none'}"
        f"{f' ({why})' if why else ''}; {sum(r['new_reports'] or 0 for r in rows)} new documents"
        + (f"; {missing} documents missing" if missing else ""),
        file=sys.stderr,
    )
    if missing:
        print(
            "xxgk crawl: `xxgk crawl --missing` lists the missing documents; the next run retries them",
            file=sys.stderr,
        )
    if interrupted or stopped:
        return status.INTERRUPTED
    return status.FAILED if failed or not_started else status.OK


def _failure_reason(run: dict) -> str:
    """Why a portal's run did not end well, in a few words, from its crawl_runs row."""
    if run["status"] == "blocked":
        return f"blocked by anti-bot challenges ({run['blocked']})"
    if run["status"] == "interrupted":
        return "interrupted; the next run resumes it"
    missing = f"; {run['missing']} documents missing" if run.get("missing") else ""
    notes = [n for n in json.loads(run.get("notes") or "[]") if not n["reason"].startswith("not followed")]
    if notes:
        reason, n = Counter(note["reason"] for note in notes).most_common(1)[0]
        # "CannotResolveHostError: DNS lookup failed: ..." -> "DNS lookup failed: ..."
        head, sep, rest = reason.partition(": ")
        reason = rest if sep and head.isidentifier() and head[0].isupper() else reason
        kinds = run.get("reasons") or ""  # this run's failures by kind: "HTTP 500 ×2; DNS ×1"
        more = f" (all failures: {kinds})" if len(notes) > n and kinds else ""
        return reason.rstrip(".") + more + missing
    if not run["pages"]:
        return "no list page could be read"
    if run.get("missing"):
        return f"{run['missing']} documents still missing from earlier runs (`xxgk crawl --missing`)"
    return f"stopped early ({run['status']})"


def run_demo_portal(args: argparse.Namespace) -> int:
    """`xxgk demo-portal`: serve until Ctrl-C (a server, not a library step of the pipeline)."""
    import time

    from crawler.demo.server import FAULTS, DemoServer

    faults = set(FAULTS) if args.faults == "all" else {f for f in args.faults.split(",") if f}
    try:
        server = DemoServer(args.host, args.port, faults=faults, bench_reports=args.bench_reports).start()
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise CommandError(str(exc)) from None
    print(server.url, flush=True)
    print(
        f"demo portals at {server.url}/ (faults: {', '.join(sorted(faults)) or 'none'}); Ctrl-C stops",
        file=sys.stderr,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
