"""Decide a document's format from its bytes, never from its name or Content-Type.

Servers label PDFs as text/html, name DOCX files `.doc`, put a BOM before `%PDF-`
and serve HTML error pages under `.pdf` names; the content is the only witness.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpeg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
    b"BM": "bmp",
    b"II*\x00": "tiff",
    b"MM\x00*": "tiff",
}


def sniff(data: bytes) -> str:
    """Return "pdf", "docx", "ole" (DOC/WPS/XLS), "ofd", "zip", "image:<kind>", "html" or "text"."""
    head = data[:2048]
    stripped = head.lstrip(b"\xef\xbb\xbf\x00 \t\r\n")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return "zip"
        if "word/document.xml" in names:
            return "docx"
        if "OFD.xml" in names:
            return "ofd"
        return "zip"
    for magic, kind in IMAGE_MAGIC.items():
        if head.startswith(magic):
            return f"image:{kind}"
    if head[8:12] == b"WEBP" and head.startswith(b"RIFF"):
        return "image:webp"
    lower = stripped[:1024].lower()
    if lower.startswith(
        (b"<!doctype", b"<html", b"<?xml", b"<head", b"<meta", b"<body", b"<div", b"<table", b"<p")
    ):
        return "html"
    if b"<html" in lower or b"<table" in lower or b"<body" in lower:
        return "html"
    return "text"
