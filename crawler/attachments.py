"""Attachment names and formats as portals really serve them.

`Content-Disposition` file names arrive as raw GBK bytes (not RFC 5987), as RFC 5987
UTF-8, percent-encoded, or in UTF-8; Content-Type is often wrong, so the format is taken
from the first bytes. Links hide in `onclick`, iframes and pdf.js viewers.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, unquote_to_bytes, urlsplit

from extract.page_images import page_image_sources
from extract.sniff import sniff as sniff_format  # one sniffer for the crawler and the readers

ATTACHMENT_EXTENSIONS = (
    "pdf",
    "doc",
    "docx",
    "wps",
    "xls",
    "xlsx",
    "et",
    "rtf",
    "ofd",
    "zip",
    "jpg",
    "jpeg",
    "png",
    "gif",
    "tif",
    "tiff",
)
_EXT = re.compile(r"\.(" + "|".join(ATTACHMENT_EXTENSIONS) + r")(?:$|[?#])", re.I)
_DOWNLOAD = re.compile(r"downfile\.jsp|download\.(?:jsp|do|aspx?|php)|/attach(?:ment)?s?/|getfile", re.I)


def _decode_name(raw: bytes) -> str:
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def filename_from_disposition(header: bytes | str | None) -> str | None:
    """The file name in a Content-Disposition header, decoded.

    Handles `filename*=UTF-8''…` (RFC 5987), percent-encoded names, and raw GBK or
    UTF-8 bytes in `filename="…"` (what Chinese CMSes send)."""
    if not header:
        return None
    raw = header if isinstance(header, bytes) else header.encode("latin-1", "replace")
    m = re.search(rb"filename\*\s*=\s*([\w-]+)'[^']*'([^;]+)", raw, re.I)
    if m:
        charset = m.group(1).decode("ascii", "replace") or "utf-8"
        try:
            return unquote_to_bytes(m.group(2).strip().strip(b'"')).decode(charset)
        except (LookupError, UnicodeDecodeError):
            return _decode_name(unquote_to_bytes(m.group(2).strip()))
    m = re.search(rb'filename\s*=\s*"([^"]*)"', raw, re.I) or re.search(rb"filename\s*=\s*([^;]+)", raw, re.I)
    if not m:
        return None
    value = m.group(1).strip()
    if re.search(rb"%[0-9A-Fa-f]{2}", value):
        value = unquote_to_bytes(value)
    name = _decode_name(value).strip()
    return name or None


def looks_like_attachment(url: str) -> bool:
    """A link worth downloading as a report file (by extension or download endpoint)."""
    path = urlsplit(url)
    return bool(_EXT.search(path.path) or _EXT.search(unquote(path.query)) or _DOWNLOAD.search(url))


_ONCLICK = re.compile(
    r"""(?:window\.open|location(?:\.href)?\s*=|openFile|downLoad\w*|download\w*)\s*\(?\s*['"]([^'"]+)['"]""",
    re.I,
)


def url_in_script(script: str) -> str | None:
    """The URL an `onclick="window.open('…')"`/`location.href='…'` handler opens."""
    m = _ONCLICK.search(script or "")
    return m.group(1) if m else None


def viewer_target(url: str) -> str | None:
    """The document behind a pdf.js viewer link (`viewer.html?file=x.pdf`)."""
    parts = urlsplit(url)
    if "viewer" not in parts.path.lower():
        return None
    files = parse_qs(parts.query).get("file")
    return files[0] if files else None


def is_error_page_instead_of_file(url: str, data: bytes) -> bool:
    """A small HTML page served where a binary attachment was linked (a dead link)."""
    parts = urlsplit(url)
    m = _EXT.search(parts.path) or _EXT.search(unquote(parts.query))
    return bool(m and sniff_format(data) == "html")


def scanned_report_images(page: str, url: str) -> list[str]:
    """The images of a scanned report page (a body of only `<img>`s), in page order: the
    report's attachments. Extraction asks the same function which images make the report
    (`extract.page_images`), so the images fetched are the ones read, in this order."""
    return page_image_sources(page, url)
