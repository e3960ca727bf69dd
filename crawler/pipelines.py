"""Item pipelines: store every fetched document, then (optionally) extract it.

The extraction hook is deliberately small and fenced: it runs only when the setting
`XXGK_EXTRACT` is on, imports the extractor lazily (the crawler works without it), and
catches every exception so one bad document never stops the crawl. Loading the
extracted cells into the database is left to an optional `XXGK_LOAD_HOOK`
("module:function", called with the store, the document row id and the Report).
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import threads
from twisted.python.threadpool import ThreadPool

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


class ExtractPipeline:
    """Hand newly stored documents to `extract.extract_bytes` (if installed and enabled)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.enabled = crawler.settings.getbool("XXGK_EXTRACT", True)
        self.load_hook = None
        hook = crawler.settings.get("XXGK_LOAD_HOOK")
        if hook:
            module, _, func = hook.partition(":")
            self.load_hook = getattr(importlib.import_module(module), func)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        # One worker thread: extraction is CPU-bound, and the extractor's lazy imports
        # and PDF readers are not meant to run several at once.
        self.pool = ThreadPool(minthreads=0, maxthreads=1, name="xxgk-extract")
        self.pool.start()

    def close_spider(self) -> None:
        self.pool.stop()

    async def process_item(self, item: Any) -> Any:
        if not (self.enabled and isinstance(item, FetchedDocument) and item.stored_as in ("new", "version")):
            return item
        try:
            from extract import extract_bytes
        except Exception as exc:  # the extractor is optional for the crawler
            log.warning("extraction switched off: the extractor cannot be imported (%s)", exc)
            self.enabled = False
            return item
        stats = self.crawler.stats
        try:
            # In a worker thread, so downloads go on while a PDF is read; the load hook
            # (which writes SQLite) runs back in the reactor thread.
            from twisted.internet import reactor

            report = await maybe_deferred_to_future(
                threads.deferToThreadPool(
                    reactor,
                    self.pool,
                    extract_bytes,
                    item.body,
                    item.url,
                    content_type=item.content_type,
                    title_hint=item.title,
                )
            )
            if stats:
                stats.inc_value("xxgk/extracted")
            if self.load_hook:
                self.load_hook(self.crawler.spider.store, item.document_id, report)
        except Exception as exc:
            # ReadError (image-only, unreadable) and bugs alike: note it and go on.
            log.info("not extracted: %s: %s: %s", item.url, type(exc).__name__, exc)
            if stats:
                stats.inc_value("xxgk/extract_failed")
        return item
