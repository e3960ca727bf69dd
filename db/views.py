"""Research views: generated from the template keys, so they cover every key of both templates.

- `report_wide`: one row per current report; every applications.*, review_litigation.*
  and proactive.* value as a column named with `__` for the dots.
- `comparable`: the columns that mean the same in both templates, lined up across years;
  for a 2021 report the (六) row `other_handling` is the sum of its three sub-rows,
  flagged in `other_handling_derived`.
- `rates`: shares computed from `comparable` (definitions in VIEW_DESCRIPTIONS).
- `cells`: every stored cell, with its printed text, unit, note and placement: the numbers
  of report_values unpivoted, with the details of cell_details where a cell has them.
- `cell_values`: the cells with the key spelled out (table, row, column).
- `unresolved_agencies`: agencies without a region, with the reason and their reports.
- `report_status`: every current report and every unreadable document, with its status.
- `jurisdiction_years`: every agency × every year with reports: the rates, or the status
  that says why there are none (the comparison panels read it, so a gap says why).

The research views (report_wide, comparable, rates) keep only reports with numbers
(db.status.WITH_NUMBERS); every view carries the report's status.
"""

from __future__ import annotations

import sqlite_utils

from db.status import STATUSES, WITH_NUMBERS
from extract.template import APPLICANT_COLUMNS, OTHER_ROWS_2021, RESULT_ROWS_COMMON, REVIEW_KEYS

HAS_NUMBERS = "(" + ", ".join(f"'{s}'" for s in WITH_NUMBERS) + ")"
NO_REPORT = "no report found"  # jurisdiction_years' status label for a year without a report

IDENTITY = """r.id AS report_id, r.year, r.template, r.agency_id, a.name AS agency, a.kind AS agency_kind,
    a.level AS agency_level, r.region_code, g.name AS region, g.level AS region_level, g.path AS region_path,
    g.province_code, (SELECT name FROM regions WHERE code = g.province_code) AS province,
    g.prefecture_code, (SELECT name FROM regions WHERE code = g.prefecture_code) AS prefecture,
    -- province and prefecture names as subqueries, not joins: evaluated only when a query
    -- reads them (a join costs every row of an aggregate; lawsuits_corrected 80 -> 66 ms)
    r.title, r.url, r.published, r.version, r.checks_failed, r.status,
    (SELECT label FROM report_statuses WHERE code = r.status) AS status_label,
    COALESCE(r.method, 'text') AS method"""
# `+r.status`: most reports have numbers, so the index reports_status never narrows the
# views' rows; without planner statistics (a database nobody ran ANALYZE on) SQLite would
# still walk it, i.e. every report (city_share_granted: 31 -> 2 ms at 54,000 reports).
JOINS = f"""FROM reports r
JOIN report_values v ON v.report_id = r.id
LEFT JOIN agencies a ON a.id = r.agency_id
LEFT JOIN regions g ON g.code = r.region_code
WHERE r.is_current = 1 AND +r.status IN {HAS_NUMBERS}"""

COMPARABLE_ROWS = ("received_new", "carried_over", *RESULT_ROWS_COMMON, "results_total", "carried_forward")
COMPARABLE_PROACTIVE = ("licensing", "penalty", "coercion")  # `decisions` means the same in both

