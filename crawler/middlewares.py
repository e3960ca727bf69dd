"""Downloader middlewares: anti-bot challenge detection and retries with backoff."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet.task import deferLater

from crawler.antibot import challenge_kind

logger = logging.getLogger(__name__)


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


def retry_after_seconds(value: bytes | str | None) -> float | None:
    """Seconds a `Retry-After` header asks for (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry (5xx, timeouts, resets; not DNS failures, see RETRY_EXCEPTIONS)
    plus a wait before each retry: `XXGK_RETRY_BACKOFF` seconds, times 3 per further
    attempt (1 s, 3 s, 9 s).

    A 429 or 503 with `Retry-After` is a server asking us to slow down: the host's
    download slot keeps that delay between requests for the rest of the run, and the
    request is retried after the time asked, if that is at most `XXGK_RETRY_AFTER_MAX`;
    a longer wait (`Retry-After: 3600`) is not spent in this run: the request fails
    with its reason and the crawl frontier retries it on a later run."""

    def _retry_later(
        self, request: Request, reason: str | Exception, delay: float | None = None
    ) -> Request | None:
        new = get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
        )
        if new is not None:
            base = self.crawler.settings.getfloat("XXGK_RETRY_BACKOFF", 1.0)
            attempt = new.meta.get("retry_times", 1)
            new.meta["backoff_delay"] = delay if delay is not None else base * 3 ** (attempt - 1)
        return new

    def _slow_host(self, request: Request, seconds: float) -> None:
        downloader = self.crawler.engine.downloader if self.crawler.engine else None
        if downloader is None:
            return
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None and slot.delay < seconds:
            logger.warning(
                "%s asks to wait %.0f s (Retry-After): slowing down that host", request.url, seconds
            )
            slot.delay = seconds

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        reason = response_status_message(response.status)
        wait = (
            retry_after_seconds(response.headers.get("Retry-After"))
            if response.status in (429, 503)
            else None
        )
        if wait is None:
            return self._retry_later(request, reason) or response
        limit = self.crawler.settings.getfloat("XXGK_RETRY_AFTER_MAX", 120)
        self._slow_host(request, min(wait, limit))
        if wait > limit:
            return response  # an HTTP error for the spider; a later run asks again
        return self._retry_later(request, reason, delay=wait) or response

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if isinstance(exception, self.exceptions_to_retry) and not request.meta.get("dont_retry", False):
            return self._retry_later(request, exception)
        return None


class BackoffDelayMiddleware:
    """Wait out `backoff_delay` before a retried request goes to the downloader."""

    async def process_request(self, request: Request) -> None:
        delay = request.meta.pop("backoff_delay", 0)
        if delay > 0:
            from twisted.internet import reactor  # the installed one (importing it early would install one)

            await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
        return None
