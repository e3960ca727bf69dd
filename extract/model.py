"""The data every stage of extraction hands to the next.

A *reader* (one per document format) turns a document into a `ReadDocument`: the
document's plain text (for metadata and the section texts) and a stream of `Cell`s
(for the tables). Cells keep the printed text exactly; a cell belongs to a source row
(a `<tr>`, a text line, a PDF table row), so layouts that keep rows can be told apart
from layouts that print one cell per line.

The *mapper* (`extract.tables`) reads the stream, finds the standard tables by their
labels and places the numbers on canonical keys (`extract.template`); the result is a
`Report`, whose `to_json()` is the project's JSON contract (see the README).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class OcrBox:
    """Where an OCR'd cell was read: its page (1-based), its pixel rectangle on the page
    image as stored (a PDF page rendered at `extract.ocr.image.PDF_DPI`), and the
    recogniser's confidence. `readable` is False for a cell whose text is not cleanly a
    number or whose confidence is low: it is never coerced into one."""

    page: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1
    confidence: float
    readable: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"page": self.page, "box": list(self.box), "confidence": round(self.confidence, 3)}


@dataclass(slots=True)
class Cell:
    """One printed cell: its text and where it was printed.

    Treated as immutable (readers make new cells, nobody changes one); not declared
    `frozen`, since a frozen dataclass is slower to build and every
    document makes hundreds of cells.

    `row` groups the cells printed on one source row; `col` is the grid column when
    the source has a grid (HTML, Word, PDF tables), else None. `blank` is True for a
    cell that exists but prints nothing (an empty `<td>`, a line of only spaces in a
    one-cell-per-line text): such a cell counts as a column, an absent one does not.
    `block` numbers the source table (or text block) so that tables stay apart.
    `ocr` is set for a cell read from a page image (`extract.ocr`).
    """

    text: str
    row: int
    col: int | None = None
    block: int = 0
    ocr: OcrBox | None = None

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass(slots=True)
class ReadDocument:
    """What a reader produces from one document."""

    source: str
    text: str
    cells: list[Cell]
    format: str  # "text", "html", "pdf", "docx", "doc", "wps"
    warnings: list[str] = field(default_factory=list)
    title_hint: str | None = None  # e.g. an HTML <title> or a PDF's metadata title
    ocr_pages: list[int] = field(default_factory=list)  # 1-based pages read by OCR
    # the text tore its tables apart (a converter's rebuilt grid): a label's values are
    # only those printed on its own line; other values are rows without a label
    own_line_values: bool = False


class ReadError(Exception):
    """A document that cannot be read; the message is the reason in plain words."""


@dataclass(slots=True)
class CellValue:
    """A placed cell: the canonical key, the number (or None) and its provenance."""

    key: str
    value: int | float | None
    raw: str
    unit: str | None = None
    note: str | None = None
    # "printed": read as printed; "aligned": printed, its column decided by the arithmetic
    # (a row with dropped cells); "arithmetic": not printed, the value the equations force
    placed: str = "printed"
    row_label: str | None = None
    box: OcrBox | None = None  # where an OCR'd number was read


@dataclass(slots=True)
class Check:
    name: str
    ok: bool | None  # None: could not be evaluated (a term is blank or missing)
    expected: float | None
    actual: float | None
    table: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ok": self.ok,
            "expected": self.expected,
            "actual": self.actual,
            "table": self.table,
        }


@dataclass(slots=True)
class Section:
    number: str  # "一" .. "六"
    heading: str
    text: str

    def to_json(self) -> dict[str, str]:
        return {"number": self.number, "heading": self.heading, "text": self.text}


@dataclass(slots=True)
class Report:
    """Everything extracted from one document."""

    source: str
    format: str
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    template: str | None = None  # "2019" | "2021" | None
    published: str | None = None  # ISO date when printed
    cells: dict[str, CellValue] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # 1-based pages read by OCR

    def to_json(self) -> dict[str, Any]:
        cells = dict(sorted(self.cells.items()))
        out: dict[str, Any] = {
            "source": self.source,
            "format": self.format,
            "title": self.title,
            "agency": self.agency,
            "year": self.year,
            "template": self.template,
            "published": self.published,
            "cells": {k: c.value for k, c in cells.items()},
            "raw": {k: c.raw for k, c in cells.items()},
            "units": {k: c.unit for k, c in cells.items() if c.unit},
            "notes": {k: c.note for k, c in cells.items() if c.note},
            "placement": {k: c.placed for k, c in cells.items() if c.placed != "printed"},
            "checks": [c.to_json() for c in self.checks],
            "warnings": list(self.warnings),
            "sections": [s.to_json() for s in self.sections],
        }
        if self.ocr_pages:  # only OCR'd reports carry these: method "ocr", each number's box
            out["method"] = "ocr"
            out["ocr_pages"] = list(self.ocr_pages)
            out["boxes"] = {k: c.box.to_json() for k, c in cells.items() if c.box is not None}
        return out