VIEW_DESCRIPTIONS = {
    "report_wide": "One row per report with numbers (current version only; reports without tables are in "
    "report_status): who, where, when, and every number of the "
    "three standard tables as a column. Column names are the canonical keys with `__` for the dots "
    "(applications__received_new__total = applications.received_new.total). A NULL is a cell printed "
    "blank or '-', or not found; 2019-only and 2021-only keys are NULL for the other template.",
    "comparable": "The numbers that mean the same in the 2019 and 2021 templates, so that 2019-2024 line "
    "up: all request-handling rows for all applicant types, the review/litigation table, and the "
    "licensing/penalty/coercion decisions. For 2021-template reports the single (六)其他处理 row "
    "(applications__other_handling__*) is the sum of the three 2021 (六) sub-rows, and "
    "other_handling_derived = 1; it stays NULL if any of the three is blank.",
    "rates": "Shares per report, from `comparable`. share_disclosed = (一)予以公开 / (七)总计 "
    "(requests whose handling finished this year, applicant column 总计); share_disclosed_incl_partial adds "
    "(二)部分公开; share_withheld = the eight (三)不予公开 rows / (七)总计; share_unavailable = the three "
    "(四)无法提供 rows / (七)总计; share_not_processed = the five (五)不予处理 rows / (七)总计; "
    "share_lawsuits_corrected = 结果纠正 / (总计 - 尚未审结) over both kinds of lawsuit "
    "(未经复议直接起诉 and 复议后起诉), i.e. of the lawsuits decided this year, the share that corrected "
    "the government; share_reviews_corrected is the same for 行政复议. A rate is NULL when its "
    "denominator is 0 or any term is blank.",
    "cells": "Every cell of every report: value, printed text (raw), unit, note and placement (printed, "
    "or arithmetic for a dropped cell restored by the table's sums); key_id refers to cell_keys. Built "
    "from report_values and cell_details: a cell printed as just its number is stored once, in "
    "report_values, and its raw text here is that number. For a report read by OCR (method = 'ocr' in "
    "report_wide), page, box (x0,y0,x1,y1 pixels of the page image) and confidence say where each number "
    "was read; `xxgk show-cell` writes that crop as a PNG.",
    "cell_values": "Every stored number with its key spelled out (table, row, column), its printed text, "
    "unit, note and how it was placed (printed, or arithmetic for a dropped cell the table's sums fix).",
    "check_results": "Every arithmetic check of every report with its name: ok 1, 0, or NULL when a "
    "term was blank or missing (a blank is not a zero, so it cannot vouch for a sum).",
    "report_status": "Every current report with its status (complete, partial, checks failed, OCR, no tables "
    "(attachment-only)) and every document that could not be read (unreadable, with the reason). The "
    "research views keep only the statuses with numbers (has_numbers = 1).",
    "jurisdiction_years": "Every agency in every year that has reports: its rates when its report has "
    "numbers, else a status that says why not (no tables (attachment-only), unreadable..., or 'no report "
    "found'). Rank jurisdictions of one level by a rate in a year, or put a few side by side across the "
    "2019→2021 template change: a missing year stays a row, never a silent gap.",
    "unresolved_agencies": "Agencies whose region could not be determined, with the reason and how many "
    "reports they have: resolve them by hand, not by guess.",
}


def _col(key: str) -> str:
    return key.replace(".", "__")


def _sum_strict(exprs: list[str]) -> str:
    """Sum that is NULL when any term is NULL (a blank is not a zero)."""
    return "(" + " + ".join(exprs) + ")"


def report_wide_sql(keys: list[str]) -> str:
    cols = ",\n    ".join(f"v.{_col(k)}" for k in keys)
    return f"CREATE VIEW report_wide AS SELECT {IDENTITY},\n    {cols}\n{JOINS}"


def comparable_sql() -> str:
    cols = []
    for row in COMPARABLE_ROWS:
        if row == "results_total":
            for c in APPLICANT_COLUMNS:
                sub = [f"v.applications__{o}__{c}" for o in OTHER_ROWS_2021]
                cols.append(
                    f"COALESCE(v.applications__other_handling__{c}, {_sum_strict(sub)}) "
                    f"AS applications__other_handling__{c}"
                )
        cols += [f"v.applications__{row}__{c}" for c in APPLICANT_COLUMNS]
    sub_total = [f"v.applications__{o}__total" for o in OTHER_ROWS_2021]
    cols.append(
        "CASE WHEN v.applications__other_handling__total IS NULL AND "
        f"{_sum_strict(sub_total)} IS NOT NULL THEN 1 ELSE 0 END AS other_handling_derived"
    )
    cols += [f"v.{_col(k)}" for k in REVIEW_KEYS]
    cols += [f"v.proactive__{r}__decisions" for r in COMPARABLE_PROACTIVE]
    body = ",\n    ".join(cols)
    return f"CREATE VIEW comparable AS SELECT {IDENTITY},\n    {body}\n{JOINS}"


def _share(numerator: list[str], denominator: str) -> str:
    return f"CASE WHEN {denominator} > 0 THEN 1.0 * {_sum_strict(numerator)} / {denominator} END"


