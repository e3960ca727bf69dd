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

from xxgk import config

DEFAULT_REGISTRY = Path(__file__).with_name("portals.json")
DEFAULT_DEMO_URL = "http://127.0.0.1:8765"

PLATFORMS = ("trs", "hanweb_jpage", "hanweb_jpaas", "gkmlpt", "shanghai", "ucap", "generic")
LEVELS = ("national", "province", "prefecture", "county", "township", "department")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_REGION = re.compile(r"^\d{6}$")
_URL = re.compile(r"^(https?://[^\s/]+|\{demo\})(/\S*)?$")
OPTION_TYPES: dict[str, type | tuple[type, ...]] = {
    "encoding": str,  # force a page encoding (e.g. "gb18030") when headers lie
    "allowed_domains": list,  # extra hosts the reports may live on
    "max_pages": int,  # safety cap on list pages per column
    "column_text": str,  # regex for the link text of the annual-report column
    "obey_robots": bool,
    "note": str,
}
REQUIRED = ("name", "title", "region", "level", "platform", "start_urls")


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

    def urls(self, demo_url: str | None = None) -> list[str]:
        """Start URLs with `{demo}` replaced by the demo server's base URL."""
        base = (demo_url or config.get("XXGK_DEMO_URL") or DEFAULT_DEMO_URL).rstrip("/")
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
    unknown = set(raw) - {*REQUIRED, "options", "demo"}
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
    if raw["platform"] not in PLATFORMS:
        raise bad("platform", f"must be one of {', '.join(PLATFORMS)}; got {raw['platform']!r}")
    urls = raw["start_urls"]
    if not isinstance(urls, list) or not urls:
        raise bad("start_urls", "must be a non-empty list of URLs")
    for u in urls:
        if not isinstance(u, str) or not _URL.match(u):
            raise bad("start_urls", f"holds {u!r}, which is not an http(s) URL")
    options = raw.get("options", {})
    if not isinstance(options, dict):
        raise bad("options", "must be an object")
    for key, value in options.items():
        if key not in OPTION_TYPES:
            raise bad(f"options.{key}", f"is not a known option ({', '.join(OPTION_TYPES)})")
        if not isinstance(value, OPTION_TYPES[key]) or (OPTION_TYPES[key] is int and isinstance(value, bool)):
            raise bad(f"options.{key}", f"has the wrong type ({type(value).__name__})")
    if "column_text" in options:
        try:
            re.compile(options["column_text"])
        except re.error as exc:
            raise bad("options.column_text", f"is not a valid regex: {exc}") from None
    demo = raw.get("demo", False)
    if not isinstance(demo, bool):
        raise bad("demo", "must be true or false")
    return Portal(
        name,
        raw["title"].strip(),
        raw["region"],
        raw["level"],
        raw["platform"],
        tuple(urls),
        dict(options),
        demo,
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
    p = Path(path or config.registry_path() or DEFAULT_REGISTRY)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegistryError(f"{p}: registry file not found") from None
    except json.JSONDecodeError as exc:
        raise RegistryError(f"{p}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    return parse_registry(data, str(p))
