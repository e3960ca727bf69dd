"""Every XXGK_ setting in one table: its name, type, default and meaning.

The environment is read at the edges only: the command line (`xxgk.cli.main` and the
commands' option defaults), `crawler/settings.py` (where Scrapy builds its settings, so
that `xxgk crawl` and `scrapy crawl reports` agree) and the build (setup.py). They read
through this module, and the library gets the values as arguments, as Scrapy settings,
or, for how documents are read, as `extract.settings.ReadSettings` (which the worker
entry of a process pool receives from its parent). docs/configuration.md shows the
table to users; tests/test_settings.py keeps the two in step and checks that no other
module reads the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

from extract.settings import ReadSettings

# Who reads a setting, and so which table of docs/configuration.md lists it:
# "environment": `xxgk` reads the environment variable; "scrapy": a Scrapy setting
# (`-s NAME=VALUE`); "both": an environment variable that is also the Scrapy setting's
# default; "tests" and "build": knobs of the test suite and of the install.
Where = Literal["environment", "scrapy", "both", "tests", "build"]
Value = str | int | float | bool | None


class SettingError(ValueError):
    """An environment variable whose value cannot be a value of its setting."""


@dataclass(frozen=True)
class Setting:
    name: str
    type: type  # str, int, float or bool
    default: Value  # None: unset
    help: str
    where: Where
    positive: bool = False  # a limit: zero or less would refuse every document

    def parse(self, raw: str) -> Value:
        """The value of `raw` (as an environment variable or `-s` gives it) for this setting."""
        raw = raw.strip()
        if self.type is str:
            return raw
        if self.type is bool:
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise SettingError(f"{self.name}={raw!r} is not 1 or 0")
        try:
            number = float(raw)
        except ValueError:
            raise SettingError(f"{self.name}={raw!r} is not a number") from None
        if self.type is int and number != int(number):
            raise SettingError(f"{self.name}={raw!r} is not a whole number")
        if self.positive and number <= 0:
            raise SettingError(f"{self.name}={raw!r} must be above zero")
        return int(number) if self.type is int else number


_READ = ReadSettings()  # the library's defaults for reading documents, shown in the table

# who reads each setting, in short for the table
U: Where = "environment"
R: Where = "both"
S: Where = "scrapy"
B: Where = "build"
T: Where = "tests"

# fmt: off
SETTINGS: tuple[Setting, ...] = (
    # name, type, default, meaning, who reads it
    # -- where the data is
    Setting("XXGK_DATA", str, "data", "the data folder: the document store docs/ and xxgk.db", R),
    Setting("XXGK_DATA_DIR", str, None, "deprecated Scrapy name of XXGK_DATA: obeyed, with a warning", S),
    Setting("XXGK_DB", str, None, "the database file, if not DATA/xxgk.db (--db)", S),
    Setting("XXGK_REGISTRY", str, None, "the portal registry file (default: crawler/portals.json)", R),
    Setting("XXGK_DEMO_URL", str, None, "base URL of the demo portals (default: http://127.0.0.1:8765)", R),
    Setting("XXGK_DB_TIMEOUT", float, 60.0, "seconds a write to the database waits for another writer", U),
    # -- how documents are read: what one may cost, and the programs (extract/settings.py)
    Setting("XXGK_MAX_DOCUMENT_BYTES", int, _READ.max_document_bytes, "bytes of one document", U, True),
    Setting("XXGK_MAX_MARKUP_BYTES", int, _READ.max_markup_bytes, "bytes of a text or HTML page", U, True),
    Setting("XXGK_MAX_UNPACKED_BYTES", int, _READ.max_unpacked_bytes, "bytes a DOCX unpacks to", U, True),
    Setting("XXGK_MAX_ZIP_MEMBERS", int, _READ.max_zip_members, "parts of a DOCX", U, True),
    Setting("XXGK_MAX_PAGES", int, _READ.max_pages, "pages of a PDF", U, True),
    Setting("XXGK_DOCUMENT_SECONDS", float, _READ.document_seconds, "seconds to read one document", U, True),
    Setting("XXGK_DOCUMENT_MEMORY", int, _READ.document_memory, "memory reading a document may add", U, True),
    Setting("XXGK_IN_PROCESS_BYTES", int, _READ.in_process_bytes, "text/HTML read in process up to", U, True),
    Setting("XXGK_ISOLATE", bool, _READ.isolate, "0: read every document in process (to debug a reader)", U),
    Setting("XXGK_SOFFICE", str, _READ.soffice, "LibreOffice program for DOC and WPS (default: on PATH)", U),
    Setting("XXGK_OCR_THREADS", int, _READ.ocr_threads, "onnxruntime threads per OCR process", U, True),
    # -- the crawler's own Scrapy settings (crawler/settings.py takes these defaults)
    Setting("XXGK_MAX_CHALLENGES", int, 20, "anti-bot challenges before a portal's run stops (0: never)", S),
    Setting("XXGK_RETRY_BACKOFF", float, 1.0, "seconds before the first retry; x3 before each next one", S),
    Setting("XXGK_RETRY_AFTER_MAX", float, 120.0, "longest Retry-After waited for in the run", S),
    Setting("XXGK_GIVE_UP_AFTER", int, 4, "failed runs after which a document is given up", S),
    Setting("XXGK_PROGRESS", bool, False, "a progress line per portal on stderr", S),
    Setting("XXGK_PROGRESS_INTERVAL", float, 5.0, "seconds between progress lines", S),
    # -- the install, and the test suite
    Setting("XXGK_MYPYC", bool, False, "1: build the release wheel, compiled by mypyc (setup.py)", B),
    Setting("XXGK_DEGRADE_EXAMPLES", int, 60, "reports tests/test_degrade.py draws (more: a longer hunt)", T),
    Setting("XXGK_SHRINK", bool, False, "1: hypothesis shrinks a failing property test's report", T),
)
# fmt: on
BY_NAME = {s.name: s for s in SETTINGS}


def value(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """The setting's value in the environment (empty counts as unset), else its default:
    of the setting's type, or None."""
    setting = BY_NAME[name]
    raw = (os.environ if environ is None else environ).get(name, "")
    return setting.parse(raw) if raw.strip() else setting.default


def default(name: str) -> Any:
    """The setting's default (for Scrapy settings, which `-s NAME=VALUE` overrides)."""
    return BY_NAME[name].default


def data_dir(environ: Mapping[str, str] | None = None) -> str:
    return str(value("XXGK_DATA", environ))


def registry_path(environ: Mapping[str, str] | None = None) -> str | None:
    """The registry file named by the environment (None: the one shipped in crawler/)."""
    path = value("XXGK_REGISTRY", environ)
    return str(path) if path else None


def read_settings(environ: Mapping[str, str] | None = None) -> ReadSettings:
    """How documents are read, as the environment sets it (`extract.settings.configure` it).

    Each field of ReadSettings is the setting of its name in capitals: `max_pages` is
    XXGK_MAX_PAGES."""
    return ReadSettings(**{f.name: value(f"XXGK_{f.name.upper()}", environ) for f in fields(ReadSettings)})
