"""Decide a document's format from its bytes, never from its name or Content-Type.

Servers label PDFs as text/html, name DOCX files `.doc`, put a BOM before `%PDF-`
and serve HTML error pages under `.pdf` names; the content is the only witness.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_MAGIC = {
    b"\x89PNG": "png",
    b"\xff\xd8\xff": "jpeg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
    b"BM": "bmp",
    b"II*\x00": "tiff",
    b"MM\x00*": "tiff",
}


def sniff(data: bytes) -> str:
    """Return "pdf", "docx", "xlsx", "ole" (DOC/WPS/XLS), "ofd", "zip", "rtf", "image:<kind>", "html"
    or "text". The crawler records it too, so a stored document's format is known before reading."""
    head = data[:2048]
    stripped = head.lstrip(b"\xef\xbb\xbf\x00 \t\r\n")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = " ".join(zipfile.ZipFile(BytesIO(data)).namelist()).encode()
        except zipfile.BadZipFile:
            names = data[:4000]  # a truncated download: the first member names still tell
        if b"word/" in names:
            return "docx"
        if b"xl/" in names:
            return "xlsx"
        if b"OFD.xml" in names:
            return "ofd"
        return "zip"
    for magic, kind in IMAGE_MAGIC.items():
        if head.startswith(magic):
            return f"image:{kind}"
    if head[8:12] == b"WEBP" and head.startswith(b"RIFF"):
        return "image:webp"
    if stripped.startswith(b"{\\rtf"):
        return "rtf"
    lower = stripped[:1024].lower()
    if lower.startswith(
        (b"<!doctype", b"<html", b"<?xml", b"<head", b"<meta", b"<body", b"<div", b"<table", b"<p")
    ):
        return "html"
    if b"<html" in lower or b"<table" in lower or b"<body" in lower or b"<script" in lower:
        return "html"
    return "text"


_ERROR_TITLE = re.compile(
    rb"<(title|h1)[^>]*>\s*([^<]{0,120}?(\b40[0-9]\b|\b50[0-9]\b|not found|forbidden|internal server error|"
    rb"bad gateway|service unavailable|access denied|"
    + "页面不存在|页面未找到|找不到|无法访问|访问出错|禁止访问|服务器错误".encode()
    + rb")[^<]{0,120}?)\s*</(title|h1)>",
    re.IGNORECASE,
)


def html_error_page(data: bytes) -> str | None:
    """The title of a server error page (a `.pdf` link that answered 404), or None.

    Only short pages count: a report page whose title mentions 404 is still a report.
    """
    if len(data) > 20000:
        return None
    # the pattern ignores case, so the regex engine would try it at every byte; a match
    # starts at `<title` or `<h1`, so it is tried only there, leftmost first (as `search`)
    lower = data.lower()
    starts = [i for tag in (b"<title", b"<h1") if (i := lower.find(tag)) >= 0]
    while starts:
        pos = min(starts)
        m = _ERROR_TITLE.match(data, pos)
        if m:
            return m.group(2).decode("utf-8", errors="replace").strip()
        starts = [i for tag in (b"<title", b"<h1") if (i := lower.find(tag, pos + 1)) >= 0]
    return None
