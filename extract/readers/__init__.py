"""One reader per document format, each producing the same `ReadDocument`.

`read_bytes` decides the format from the content (`extract.sniff`) and dispatches.
"""

from __future__ import annotations

import re

from extract.model import ReadDocument, ReadError
from extract.sniff import html_error_page, sniff

MIN_HAN = 10  # Chinese characters: a report has hundreds; a stub page a title at least
NOISE_SHARE = 0.2  # of characters no report prints: bytes decoded, not text


# Chinese characters (CJK unified ideographs, extensions A to G), and the characters
# a report prints besides: printable ASCII, Latin, punctuation, symbols (①, ■), CJK
# punctuation, full width and compatibility ideographs
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f"
_REPORT = "\x20-\x7e\xa0-\u024f\u2000-\u2bff\u3000-\u303f\uff00-\uffef\uf900-\ufaff"
_HAN_CHARACTER = re.compile(f"[{_HAN}]")
_NOISE_CHARACTER = re.compile(rf"[^\s{_HAN}{_REPORT}]")  # \s: as str.isspace


def no_text_reason(text: str) -> str | None:
    """Why a decoded text or HTML document is not a report (None: it may be one).

    Random bytes, NUL bytes or UTF-32 noise decode to some text; an empty "report" of
    them would say nothing was wrong. Too few Chinese characters, or too many characters
    no report prints (controls, U+FFFD, private use, scripts drawn at random): not text.
    The characters are counted by the regex engine: every document passes here, and a
    loop over its characters in Python was a large share of reading a plain-text report."""
    total = sum(map(len, text.split()))  # the characters that are not whitespace
    if total == 0:
        return "not a report: no text"
    if _NOISE_CHARACTER.subn("", text)[1] > NOISE_SHARE * total:
        return "not a report: no text (binary data of an unknown format)"
    if _HAN_CHARACTER.subn("", text)[1] < MIN_HAN:
        return "not a report: no Chinese text"
    return None


def with_text(doc: ReadDocument) -> ReadDocument:
    reason = no_text_reason(doc.text)
    if reason:
        raise ReadError(reason)
    return doc


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
