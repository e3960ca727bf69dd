"""Item pipelines: store every fetched document.

The crawler only fetches and stores; extraction and loading are the next stage
(`xxgk load`, or `xxgk run` for both), so a report travels one way and a crawl is
never slowed or stopped by a document that cannot be read.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from scrapy.crawler import Crawler

from crawler.items import FetchedDocument, StoredDocument

log = logging.getLogger(__name__)


class StorePipeline:
    """Write the bytes and the metadata row, count new reports for the run record, and
    pass on the document without its bytes (a `StoredDocument`)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedDocument):
            return item
        spider = self.crawler.spider
        store = spider.store
        outcome, doc_id = store.save(item.metadata(), item.body, item.frontier_key)
        sha = hashlib.sha256(item.body).hexdigest()
        stored = StoredDocument(
            **item.metadata(),
            path=store.blob_path(sha).relative_to(store.data_dir).as_posix(),
            sha256=sha,
            size=len(item.body),
            stored_as=outcome,
            document_id=doc_id,
        )
        spider.note_stored(stored)
        return stored
