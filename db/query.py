"""Read-only SQL for `xxgk query`: run a statement, print a table, CSV, JSON or JSON Lines."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from db.search import register_functions

FORMATS = ("table", "csv", "json", "jsonl")


class QueryError(Exception):
    """A query SQLite refused; the message says why in plain words."""


# What a query may do; the authorizer denies everything else. Read-only mode alone is not
# enough: ATTACH creates a database file at any path, and so does VACUUM INTO (which
# starts with an ATTACH), even on a connection opened read-only.
READ_ACTIONS = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
# PRAGMAs that take a table or index name and only describe it; any other PRAGMA may be
# read (no argument) but not set.
DESCRIBING_PRAGMAS = frozenset(
    {
        "table_info",
        "table_xinfo",
        "index_list",
        "index_info",
        "index_xinfo",
        "foreign_key_list",
        "foreign_key_check",
        "integrity_check",
        "quick_check",
    }
)


def authorize_read(
    action: int, arg1: str | None, arg2: str | None, db: str | None, _trigger: str | None
) -> int:
    """sqlite3 authorizer of `xxgk query`: reading only (see READ_ACTIONS)."""
    if action in READ_ACTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master" and db == "main":
        # asked when a virtual table (the full-text index) is first opened; the
        # connection is read-only, so nothing can be written there anyway
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg2 is None or (arg1 or "").lower() in DESCRIBING_PRAGMAS):
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """Open for `xxgk query`: read-only, query_only, and an authorizer that allows reading only."""
    p = Path(path)
    if not p.exists():
        raise QueryError(f"{p}: no such database (create it with `xxgk load`)")
    conn = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
    conn.execute("PRAGMA query_only = ON")
    register_functions(conn)  # fts_phrase('疫情') for sections_fts
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise QueryError(f"{p}: not a database ({exc})") from None
    if version == 0:  # created by a crawl, or by a load whose schema is not committed yet
        raise QueryError(f"{p}: no reports loaded yet (run `xxgk load`)")
    conn.set_authorizer(authorize_read)
    return conn


def explain(exc: sqlite3.Error, sql: str) -> str:
    """SQLite's message, with a hint where the cause is not obvious."""
    msg = str(exc)
    if "readonly" in msg or "query_only" in msg or "attempt to write" in msg:
        return f"{msg}: the database is opened read-only; only queries that read (SELECT) are allowed"
    if msg in ("not authorized", "authorization denied"):
        return (
            "not authorized: the database is open read-only for queries; writing, ATTACH, VACUUM "
            "and setting PRAGMAs are refused"
        )
    m = re.match(r"no such (table|column): (\S+)", msg)
    if m and m[1] == "table":
        return f"{msg} (list the tables and views with: SELECT name, type FROM sqlite_master)"
    if "incomplete input" in msg:
        return f"{msg}: the SQL ends too early (a missing closing quote or bracket?)"
    if "You can only execute one statement" in msg:
        return "only one SQL statement can be run at a time"
    if "Incorrect number of bindings" in msg or "You did not supply a value for binding" in msg:
        return f"{msg}: give each :name parameter with --param name=value"
    return msg


def run_query(
    conn: sqlite3.Connection, sql: str, params: dict[str, Any] | None = None
) -> tuple[list[str], list[tuple]]:
    try:
        cur = conn.execute(sql, params or {})
        rows = cur.fetchall()
    except (sqlite3.Error, sqlite3.Warning, ValueError) as exc:
        raise QueryError(explain(exc, sql)) from None
    columns = [d[0] for d in cur.description] if cur.description else []
    return columns, rows


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}" if abs(v) < 1e15 else repr(v)
    return str(v).replace("\n", " ")


def write_table(
    out: TextIO, columns: Sequence[str], rows: Iterable[Sequence[Any]], max_width: int = 60
) -> None:
    texts = [[_cell(v) for v in row] for row in rows]
    for row in texts:
        for i, t in enumerate(row):
            if _width(t) > max_width:
                cut = ""
                for ch in t:
                    if _width(cut + ch) > max_width - 1:
                        break
                    cut += ch
                row[i] = cut + "…"
    widths = [_width(c) for c in columns]
    for row in texts:
        widths = [max(w, _width(t)) for w, t in zip(widths, row, strict=True)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    out.write(line(list(columns)) + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in texts:
        out.write(line(row) + "\n")
    out.write(f"({len(texts)} row{'s' if len(texts) != 1 else ''})\n")


def write(out: TextIO, fmt: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if fmt == "table":
        write_table(out, columns, rows)
    elif fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(columns)
        w.writerows(rows)
    elif fmt == "json":
        json.dump([dict(zip(columns, r, strict=True)) for r in rows], out, ensure_ascii=False, indent=1)
        out.write("\n")
    elif fmt == "jsonl":
        for r in rows:
            out.write(json.dumps(dict(zip(columns, r, strict=True)), ensure_ascii=False) + "\n")
    else:
        raise ValueError(f"unknown format {fmt!r}")
