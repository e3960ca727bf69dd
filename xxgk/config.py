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
    # what one document may cost (extract/limits.py, docs/limits.md)
    Setting("XXGK_MAX_DOCUMENT_BYTES", str(200 << 20), "bytes of one document (file or stored)"),
    Setting("XXGK_MAX_MARKUP_BYTES", str(16 << 20), "bytes of one text or HTML document"),
    Setting("XXGK_MAX_UNPACKED_BYTES", str(256 << 20), "bytes a DOCX's parts unpack to, added up"),
    Setting("XXGK_MAX_ZIP_MEMBERS", "10000", "parts of a DOCX"),
    Setting("XXGK_MAX_PAGES", "1000", "pages of a PDF"),
    Setting("XXGK_DOCUMENT_SECONDS", "300", "seconds to read one document"),
    Setting("XXGK_DOCUMENT_MEMORY", str(2048 << 20), "bytes of memory reading one document may add"),
    Setting("XXGK_IN_PROCESS_BYTES", str(256 << 10), "text and HTML up to this size are read in process"),
    Setting("XXGK_ISOLATE", "1", "0: read every document in process (to profile or debug a reader)"),
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
