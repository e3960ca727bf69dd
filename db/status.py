"""What a report holds, in one word: so that an empty report never poses as data.

Every report row gets a status when it is loaded (`report_status`); documents that could
not be read at all are `unreadable` (they are in extraction_errors, not in reports). The
research views (report_wide, comparable, rates) keep the statuses that carry numbers
(`WITH_NUMBERS`); `report_status` (a view) lists every current report and every
unreadable document with its status, and the comparison views show a year without
numbers as a row that says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from extract.template import all_keys

# code -> (label, description); in the order a summary lists them
STATUSES: dict[str, tuple[str, str]] = {
    "complete": ("complete", "every cell of the template found, every arithmetic check passed"),
    "partial": (
        "partial",
        "tables found and no check failed, but some cells of the template were not found "
        "(left out rather than guessed)",
    ),
    "checks_failed": (
        "checks failed",
        "at least one of the tables' arithmetic checks failed: a number may be misread or misprinted",
    ),
    "ocr": ("OCR", "numbers read from a scan by OCR, no check failed: verify before relying on them"),
    "no_tables": (
        "no tables (attachment-only)",
        "no standard table found: the page usually says 详见附件 and the numbers are in an attachment",
    ),
    "unreadable": ("unreadable", "the document could not be read at all (see extraction_errors)"),
}
WITH_NUMBERS = ("complete", "partial", "checks_failed", "ocr")
TEMPLATE_KEYS = {t: frozenset(all_keys(t)) for t in ("2019", "2021")}


def is_ocr(report: Mapping[str, Any]) -> bool:
    """Read by OCR: the reader says so in the format (`pdf-ocr`, `ocr`) or an `ocr` flag."""
    fmt = str(report.get("format") or "").lower()
    return "ocr" in fmt or bool(report.get("ocr")) or report.get("method") == "ocr"


def report_status(report: Mapping[str, Any]) -> str:
    """The status of a `Report.to_json()` dict (never `unreadable`: that one has no report)."""
    cells: Mapping[str, Any] = report.get("cells") or {}
    if not cells:
        return "no_tables"
    if any(c.get("ok") is False for c in report.get("checks") or []):
        return "checks_failed"
    if is_ocr(report):
        return "ocr"
    expected = TEMPLATE_KEYS.get(str(report.get("template")))
    if expected is None or not expected <= cells.keys():
        return "partial"
    return "complete"


def status_label(code: str) -> str:
    return STATUSES[code][0]


def count_line(counts: Mapping[str, int]) -> str:
    """`120 complete, 3 partial, 12 no tables (attachment-only), 1 unreadable` (zeros left out)."""
    parts = [f"{counts[code]} {label}" for code, (label, _) in STATUSES.items() if counts.get(code)]
    return ", ".join(parts) if parts else "no reports"


def status_case_sql(alias: str = "r") -> str:
    """The status label in SQL, for views that show it."""
    whens = " ".join(f"WHEN '{code}' THEN '{label}'" for code, (label, _) in STATUSES.items())
    return f"CASE {alias}.status {whens} ELSE {alias}.status END"
