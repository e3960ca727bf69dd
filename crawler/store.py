"""The raw document store: bytes content-addressed on disk, metadata rows in SQLite.

Every fetched report page and attachment is written once as `<data>/docs/<sha[:2]>/<sha>`
(atomically: a temporary file renamed into place, so a crash never leaves half a file
under a real name). A row per fetched version goes to `documents`; when the bytes at a
URL change, the old row loses `is_current` and a new version is added in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from crawler.frontier import ensure_frontier_table
from db.documents import ensure_document_tables

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings


logger = logging.getLogger(__name__)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class KnownDocument:
    id: int
    sha256: str
    etag: str | None
    last_modified: str | None
    list_date: str | None
    version: int


class DocumentStore:
    """One data folder: `docs/` for the bytes and (by default) `xxgk.db` for the rows."""

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> DocumentStore:
        """The store named by the Scrapy settings XXGK_DATA and XXGK_DB.

        XXGK_DATA_DIR, the older name of XXGK_DATA, is still obeyed (a scrapyd job
        scheduled with it must not store into ./data unseen), with a warning."""
        data = settings.get("XXGK_DATA") or "data"
        if old := settings.get("XXGK_DATA_DIR"):
            logger.warning("the setting XXGK_DATA_DIR is deprecated: set XXGK_DATA=%s instead", old)
            data = old
        return cls(data, settings.get("XXGK_DB"))

    def __init__(self, data_dir: str | Path, db_path: str | Path | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.docs_dir = self.data_dir / "docs"
        self.docs_dir.mkdir(parents=True, exist_ok=True)
        self.db_path = Path(db_path) if db_path else self.data_dir / "xxgk.db"
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(self.db_path)
        self.db.conn.execute("PRAGMA busy_timeout = 30000")
        self.db.conn.execute("PRAGMA journal_mode = WAL")
        ensure_document_tables(self.db)
        ensure_frontier_table(self.db.conn)

    def close(self) -> None:
        self.db.conn.close()

    # -- bytes ---------------------------------------------------------------------------
    def blob_path(self, sha256: str) -> Path:
        return self.docs_dir / sha256[:2] / sha256

    def write_blob(self, data: bytes) -> str:
        """Store the bytes (once) and return their sha256."""
        sha = hashlib.sha256(data).hexdigest()
        path = self.blob_path(sha)
        if path.exists():
            return sha
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha

    # -- what is known -------------------------------------------------------------------
    def known_documents(self, portal: str) -> dict[str, KnownDocument]:
        """Current version of every URL stored from this portal."""
        rows = self.db.execute(
            "select url, id, sha256, etag, last_modified, list_date, version from documents"
            " where portal = ? and is_current = 1",
            [portal],
        ).fetchall()
        return {r[0]: KnownDocument(*r[1:]) for r in rows}

    def attachments_by_page(self, portal: str) -> dict[str, list[str]]:
        """Report page URL -> URLs of the attachments stored from it (this portal)."""
        out: dict[str, list[str]] = {}
        for page, att in self.db.execute(
            "select p.url, a.url from documents a join documents p on a.parent_url = p.final_url"
            " where a.portal = ? and p.portal = a.portal and a.kind = 'attachment' and p.kind = 'page'"
            " and a.is_current = 1 and p.is_current = 1",
            [portal],
        ).fetchall():
            out.setdefault(page, []).append(att)
        return out

    def seen_list_items(self, portal: str) -> dict[str, str | None]:
        """URL -> list date of every item an earlier run saw on this portal's lists."""
        return dict(
            self.db.execute("select url, list_date from list_items where portal = ?", [portal]).fetchall()
        )

    def record_list_items(self, rows: list[dict[str, Any]]) -> None:
        """Upsert list items; runs in the caller's transaction (with the page's frontier rows)."""
        now = utc_now()
        for row in rows:
            self.db.execute(
                "insert into list_items (url, portal, title, list_date, is_report, first_seen, last_seen)"
                " values (?, ?, ?, ?, ?, ?, ?) on conflict(portal, url) do update set"
                " title = excluded.title, list_date = excluded.list_date, last_seen = excluded.last_seen",
                [
                    row["url"],
                    row["portal"],
                    row["title"],
                    row.get("list_date"),
                    int(row["is_report"]),
                    now,
                    now,
                ],
            )

    # -- saving --------------------------------------------------------------------------
    def save(self, meta: dict[str, Any], body: bytes, frontier_key: str | None = None) -> tuple[str, int]:
        """Store one fetched document. Returns ("new"|"version"|"same", row id).

        "same" means the bytes equal the current version at that URL: nothing new is
        written, only the validators (ETag/Last-Modified) are refreshed. The request's
        row in the crawl frontier (`frontier_key`) is settled in the same transaction,
        so a document is either stored and settled or still owed, never neither."""
        sha = self.write_blob(body)
        url = meta["url"]
        with self.db.conn:
            if frontier_key is not None:
                self.db.execute(
                    "delete from crawl_frontier where portal = ? and key = ?", [meta["portal"], frontier_key]
                )
            cur = self.db.execute(
                "select id, sha256, version from documents where url = ? and is_current = 1", [url]
            ).fetchone()
            if cur and cur[1] == sha:
                self.db.execute(
                    "update documents set etag = coalesce(?, etag),"
                    " last_modified = coalesce(?, last_modified),"
                    " list_date = coalesce(?, list_date) where id = ?",
                    [meta.get("etag"), meta.get("last_modified"), meta.get("list_date"), cur[0]],
                )
                return "same", cur[0]
            version = 1
            if cur:
                self.db.execute("update documents set is_current = 0 where url = ?", [url])
                version = cur[2] + 1
            row = {
                k: meta.get(k)
                for k in (
                    "url",
                    "final_url",
                    "portal",
                    "title",
                    "list_date",
                    "http_status",
                    "content_type",
                    "etag",
                    "last_modified",
                    "parent_url",
                    "filename",
                    "kind",
                    "year",
                    "format",
                )
            }
            row.update(sha256=sha, size=len(body), fetched_at=utc_now(), version=version, is_current=1)
            self.db["documents"].insert(row)
            row_id = self.db.execute("select last_insert_rowid()").fetchone()[0]
        return ("version" if cur else "new"), row_id

    def confirm_unchanged(self, url: str, list_date: str | None) -> None:
        """A conditional request was answered 304: remember the list date now shown, so
        the next run does not ask again."""
        if list_date:
            with self.db.conn:
                self.db.execute(
                    "update documents set list_date = ? where url = ? and is_current = 1", [list_date, url]
                )

    # -- runs ----------------------------------------------------------------------------
    def start_run(self, portal: str) -> int:
        with self.db.conn:
            self.db["crawl_runs"].insert(
                {
                    "started_at": utc_now(),
                    "portal": portal,
                    "status": "running",
                    "pages": 0,
                    "new_reports": 0,
                    "not_modified": 0,
                    "errors": 0,
                    "requests": 0,
                }
            )
            return self.db.execute("select last_insert_rowid()").fetchone()[0]

    def finish_run(self, run_id: int, **fields: Any) -> None:
        if "notes" in fields and not isinstance(fields["notes"], str):
            fields["notes"] = json.dumps(fields["notes"][:200], ensure_ascii=False)
        with self.db.conn:
            self.db["crawl_runs"].update(run_id, {"finished_at": utc_now(), **fields})
