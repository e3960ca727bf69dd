"""The crawl frontier, kept in the document store: what a portal's crawl still owes.

Every request the spider sends beyond a portal's start URLs (a further list page, a
report's detail page, an attachment) is written to the `crawl_frontier` table *before*
it is sent, in the same transaction that records the page it was found on, and its row
is deleted in the same transaction that stores its outcome (the document, or the list
page's own successors). So at any instant, killed or not, the store knows exactly what
is unfinished:

- a list walk cut short (Ctrl-C, kill -9, an error on a page, `max_pages`) leaves its
  next page as a row; the next run resumes it and walks on to the list's end before
  the usual early stop on known items applies;
- a report page stored without its attachments cannot happen unnoticed: the
  attachments' rows are written before the page is stored;
- a request that failed keeps its row with the reason and the number of runs it
  failed on; it is retried on later runs with backoff (after 1, 2, 4 … runs) and
  reported as missing until it succeeds or, after `XXGK_GIVE_UP_AFTER` failed runs,
  is given up, the reason kept.

Why not Scrapy's JOBDIR: it resumes one crawl, not the next incremental run. Its
request queue is written as the crawl goes but its index only on a clean close, so a
kill -9 loses the queue, while its `requests.seen` file has already recorded those
requests as done, so a resumed job would skip them for good. It knows nothing of a
request that failed (a 500 after the retries is simply consumed), needs one directory
per portal and job, and pickles whole requests. The frontier is a few rows in the
database the crawl already writes transactionally (WAL), outlives any process, and
is queryable: `xxgk crawl --missing` lists it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scrapy import Request

from crawler.items import ReportLink

FRONTIER_COLUMNS = """
create table if not exists crawl_frontier (
    portal text not null,
    key text not null,          -- URL (plus body, for POST list pages)
    kind text not null,         -- 'list' | 'report' | 'attachment'
    url text not null,
    request text not null,      -- the request, as JSON (see request_to_json)
    status text not null,       -- 'pending' | 'failed' | 'gave_up' | 'refused'
    attempts integer not null default 0,  -- runs on which it failed
    due_run integer not null default 0,   -- first portal run (count) that may retry it
    reason text,                -- why it failed, was given up or refused
    first_seen text,
    last_tried text,
    primary key (portal, key)
)
"""
# meta keys that travel with a stored request; the rest is per-download state. The
# callback's own data is in `cb_kwargs` (the list page's adapter `state`, a
# `ReportLink`, an attachment's `parent` and `link_text`), stored beside it.
KEPT_META = ("handle_httpstatus_list",)
# Rows written before the callback data moved to cb_kwargs kept it in meta under these
# names; read them so that a crawl interrupted by an older xxgk still resumes.
LEGACY_META = {"adapter": "state", "report": "report", "parent": "parent", "link_text": "link_text"}
CALLBACKS = {"list": "parse", "report": "parse_detail", "attachment": "parse_attachment"}


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def ensure_frontier_table(conn: sqlite3.Connection) -> None:
    conn.execute(FRONTIER_COLUMNS)


def request_key(request: Request) -> str:
    """What identifies a request in the frontier (and in a run's de-duplication)."""
    if request.method == "GET":
        return request.url
    return f"{request.method} {request.url} {request.body.decode('latin-1')}"


def request_to_json(request: Request, kind: str) -> str:
    """A request as JSON: enough to send it again in a later process."""
    return json.dumps(
        {
            "url": request.url,
            "method": request.method,
            "headers": {
                k.decode("latin-1"): [v.decode("latin-1") for v in vs] for k, vs in request.headers.items()
            },
            "body": request.body.decode("latin-1"),
            "meta": {k: request.meta[k] for k in KEPT_META if k in request.meta},
            "cb_kwargs": {
                k: v.to_dict() if isinstance(v, ReportLink) else v for k, v in request.cb_kwargs.items()
            },
            "priority": request.priority,
            "kind": kind,
        },
        ensure_ascii=False,
    )


def request_from_json(text: str, spider: Any) -> Request:
    """The request `request_to_json` wrote, bound to the spider's callback for its kind."""
    d = json.loads(text)
    meta = d["meta"]
    cb_kwargs = d.get("cb_kwargs") or {}
    for old, new in LEGACY_META.items():
        if old in meta:
            cb_kwargs.setdefault(new, meta.pop(old))
    if "report" in cb_kwargs:
        cb_kwargs["report"] = ReportLink.from_dict(cb_kwargs["report"])
    return Request(
        d["url"],
        method=d["method"],
        headers=d["headers"],
        body=d["body"].encode("latin-1"),
        meta={k: v for k, v in meta.items() if k in KEPT_META},
        cb_kwargs=cb_kwargs,
        priority=d["priority"],
        callback=getattr(spider, CALLBACKS[d["kind"]]),
        errback=spider.failed,
        dont_filter=True,
    )


@dataclass(frozen=True)
class FrontierRow:
    key: str
    kind: str
    url: str
    request: str
    status: str
    attempts: int
    due_run: int
    reason: str | None


class Frontier:
    """The `crawl_frontier` rows of one portal, on the store's connection."""

    def __init__(self, conn: sqlite3.Connection, portal: str) -> None:
        self.conn = conn
        self.portal = portal
        ensure_frontier_table(conn)

    def rows(self) -> list[FrontierRow]:
        return [
            FrontierRow(*r)
            for r in self.conn.execute(
                "select key, kind, url, request, status, attempts, due_run, reason from crawl_frontier"
                " where portal = ? order by rowid",
                [self.portal],
            )
        ]

    # All writers below run inside the caller's transaction (`with conn:`).
    def add(self, request: Request, kind: str) -> None:
        """Owe this request (a no-op if it is already owed: its failure record stays)."""
        self.conn.execute(
            "insert into crawl_frontier (portal, key, kind, url, request, status, first_seen)"
            " values (?, ?, ?, ?, ?, 'pending', ?) on conflict(portal, key) do update set"
            " request = excluded.request",
            [self.portal, request_key(request), kind, request.url, request_to_json(request, kind), utc_now()],
        )

    def done(self, key: str) -> None:
        self.conn.execute("delete from crawl_frontier where portal = ? and key = ?", [self.portal, key])

    def failed(self, key: str, reason: str, run_no: int, give_up_after: int) -> str:
        """Record a failure on run `run_no`; returns the new status ('failed' or 'gave_up').
        The k-th failure defers the next try by 2**(k-1) runs."""
        row = self.conn.execute(
            "select attempts from crawl_frontier where portal = ? and key = ?", [self.portal, key]
        ).fetchone()
        if row is None:
            return "failed"
        attempts = row[0] + 1
        status = "gave_up" if attempts >= give_up_after else "failed"
        self.conn.execute(
            "update crawl_frontier set status = ?, attempts = ?, due_run = ?, reason = ?, last_tried = ?"
            " where portal = ? and key = ?",
            [status, attempts, run_no + 2 ** (attempts - 1), reason, utc_now(), self.portal, key],
        )
        return status

    def refused(self, key: str, reason: str) -> None:
        """The host policy refused it: kept (not retried) until the registry allows it."""
        self.conn.execute(
            "update crawl_frontier set status = 'refused', reason = ?, last_tried = ?"
            " where portal = ? and key = ?",
            [reason, utc_now(), self.portal, key],
        )

    def counts(self) -> dict[str, int]:
        return dict(
            self.conn.execute(
                "select status, count(*) from crawl_frontier where portal = ? group by status", [self.portal]
            ).fetchall()
        )
