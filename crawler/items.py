"""The one item the spider yields: a fetched report page or attachment, bytes included."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FetchedDocument:
    url: str  # as linked (list page or detail page), the key of versions
    final_url: str
    portal: str
    kind: str  # "page" | "attachment"
    title: str
    body: bytes = field(repr=False)
    list_date: str | None = None
    year: int | None = None
    http_status: int = 200
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    parent_url: str | None = None
    filename: str | None = None
    format: str | None = None
    stored_as: str | None = None  # set by the store pipeline: "new" | "version" | "same"
    document_id: int | None = None

    def metadata(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k not in ("body", "stored_as", "document_id")}
