"""The one writer of report documents (crawler/demo/word.py): what it writes reads back.

The demo's DOCX attachments and the tests' documents (tests/make_documents.py) come
from the same generator and writer, so a fault in either would spread to both; here a
report of each template, in each look the tests use, must come back cell for cell.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from crawler.demo import synth, word
from extract import extract_path
from tests import make_documents


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize(
    "look", [{}, {"borders": False}, {"landscape_review": True, "repeat_header": True, "prose_paragraphs": 9}]
)
def test_a_written_report_reads_back_every_number(template: str, look: dict, tmp_path: Path) -> None:
    truth = make_documents.synthetic_truth(zlib.crc32(f"{template}{look}".encode()), template)
    info = {"title": "示例县人民政府2023年政府信息公开工作年度报告", "template": template, "truth": truth}
    report = extract_path(make_documents.build_docx(info, tmp_path / "report.docx", **look))
    assert {k: c.value for k, c in report.cells.items()} == truth
    assert [c.name for c in report.checks if c.ok is False] == []


def test_merged_cells_cover_each_place_of_the_grid_once() -> None:
    tables = synth.agency_tables("蒙城县财政局", 2019)
    for grid in (synth.applications_grid(tables, tables.raw.get), synth.review_grid(tables, tables.raw.get)):
        covered: list[tuple[int, int]] = []
        for r, c, cell in word.place(grid):
            covered += [(r + i, c + j) for i in range(cell.rowspan) for j in range(cell.colspan)]
        assert len(covered) == len(set(covered)) == len(grid.rows) * grid.width, grid.name
