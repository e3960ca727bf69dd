"""Merge document stores crawled on several machines into one: `xxgk load --store A --store B`.

Each crawl node keeps its own data folder (`docs/<sha[:2]>/<sha>` and the `documents`
table of its xxgk.db). A store is content-addressed, so merging is a union:

- a blob is copied only when the target lacks it (checked against its hash on the way,
  written to a temporary name and renamed, so a crash never leaves half a file);
- a `documents` row is added only when the target has no row of the same URL and
  content (url, sha256): the same document fetched by two nodes is one document, and
  merging a store twice adds nothing;
- rows of one URL from several nodes become its versions in fetch order, the newest
  current, as one crawler would have recorded them.

The nodes' crawl state (frontier, list items, runs) stays with each node: it drives that
node's next incremental crawl, not the merged store's. Loading then reads the merged
`documents` table as after any crawl (db.load.stored_documents).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from db.documents import DOCUMENTS_COLUMNS, ensure_document_tables

CHUNK = 1 << 20


class StoreError(Exception):
    """A store to merge is missing or is not a data folder; the message names it."""


@dataclass
class MergeSummary:
    stores: int = 0
    documents: int = 0  # rows added to the target
    known: int = 0  # rows the target already had (same URL and content)
    blobs: int = 0  # files copied
    missing: list[str] = field(default_factory=list)  # "store: sha" whose file is absent or corrupt

    def line(self) -> str:
        text = (
            f"{self.stores} store(s) merged: {self.documents} new document(s), {self.known} already known, "
            f"{self.blobs} file(s) copied"
        )
        if self.missing:
            text += f"; {len(self.missing)} document(s) skipped, their file missing or damaged"
        return text


def store_database(store: Path) -> Path:
    """A store's database file: DIR/xxgk.db, or the file itself when given one."""
    return store if store.is_file() else store / "xxgk.db"


def copy_blob(source: Path, target: Path, sha256: str) -> bool:
    """Copy a stored file, checking its hash; False when the source is missing or damaged."""
    digest = hashlib.sha256()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with open(source, "rb") as src, os.fdopen(fd, "wb") as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        if digest.hexdigest() != sha256:
            Path(tmp).unlink()
            return False
        os.replace(tmp, target)
        return True
    except FileNotFoundError:
        Path(tmp).unlink(missing_ok=True)
        return False
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def merge_store(db: sqlite_utils.Database, target_dir: Path, store: str | Path) -> MergeSummary:
    """Add one store's documents (rows and files) to the target data folder and database."""
    store = Path(store)
    summary = MergeSummary(stores=1)
    source_db = store_database(store)
    if not source_db.exists():
        raise StoreError(f"{store}: not a data folder (no {source_db.name}: see `xxgk crawl --data`)")
    source_dir = source_db.parent
    if source_dir.resolve() == Path(target_dir).resolve():
        return summary  # the target itself
    ensure_document_tables(db)
    src = sqlite3.connect(f"file:{source_db}?mode=ro", uri=True)
    src.row_factory = sqlite3.Row
    try:
        rows = src.execute("SELECT * FROM documents ORDER BY fetched_at, id").fetchall()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{store}: cannot read its documents table ({exc})") from None
    finally:
        src.close()
    columns = [c for c in DOCUMENTS_COLUMNS if c not in ("id", "version", "is_current")]
    touched: set[str] = set()
    with db.conn:  # one transaction: a merge interrupted halfway adds no rows (files are harmless)
        for row in rows:
            row = dict(row)
            sha, url = row["sha256"], row["url"]
            if db.execute("SELECT 1 FROM documents WHERE url = ? AND sha256 = ?", (url, sha)).fetchone():
                summary.known += 1
                continue
            blob = Path(target_dir) / "docs" / sha[:2] / sha
            if not blob.exists():
                if not copy_blob(source_dir / "docs" / sha[:2] / sha, blob, sha):
                    summary.missing.append(f"{store}: {sha}")
                    continue
                summary.blobs += 1
            values = [row.get(c) for c in columns]
            db.execute(
                f"INSERT INTO documents ({', '.join(columns)}, version, is_current) "
                f"VALUES ({', '.join('?' * len(columns))}, 0, 0)",
                values,
            )
            summary.documents += 1
            touched.add(url)
        for url in touched:
            renumber_versions(db, url)
    return summary


def renumber_versions(db: sqlite_utils.Database, url: str) -> None:
    """A URL's rows as versions 1..n in fetch order, the newest current (as one crawl records)."""
    ids = [r[0] for r in db.execute("SELECT id FROM documents WHERE url = ? ORDER BY fetched_at, id", (url,))]
    for version, doc_id in enumerate(ids, 1):
        db.execute(
            "UPDATE documents SET version = ?, is_current = ? WHERE id = ?",
            (version, int(version == len(ids)), doc_id),
        )


def merge_stores(db: sqlite_utils.Database, target_dir: str | Path, stores: list[str | Path]) -> MergeSummary:
    """Merge every store into the target, in the order given (see the module docstring)."""
    total = MergeSummary()
    for store in stores:
        s = merge_store(db, Path(target_dir), store)
        total.stores += s.stores
        total.documents += s.documents
        total.known += s.known
        total.blobs += s.blobs
        total.missing += s.missing
    return total
