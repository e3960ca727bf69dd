"""One document in, one `Report` out: sniff the format, read, map, check, describe."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from extract.metadata import describe
from extract.model import ReadDocument, Report
from extract.readers import read_bytes
from extract.tables import map_tables


def extract_bytes(
    data: bytes,
    source: str,
    *,
    content_type: str | None = None,
    title_hint: str | None = None,
    images: Sequence[tuple[str, bytes | None]] = (),
) -> Report:
    """Extract a document held in memory; `source` names it in the report and errors.

    `content_type` (an HTTP header) is used only for its charset; the format is
    decided from the bytes. The document is read within the limits of `extract.settings`
    (size, time, memory; PDF and Word in a child process): overrunning one is a ReadError.
    `images`: for an HTML page whose body is images (`extract.page_images`), those images
    as (name, bytes or None if missing) in page order; they are read by OCR as the
    report's pages, in a child process like any binary document.
    """
    from extract.bounded import extract_bounded

    if images:
        read = partial(read_and_extract, images=images)
        return extract_bounded(read, data, source, content_type, title_hint, isolate=True)
    return extract_bounded(read_and_extract, data, source, content_type, title_hint)


def read_and_extract(
    data: bytes,
    source: str,
    content_type: str | None,
    title_hint: str | None,
    images: Sequence[tuple[str, bytes | None]] = (),
) -> Report:
    """`extract_bytes` without the limits (`extract.bounded` calls it within them)."""
    if images:
        from extract.readers.scan import read_page_with_images

        doc = read_page_with_images(data, source, images, content_type)
    else:
        doc = read_bytes(data, source, content_type=content_type)
    if title_hint and not doc.title_hint:
        doc.title_hint = title_hint
    return extract_document(doc)


def extract_document(doc: ReadDocument) -> Report:
    report = Report(source=doc.source, format=doc.format)
    report.warnings.extend(doc.warnings)
    report.ocr_pages = list(doc.ocr_pages)
    map_tables(doc, report)
    describe(doc, report)
    return report


def extract_path(path: str | Path) -> Report:
    """Extract the document at `path` (the report's `source` is the path as given).

    A saved HTML page whose body is images (a scanned report) is read with the image
    files its `<img>`s point to beside it, as one report.

    Only a regular file is read (a named pipe or a device is an error), at most
    `extract.settings` (`max_document_bytes`) of it."""
    from extract.bounded import read_file
    from extract.page_images import local_page_images

    data = read_file(path)
    return extract_bytes(data, str(path), images=local_page_images(path, data))


BATCH_GC_THRESHOLD = 10_000


@contextmanager
def batch_gc() -> Iterator[None]:
    """Run the cyclic garbage collector less often while extracting many documents.

    Extraction makes hundreds of small objects per document (cells, tokens, placed
    values) and no reference cycles: reference counting frees them all. The collector's
    default, a pass every 700 new objects, then only spends time freeing nothing. A
    pass every 10,000 keeps that cost small; cycles made elsewhere are still collected.
    The threshold is restored on exit.
    """
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], BATCH_GC_THRESHOLD), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)
