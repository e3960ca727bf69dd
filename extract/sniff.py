"""Decide a document's format from its bytes, never from its name or Content-Type.

Servers label PDFs as text/html, name DOCX files `.doc`, put a BOM before `%PDF-`
and serve HTML error pages under `.pdf` names; the content is the only witness.
"""

from __future__ import annotations

import html
import re
import struct

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


def zip_directory(data: bytes) -> bytes:
    """The bytes of a zip's central directory (where the member names are), found from its
    end record without building an index of the members (a hostile zip may list millions);
    the first 4,000 bytes of a truncated download, whose first member names still tell."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65557))
    if end >= 0 and end + 22 <= len(data):
        size, offset = struct.unpack("<II", data[end + 12 : end + 20])
        if size > 0 and offset + size <= end:
            return data[offset : offset + size]
    return data[:4000]


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
        names = zip_directory(data)
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


# An error page is told by its structure: its title or a heading *is* an error message
# (a status code and/or an error phrase, with at most filler words and punctuation around
# it), not a name that happens to hold a number (演示市第404局) or a report title.
_STATUS = r"[45]\d\d"
_PHRASE = (
    r"(?:(?:page|file|url)\s*)?not\s*found|forbidden|internal\s*server\s*error|server\s*error|"
    r"bad\s*gateway|service\s*(?:temporarily\s*)?unavailable|gateway\s*time-?out|access\s*denied|"
    r"unauthori[sz]ed|bad\s*request|too\s*many\s*requests|"
    r"(?:页面|网页|文件|资源|信息)(?:已被删除|不存在|未找到|找不到)|找不到(?:该|此|您要访问的)?(?:页面|网页|文件)|"
    r"无法访问|访问出错|访问错误|禁止访问|拒绝访问|无权访问|服务器(?:内部)?错误|服务不可用"
)
_FILLER = (
    r"(?:https?|error|status|code|sorry|oops|the\s*requested\s*(?:url|page)|错误代码|错误页面?|错误|"
    r"系统提示|提示|抱歉|对不起|您(?:所|要)?(?:访问|查找|请求)的|该|[^\w]|_)*"
)
_ERROR_SEGMENT = re.compile(
    rf"{_FILLER}(?:{_STATUS}{_FILLER}(?:(?:{_PHRASE}){_FILLER})?|(?:{_PHRASE}){_FILLER}(?:{_STATUS}{_FILLER})?)",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s+[-|｜_—–·:：]+\s+|\s*[|｜—–·]+\s*|\s*[-_]{2,}\s*")
_HEADING = re.compile(r"<(title|h1|h2)\b[^>]*>(.{0,400}?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def is_error_heading(text: str) -> bool:
    """True when a title or heading is an error message: one of its parts (a site name may
    stand beside it, `404 - 某市人民政府`) is a status code or an error phrase alone."""
    return any(_ERROR_SEGMENT.fullmatch(part) for part in _SEPARATORS.split(text) if part.strip())


def html_error_page(data: bytes) -> str | None:
    """The title or heading of a server error page (a `.pdf` link that answered 404), or None.

    Only short pages count: a report page whose title mentions 404 is still a report.
    """
    if len(data) > 20000:
        return None
    from extract.decode import decode

    for m in _HEADING.finditer(decode(data, html=True)):
        text = " ".join(html.unescape(_TAG.sub(" ", m.group(2))).split())
        if text and is_error_heading(text):
            return text
    return None
