"""The tables' arithmetic (report-format.md, "Arithmetic the tables must satisfy").

The same equations serve twice: `extract.placement` uses them to place dropped cells,
and `evaluate_checks` reports each of them per report as a check. A check whose terms
are not all printed numbers is reported with `ok: None` (not evaluated): a blank is
not a zero, and a cell left out cannot vouch for anything.

Besides the equations, one completeness check per table found says how many of the
template's cells were placed, so a table read only in part is never "all checks ok";
and one sign check per table: a count below zero (only the signed changes of section
二 may be negative) fails it, whether or not the equations balance.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache

from extract.model import Check, Report
from extract.placement import Equation
from extract.template import (
    APPLICANT_COLUMNS,
    APPLICANT_PARTS,
    RESULT_ROWS_COMMON,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    REVIEW_KEYS,
    SIGNED_KEYS,
    all_keys,
    application_rows,
    cell_key,
)


@lru_cache(maxsize=4)
def application_equations(other_rows: tuple[str, ...]) -> tuple[Equation, ...]:
    rows = application_rows(other_rows)
    results = (*RESULT_ROWS_COMMON, *other_rows)
    eqs = [
        Equation(
            f"applications.{r}: total = sum of applicant columns",
            tuple(cell_key("applications", r, c) for c in APPLICANT_PARTS),
            (cell_key("applications", r, "total"),),
        )
        for r in rows
    ]
    for c in APPLICANT_COLUMNS:
        eqs.append(
            Equation(
                f"applications.{c}: received_new + carried_over = results_total + carried_forward",
                tuple(cell_key("applications", r, c) for r in ("received_new", "carried_over")),
                tuple(cell_key("applications", r, c) for r in ("results_total", "carried_forward")),
            )
        )
        eqs.append(
            Equation(
                f"applications.{c}: results_total = sum of result rows",
                tuple(cell_key("applications", r, c) for r in results),
                (cell_key("applications", "results_total", c),),
            )
        )
    return tuple(eqs)


@lru_cache(maxsize=1)
def review_equations() -> tuple[Equation, ...]:
    return tuple(
        Equation(
            f"review_litigation.{g}: total = upheld + corrected + other + pending",
            tuple(cell_key("review_litigation", g, c) for c in REVIEW_COLUMNS[:4]),
            (cell_key("review_litigation", g, "total"),),
        )
        for g in REVIEW_GROUPS
    )


def _evaluate(eq: Equation, values: dict[str, int | float | None], table: str) -> Check:
    left, left_known = _sum(eq.left, values)
    right, right_known = _sum(eq.right, values)
    ok = abs(left - right) < 1e-6 if left_known and right_known else None
    # expected: what the parts add up to; actual: what the report prints as the whole
    return Check(eq.name, ok, _num(left), _num(right), table)


def _sum(keys: tuple[str, ...], values: dict[str, int | float | None]) -> tuple[float, bool]:
    """The sum of the numbers on `keys`, and whether every one is a number (not blank or missing)."""
    total: int | float = 0
    known = True
    for k in keys:
        v = values.get(k)
        if v is None:
            known = False
        else:
            total += v
    return total, known


def _num(x: float) -> int | float:
    if type(x) is int:  # the usual case: counts
        return x
    return int(x) if float(x).is_integer() else round(x, 6)


def evaluate_checks(report: Report, other_rows: tuple[str, ...], tables: Collection[str]) -> list[Check]:
    """The checks of the `tables` that have cells in the report (the mapper knows which)."""
    values = {k: c.value for k, c in report.cells.items()}
    checks: list[Check] = []
    if "applications" in tables:
        for eq in application_equations(other_rows):
            checks.append(_evaluate(eq, values, "applications"))
        checks.append(_completeness("applications", _application_keys(other_rows), values))
    if "review_litigation" in tables:
        for eq in review_equations():
            checks.append(_evaluate(eq, values, "review_litigation"))
        checks.append(_completeness("review_litigation", REVIEW_KEYS, values))
    if "proactive" in tables and report.template:
        checks.append(_completeness("proactive", _proactive_keys(report.template), values))
    for table in ("applications", "review_litigation", "proactive"):
        if table in tables:
            checks.append(_no_negative_counts(table, values))
    return checks


def _no_negative_counts(table: str, values: dict[str, int | float | None]) -> Check:
    """Counts and amounts are never below zero; the signed changes (本年增/减) may be."""
    prefix = table + "."
    negative = sum(
        1
        for k, v in values.items()
        if v is not None and v < 0 and k.startswith(prefix) and k not in SIGNED_KEYS
    )
    return Check(f"{table}: no negative counts", negative == 0, 0, negative, table)


@lru_cache(maxsize=4)
def _application_keys(other_rows: tuple[str, ...]) -> tuple[str, ...]:
    rows = application_rows(other_rows)
    return tuple(cell_key("applications", r, c) for r in rows for c in APPLICANT_COLUMNS)


@lru_cache(maxsize=4)
def _proactive_keys(template: str) -> tuple[str, ...]:
    return tuple(k for k in all_keys(template) if k.startswith("proactive."))


def _completeness(table: str, keys: tuple[str, ...], values: dict[str, int | float | None]) -> Check:
    found = sum(1 for k in keys if k in values)
    return Check(f"{table}: all cells of the table found", found == len(keys), len(keys), found, table)


__all__ = [
    "RESULT_ROWS_COMMON",
    "application_equations",
    "evaluate_checks",
    "review_equations",
]
