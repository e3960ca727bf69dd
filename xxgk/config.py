"""The settings xxgk reads from the environment, in one table.

The environment is read here and in the command line only; the library gets the values
as arguments (or, in the crawler, as Scrapy settings that `crawler/settings.py` fills
from here). So `xxgk crawl` and `scrapy crawl reports` agree on the data folder and the
registry. docs/configuration.md lists these with the Scrapy settings, and
tests/test_docs.py checks that every `XXGK_` name in the code is listed there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str


SETTINGS = (
    Setting(
        "XXGK_DATA", "data", "the data folder: the document store docs/ and the database xxgk.db (--data)"
    ),
    Setting("XXGK_REGISTRY", None, "the portal registry file (--registry; default: crawler/portals.json)"),
    Setting(
        "XXGK_DEMO_URL", None, "base URL of the demo portals (--demo-url; default: http://127.0.0.1:8765)"
    ),
    Setting("XXGK_SOFFICE", None, "LibreOffice's soffice program, for DOC and WPS files (default: on PATH)"),
    Setting("XXGK_PURE_PYTHON", None, "1: install or run the pure-Python sources, not the compiled modules"),
    Setting("XXGK_DB_TIMEOUT", "60", "seconds a write to the database waits for another writer (a crawl)"),
)
BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str | None:
    """The value of a setting: the environment's, else its default (empty counts as unset)."""
    return os.environ.get(name) or BY_NAME[name].default


def data_dir() -> str:
    return get("XXGK_DATA") or "data"


def registry_path() -> str | None:
    """The registry file named by the environment (None: the one shipped in crawler/)."""
    return get("XXGK_REGISTRY")
