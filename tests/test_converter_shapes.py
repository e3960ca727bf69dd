"""Shapes PDF converters (pdfminer, PyMuPDF) give tables, on real numbers: every cell
right or absent.

- a row printed short whose reading leaves its total to its own sum is kept only when a
  column sum confirms that total (a converter reading column by column hands a row the
  next row's values, and the row's own sum then holds whatever they are);
- two section 二 row labels in a row and then numbers: either row's, left out;
- a printed blank (`无`) is a cell of its row, not padding.
"""

from __future__ import annotations

import pytest

from extract import extract_bytes
from extract.template import APPLICANT_COLUMNS
from tests.test_tables import HEADER, LABELS_2021, TRUTH, cells_one_per_line

TITLE = "淮安市人民政府2024年政府信息公开工作年度报告"
HEADING3 = "三、收到和处理政府信息公开申请情况"
ROWS = [row for row, _ in LABELS_2021]


def _values(row: str) -> list[int]:
    return [TRUTH[f"applications.{row}.{c}"] for c in APPLICANT_COLUMNS]


def _read(cells: list[str]):
    return extract_bytes(("\n\n".join([TITLE, *cells]) + "\n").encode(), "x.txt")


@pytest.mark.parametrize("i", range(len(ROWS) - 1))
def test_a_short_row_handed_the_next_rows_value_is_left_out(i: int) -> None:
    row, labels = LABELS_2021[i]
    parts = _values(row)[:6]
    stray = _values(ROWS[i + 1])[0]
    if stray >= sum(parts[:5]):
        # a reading printing the stray as the total is possible: then it is not the
        # arithmetic alone that placed the total (see the docstring of placement.resolve)
        pytest.skip("the stray value could be the row's total")
    cells = [
        HEADING3,
        *HEADER,
        *labels,
        *(str(v) for v in parts[:5]),
        str(stray),
        "五、存在的主要问题及改进情况",
        "无。",
    ]
    report = _read(cells)
    for c in APPLICANT_COLUMNS:
        key = f"applications.{row}.{c}"
        assert key not in report.cells or report.cells[key].value == TRUTH[key], key
    assert all(not k.startswith(f"applications.{row}.") for k in report.cells)


@pytest.mark.parametrize("i", range(len(ROWS)))
def test_a_row_whose_total_is_dropped_is_read_when_a_column_sum_confirms_it(i: int) -> None:
    row = ROWS[i]
    cells = cells_one_per_line()
    printed = [str(v) for v in _values(row)]
    labels = dict(LABELS_2021)[row]
    at = next(j for j in range(len(cells)) if cells[j : j + len(labels)] == labels) + len(labels)
    assert cells[at : at + 7] == printed
    del cells[at + 6]  # the total, dropped
    report = _read(cells)
    for c in APPLICANT_COLUMNS:
        key = f"applications.{row}.{c}"
        assert report.cells[key].value == TRUTH[key], key


PROACTIVE_HEAD = [
    "二、主动公开政府信息情况",
    "第二十条第（一）项",
    "信息内容",
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
]
TAIL = ["第二十条第（五）项", "信息内容", "本年处理决定数量", "行政许可", "7"]


@pytest.mark.parametrize("values", [("1", "8", "5"), ("0", "12", "3"), ("4", "0", "0"), ("2", "7")])
@pytest.mark.parametrize("second", [["行政规范性文件"], ["行政规范性", "文件"]])
def test_two_section_two_labels_then_numbers_are_left_out(values: tuple[str, ...], second: list[str]) -> None:
    report = _read([*PROACTIVE_HEAD, "规章", *second, *values, *TAIL])
    assert not any(k.startswith(("proactive.regulations", "proactive.normative")) for k in report.cells)
    assert report.cells["proactive.licensing.decisions"].value == 7


