"""One reader per document format, each producing the same `ReadDocument`.

`read_bytes` decides the format from the content (`extract.sniff`) and dispatches.
"""

from __future__ import annotations

from extract.model import ReadDocument, ReadError
from extract.sniff import html_error_page, sniff


def read_bytes(data: bytes, source: str, *, content_type: str | None = None) -> ReadDocument:
    if not data or data.isspace():  # as `not data.strip()`, without copying a large file
        raise ReadError("empty file")
    kind = sniff(data)
    if kind == "html":
        error = html_error_page(data)
        if error:
            raise ReadError(f"an HTML error page, not a report ({error})")
        from extract.readers.html import read_html

        return read_html(data, source, content_type=content_type)
    if kind == "text":
        from extract.readers.text import read_text_bytes

        return read_text_bytes(data, source, content_type=content_type)
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
        raise ReadError("image-only; OCR needed")
    if kind == "ofd":
        raise ReadError("OFD documents are not supported yet")
    raise ReadError(f"unsupported document type ({kind})")
