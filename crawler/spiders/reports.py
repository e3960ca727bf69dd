"""The `reports` spider: one portal of the registry per run.

    scrapy crawl reports -a portal=NAME [-a full=1] [-a revalidate=1]

It walks the portal's annual-report lists with the adapter of its platform, keeps the
items whose titles are annual reports, fetches each report's detail page and its
attachments into the document store, and records the run. Incremental by default:
known reports are not requested again, paging stops at the first page that holds
nothing new, and a report whose list date changed is re-requested conditionally
(If-None-Match / If-Modified-Since) and stored as a new version if its bytes changed.

The early stop is safe because completeness is recorded, not assumed: every request
beyond the start URLs is owed in the store's crawl frontier until its outcome is
stored (see `crawler.frontier`), so a walk cut short resumes where it stopped, and a
failed document is retried on later runs until it is stored or given up. Requests stay
on the portal's hosts (`crawler.hosts`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import scrapy
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.http import Response, TextResponse
from scrapy.utils.log import failure_to_exc_info
from twisted.python.failure import Failure

from crawler import lock, pages
from crawler.adapters import adapter_for
from crawler.adapters.base import ListItem, looks_like_folder
from crawler.failures import failure_reason
from crawler.frontier import Frontier, request_from_json, request_key
from crawler.hosts import HostPolicy, RefusedRequest
from crawler.items import FetchedDocument, ReportLink, StoredDocument
from crawler.middlewares import ChallengeDetected
from crawler.reach import RunReach
from crawler.registry import Portal, load_registry
from crawler.store import DocumentStore
from crawler.titles import is_annual_report

MAX_NOTES = 200
# A list page's adapter state (`crawler.adapters`): the platform's own cursor, carried
# in `cb_kwargs["state"]` from page to page.
State = dict[str, Any]


def _truthy(value: Any) -> bool:
    return str(value).lower() in ("1", "true", "yes", "on")


class ReportsSpider(scrapy.Spider):
    name = "reports"

    def __init__(
        self,
        portal: str | None = None,
        full: str = "0",
        revalidate: str = "0",
        registry: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not portal:
            raise ValueError("say which portal to crawl: -a portal=NAME (see `xxgk crawl --list`)")
        self.portal_name = portal
        self.registry_path = registry
        self.full = _truthy(full) or _truthy(revalidate)
        self.revalidate = _truthy(revalidate)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ReportsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        portals = load_registry(spider.registry_path or settings.get("XXGK_REGISTRY"))
        if spider.portal_name not in portals:
            raise ValueError(
                f"no portal named {spider.portal_name!r} in the registry "
                f"(known: {', '.join(sorted(portals))})"
            )
        spider.portal: Portal = portals[spider.portal_name]
        spider.demo_url = settings.get("XXGK_DEMO_URL")
        spider.store = DocumentStore.from_settings(settings)
        spider.data_dir = spider.store.data_dir
        spider.frontier = Frontier(spider.store.db.conn, spider.portal.name)
        spider.host_policy = HostPolicy.for_portal(spider.portal, spider.demo_url)
        spider.allowed_domains = sorted(spider.host_policy.hosts | set(spider.host_policy.domains))
        return spider

    # -- start ---------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        try:
            self.lock_path = lock.acquire(self.data_dir)
        except lock.CrawlLocked as exc:
            self.lock_path = None
            self.logger.error("%s", exc)
            self.run_id = None
            return
        self.run_id = self.store.start_run(self.portal.name)
        self.run_no = self.store.db.execute(
            "select count(*) from crawl_runs where portal = ?", [self.portal.name]
        ).fetchone()[0]
        self.give_up_after = self.crawler.settings.getint("XXGK_GIVE_UP_AFTER", 4)
        self.known = self.store.known_documents(self.portal.name)
        self.seen_before = self.store.seen_list_items(self.portal.name)
        self.children = self.store.attachments_by_page(self.portal.name)
        self.scheduled: set[str] = set()
        self.listed: set[str] = set()
        self.deferred: set[str] = set()  # owed, but not to be asked this run (backoff, given up)
        self.listed_refused: set[str] = set()
        self.counts: Counter[str] = Counter()
        self.blocked: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.notes: list[dict[str, str]] = []
        resumed = []
        for row in self.frontier.rows():
            due = row.status == "pending" or (row.status == "failed" and row.due_run <= self.run_no)
            if due or (row.status == "refused" and self.host_policy.refusal(row.url) is None):
                resumed.append(row)
            else:
                self.deferred.add(row.url)
        self.reach = RunReach(self.portal)
        for url in self.portal.urls(self.demo_url):
            state = {
                "depth": 0,
                "column_text": self.portal.options.get("column_text"),
                "search_api": self.portal.options.get("search_api"),
                "start": url,
            }
            self.reach.reports_by_start[url] = 0
            self.scheduled.add(url)
            yield Request(
                url, callback=self.parse, errback=self.failed, cb_kwargs={"state": state}, dont_filter=True
            )
        if resumed:
            self.logger.info("%s: resuming %d owed requests", self.portal.name, len(resumed))
        for row in resumed:
            request = request_from_json(row.request, self)
            request.meta["frontier"] = row.key
            if row.kind == "list":  # an unfinished walk goes on to the list's end
                state = request.cb_kwargs.get("state") or {}
                request.cb_kwargs["state"] = {**state, "resume": True, "page_no": 1}
            self.counts["resumed"] += 1
            self.scheduled.add(row.key)
            yield request

    def _owe(self, request: Request, kind: str, owed: list[tuple[Request, str]]) -> Request:
        """Mark a request as tracked by the frontier; the caller writes `owed` in its transaction."""
        request.meta["frontier"] = request_key(request)
        owed.append((request, kind))
        return request

    def _settle(
        self, owed: list[tuple[Request, str]], done: str | None, items: list[dict] | None = None
    ) -> None:
        """One transaction: this page's list items, the requests it owes, its own row settled."""
        with self.store.db.conn:
            if items:
                self.store.record_list_items(items)
            for request, kind in owed:
                self.frontier.add(request, kind)
            if done is not None:
                self.frontier.done(done)

    # -- list pages ----------------------------------------------------------------------
    def _text_response(self, response: Response) -> Response:
        return pages.with_encoding(response, self.portal.options.get("encoding"))

    def _list_request(self, request: Request, state: State) -> Request:
        """A list page an adapter asked for, its state moved from the adapter's
        `meta["adapter"]` (what the adapter changes) to the callback's `cb_kwargs`."""
        meta = dict(request.meta)
        update = meta.pop("adapter", {})
        return request.replace(
            callback=self.parse,
            errback=self.failed,
            meta=meta,
            cb_kwargs={"state": {**state, **update}},
            dont_filter=True,
        )

    def parse(
        self, response: Response, state: State | None = None, **_: Any
    ) -> Iterator[FetchedDocument | Request]:
        response = self._text_response(response)
        state = state or {"depth": 0}
        key = response.meta.get("frontier")
        self.counts["pages"] += 1
        max_pages = self.portal.options.get("max_pages")
        state = self.reach.decide(response, state)
        try:
            page = adapter_for(state["platform"]).parse(response, state)
        except Exception as exc:  # a page the adapter cannot read must not end the run
            self._fail(
                key,
                response.url,
                f"list page not understood ({type(exc).__name__}: {exc})",
                "unreadable page",
            )
            return

        listed_reports = sum(1 for i in page.items if is_annual_report(i.title))
        self.reach.listed(state, listed_reports)
        if state.get("depth", 0) == 0 and listed_reports <= 1 and not (page.columns or page.next_page):
            # The start URL may be a report itself (Zhejiang xxgkAnnualReport.jsp); a list page
            # is titled by its column, with no year, and lists more than its attachment.
            title = pages.report_title(response)
            if title:
                self.reach.listed(state, 1)
                yield from self.parse_detail(response, ReportLink(response.url, title, changed=True))
                return

        new_here = 0
        rows = []
        owed: list[tuple[Request, str]] = []
        for item in page.items:
            if item.url in self.listed:  # jpage overlap, repeated items
                continue
            self.listed.add(item.url)
            report = is_annual_report(item.title) and not looks_like_folder(item.url)
            rows.append(
                {
                    "url": item.url,
                    "portal": self.portal.name,
                    "title": item.title,
                    "list_date": item.date,
                    "is_report": report,
                }
            )
            if report:
                request = self._report_request(item)
                if request is not None:
                    new_here += 1
                    self._owe(request, "report", owed)
            elif item.url not in self.seen_before:
                new_here += 1

        for column in page.columns:
            if column.url in self.scheduled or self._refused_link(column.url):
                continue
            self.scheduled.add(column.url)
            request = self._list_request(column, state)
            request.cb_kwargs["state"]["depth"] = state.get("depth", 0) + 1
            self._owe(request, "list", owed)

        nxt = page.next_page
        held_back = None  # the next page, owed but not requested this run (max_pages)
        if nxt is not None and request_key(nxt) not in self.scheduled and not self._refused_link(nxt.url):
            pages_so_far = state.get("page_no", 1)
            if new_here or self.full or state.get("resume"):
                self.scheduled.add(request_key(nxt))
                nxt = self._list_request(nxt, state)
                nxt.cb_kwargs["state"]["page_no"] = pages_so_far + 1
                self._owe(nxt, "list", owed)
                if max_pages and pages_so_far >= max_pages:
                    # The cap ends this run's walk, not the list: the next run resumes here.
                    held_back = nxt
                    self.counts["held_back"] += 1
                    self.logger.info(
                        "%s: max_pages reached at %s; resuming next run", self.portal.name, nxt.url
                    )
            else:
                self.logger.info("%s: nothing new on %s; not paging further", self.portal.name, response.url)
        self._settle(owed, key, rows)
        for request, _kind in owed:
            if request is not held_back:
                yield request

    def _report_request(self, item: ListItem) -> Request | None:
        """The request for a report's detail page, or None when it is known and unchanged,
        owed but deferred (failed on an earlier run, backoff not over), or off-host."""
        if item.url in self.scheduled or item.url in self.deferred or self._refused_link(item.url):
            return None
        known = self.known.get(item.url)
        headers: dict[str, str] = {}
        changed = False
        if known:
            changed = bool(item.date and known.list_date and item.date != known.list_date)
            if not (changed or self.revalidate):
                return None
            headers = self._validators(known)
        self.scheduled.add(item.url)
        return Request(
            item.url,
            callback=self.parse_detail,
            errback=self.failed,
            headers=headers,
            priority=10,
            meta={"handle_httpstatus_list": [304]},
            cb_kwargs={
                "report": ReportLink(
                    item.url,
                    item.title,
                    item.date,
                    tuple(item.attachments),
                    changed=changed or self.revalidate,
                )
            },
        )

    @staticmethod
    def _validators(known: Any) -> dict[str, str]:
        headers = {}
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        return headers

    # -- detail pages --------------------------------------------------------------------
    def parse_detail(
        self, response: Response, report: ReportLink, **_: Any
    ) -> Iterator[FetchedDocument | Request]:
        key = response.meta.get("frontier")
        owed: list[tuple[Request, str]] = []
        if response.status == 304:
            self.counts["not_modified"] += 1
            self.store.confirm_unchanged(report.url, report.date)
            # The page is unchanged, but a re-uploaded attachment keeps its URL: ask for
            # those conditionally too.
            for url in self.children.get(report.url, []):
                self._attachment_request(url, "", report, response.url, owed)
            self._settle(owed, key)
            yield from (r for r, _ in owed)
            return
        response = self._text_response(response)
        if not isinstance(response, TextResponse):  # the list linked a file directly
            yield from self._attachment_document(response, report, None, report.title, key)
            return
        stub = pages.stub_target(response)
        refusal = stub and self.host_policy.refusal(stub)
        if refusal:  # a stub pointing off the portal (file://, another host): not a report
            self._refuse(key, report.url, f"redirect stub to {stub}: {refusal}")
            return
        if stub and report.hops < 3:
            yield Request(  # the same frontier row: settled when the real page is stored
                stub,
                callback=self.parse_detail,
                errback=self.failed,
                dont_filter=True,
                priority=10,
                meta={"handle_httpstatus_list": [304], "frontier": key},
                cb_kwargs={"report": replace(report, hops=report.hops + 1)},
            )
            return
        soft = pages.soft_404(response)
        if soft:
            self._fail(key, report.url, soft, "soft 404")
            return
        for url, name in pages.attachment_links(response, report.attachments):
            self._attachment_request(url, name, report, response.url, owed)
        # The attachments are owed before the page is stored: a page never looks complete
        # while its attachments are missing.
        self._settle(owed, None)
        doc = pages.fetched_document(response, report, self.portal.name)
        doc.frontier_key = key
        yield doc
        yield from (r for r, _ in owed)

    def _attachment_request(
        self, url: str, name: str, report: ReportLink, parent: str, owed: list[tuple[Request, str]]
    ) -> None:
        """Owe an attachment unless it is known (known ones only when the report changed)."""
        if url in self.scheduled or url in self.deferred or self._refused_link(url):
            return
        known = self.known.get(url)
        if known and not report.changed:
            return
        self.scheduled.add(url)
        request = Request(
            url,
            callback=self.parse_attachment,
            errback=self.failed,
            priority=20,
            dont_filter=True,
            headers=self._validators(known) if known else {},
            meta={"handle_httpstatus_list": [304]},
            cb_kwargs={"report": report, "parent": parent, "link_text": name},
        )
        self._owe(request, "attachment", owed)

    def _refused_link(self, url: str) -> bool:
        """A link the host policy refuses: noted once with the reason, never requested."""
        reason = self.host_policy.refusal(url)
        if reason is None:
            return False
        if url not in self.listed_refused:
            self.listed_refused.add(url)
            self.counts["refused"] += 1
            self.logger.warning("%s: not following %s: %s", self.portal.name, url, reason)
            self._note(url, f"not followed: {reason}")
        return True

    # -- attachments ---------------------------------------------------------------------
    def parse_attachment(
        self, response: Response, report: ReportLink, parent: str | None = None, link_text: str = "", **_: Any
    ) -> Iterator[FetchedDocument]:
        key = response.meta.get("frontier")
        if response.status == 304:
            self.counts["not_modified"] += 1
            self._settle([], key)
            return
        yield from self._attachment_document(response, report, parent, link_text, key)

    def _attachment_document(
        self, response: Response, report: ReportLink, parent: str | None, link_text: str, key: str | None
    ) -> Iterator[FetchedDocument]:
        if pages.error_page_instead_of_file(response):
            self._fail(
                key, response.request.url, "an HTML error page was served instead of the file", "error page"
            )
            return
        doc = pages.fetched_document(response, report, self.portal.name, parent=parent, link_text=link_text)
        doc.frontier_key = key
        yield doc

    # -- bookkeeping ---------------------------------------------------------------------
    def note_stored(self, item: StoredDocument) -> None:
        if item.stored_as in ("new", "version"):
            self.counts["new_reports"] += 1
            if item.stored_as == "version":
                self.counts["versions"] += 1
        else:
            self.counts["unchanged"] += 1

    def _note(self, url: str, reason: str) -> None:
        if len(self.notes) < MAX_NOTES:
            self.notes.append({"url": url, "reason": reason})

    def _error(self, url: str, reason: str, kind: str | None = None, exc_info: Any = None) -> None:
        self.counts["errors"] += 1
        self.reasons[kind or reason] += 1
        self.logger.warning("%s: %s: %s", self.portal.name, url, reason, exc_info=exc_info)
        self._note(url, reason)

    def _fail(
        self, key: str | None, url: str, reason: str, kind: str | None = None, exc_info: Any = None
    ) -> None:
        """A request failed: count it, and record it against its frontier row, which is
        retried on later runs with backoff or, after too many failed runs, given up."""
        self._error(url, reason, kind, exc_info)
        if key is None:
            return
        with self.store.db.conn:
            status = self.frontier.failed(key, reason, self.run_no, self.give_up_after)
        if status == "gave_up":
            self.counts["given_up_now"] += 1
            self.logger.warning(
                "%s: giving up %s after %d failed runs: %s", self.portal.name, url, self.give_up_after, reason
            )

    def _refuse(self, key: str | None, url: str, reason: str) -> None:
        self.counts["refused"] += 1
        self.reasons["off-host"] += 1
        self.logger.warning("%s: not following %s: %s", self.portal.name, url, reason)
        self._note(url, f"not followed: {reason}")
        if key is not None:
            with self.store.db.conn:
                self.frontier.refused(key, reason)

    def failed(self, failure: Failure) -> None:
        request = failure.request if hasattr(failure, "request") else None
        url = request.url if request is not None else "?"
        key = request.meta.get("frontier") if request is not None else None
        exc = failure.value
        if isinstance(exc, RefusedRequest):
            self._refuse(key, url, exc.reason)
            return
        if isinstance(exc, ChallengeDetected):
            self.blocked[exc.kind] += 1
            self.reasons["challenge"] += 1
            self.logger.warning("%s: anti-bot challenge: %s", self.portal.name, exc)
            self._note(exc.url, exc.kind)
            if key is not None:
                with self.store.db.conn:
                    self.frontier.failed(key, exc.kind, self.run_no, self.give_up_after)
            limit = self.crawler.settings.getint("XXGK_MAX_CHALLENGES", 20)
            if limit and sum(self.blocked.values()) >= limit:
                # The wall is up for the whole portal: stop asking rather than hammer it.
                raise CloseSpider(f"blocked: {limit} anti-bot challenges")
            return
        kind, reason = failure_reason(exc)
        self._fail(key, url, reason, kind, failure_to_exc_info(failure))

    def closed(self, reason: str) -> None:
        try:
            if getattr(self, "run_id", None) is None:
                return
            stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
            blocked = "; ".join(f"{k} ×{n}" for k, n in self.blocked.items()) or None
            warnings = self.reach.warnings(bool(self.known)) if self.counts["pages"] else []
            for warning in warnings:
                self.logger.warning("%s: %s", self.portal.name, warning)
            if reason == "shutdown":  # Ctrl-C / SIGTERM: what is owed stays in the frontier
                status = "interrupted"
            elif self.blocked:
                status = "blocked"
            elif self.counts["pages"] == 0 or reason not in ("finished",):
                status = "failed"
            else:
                status = "warning" if warnings else "ok"
            owed = self.frontier.counts()
            reasons = "; ".join(f"{k} ×{n}" for k, n in self.reasons.most_common()) or None
            self.store.finish_run(
                self.run_id,
                pages=self.counts["pages"],
                new_reports=self.counts["new_reports"],
                not_modified=self.counts["not_modified"] + self.counts["unchanged"],
                errors=self.counts["errors"],
                blocked=blocked,
                status=status,
                requests=int(stats.get("downloader/request_count", 0)),
                notes=self.notes,
                warnings=json.dumps(warnings, ensure_ascii=False) if warnings else None,
                **self.reach.summary(),
                missing=owed.get("pending", 0) + owed.get("failed", 0),
                given_up=owed.get("gave_up", 0),
                refused=self.counts["refused"],
                reasons=reasons,
            )
            self.logger.info(
                "%s: run %s %s: %d list pages, %d new documents, %d not modified, %d errors%s",
                self.portal.name,
                self.run_id,
                status,
                self.counts["pages"],
                self.counts["new_reports"],
                self.counts["not_modified"] + self.counts["unchanged"],
                self.counts["errors"],
                f", blocked: {blocked}" if blocked else "",
            )
        finally:
            if getattr(self, "lock_path", None):
                lock.release(self.lock_path)
            self.store.close()
