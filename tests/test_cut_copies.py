"""Copies cut off at a byte limit: the numbers they end on are never read short.

Stored copies of report pages are cut at a byte limit (the shared corpus's dev texts
are cut at 2,000 bytes), and downloads can be interrupted. A cut can fall inside a
number (`79000.1元` kept as `790`) or inside the padding before one (`    0` kept as
`    `, an empty cell): a reader that took the last cell at its word would return a
wrong number that no check of section 二 can catch. These tests cut real and
generated reports at every place where that can happen and require every cell to come
back right or not at all.
"""

from __future__ import annotations

import json

import pytest

from extract import extract_bytes
from extract.decode import decode_as
from tests.conftest import CORPUS
from tests.render import LAYOUTS, RandomChoices, generate_case

TEXTS = sorted([*CORPUS.glob("seed/*.txt"), *CORPUS.glob("dev/*.txt")])


def _risky_cuts(data: bytes, start: int) -> list[int]:
    """Every cut after `start` that leaves the copy ending inside a run of digits, or
    right after a separator (the next cell's number not yet begun)."""
    cuts = []
    for i in range(max(start, 1), len(data)):
        before, after = data[i - 1 : i], data[i : i + 1]
        inside_number = before.isdigit() and (after.isdigit() or after in b".,")
        before_number = before in b" |\t\n" and (after.isdigit() or after in b" |")
        if inside_number or before_number:
            cuts.append(i)
    return cuts


def _wrong(cells: dict, truth: dict) -> dict:
    return {
        k: (c.value, truth.get(k, "absent")) for k, c in cells.items() if truth.get(k, "absent") != c.value
    }


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_a_text_cut_anywhere_in_its_tables_reads_no_wrong_cell(path) -> None:
    truth = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["truth"]
    data = path.read_bytes()
    first_table = data.index("二、主动公开".encode())
    cuts = _risky_cuts(data, first_table)
    assert len(cuts) > 15  # the tables hold numbers to cut into
    for cut in cuts:
        report = extract_bytes(data[:cut], path.name)
        assert _wrong(report.cells, truth) == {}, f"cut at byte {cut}: {data[cut - 20 : cut]!r}"


def test_a_number_cut_at_the_end_is_left_out_with_its_reason() -> None:
    text = (CORPUS / "dev" / "y2019-10.txt").read_text(encoding="utf-8")
    whole = text.index("79000.1元")
    report = extract_bytes(text[: whole + 3].encode(), "cut.txt")  # ends `790`
    # the row is then short of a cell at the end of the copy: a cut row, left out whole
    # (as the corpus's truth leaves such rows out)
    assert "proactive.procurement.amount" not in report.cells
    assert "proactive.procurement.items" not in report.cells
    assert report.cells["proactive.fees.change"].value == 0
    assert report.warnings[:2] == [
        "the text ends mid-line, so its last cell '790' may be cut short; left out",
        "proactive.procurement: the document ends inside this row; its numbers are left out",
    ]
    # the same copy ending in a line break is whole: its last cell is read
    report = extract_bytes(text[: whole + len("79000.1元")].encode() + b"\n", "whole.txt")
    assert report.cells["proactive.procurement.items"].value == 23
    assert report.cells["proactive.procurement.amount"].value == 79000.1


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_generated_report_cut_inside_its_numbers_reads_no_wrong_cell(layout: str) -> None:
    case = generate_case(RandomChoices(3), layout)
    data = case.data
    cuts = _risky_cuts(data, len(data) // 5)[::7]
    assert len(cuts) > 20
    for cut in cuts:
        try:
            report = extract_bytes(data[:cut], case.source)
        except Exception as exc:  # a copy cut too early to be a report is an error, not a number
            assert "not a report" in str(exc), f"cut at byte {cut}: {exc}"
            continue
        assert _wrong(report.cells, case.expected) == {}, f"cut at byte {cut}: {data[cut - 30 : cut]!r}"


def test_a_closed_page_keeps_its_last_cell() -> None:
    """Only a page that is not closed is taken for cut: a whole page ending in a table
    keeps its last number."""
    rows = "".join(
        f"<tr><td>{label}</td><td>0</td><td>0</td><td>{n}</td></tr>"
        for label, n in (("规章", 3), ("规范性文件", 7))
    )
    head = "<tr><td>信息内容</td><td>本年新制作数量</td><td>本年新公开数量</td><td>对外公开总数量</td></tr>"
    page = f"<html><body><p>二、主动公开政府信息情况</p><table>{head}{rows}</table></body></html>"
    report = extract_bytes(page.encode(), "whole.html")
    assert report.cells["proactive.normative_documents.total_public"].value == 7
    cut = page[: page.index("7</td></tr></table>") + 1]  # the digit itself kept: still uncertain
    report = extract_bytes(cut.encode(), "cut.html")
    assert "proactive.normative_documents.total_public" not in report.cells
    assert report.cells["proactive.regulations.total_public"].value == 3


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_copy_cut_inside_a_character_decodes_in_its_own_encoding(encoding: str) -> None:
    """Before, a UTF-8 copy cut inside a character failed strict UTF-8 and was decoded
    as GB18030 (mojibake, then "no Chinese text")."""
    text = "二、主动公开政府信息情况\n规章 0 0 3\n规范性文件"
    data = text.encode(encoding)
    cut = data[:-1]  # the last character's final byte gone
    decoded, exact = decode_as(cut)
    assert decoded == text[:-1]
    assert exact == ""  # not exactly the bytes decoded: one was dropped


def test_a_converter_output_cut_inside_its_tables_pairs_no_label_with_other_numbers() -> None:
    """pdftotext prints a block's labels, then its header, then its numbers. Cut there,
    the copy looked like a table printed values first: 行政许可 took a run of four
    numbers and each section 二 row the numbers of the row before it (no check catches
    that). The re-pairing now needs every label to hold the numbers it takes, and no
    row label after the last one."""
    from tests.converted import documents

    doc = next(d for d in documents("pdftotext") if d.name == "matrix-m01a")
    report = extract_bytes(doc.path.read_bytes()[:2008], doc.path.name)
    assert _wrong(report.cells, doc.truth) == {}
    assert report.cells["proactive.other_services.decisions"].value == 44608
