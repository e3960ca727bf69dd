"""Item pipelines: store every fetched document.

The crawler only fetches and stores; extraction and loading are the next stage
(`xxgk load`, or `xxgk run` for both), so a report travels one way and a crawl is
never slowed or stopped by a document that cannot be read.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler

from crawler.items import FetchedDocument

log = logging.getLogger(__name__)


class StorePipeline:
    """Write the bytes and the metadata row; count new reports for the run record."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, FetchedDocument):
            return item
        spider = self.crawler.spider
        outcome, doc_id = spider.store.save(item.metadata(), item.body)
        item.stored_as, item.document_id = outcome, doc_id
        spider.note_stored(item)
        return item
