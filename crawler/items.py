"""The items of a crawl: a fetched document (bytes included) and, once stored, where it is.

The spider yields `FetchedDocument`s; the store pipeline writes their bytes and passes on
a `StoredDocument`, which holds the metadata and the stored file's path and sha256
instead of the bytes (as Scrapy's FilesPipeline puts `path` and `checksum` in its
items). So every standard feed exporter works: `scrapy crawl reports -a portal=NAME -O
items.jsonl` writes one JSON line per stored document.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class DocumentMetadata:
    url: str  # as linked (list page or detail page), the key of versions
    final_url: str
    portal: str
    kind: str  # "page" | "attachment"
    title: str
    list_date: str | None = None
    year: int | None = None
    http_status: int = 200
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    parent_url: str | None = None
    filename: str | None = None
    format: str | None = None

    def metadata(self) -> dict[str, object]:
        """The columns of the document's row in the `documents` table."""
        return {f.name: getattr(self, f.name) for f in fields(DocumentMetadata)}


@dataclass
class FetchedDocument(DocumentMetadata):
    """A report page or attachment as downloaded; only the store pipeline sees it."""

    body: bytes = field(default=b"", repr=False, kw_only=True)
    frontier_key: str | None = field(default=None, kw_only=True)  # the crawl-frontier row it settles


@dataclass
class StoredDocument(DocumentMetadata):
    """A document once stored: what the item pipelines after the store and the feed
    exports receive."""

    path: str = field(default="", kw_only=True)  # of the bytes, relative to the data folder
    sha256: str = field(default="", kw_only=True)
    size: int = field(default=0, kw_only=True)
    stored_as: str = field(default="", kw_only=True)  # "new" | "version" | "same"
    document_id: int | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class ReportLink:
    """A report as its list showed it, handed from the list page to its detail page and
    attachments in `cb_kwargs` (Scrapy keeps `meta` for components), and kept in the
    crawl frontier as JSON so that a later run can send the request again."""

    url: str  # the detail page as listed: the key of the report's versions
    title: str
    date: str | None = None  # the list's date; a change asks for the report again
    attachments: tuple[tuple[str, str], ...] = ()  # (URL, name) the list itself links
    changed: bool = False  # known, but its list date changed (or --revalidate): ask again
    hops: int = 0  # redirect stubs followed so far (at most 3)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ReportLink:
        """Back from `to_dict` after a JSON round trip (lists become tuples again); also
        reads the untyped `meta["report"]` dicts that older frontiers hold."""
        return cls(
            url=d["url"],
            title=d["title"],
            date=d.get("date"),
            attachments=tuple((str(u), str(n)) for u, n in d.get("attachments") or ()),
            changed=bool(d.get("changed")),
            hops=int(d.get("hops") or 0),
        )
