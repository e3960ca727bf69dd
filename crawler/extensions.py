"""Progress lines on stderr for long crawls (enabled by `xxgk crawl`)."""

from __future__ import annotations

import sys

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class Progress:
    """Every `XXGK_PROGRESS_INTERVAL` seconds, one line per portal on stderr."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        self.crawler = crawler
        self.interval = interval
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        if not crawler.settings.getbool("XXGK_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler, crawler.settings.getfloat("XXGK_PROGRESS_INTERVAL", 5.0))
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def line(self) -> str:
        spider = self.crawler.spider
        counts = getattr(spider, "counts", {})
        requests = self.crawler.stats.get_value("downloader/request_count", 0) if self.crawler.stats else 0
        blocked = sum(getattr(spider, "blocked", {}).values())
        return (
            f"[{spider.portal.name}] {counts.get('pages', 0)} list pages, {counts.get('new_reports', 0)} new "
            f"documents, {counts.get('errors', 0)} errors, {blocked} blocked, {requests} requests"
        )

    def opened(self) -> None:
        self.loop = task.LoopingCall(lambda: print(self.line(), file=sys.stderr, flush=True))
        self.loop.start(self.interval, now=False)

    def closed(self) -> None:
        if self.loop and self.loop.running:
            self.loop.stop()
