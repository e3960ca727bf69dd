"""Turning bytes into text: BOM, declared charset (HTTP header or `<meta>`), detection.

GB2312 and GBK are decoded as GB18030 (their superset), since pages declared GB2312
routinely use GBK characters.
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", re.I)
_UNTRUSTED = {"latin-1", "iso8859-1", "cp1252", "ascii"}
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "hz-gb-2312", "euc-cn"}


def canonical(charset: str | None) -> str | None:
    if not charset:
        return None
    name = charset.strip().lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return canonical(m.group(1)) if m else None


def decode(data: bytes, *, content_type: str | None = None, html: bool = False) -> str:
    """Decode a document's bytes; never raises (undecodable bytes become U+FFFD)."""
    return decode_as(data, content_type=content_type, html=html)[0]


def decode_as(data: bytes, *, content_type: str | None = None, html: bool = False) -> tuple[str, str]:
    """`decode`, and the encoding the text was decoded from: a codec name, or "" when
    the text is not exactly the bytes decoded with one (a BOM removed, bytes replaced).

    The HTML reader parses the bytes themselves when they are UTF-8 (see there)."""
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace"), ""
    declared: list[str] = []
    header = charset_from_content_type(content_type)
    if header:
        declared.append(header)
    if html:
        m = _META_CHARSET.search(data[:4096])
        meta = canonical(m.group(1).decode("ascii", "ignore")) if m else None
        if meta:
            declared.append(meta)
    # A declaration is trusted when the bytes decode cleanly under it; a header that
    # disagrees with the page (a common server misconfiguration) is then overruled.
    for enc in [*(e for e in declared if e not in _UNTRUSTED), "utf-8", "gb18030"]:
        # error pages declare iso-8859-1 over GBK or UTF-8 bytes: such a declaration is
        # no evidence
        decoded = _decode_strict(data, enc)
        if decoded is not None:
            return decoded
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best), ""
    return data.decode(declared[0] if declared else "utf-8", errors="replace"), ""


def _decode_strict(data: bytes, enc: str) -> tuple[str, str] | None:
    """`data` decoded with `enc` without replacing a byte, or None. A copy cut at a byte
    limit may end inside a character: that partial character is dropped (the encoding
    is then returned as "": the text is no longer exactly the bytes decoded)."""
    try:
        return data.decode(enc), enc
    except UnicodeDecodeError:
        pass
    except LookupError:
        return None
    try:
        text = codecs.getincrementaldecoder(enc)().decode(data, final=False)
    except UnicodeDecodeError:
        return None
    return text, ""
