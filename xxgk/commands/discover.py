"""`xxgk discover URL`: propose registry entries for every 年报 column a portal leads to."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from xxgk import config, logs
from xxgk.commands import add_politeness_options, add_registry_option
from xxgk.commands.status import UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "discover",
        help="find the annual-report columns a government's portal leads to",
        description="Walk a government's portal (or its 政府信息公开 home) to every annual-report "
        "column it leads to: its own, its departments' (部门信息公开 directories), its townships' "
        "(乡镇/街道) and, for a prefecture, its counties' portals. Each column found (a page that "
        "lists annual reports) becomes a proposed registry entry with region code, level, platform "
        "(fingerprinted from the column page) and the evidence. The proposals are written to a file "
        "for review, never into the registry; the file is itself a registry, so "
        "`xxgk crawl --registry FILE --all` tries them. A table of the proposals goes to stdout.",
        epilog="examples:\n  xxgk discover https://www.pingtan.gov.cn/ -o pingtan.json\n"
        "  xxgk discover http://127.0.0.1:8765/fj/nd/ --no-throttle -o /tmp/nd.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("url", metavar="URL", help="the government's portal home or 政府信息公开 home")
    p.add_argument(
        "-o",
        "--output",
        default="discovered-portals.json",
        help="file for the proposals (default: ./discovered-portals.json); never the registry",
    )
    p.add_argument("--region", help="6-digit region code of the government (default: read from the page)")
    p.add_argument("--level", help="its level: province, prefecture or county (default: from the region)")
    p.add_argument("--max-pages", type=int, default=400, help="pages to read at most (default 400)")
    add_registry_option(p)
    add_politeness_options(p)
    p.set_defaults(func=run_discover)


def run_discover(args: argparse.Namespace) -> int:
    from crawler.registry import DEFAULT_REGISTRY, LEVELS, RegistryError, load_registry, parse_registry

    out = Path(args.output)
    registry_path = Path(args.registry or config.registry_path() or DEFAULT_REGISTRY)
    if out.resolve() == registry_path.resolve():
        raise UsageError(f"{out} is the registry; proposals go to a file of their own")
    if args.level and args.level not in LEVELS:
        raise UsageError(f"--level must be one of {', '.join(LEVELS)}")
    try:
        known = load_registry(registry_path)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    from crawler.spiders.discover import DiscoverSpider

    settings = get_project_settings()
    overrides: dict[str, object] = {
        "LOG_INSTALL_ROOT_HANDLER": False,  # stderr is xxgk.logs' (-q/-v), not Scrapy's
        "LOG_LEVEL": logging.getLevelName(min(logs.library_level(logs.verbosity(args)), logging.WARNING)),
        "ITEM_PIPELINES": {},
    }
    if args.no_throttle:
        overrides.update(AUTOTHROTTLE_ENABLED=False, DOWNLOAD_DELAY=0, CONCURRENT_REQUESTS_PER_DOMAIN=8)
    if args.no_robots:
        overrides["ROBOTSTXT_OBEY"] = False
    settings.setdict(overrides, priority="cmdline")
    proposals: list[dict] = []
    rejected: list[dict] = []
    errors: list[dict] = []
    process = CrawlerProcess(settings)
    process.crawl(
        DiscoverSpider,
        url=args.url,
        region=args.region,
        level=args.level,
        max_pages=args.max_pages,
        proposals=proposals,
        rejected=rejected,
        errors=errors,
    )
    process.start()

    starts = {u.split("://", 1)[-1].rstrip("/"): p.name for p in known.values() for u in p.start_urls}
    for entry in proposals:
        name = starts.get(entry["start_urls"][0].split("://", 1)[-1].rstrip("/"))
        if name:
            entry["options"]["note"] += f"; already in the registry as {name}"
    document = {
        "about": f"Proposed by `xxgk discover {args.url}` for review; not in the registry.",
        "portals": proposals,
        "rejected": rejected,
        "errors": errors,
    }
    parse_registry(document, str(out))  # proposals are valid entries
    out.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("level\tregion\tplatform\tname\tstart_url\ttitle")
    for e in proposals:
        print("\t".join([e["level"], e["region"], e["platform"], e["name"], e["start_urls"][0], e["title"]]))
    for error in errors[:20]:  # pages that could not be read: the walk may have missed columns
        print(f"xxgk discover: {error['url']}: {error['why']}", file=sys.stderr)
    print(
        f"xxgk discover: {len(proposals)} column(s) proposed in {out} "
        f"({len(rejected)} link(s) named 年报 led to no list of reports; {len(errors)} page(s) not read)",
        file=sys.stderr,
    )
    return 0 if proposals else 1
