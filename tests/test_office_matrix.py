"""The rendering matrix: both templates in the page layouts an office suite produces,
read back from DOCX, DOC and PDF (tests/office_matrix.py says which renderings).

Every cell must come back right or absent, never wrong, and at least 99% of them
right in each rendering and format. The documents are rendered once per test session
(LibreOffice converts them all in one start per format); the recall of every
rendering and format is printed in the session's summary.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from extract import extract_bytes
from extract.pipeline import extract_document
from extract.readers.docx import read_docx
from extract.readers.office import convert_files
from extract.readers.pdf import _header_rows, _row_texts, open_pdf, read_pages, stitch
from extract.template import OTHER_ROWS_2019, OTHER_ROWS_2021, application_rows
from tests.make_documents import convert_many, render_matrix_docx
from tests.office_matrix import DIMENSIONS, MatrixCase, break_sweep_cases, matrix_cases, score

pytestmark = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui fonts-noto-cjk",
)

CASES = matrix_cases() + break_sweep_cases()
FORMATS = ("docx", "doc", "pdf")
MIN_RECALL = 0.99


@dataclass
class Rendered:
    case: MatrixCase
    paths: dict[str, Path]  # format -> the file read ("doc": LibreOffice's DOCX of the DOC)


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rendered]:
    """Every rendering as DOCX, DOC and PDF: one LibreOffice start per conversion."""
    root = tmp_path_factory.mktemp("office-matrix")
    docs = [render_matrix_docx(c.info, c.raw, c.style, root / "docx" / f"{c.name}.docx") for c in CASES]
    pdfs = convert_many(docs, "pdf", root / "pdf")
    legacy = convert_many(docs, "doc", root / "doc")
    back = convert_files(legacy, root / "doc-docx", timeout=900)  # the DOC reader's conversion
    return {
        c.name: Rendered(c, {"docx": d, "pdf": p, "doc": b})
        for c, d, p, b in zip(CASES, docs, pdfs, back, strict=True)
    }


def recall_table(recall: dict[tuple[str, str], tuple[float, int, int]]) -> list[str]:
    """The recall, absent and wrong cells of each rendering and format read, by (case,
    format): tests/conftest.py gathers them from the tests' reports and prints this."""
    lines = [
        "rendering matrix: recall per rendering and format (absent/wrong cells)",
        f"{'case':<6} {'template':<8} " + " ".join(f"{f:>14}" for f in FORMATS) + "  layout",
    ]
    for case in CASES:
        cells = []
        for fmt in FORMATS:
            got = recall.get((case.name, fmt))
            cells.append(f"{got[0]:.3f} ({got[1]}/{got[2]})" if got else "-")
        row = f"{case.name:<6} {case.template:<8} " + " ".join(f"{c:>14}" for c in cells)
        lines.append(f"{row}  {case.style.describe()}")
    return lines


def read(path: Path, fmt: str):
    if fmt == "doc":  # what read_legacy_office does after its conversion
        doc = read_docx(path.read_bytes(), str(path))
        doc.format = "doc"
        return extract_document(doc)
    return extract_bytes(path.read_bytes(), str(path))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_every_cell_right_or_absent(
    rendered: dict[str, Rendered], name: str, fmt: str, record_property: Callable[[str, object], None]
) -> None:
    r = rendered[name]
    report = read(r.paths[fmt], fmt)
    s = score(report, r.case.expected)
    record_property("matrix_recall", (name, fmt, s.recall, len(s.absent), len(s.wrong)))
    assert s.wrong == [], f"{r.case.style.describe()}: wrong cells"
    assert report.year == r.case.info["year"] and report.template == r.case.template
    assert s.recall >= MIN_RECALL, f"{r.case.style.describe()}: absent {s.absent}"


def test_matrix_covers_every_pair_of_layout_choices() -> None:
    names = list(DIMENSIONS)
    combos = [c.dims for c in matrix_cases()]
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            for va in DIMENSIONS[a]:
                for vb in DIMENSIONS[b]:
                    assert any(d[a] == va and d[b] == vb for d in combos), (a, va, b, vb)


def section_three_pages(path: Path) -> tuple[int, set[str]]:
    """(pages section 三's table runs over, the labels of the rows that open a page)."""
    parts = read_pages(open_pdf(path.read_bytes())).parts
    table = next(g for g in stitch(parts) if any("申请人情况" in _row_texts(g[0], r) for r in range(2)))
    header = _header_rows(table[0])
    opening = set()
    for part in table[1:]:
        k = 0
        while k < min(part.nrows, len(header)) and _row_texts(part, k) == header[k]:
            k += 1
        if k < part.nrows:
            opening.update(t for t in _row_texts(part, k) if t)
    return table[-1].page - table[0].page + 1, opening


def test_pdf_tables_break_over_one_to_four_pages_before_every_row(rendered: dict[str, Rendered]) -> None:
    """The renderings break section 三 over 1, 2, 3, 4 (and more) pages, before every row."""
    from extract.labels import application_row, normalize

    spans: set[int] = set()
    opened: dict[str, set[str]] = {"2019": set(), "2021": set()}
    for r in rendered.values():
        n, labels = section_three_pages(r.paths["pdf"])
        spans.add(min(n, 4))
        opened[r.case.template] |= {k for k in (application_row(normalize(t)) for t in labels) if k}
    assert spans == {1, 2, 3, 4}
    assert opened["2019"] >= set(application_rows(OTHER_ROWS_2019))
    assert opened["2021"] >= set(application_rows(OTHER_ROWS_2021))
