"""Summary tables: per-agency totals that canned queries read instead of every report.

A query that aggregates over all reports grows by about 1 µs per report: ~1 s at the
archive's 10^6 reports. A summary keyed by agency holds the same sums over far fewer
rows (one per agency with data), so the query reads 10^5 rows at most, not 10^6.

Each summary is defined by a SELECT over the research views (db.views), so its numbers
mean exactly what the views say, and is kept exact by triggers on `reports` and
`report_values`: whatever writes a report (a load, a new version that replaces the
current one, a change of status, a deletion, a hand edit in sqlite3) recomputes the
summary row of that report's agency, inside the same transaction. Loading the same
document again changes nothing, so it changes no summary either. `ensure_summaries`
runs on every open for writing (after the views): it (re)creates the triggers, and
rebuilds a summary whole when its definition changed (the definition is kept in `meta`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class Summary:
    name: str
    columns: str  # the table's column definitions, agency_id first
    select: str  # rows per agency from the views; `{agencies}` restricts to some agency ids
    indexes: tuple[str, ...] = ()  # CREATE INDEX statements, in the order a query reads the rows

    def refresh_sql(self, agency: str) -> str:
        """Statements recomputing the row of the agency whose id is the SQL `agency`."""
        return (
            f"DELETE FROM {self.name} WHERE agency_id = {agency};\n"
            f"INSERT INTO {self.name} {self.select.format(agencies=f'AND agency_id = {agency}')};"
        )

    @property
    def definition(self) -> str:
        return hashlib.sha256("".join((self.columns, self.select, *self.indexes)).encode()).hexdigest()[:16]


# Per agency: its current reports with numbers that count lawsuits decided in the year
# (canned query lawsuits_corrected): how many, their years, and the sums.
AGENCY_LAWSUITS = Summary(
    "agency_lawsuits",
    """agency_id INTEGER PRIMARY KEY REFERENCES agencies(id),
    reports INTEGER NOT NULL,          -- current reports with lawsuits_decided > 0 and corrected known
    first_year INTEGER,
    last_year INTEGER,
    lawsuits_decided INTEGER NOT NULL, -- sum over those reports (rates.lawsuits_decided)
    lawsuits_corrected INTEGER NOT NULL, -- sum of rates.lawsuits_corrected
    share_corrected REAL NOT NULL      -- lawsuits_corrected / lawsuits_decided, to 3 decimals""",
    """SELECT agency_id, COUNT(*), MIN(year), MAX(year), SUM(lawsuits_decided), SUM(lawsuits_corrected),
  ROUND(1.0 * SUM(lawsuits_corrected) / SUM(lawsuits_decided), 3)
FROM rates
WHERE lawsuits_decided > 0 AND lawsuits_corrected IS NOT NULL AND agency_id IS NOT NULL {agencies}
GROUP BY agency_id""",
    # the canned query's order: its first 100 rows are the index's first entries that have
    # enough lawsuits, whatever the number of agencies (lawsuits_decided is in the index,
    # so the entries without enough are skipped without reading their rows)
    (
        "CREATE INDEX agency_lawsuits_share ON agency_lawsuits "
        "(share_corrected DESC, lawsuits_corrected DESC, lawsuits_decided)",
    ),
)

SUMMARIES: tuple[Summary, ...] = (AGENCY_LAWSUITS,)

# When each trigger fires, and the agency (or agencies) whose rows it recomputes.
_AGENCY_OF_VALUES = "(SELECT agency_id FROM reports WHERE id = {row}.report_id)"
TRIGGERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("values_insert", "AFTER INSERT ON report_values", (_AGENCY_OF_VALUES.format(row="NEW"),)),
    ("values_update", "AFTER UPDATE ON report_values", (_AGENCY_OF_VALUES.format(row="NEW"),)),
    ("values_delete", "AFTER DELETE ON report_values", (_AGENCY_OF_VALUES.format(row="OLD"),)),
    (
        "reports_update",
        "AFTER UPDATE OF is_current, status, agency_id, year ON reports",
        ("NEW.agency_id", "OLD.agency_id"),
    ),
    ("reports_delete", "AFTER DELETE ON reports", ("OLD.agency_id",)),
)


def trigger_sql(summary: Summary, name: str, event: str, agencies: tuple[str, ...]) -> str:
    body = "\n".join(summary.refresh_sql(a) for a in dict.fromkeys(agencies))
    return f"CREATE TRIGGER {summary.name}_{name} {event}\nBEGIN\n{body}\nEND"


def rebuild(db: sqlite_utils.Database, summary: Summary) -> None:
    """Recompute a summary whole from the views."""
    db.execute(f"DELETE FROM {summary.name}")
    db.execute(f"INSERT INTO {summary.name} {summary.select.format(agencies='')}")


def ensure_summaries(db: sqlite_utils.Database) -> None:
    """Create the summary tables and their triggers; rebuild a summary whose definition
    changed. Runs inside the caller's transaction, after the views exist."""
    db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
    for summary in SUMMARIES:
        key = f"summary:{summary.name}"
        row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None or row[0] != summary.definition:
            db.execute(f"DROP TABLE IF EXISTS {summary.name}")
            db.execute(f"CREATE TABLE {summary.name} (\n    {summary.columns}\n)")
            for index in summary.indexes:
                db.execute(index)
            rebuild(db, summary)
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, summary.definition))
        for name, event, agencies in TRIGGERS:
            db.execute(f"DROP TRIGGER IF EXISTS {summary.name}_{name}")
            db.execute(trigger_sql(summary, name, event, agencies))