@pytest.mark.parametrize("blank", ["无", "-", "/"])
def test_a_printed_blank_is_a_cell_not_padding(blank: str) -> None:
    # four cells for three columns: not a row with padding
    report = _read(
        [*PROACTIVE_HEAD, "规章", "0", "2863", "0", "行政规范性文件", "2382", "3", "0", blank, *TAIL]
    )
    assert not any(k.startswith("proactive.normative") for k in report.cells)
    assert report.cells["proactive.regulations.repealed"].value == 2863
    # a document running a label and its digits together: the row still has three cells
    report = _read(
        [
            *PROACTIVE_HEAD,
            "规章",
            "0",
            "2863",
            "0",
            "行政规范性文件",
            "2382",
            "3",
            blank,
            *TAIL,
            "四、结转下年度继续办理15",
        ]
    )
    got = {k: c.value for k, c in report.cells.items() if k.startswith("proactive.normative")}
    assert got == {
        "proactive.normative_documents.issued": 2382,
        "proactive.normative_documents.repealed": 3,
        "proactive.normative_documents.in_force": None,
    }


def _check_right_or_absent(report) -> None:
    for key, cell in report.cells.items():
        if key.startswith(("applications.", "review_litigation.")):
            assert cell.value == TRUTH[key], key


def _column_ordered(first: int, last: int, stacked: bool, total_early: bool) -> list[str]:
    """Section 三 with rows first..last printed as their labels, then their numbers
    column by column (optionally a column's numbers as one stack of lines, the total
    column printed before 其他); the other rows as usual."""
    block = ROWS[first : last + 1]
    cells = [HEADING3, *HEADER]
    for row, labels in LABELS_2021[:first]:
        cells += [*labels, *(str(v) for v in _values(row))]
    for _row, labels in LABELS_2021[first : last + 1]:
        cells += labels
    cells.append("- 4 -")  # a page footer between the labels and the numbers
    order = [0, 1, 2, 3, 4, 6, 5] if total_early else list(range(7))
    for c in order:
        column = [str(_values(row)[c]) for row in block]
        cells += ["\n".join(column)] if stacked else column
    for row, labels in LABELS_2021[last + 1 :]:
        cells += [*labels, *(str(v) for v in _values(row))]
    return [*cells, "五、存在的主要问题及改进情况", "无。"]


@pytest.mark.parametrize("total_early", [False, True])
@pytest.mark.parametrize("stacked", [False, True])
@pytest.mark.parametrize(("first", "last"), [(0, 12), (0, 1), (4, 11), (13, 24), (2, 14)])
def test_rows_printed_column_by_column(first: int, last: int, stacked: bool, total_early: bool) -> None:
    report = _read(_column_ordered(first, last, stacked, total_early))
    _check_right_or_absent(report)
    for row in ROWS[first : last + 1]:
        # the 总计 column is the one that adds up; the applicant columns only where the
        # order of them does not matter (all equal)
        assert report.cells[f"applications.{row}.total"].value == TRUTH[f"applications.{row}.total"], row
        if len(set(_values(row)[:6])) == 1:
            assert f"applications.{row}.natural_person" in report.cells, row
    for row in ROWS[:first] + ROWS[last + 1 :]:
        for c in APPLICANT_COLUMNS:
            assert f"applications.{row}.{c}" in report.cells, (row, c)


@pytest.mark.parametrize("footer", ["- 3 -", "— 3 —", "第 3 页", "－12－"])
def test_a_page_number_between_a_label_and_its_values_is_dropped(footer: str) -> None:
    cells = cells_one_per_line()
    for row in ("disclosed", "withheld_enforcement_file", "carried_forward"):
        labels = dict(LABELS_2021)[row]
        at = next(j for j in range(len(cells)) if cells[j : j + len(labels)] == labels) + len(labels)
        cells.insert(at, footer)
    report = _read(cells)
    for key, want in TRUTH.items():
        if key.startswith(("applications.", "review_litigation.")):
            assert report.cells[key].value == want, key
