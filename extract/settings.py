"""How documents are read: what one document may cost, and the programs reading uses.

A hostile or broken document (a zip bomb, a PDF compression bomb, 50 MB of HTML,
`/dev/zero` given as a file) must become an error for that document, and the run must
go on; so every read is bounded in bytes, unpacked bytes, pages, time and memory. The
defaults are far above any real report.

The library never reads the environment: the edges do (the command line, the worker
entry of a process pool), through the settings table of xxgk/config.py, and hand the
result to `configure`. A process-wide value rather than a parameter, because the limits
are checked five calls deep inside the readers, and a forked reader inherits it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

MiB = 1 << 20


@dataclass(frozen=True)
class ReadSettings:
    """The defaults here are those of the table in xxgk/config.py (docs/configuration.md)."""

    max_document_bytes: int = 200 * MiB  # any document, file or stored
    max_markup_bytes: int = 16 * MiB  # a text or HTML document
    # the parts of a DOCX added up, as their headers declare them (zipfile never unpacks a
    # part beyond its declared size: a part that lies fails its CRC check)
    max_unpacked_bytes: int = 256 * MiB
    max_zip_members: int = 10_000
    max_pages: int = 1000  # of a PDF
    document_seconds: float = 300.0  # wall-clock time to read one document
    # address space the process reading one document may add to what the program uses
    document_memory: int = 2048 * MiB
    # PDF, Word and documents larger than this are read in a child process holding the
    # time and memory limits; small text and HTML documents in the process, under the time limit
    in_process_bytes: int = 256 * 1024
    isolate: bool = True  # False: every document in process (to profile or debug a reader)
    soffice: str | None = None  # LibreOffice's program for DOC and WPS (None: found on PATH)
    ocr_threads: int = 1  # onnxruntime threads per process (documents already run in parallel)


_current = ReadSettings()


def current() -> ReadSettings:
    """The settings this process reads documents with."""
    return _current


def configure(settings: ReadSettings) -> None:
    """Set the settings of this process (and of the readers it forks from now on)."""
    global _current
    _current = settings


@contextmanager
def configured(settings: ReadSettings) -> Iterator[ReadSettings]:
    """`settings` for the time of a `with` block, then the previous ones again."""
    before = _current
    configure(settings)
    try:
        yield settings
    finally:
        configure(before)


def mib(n: int) -> str:
    """A size for an error message: `12,345 bytes`, `1.5 MiB`, `300 MiB`."""
    if n < MiB:
        return f"{n:,} bytes"
    return f"{n / MiB:.1f} MiB" if n < 10 * MiB else f"{n // MiB} MiB"
