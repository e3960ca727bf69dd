"""Extraction: documents in any format -> canonical cells of the national tables.

    >>> from extract import extract_path
    >>> report = extract_path("tests/corpus/seed/baicheng-2019.txt")
    >>> report.cells["applications.received_new.total"].value
    59

`extract_bytes` does the same for a document already in memory (the crawler's store).
Both raise `ReadError` with a plain-words reason for a document that cannot be read.
Wrap a loop over many documents in `batch_gc()` (the `xxgk` commands do).

The modules every text and HTML document goes through are compiled with mypyc at
install (`setup.py`); `extract.compiled` falls back to the sources when they changed.
"""

from extract.compiled import use_sources_if_stale

use_sources_if_stale()  # before any compiled module is imported: see extract/compiled.py

from extract.model import Cell, CellValue, Check, ReadDocument, ReadError, Report, Section  # noqa: E402
from extract.pipeline import batch_gc, extract_bytes, extract_path  # noqa: E402

__all__ = [
    "Cell",
    "CellValue",
    "Check",
    "ReadDocument",
    "ReadError",
    "Report",
    "Section",
    "batch_gc",
    "extract_bytes",
    "extract_path",
]
