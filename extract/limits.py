"""What one document may cost: bytes, unpacked bytes, pages, time and memory.

A hostile or broken document (a zip bomb, a PDF compression bomb, 50 MB of HTML,
`/dev/zero` given as a file) must become an error for that document, and the run must
go on. Each limit is a setting (an environment variable, documented in docs/limits.md);
the defaults are far above any real report.
"""

from __future__ import annotations

from xxgk import config

MiB = 1 << 20


def _number(name: str) -> float:
    raw = (config.get(name) or "").strip()
    try:
        value = float(raw)
    except ValueError:
        raise SystemExit(f"xxgk: {name}={raw!r} is not a number") from None
    if value <= 0:
        raise SystemExit(f"xxgk: {name}={raw!r} must be above zero")
    return value


# Defaults and meanings: xxgk/config.py (documented in docs/limits.md).
MAX_DOCUMENT_BYTES = int(_number("XXGK_MAX_DOCUMENT_BYTES"))  # any document, file or stored
MAX_MARKUP_BYTES = int(_number("XXGK_MAX_MARKUP_BYTES"))  # a text or HTML document
# the parts of a DOCX added up, as their headers declare them (zipfile never unpacks a
# part beyond its declared size: a part that lies fails its CRC check)
MAX_UNPACKED_BYTES = int(_number("XXGK_MAX_UNPACKED_BYTES"))
MAX_ZIP_MEMBERS = int(_number("XXGK_MAX_ZIP_MEMBERS"))
MAX_PAGES = int(_number("XXGK_MAX_PAGES"))  # of a PDF
DOCUMENT_SECONDS = _number("XXGK_DOCUMENT_SECONDS")  # wall-clock time to read one document
# address space the process reading one document may add to what the program uses
DOCUMENT_MEMORY = int(_number("XXGK_DOCUMENT_MEMORY"))
# PDF, Word and documents larger than this are read in a child process holding the time
# and memory limits; small text and HTML documents in the process, under the time limit
IN_PROCESS_BYTES = int(_number("XXGK_IN_PROCESS_BYTES"))
ISOLATE = (config.get("XXGK_ISOLATE") or "1").strip() != "0"  # 0: every document in process


def mib(n: int) -> str:
    """A size for an error message: `12,345 bytes`, `1.5 MiB`, `300 MiB`."""
    if n < MiB:
        return f"{n:,} bytes"
    return f"{n / MiB:.1f} MiB" if n < 10 * MiB else f"{n // MiB} MiB"
