"""`xxgk crawl` (run the reports spider over registry portals) and `xxgk demo-portal`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections import Counter
from pathlib import Path

from xxgk import config, logs
from xxgk.commands import examples

# --log-level NAME is the verbosity that shows Scrapy's messages of that level.
LOG_LEVEL_VERBOSITY = {"WARNING": logs.VERBOSE, "INFO": logs.VERBOSE + 1, "DEBUG": logs.VERBOSE + 2}

EXIT_CODES = """exit status (also of `xxgk run`; see docs/crawling-robustness.md):
  0    every portal crawled and nothing is missing
  1    some documents or portals failed, or documents are still missing (the summary names why)
  2    usage or registry error
  3    another crawl holds the data folder's lock
  130  interrupted (Ctrl-C); the next run resumes where this one stopped
"""
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def with_exit_codes(parser_kwargs: dict) -> dict:
    """`examples(...)` keywords with the exit codes above the examples in --help."""
    return {**parser_kwargs, "epilog": EXIT_CODES + "\n" + parser_kwargs["epilog"]}


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
        **with_exit_codes(
            examples(
                "xxgk crawl --list",
                "xxgk crawl baicheng-ndbg jilin-szf-ndbg --data /srv/xxgk",
                "xxgk crawl --all --data /srv/xxgk",
                "xxgk crawl --all-demo --demo-url http://127.0.0.1:8765 --data /tmp/demo",
                "xxgk crawl --missing --data /srv/xxgk",
                "xxgk crawl --all --shard 2/3 --data /srv/node2   # this node's third of the registry",
            )
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
    """The options of a crawl, shared by `xxgk crawl` and `xxgk run`."""
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
    p.add_argument(
        "--data",
        default=config.data_dir(),
        metavar="DIR",
        help="data folder holding the document store docs/ and xxgk.db (default: %(default)s, or $XXGK_DATA)",
    )
    p.add_argument("--db", help="SQLite database (default: DATA/xxgk.db)")
    p.add_argument("--registry", help="registry file (default: the one shipped in crawler/)")
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
    p.add_argument("--no-throttle", action="store_true", help="no AutoThrottle, no delay (local tests only)")
    p.add_argument("--no-robots", action="store_true", help="ignore robots.txt (do not use on real portals)")
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


def _portal_names(args: argparse.Namespace, portals: dict) -> list[str]:
    names = list(args.portals)
    if args.all:
        names += [n for n, p in portals.items() if not p.demo]
    if args.all_demo:
        names += [n for n, p in portals.items() if p.demo and n != "demo-bench"]
    unknown = [n for n in names if n not in portals]
    if unknown:
        raise SystemExit(
            f"xxgk crawl: no portal named {', '.join(unknown)} in the registry (see `xxgk crawl --list`)"
        )
    return list(dict.fromkeys(names))


def _twisted_errors_to_logging() -> None:
    """Let Twisted's errors reach stderr only through `logging` (and so only with -v).

    Until logging "begins", Twisted writes every failure (an "Unhandled error in
    Deferred", an error "while handling timed call") straight to stderr, traceback and
    all. Scrapy has already routed Twisted's log into `logging`; beginning with no other
    observer removes that raw stderr copy.
    """
    from twisted.logger import globalLogBeginner

    globalLogBeginner.beginLoggingTo([], discardBuffer=True, redirectStandardIO=False)


def run_crawl(args: argparse.Namespace) -> int:
    from crawler.registry import RegistryError, load_registry

    try:
        portals = load_registry(args.registry or config.registry_path())
    except RegistryError as exc:
        print(f"xxgk crawl: {exc}", file=sys.stderr)
        return 2
    if args.list:
        from crawler.registry import listing

        rows = listing(portals)
        columns = ("province", "level", "name", "platform", "verified", "region", "title", "start_urls")
        print("\t".join(columns))
        for row in rows:
            print("\t".join(row[c] for c in columns))
        unverified = sum(r["verified"] == "unverified" for r in rows)
        print(f"{len(rows)} portals; {unverified} real ones not yet verified by a crawl", file=sys.stderr)
        return 0
    if getattr(args, "missing", False):
        return _list_missing(args)
    names = _portal_names(args, portals)
    if getattr(args, "shard", None):
        from crawler.shards import ShardError, parse_shard, select

        try:
            names = select(names, portals, parse_shard(args.shard), by_province=args.province)
        except ShardError as exc:
            print(f"xxgk crawl: {exc}", file=sys.stderr)
            return 2
        if not names:
            print(f"xxgk crawl: shard {args.shard} holds none of the portals selected", file=sys.stderr)
            return 0
    if not names:
        print(
            "xxgk crawl: name the portals to crawl, or use --all / --all-demo (see --help)", file=sys.stderr
        )
        return 2

    if args.legacy_tls:
        _lower_openssl_security_level(Path(args.data))
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler import lock
    from crawler.store import DocumentStore

    level = logs.verbosity(args)
    if args.log_level:
        level = max(level, LOG_LEVEL_VERBOSITY[args.log_level])
        logs.setup(level)
    settings = get_project_settings()
    overrides = {
        "XXGK_DATA": args.data,
        "LOG_INSTALL_ROOT_HANDLER": False,  # stderr is xxgk.logs' (-q/-v), not Scrapy's
        "LOG_LEVEL": logging.getLevelName(min(logs.library_level(level), logging.WARNING)),
        # progress lines every few seconds: on a terminal, or when asked for with -v
        "XXGK_PROGRESS": level >= logs.VERBOSE or (level == logs.NORMAL and sys.stderr.isatty()),
    }
    if args.db:
        overrides["XXGK_DB"] = args.db
    if args.registry:
        overrides["XXGK_REGISTRY"] = args.registry
    if args.demo_url:
        overrides["XXGK_DEMO_URL"] = args.demo_url
    if args.no_throttle:
        overrides.update(AUTOTHROTTLE_ENABLED=False, DOWNLOAD_DELAY=0, CONCURRENT_REQUESTS_PER_DOMAIN=8)
    if args.no_robots:
        overrides["ROBOTSTXT_OBEY"] = False
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep:
            print(f"xxgk crawl: -s needs NAME=VALUE, got {item!r}", file=sys.stderr)
            return 2
        overrides[name] = value
    settings.setdict(overrides, priority="cmdline")

    try:
        held = lock.acquire(args.data)
    except lock.CrawlLocked as exc:
        print(f"xxgk crawl: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    try:
        store = DocumentStore(args.data, args.db)
        before = store.db.execute("select coalesce(max(id), 0) from crawl_runs").fetchone()[0]
        store.close()
        process = CrawlerProcess(settings)
        _twisted_errors_to_logging()
        for name in names:
            process.crawl(
                "reports",
                portal=name,
                full="1" if args.full else "0",
                revalidate="1" if args.revalidate else "0",
            )
        process.start()
    finally:
        lock.release(held)
    return _summary(args, before, names)


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


def _summary(args: argparse.Namespace, before: int, names: list[str]) -> int:
    """Print one line per portal run; return the exit status (see EXIT_CODES)."""
    from crawler.store import DocumentStore

    store = DocumentStore(args.data, args.db)
    rows = list(store.db.query("select * from crawl_runs where id > ? order by id", [before]))
    store.close()
    print("\t".join(title for title, _ in SUMMARY_COLUMNS))
    for r in rows:
        print("\t".join(str(r[k] if r.get(k) is not None else "") for _, k in SUMMARY_COLUMNS))
    done = {r["portal"] for r in rows}
    not_started = [n for n in names if n not in done]
    # A portal failed when its run did not end ok, or any document failed or is still owed.
    failed = [r for r in rows if r["status"] not in ("ok", "warning") or r["errors"] or r.get("missing")]
    interrupted = [r for r in rows if r["status"] in ("interrupted", "running")]
    quiet = logs.verbosity(args) <= logs.QUIET
    for r in rows if not quiet else []:  # a run that reached less than it should says why
        for warning in json.loads(r["warnings"] or "[]"):
            print(f"xxgk crawl: {r['portal']}: warning: {warning}", file=sys.stderr)
    reasons: Counter[str] = Counter()
    for r in failed:
        reason = _failure_reason(r)
        reasons[reason.split(": ")[0]] += 1  # "DNS lookup failed: <host>" counts as "DNS lookup failed"
        if not quiet:
            print(f"xxgk crawl: {r['portal']}: {r['status']}: {reason}", file=sys.stderr)
    for n in not_started:
        reasons["the spider did not start"] += 1
        if not quiet:
            print(f"xxgk crawl: {n}: failed: the spider did not start (-v says why)", file=sys.stderr)
    statuses = Counter(r["status"] for r in rows)
    outcome = ", ".join(f"{statuses[s]} {s}" for s in ("ok", "blocked", "failed") if statuses[s])
    outcome += "".join(f", {n} {s}" for s, n in statuses.items() if s not in ("ok", "blocked", "failed"))
    if not_started:
        outcome += f", {len(not_started)} not started"
    why = "; ".join(f"{n} × {reason}" if n > 1 else reason for reason, n in reasons.most_common())
    missing = sum(r.get("missing") or 0 for r in rows)
    print(
        f"xxgk crawl: {len(names)} portal(s) crawled into {Path(args.data)}: {outcome.lstrip(', ') or 'none'}"
        f"{f' ({why})' if why else ''}; {sum(r['new_reports'] or 0 for r in rows)} new documents"
        + (f"; {missing} documents missing" if missing else ""),
        file=sys.stderr,
    )
    if missing:
        print(
            "xxgk crawl: `xxgk crawl --missing` lists the missing documents; the next run retries them",
            file=sys.stderr,
        )
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if failed or not_started else EXIT_OK


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


def _list_missing(args: argparse.Namespace) -> int:
    from crawler.store import DocumentStore

    store = DocumentStore(args.data, args.db)
    rows = store.db.execute(
        "select portal, status, attempts, kind, url, coalesce(reason, '') from crawl_frontier"
        " order by portal, status, rowid"
    ).fetchall()
    store.close()
    print("portal\tstatus\tfailed_runs\tkind\turl\treason")
    for row in rows:
        print("\t".join(str(v) for v in row))
    return EXIT_OK


def run_demo_portal(args: argparse.Namespace) -> int:
    import time

    from crawler.demo.server import FAULTS, DemoServer

    faults = set(FAULTS) if args.faults == "all" else {f for f in args.faults.split(",") if f}
    try:
        server = DemoServer(args.host, args.port, faults=faults, bench_reports=args.bench_reports).start()
    except (ValueError, OSError) as exc:
        print(f"xxgk demo-portal: {exc}", file=sys.stderr)
        return 2
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
