"""Extraction: documents in any format -> canonical cells of the national tables.

    >>> from extract import extract_path
    >>> report = extract_path("tests/corpus/seed/baicheng-2019.txt")
    >>> report.cells["applications.received_new.total"].value
    59

`extract_bytes` does the same for a document already in memory (the crawler's store).
Both raise `ReadError` with a plain-words reason for a document that cannot be read.
Wrap a loop over many documents in `batch_gc()` (the `xxgk` commands do).

The release wheel compiles the modules every text and HTML document goes through with
mypyc (`setup.py`); every other install runs these sources as they are.
"""

from extract.model import Cell, CellValue, Check, ReadDocument, ReadError, Report, Section
from extract.pipeline import batch_gc, extract_bytes, extract_path

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
    "is_compiled",
]


def is_compiled() -> bool:
    """Whether the release wheel's compiled modules run, not these sources: the
    benchmarks and tests/test_build.py say which build they measured."""
    from extract import tables

    return not str(tables.__file__).endswith(".py")
