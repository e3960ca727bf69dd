"""One reader per document format, each producing the same `ReadDocument`.

`read_bytes` decides the format from the content (`extract.sniff`) and dispatches.
"""

from __future__ import annotations

import importlib

from extract.model import ReadDocument, ReadError
from extract.sniff import html_error_page, sniff

MIN_HAN = 10  # Chinese characters: a report has hundreds; a stub page a title at least
NOISE_SHARE = 0.2  # of characters no report prints: bytes decoded, not text


def _is_han(o: int) -> bool:
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x3134F


def _is_report_character(o: int) -> bool:
    """Printable ASCII, Latin, punctuation, symbols (①, ■), CJK punctuation, full width."""
    return (
        0x20 <= o < 0x7F
        or 0xA0 <= o <= 0x24F
        or 0x2000 <= o <= 0x2BFF
        or 0x3000 <= o <= 0x303F
        or 0xFF00 <= o <= 0xFFEF
        or 0xF900 <= o <= 0xFAFF
    )


def no_text_reason(text: str) -> str | None:
    """Why a decoded text or HTML document is not a report (None: it may be one).

    Random bytes, NUL bytes or UTF-32 noise decode to some text; an empty "report" of
    them would say nothing was wrong. Too few Chinese characters, or too many characters
    no report prints (controls, U+FFFD, private use, scripts drawn at random): not text."""
    han = 0
    noise = 0
    total = 0
    for ch in text:
        if ch.isspace():
            continue
        total += 1
        o = ord(ch)
        if _is_han(o):
            han += 1
        elif not _is_report_character(o):
            noise += 1
    if total == 0:
        return "not a report: no text"
    if noise > NOISE_SHARE * total:
        return "not a report: no text (binary data of an unknown format)"
    if han < MIN_HAN:
        return "not a report: no Chinese text"
    return None


def with_text(doc: ReadDocument) -> ReadDocument:
    reason = no_text_reason(doc.text)
    if reason:
        raise ReadError(reason)
    return doc


# the readers of the formats read in a forked child (extract.bounded), by `sniff` kind
CHILD_READERS = {
    "pdf": "extract.readers.pdf",
    "docx": "extract.readers.docx",
    "ole": "extract.readers.office",
}


def import_reader(data: bytes) -> None:
    """Import, in this process, the reader a PDF or Word document needs.

    Such documents are read in a forked child, which inherits what its parent has
    imported; a reader the parent never imported is imported again in every child
    (pdfplumber alone takes ~0.2 s, a sixth of a typical PDF's extraction)."""
    module = CHILD_READERS.get(sniff(data))
    if module:
        importlib.import_module(module)


def read_bytes(data: bytes, source: str, *, content_type: str | None = None) -> ReadDocument:
    if not data or data.isspace():  # as `not data.strip()`, without copying a large file
        raise ReadError("empty file")
    kind = sniff(data)
    if kind == "html":
        error = html_error_page(data)
        if error:
            raise ReadError(f"an HTML error page, not a report ({error})")
        from extract.readers.html import read_html

        return with_text(read_html(data, source, content_type=content_type))
    if kind == "text":
        from extract.readers.text import read_text_bytes

        return with_text(read_text_bytes(data, source, content_type=content_type))
    if kind == "pdf":
        from extract.readers.pdf import read_pdf

        return read_pdf(data, source)
    if kind == "docx":
        from extract.readers.docx import read_docx

        return read_docx(data, source)
    if kind == "ole":
        from extract.readers.office import read_legacy_office

        return read_legacy_office(data, source)
    if kind.startswith("image:"):
        from extract.readers.scan import read_image

        return read_image(data, source, kind.split(":", 1)[1])
    if kind == "ofd":
        raise ReadError("OFD documents are not supported yet")
    raise ReadError(f"unsupported document type ({kind})")
