"""Is a dict a report the database can hold? One plain-words reason, or None.

`xxgk load --jsonl` takes reports from anywhere (a file, another program, a hand edit),
and even the extractor can print a number no SQLite column holds (≥ 2^63). Checking the
shape before writing turns such a report into one line in `extraction_errors` naming
what is wrong, instead of an exception that stops the batch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
TEXT_FIELDS = ("source", "format", "title", "agency", "template", "published")
MAPS_OF_TEXT = ("raw", "units", "notes", "placement")
MAX_KEY_LENGTH = 200


def describe(value: Any) -> str:
    """A short description of a bad value for an error message."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def number_problem(value: Any) -> str | None:
    """Why a value cannot be stored as a number (None: it can, or it is a blank)."""
    if value is None:
        return None
    if type(value) is bool or not isinstance(value, int | float):
        return f"is {type(value).__name__} {describe(value)}, not a number"
    if isinstance(value, float) and not math.isfinite(value):
        return f"is {value}, not a finite number"
    if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
        return f"is {describe(value)}, out of the range SQLite stores (a 64-bit integer)"
    return None


def text_problem(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return f"is {type(value).__name__} {describe(value)}, not text"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "holds a lone surrogate (not valid Unicode text)"
    return None


def report_problem(report: Any) -> str | None:
    """The first reason `report` (a `Report.to_json()` dict) cannot be stored, or None."""
    if not isinstance(report, Mapping):
        return f"not a report: a JSON {type(report).__name__}, not an object"
    for name in TEXT_FIELDS:
        problem = text_problem(report.get(name))
        if problem:
            return f"field {name} {problem}"
    year = report.get("year")
    if year is not None and (type(year) is not int or not INT64_MIN <= year <= INT64_MAX):
        return f"field year is {describe(year)}, not a year"
    cells = report.get("cells")
    if cells is not None:
        if not isinstance(cells, Mapping):
            return f"field cells is a {type(cells).__name__}, not an object of key: number"
        for key, value in cells.items():
            if not isinstance(key, str) or len(key) > MAX_KEY_LENGTH or text_problem(key):
                return f"cell key {describe(key)} is not a key name"
            problem = number_problem(value)
            if problem:
                return f"cell {key} {problem}"
    for name in MAPS_OF_TEXT:
        values = report.get(name)
        if values is None:
            continue
        if not isinstance(values, Mapping):
            return f"field {name} is a {type(values).__name__}, not an object of key: text"
        for key, value in values.items():
            problem = text_problem(key) if isinstance(key, str) else "is not text"
            problem = problem or text_problem(value)
            if problem:
                return f"{name} of {describe(key)} {problem}"
    for name, item_fields, numbers in (
        ("checks", ("name", "table"), ("expected", "actual")),
        ("sections", ("number", "heading", "text"), ()),
    ):
        items = report.get(name)
        if items is None:
            continue
        if not isinstance(items, list):
            return f"field {name} is a {type(items).__name__}, not a list"
        for i, item in enumerate(items):
            if not isinstance(item, Mapping):
                return f"{name}[{i}] is a {type(item).__name__}, not an object"
            for f in item_fields:
                problem = text_problem(item.get(f))
                if problem:
                    return f"{name}[{i}].{f} {problem}"
            for f in numbers:
                problem = number_problem(item.get(f))
                if problem:
                    return f"{name}[{i}].{f} {problem}"
            if name == "checks":
                if not item.get("name"):
                    return f"checks[{i}] has no name"
                if item.get("ok") not in (True, False, None):
                    return f"checks[{i}].ok is {describe(item.get('ok'))}, not true, false or null"
    warnings = report.get("warnings")
    if warnings is not None:
        if not isinstance(warnings, list):
            return f"field warnings is a {type(warnings).__name__}, not a list"
        for w in warnings:
            problem = text_problem(w)
            if problem:
                return f"a warning {problem}"
    return None
