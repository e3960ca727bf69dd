"""Downloader middlewares: anti-bot challenge detection and retries with backoff."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

from crawler.antibot import challenge_kind

try:  # Scrapy's cookie jar splits domains with tldextract, which downloads the public
    # suffix list on first use; crawls must not depend on raw.githubusercontent.com, so
    # use the snapshot bundled with tldextract instead.
    import scrapy.downloadermiddlewares.cookies as _cookies
    from tldextract import TLDExtract

    _cookies._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)
except (ImportError, AttributeError):  # pragma: no cover - other Scrapy versions
    pass


class ChallengeDetected(IgnoreRequest):
    """The response is an anti-bot challenge; the request is dropped and reported."""

    def __init__(self, kind: str, url: str) -> None:
        super().__init__(f"{kind} at {url}")
        self.kind = kind
        self.url = url


class AntiBotMiddleware:
    """Turn challenge responses into `ChallengeDetected` before anything can retry or
    store them; the spider's errback records them for the portal's run."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AntiBotMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        kind = challenge_kind(response.status, response.body)
        if kind:
            if self.crawler.stats:
                self.crawler.stats.inc_value("xxgk/challenges")
            raise ChallengeDetected(kind, request.url)
        return response


class PortalRobotsMiddleware:
    """Let a registry entry opt out of robots.txt (`"obey_robots": false`), for portals
    whose robots.txt cannot be fetched at all; the default stays obedient."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PortalRobotsMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        portal = getattr(self.crawler.spider, "portal", None)
        if portal is not None and portal.options.get("obey_robots") is False:
            request.meta["dont_obey_robotstxt"] = True
        return None


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry (5xx, timeouts, resets) plus an exponential wait before each retry:
    `XXGK_RETRY_BACKOFF` seconds, times 3 per further attempt (1 s, 3 s, 9 s)."""

    def _retry(self, request: Request, reason: Any) -> Request | None:
        new = super()._retry(request, reason)
        if new is not None:
            base = self.crawler.settings.getfloat("XXGK_RETRY_BACKOFF", 1.0)
            attempt = new.meta.get("retry_times", 1)
            new.meta["backoff_delay"] = base * 3 ** (attempt - 1)
        return new


class BackoffDelayMiddleware:
    """Wait out `backoff_delay` before a retried request goes to the downloader."""

    async def process_request(self, request: Request) -> None:
        delay = request.meta.pop("backoff_delay", 0)
        if delay > 0:
            from twisted.internet import reactor  # the installed one (importing it early would install one)

            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
        return None
