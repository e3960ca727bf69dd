"""Scanned report pages in the crawler's store: a page whose body is images, and those images.

The crawler stores such a page and each of its images as separate documents (the images
as attachments of the page, fetched in any order, perhaps on a later run). They are one
report: the loader reads the page with its images, in the page's order, as one document
(`extract.page_images`, `extract.readers.scan.read_page_with_images`). The report's
digest covers the page and every image, so that an image fetched or changed later makes
a new version of the report, and an image alone is never loaded as a report of its own.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extract.page_images import in_page_order


@dataclass(frozen=True)
class ScannedPage:
    """A page row and its images in page order: (URL, stored path or None if not fetched)."""

    page: dict[str, Any]
    images: tuple[tuple[str, str | None], ...]
    report_sha256: str  # of the page's digest and its images' digests, in order


class ScannedPages:
    """Answers, for a row of the documents table, which scanned report it is part of."""

    def __init__(self, conn: sqlite3.Connection, data_dir: str | Path) -> None:
        self.conn = conn
        self.data_dir = Path(data_dir)
        self._sources: dict[str, list[str]] = {}  # page sha -> its image URLs (page order)

    def _path(self, sha: str) -> Path:
        return self.data_dir / "docs" / sha[:2] / sha

    def _image_urls(self, page: Mapping[str, Any]) -> list[str]:
        sha = page["sha256"]
        if sha not in self._sources:
            urls: list[str] = []
            if page.get("format") == "html":
                try:
                    data = self._path(sha).read_bytes()
                except OSError:
                    data = b""
                if data:
                    base = page.get("final_url") or page["url"]
                    urls = [url for url, _ in in_page_order(data, base, {})]
            self._sources[sha] = urls
        return self._sources[sha]

    def _page_of(self, row: Mapping[str, Any]) -> dict[str, Any] | None:
        if row.get("kind") == "page":
            return dict(row)
        parent = row.get("parent_url")
        if not parent or not str(row.get("format") or "").startswith("image"):
            return None
        found = self.conn.execute(
            "SELECT * FROM documents WHERE kind = 'page' AND is_current = 1 AND (url = ? OR final_url = ?) "
            "ORDER BY id DESC LIMIT 1",
            (parent, parent),
        )
        names = [d[0] for d in found.description]
        first = found.fetchone()
        return dict(zip(names, first, strict=True)) if first else None

    def report_of(self, row: Mapping[str, Any]) -> ScannedPage | None:
        """The scanned report `row` belongs to (as its page or one of its images), or None
        for a document that is a report of its own."""
        page = self._page_of(row)
        if page is None:
            return None
        urls = self._image_urls(page)
        if not urls or (row.get("kind") != "page" and row["url"] not in urls):
            return None
        stored = {
            url: sha
            for url, sha in self.conn.execute(
                "SELECT url, sha256 FROM documents WHERE kind = 'attachment' AND is_current = 1 "
                "AND parent_url IN (?, ?) ORDER BY id",
                (page["url"], page.get("final_url") or page["url"]),
            )
        }
        digest = hashlib.sha256(page["sha256"].encode())
        images = []
        for url in urls:
            sha = stored.get(url)
            digest.update(f"\n{url} {sha or '-'}".encode())
            images.append((url, str(self._path(sha)) if sha else None))
        return ScannedPage(page, tuple(images), digest.hexdigest())
