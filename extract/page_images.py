"""Report pages whose body is images: which images are the report, in page order.

Many portals publish a scanned report as an HTML page whose body holds nothing but
`<img>`s, one per scanned page (or one tall image). Those images *are* the report: the
crawler fetches them as the page's attachments, and extraction reads the page's text and
the images' OCR as one document, the images in the order the page shows them. Both ask
this module, so that the images fetched are exactly the ones read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TypeVar
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

from lxml import etree, html

# Where portals put an article's body, most specific first (the crawler's list, as XPath
# so that extraction, which has no CSS selector engine, can use it): the first match wins.
BODY = (
    ("id", "zoom"),
    ("class", "TRS_Editor"),
    ("class", "trs_editor_view"),
    ("class", "view"),
    ("id", "UCAP-CONTENT"),
    ("class", "Article_content"),
    ("class", "pages_content"),
    ("class", "artile_zw"),
    ("id", "mainText"),
    ("class", "article-content"),
    ("class", "content"),
)
T = TypeVar("T")
MAX_BODY_TEXT = 400  # characters: a body with more text than this is a text report
_IMG_TAG = re.compile(r"<img\b", re.I)
_IMG_TAG_BYTES = re.compile(rb"<img\b", re.I)
ICON = re.compile(r"icon|logo|share|qrcode|ewm|banner|spacer|blank\.gif", re.I)


def _body(root: etree._Element) -> etree._Element | None:
    for attribute, name in BODY:
        if attribute == "id":
            found = root.xpath(f"//*[@id='{name}']")
        else:
            found = root.xpath(f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")
        if found:
            return found[0]
    return None


def page_image_sources(page: str | bytes, base_url: str) -> list[str]:
    """The absolute URLs of the images that make the report, in page order; [] when the
    page is not an image report (its body has a table, or more than a few lines of text,
    or no body is found). Icons, logos and QR codes are left out; a repeated image once."""
    has_img = _IMG_TAG_BYTES.search(page) if isinstance(page, bytes) else _IMG_TAG.search(page)
    if not has_img:
        return []  # most pages: not parsed a second time
    try:
        root = html.fromstring(page)
    except (etree.ParserError, ValueError):
        return []
    body = _body(root)
    if body is None or body.xpath(".//table"):
        return []
    text = re.sub(r"\s+", "", "".join(body.xpath(".//text()[not(ancestor::script or ancestor::style)]")))
    if len(text) >= MAX_BODY_TEXT:
        return []
    urls: list[str] = []
    for src in body.xpath(".//img/@src"):
        src = str(src).strip()
        if not src or src.startswith(("data:", "javascript:")) or ICON.search(src):
            continue
        url = urljoin(base_url, src)
        if url not in urls:
            urls.append(url)
    return urls


def in_page_order(page: str | bytes, base_url: str, found: Mapping[str, T]) -> list[tuple[str, T | None]]:
    """The page's report images, in page order, each with what `found` holds for its URL
    (None where it holds nothing: an image not fetched). [] for a page that is not an
    image report. The loader and show-cell pair a page with its stored images this way."""
    return [(url, found.get(url)) for url in page_image_sources(page, base_url)]


def local_image_paths(path: str | Path, data: bytes) -> list[tuple[str, str | None]]:
    """For a saved HTML page whose body is images: the files its `<img>`s point to beside
    it, in page order, as (URL, path or None when not a local file that exists)."""
    from extract.sniff import sniff

    if sniff(data) != "html":
        return []
    found: list[tuple[str, str | None]] = []
    for url in page_image_sources(data, Path(path).resolve().as_uri()):
        parts = urlsplit(url)
        local = url2pathname(parts.path) if parts.scheme == "file" else None
        found.append((url, local if local and Path(local).is_file() else None))
    return found


def local_page_images(path: str | Path, data: bytes) -> list[tuple[str, bytes | None]]:
    """`local_image_paths` read: (URL, bytes or None when missing or unreadable)."""
    from extract.bounded import read_file
    from extract.model import ReadError

    images: list[tuple[str, bytes | None]] = []
    for url, local in local_image_paths(path, data):
        content = None
        if local:
            try:
                content = read_file(local)
            except ReadError:
                content = None
        images.append((url, content))
    return images