def rate_columns(prefix: str = "") -> str:
    """The measures and shares of `rates`, as SQL over report_values' column names."""

    def c(name: str) -> str:
        return prefix + name

    total = c("applications__results_total__total")
    withheld = [c(f"applications__{r}__total") for r in RESULT_ROWS_COMMON if r.startswith("withheld_")]
    unavailable = [c(f"applications__{r}__total") for r in RESULT_ROWS_COMMON if r.startswith("unavailable_")]
    not_processed = [
        c(f"applications__{r}__total") for r in RESULT_ROWS_COMMON if r.startswith("not_processed_")
    ]
    lit = ("litigation_direct", "litigation_after_review")
    lit_corrected = [c(f"review_litigation__{g}__corrected") for g in lit]
    lit_decided = (
        "("
        + " + ".join(
            f"({c(f'review_litigation__{g}__total')} - {c(f'review_litigation__{g}__pending')})" for g in lit
        )
        + ")"
    )
    rev_decided = f"({c('review_litigation__review__total')} - {c('review_litigation__review__pending')})"
    disclosed = c("applications__disclosed__total")
    return f"""{c("applications__received_new__total")} AS requests_received,
    {total} AS requests_handled,
    {disclosed} AS disclosed,
    {_sum_strict(withheld)} AS withheld,
    {_share([disclosed], total)} AS share_disclosed,
    {_share([disclosed, c("applications__partially_disclosed__total")], total)}
        AS share_disclosed_incl_partial,
    {_share(withheld, total)} AS share_withheld,
    {_share(unavailable, total)} AS share_unavailable,
    {_share(not_processed, total)} AS share_not_processed,
    {_sum_strict([c(f"review_litigation__{g}__total") for g in lit])} AS lawsuits,
    {lit_decided} AS lawsuits_decided,
    {_sum_strict(lit_corrected)} AS lawsuits_corrected,
    {_share(lit_corrected, lit_decided)} AS share_lawsuits_corrected,
    {c("review_litigation__review__total")} AS reviews,
    {_share([c("review_litigation__review__corrected")], rev_decided)} AS share_reviews_corrected"""


RATE_SHARES = (
    "share_disclosed",
    "share_disclosed_incl_partial",
    "share_withheld",
    "share_unavailable",
    "share_not_processed",
    "share_lawsuits_corrected",
    "share_reviews_corrected",
)


def rates_sql() -> str:
    ident = (
        "report_id, year, template, agency_id, agency, agency_kind, agency_level, region_code, region, "
        "region_level, "
        "region_path, province_code, province, prefecture_code, prefecture, title, url, published, status, "
        "status_label"
    )
    return f"""CREATE VIEW rates AS SELECT {ident},
    {rate_columns()}
FROM comparable"""


def jurisdiction_years_sql() -> str:
    """Every agency × every year that has reports: its rates, or why there are none."""
    return f"""CREATE VIEW jurisdiction_years AS SELECT a.id AS agency_id, a.name AS agency,
    a.kind AS agency_kind, a.level AS agency_level, a.region_code, g.name AS region,
    g.level AS region_level, g.path AS region_path, g.province_code,
    (SELECT name FROM regions WHERE code = g.province_code) AS province, y.year,
    r.id AS report_id, r.template, COALESCE(r.status, 'no_report') AS status,
    COALESCE((SELECT label FROM report_statuses WHERE code = r.status), '{NO_REPORT}') AS status_label,
    CASE WHEN r.status IN {HAS_NUMBERS} THEN 1 ELSE 0 END AS has_numbers,
    {rate_columns("v.")}
FROM agencies a
JOIN (SELECT DISTINCT year FROM reports WHERE year IS NOT NULL AND is_current = 1) y
LEFT JOIN regions g ON g.code = a.region_code
LEFT JOIN reports r ON r.agency_id = a.id AND r.year = y.year AND r.is_current = 1
LEFT JOIN report_values v ON v.report_id = r.id AND r.status IN {HAS_NUMBERS}"""


