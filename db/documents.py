"""The raw document store's tables: what was fetched, from where, when.

Shared by the crawler (which writes them) and the loader (which reads them). The
bytes live content-addressed under the data folder (`<data>/docs/<sha[:2]>/<sha>`);
the database keeps one row per fetched version.
"""

from __future__ import annotations

import sqlite_utils

DOCUMENTS_COLUMNS = {
    "id": int,
    "sha256": str,  # of the bytes; the file is <data>/docs/<sha256[:2]>/<sha256>
    "url": str,  # the URL the report was requested at (list link, attachment link)
    "final_url": str,  # after redirects
    "portal": str,  # registry name of the portal
    "title": str,  # title from the list page or link text
    "list_date": str,  # date shown on the list page (ISO), if any
    "http_status": int,
    "content_type": str,  # as the server sent it (not trusted for the format)
    "size": int,
    "etag": str,
    "last_modified": str,
    "fetched_at": str,  # ISO 8601 UTC
    "parent_url": str,  # detail page an attachment was linked from
    "filename": str,  # Content-Disposition or link-text file name, decoded
    "version": int,  # 1 for the first content seen at this URL, +1 per change
    "is_current": int,  # 1 for the newest version at this URL
    "kind": str,  # "page" (the report's detail page) or "attachment"
    "year": int,  # reporting year parsed from the title, if any
    "format": str,  # sniffed from the bytes: pdf, docx, ole, html, image:png …
}

CRAWL_RUNS_COLUMNS = {
    "id": int,
    "started_at": str,
    "finished_at": str,
    "portal": str,
    "pages": int,  # list pages fetched
    "new_reports": int,  # documents stored that were not known (new URL or new version)
    "not_modified": int,  # conditional requests answered 304 / known content
    "errors": int,
    "blocked": str,  # anti-bot challenge seen (e.g. "412 challenge"), else null
    "status": str,  # "ok", "warning", "blocked", "failed", "running"
    "requests": int,  # HTTP requests sent (incremental runs should need few)
    "notes": str,  # JSON list of the errors met (URL and reason), capped
    "platform": str,  # platform(s) the pages were read as (fingerprinted or the registry's)
    "platform_evidence": str,  # what the fingerprint matched, or why none did
    "warnings": str,  # JSON list: a column that went empty, a start page with no column, …
    "missing": int,  # documents still owed after the run (crawl_frontier: pending or failed)
    "given_up": int,  # documents given up so far (failed on too many runs; reason kept)
    "refused": int,  # requests the host policy refused this run (off-host, private address)
    "reasons": str,  # this run's failures by kind, e.g. "HTTP 500 ×2; DNS ×1"
}

# Every item seen on a list page, report or not, so that a later run can tell a page
# holding nothing new (incremental stop) even when the page is all 指南/制度 decoys.
LIST_ITEMS_COLUMNS = {
    "url": str,
    "portal": str,
    "title": str,
    "list_date": str,
    "is_report": int,
    "first_seen": str,
    "last_seen": str,
}


def ensure_document_tables(db: sqlite_utils.Database) -> None:
    """Create the document store tables if missing (idempotent)."""
    if "documents" not in db.table_names():
        db["documents"].create(DOCUMENTS_COLUMNS, pk="id", not_null={"sha256", "url", "fetched_at"})
        db["documents"].create_index(["url"])
        db["documents"].create_index(["sha256"])
    if "crawl_runs" not in db.table_names():
        db["crawl_runs"].create(CRAWL_RUNS_COLUMNS, pk="id")
    if "list_items" not in db.table_names():
        db["list_items"].create(LIST_ITEMS_COLUMNS, pk=("portal", "url"))
    # Additive upgrades of databases created by an older version of this module.
    for table, columns in (("documents", DOCUMENTS_COLUMNS), ("crawl_runs", CRAWL_RUNS_COLUMNS)):
        have = db[table].columns_dict
        for name, kind in columns.items():
            if name not in have:
                db[table].add_column(name, kind)
    # A crawl loads what it knows of one portal at start.
    db["documents"].create_index(["portal", "is_current"], if_not_exists=True)