REPORT_STATUS_SQL = f"""CREATE VIEW report_status AS
SELECT r.id AS report_id, r.year, r.template, r.agency_id, a.name AS agency, a.level AS agency_level,
    r.region_code, g.name AS region, g.path AS region_path, g.province_code,
    (SELECT name FROM regions WHERE code = g.province_code) AS province, r.status,
    s.label AS status_label, s.has_numbers, r.cells_found, r.checks_failed, r.format, r.title, r.url,
    r.source, NULL AS reason
FROM reports r
LEFT JOIN agencies a ON a.id = r.agency_id
LEFT JOIN regions g ON g.code = r.region_code
LEFT JOIN report_statuses s ON s.code = r.status
WHERE r.is_current = 1
UNION ALL
SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'unreadable',
    '{STATUSES["unreadable"][0]}', 0, 0, 0, NULL, NULL, d.url, e.source, e.reason
FROM extraction_errors e LEFT JOIN documents d ON d.id = e.document_id"""


def cells_sql(key_ids: list[tuple[int, str]]) -> str:
    """Unpivot report_values into one row per cell, completed by cell_details.

    json_each over a json_array of a report's columns (in chunks: SQLite functions take at
    most 127 arguments). A plain cell's printed text is its number; a cell without a value
    is a row only when cell_details has it (a blank printed cell), not when the report's
    template lacks the key.
    """
    parts = []
    for start in range(0, len(key_ids), 100):
        chunk = key_ids[start : start + 100]
        first = chunk[0][0]
        if [kid for kid, _ in chunk] != list(range(first, first + len(chunk))):
            raise ValueError("cell_keys ids are not contiguous")
        cols = ", ".join(f"v.{_col(key)}" for _, key in chunk)
        parts.append(
            f"""SELECT v.report_id, {first} + j.key AS key_id, j.value AS value,
    CASE WHEN d.report_id IS NULL THEN CAST(j.value AS TEXT) ELSE d.raw END AS raw,
    d.unit, d.note, COALESCE(d.placement, 'printed') AS placement, d.page, d.box, d.confidence
FROM report_values v JOIN json_each(json_array({cols})) j
LEFT JOIN cell_details d ON d.report_id = v.report_id AND d.key_id = {first} + j.key
WHERE j.value IS NOT NULL OR d.report_id IS NOT NULL"""
        )
    return "CREATE VIEW cells AS\n" + "\nUNION ALL\n".join(parts)


CELL_VALUES_SQL = """CREATE VIEW cell_values AS
SELECT c.report_id, k.key, k.label_zh, k.tbl, k.row, k.col, c.value, c.raw, c.unit, c.note, c.placement,
    r.status, c.page, c.box, c.confidence
FROM cells c JOIN cell_keys k ON k.id = c.key_id JOIN reports r ON r.id = c.report_id"""

CHECK_RESULTS_SQL = """CREATE VIEW check_results AS
SELECT c.report_id, n.tbl, n.name, c.ok, c.expected, c.actual, r.status
FROM checks c JOIN check_names n ON n.id = c.check_id JOIN reports r ON r.id = c.report_id"""

UNRESOLVED_SQL = """CREATE VIEW unresolved_agencies AS
SELECT a.id AS agency_id, a.name, a.unresolved_reason, COUNT(r.id) AS reports,
       MIN(r.source) AS example_source, group_concat(DISTINCT r.status) AS statuses
FROM agencies a LEFT JOIN reports r ON r.agency_id = a.id
WHERE a.region_code IS NULL
GROUP BY a.id"""

VIEW_NAMES = (
    "cells",
    "report_wide",
    "comparable",
    "rates",
    "cell_values",
    "check_results",
    "unresolved_agencies",
    "report_status",
    "jurisdiction_years",
)


def create_views(db: sqlite_utils.Database) -> None:
    """(Re)create every view; views hold no data, so this is always safe."""
    from db.schema import canonical_keys

    for name in reversed(VIEW_NAMES):
        db.execute(f"DROP VIEW IF EXISTS {name}")
    key_ids = [(kid, key) for kid, key in db.execute("SELECT id, key FROM cell_keys ORDER BY id")]
    for sql in (
        cells_sql(key_ids),
        report_wide_sql(canonical_keys()),
        comparable_sql(),
        rates_sql(),
        CELL_VALUES_SQL,
        CHECK_RESULTS_SQL,
        UNRESOLVED_SQL,
        REPORT_STATUS_SQL,
        jurisdiction_years_sql(),
    ):
        db.execute(sql)
