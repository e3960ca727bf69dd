"""Shapes of PDF-converter text (pdftotext and its -layout mode) read right or left out.

Each test prints real numbers (淮安市人民政府 2024, hand-checked) in one shape the
converters of tests/converted produce, and fails without the rule that reads it:
page footers between a label and its values, empty lines that separate cells rather
than print empty ones, section 四's 总计 header printed with its value, two row labels
joined in one cell, a table heading between values and the next label, section 四's
parts torn apart, and a cell printed on the line under its row.
"""

from __future__ import annotations

import json

import pytest

from extract import extract_bytes
from extract.readers.text import read_text
from extract.tables import Mapping, find_rows, labelled_runs, tokenize
from extract.template import APPLICANT_COLUMNS
from tests.conftest import CORPUS

TRUTH = json.loads((CORPUS / "dev-pdf" / "huaian-szfgs-2024.json").read_text(encoding="utf-8"))["truth"]
COLUMNS = APPLICANT_COLUMNS  # each row's cells, in printed order
TITLE = "淮安市人民政府2024年政府信息公开工作年度报告"


def _values(row: str) -> list[str]:
    return [str(TRUTH[f"applications.{row}.{c}"]) for c in COLUMNS]


def _cells(text: str) -> dict[str, object]:
    report = extract_bytes(text.encode("utf-8"), "converted.txt")
    return {k: c.value for k, c in report.cells.items()}


def _no_wrong(cells: dict[str, object]) -> None:
    wrong = {k: v for k, v in cells.items() if k in TRUTH and TRUTH[k] != v}
    assert not wrong, wrong


@pytest.mark.parametrize("footer", ["- 2 -", "-2-", "— 2 —", "                    - 2 -", "第 2 页"])
def test_a_page_footer_between_a_label_and_its_values_is_no_cell(footer: str) -> None:
    text = "\n".join(
        [
            TITLE,
            "二、主动公开政府信息情况",
            "信息内容 本年制发件数 本年废止件数 现行有效件数",
            "规章 1 0 11",
            "行政规范性文件 8 26 66",
            "信息内容 本年处理决定数量",
            "行政许可",
            footer,
            f"\f{TRUTH['proactive.licensing.decisions']}",
            "行政处罚 3985758",
            "",
        ]
    )
    cells = _cells(text)
    _no_wrong(cells)
    assert cells["proactive.licensing.decisions"] == 447228
    assert cells["proactive.penalty.decisions"] == 3985758


def test_empty_lines_that_separate_cells_leave_a_label_without_values_out() -> None:
    # pdftotext: a block per cell with an empty line after it, the columns of section 三
    # printed as runs of lines; a value printed before its label (550 after the header)
    lines = [TITLE, "二、主动公开政府信息情况", "信息内容", "", "本年制发件数", "", "本年废止件数", ""]
    lines += ["现行有效件数", "", "规章", "", "1", "", "0", "", "11", "", "行政规范性文件", ""]
    lines += ["8", "", "26", "", "66", "", "第二十条第（五）项", "", "信息内容", "", "本年处理决定数量"]
    lines += ["447228", "", "行政许可", "", "第二十条第（六）项", "", "信息内容", "", "本年处理决定数量", ""]
    lines += ["行政处罚", "", "3985758", "", "行政强制", "", "88283"]
    lines += ["三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量"]
    lines += [*_values("received_new"), "二、上年结转政府信息公开申请数量", *_values("carried_over")]
    lines += ["（一）予以公开", *_values("disclosed"), "五、存在的主要问题及改进情况", ""]
    cells = _cells("\n".join(lines) + "\n")
    _no_wrong(cells)
    assert "proactive.licensing.decisions" not in cells  # its empty line is no empty cell
    assert cells["proactive.regulations.in_force"] == 11
    assert cells["proactive.penalty.decisions"] == 3985758


def test_section_four_total_header_with_its_value_is_not_section_three_total() -> None:
    # pdftotext prints each of section 四's headers with the value under it; section 三's
    # （七）总计 label fell elsewhere
    lines = [TITLE, "三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量"]
    lines += [" ".join(_values("received_new")), "（一）予以公开", " ".join(_values("disclosed"))]
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "行政复议", "结果维持", "72", "结果纠正", "64"]
    lines += ["其他结果", "178", "尚未审结", "37", "总计", "351", "五、存在的主要问题及改进情况", ""]
    text = "\n".join(lines)
    cells = _cells(text)
    _no_wrong(cells)
    assert cells["applications.disclosed.total"] == TRUTH["applications.disclosed.total"]
    tokens = tokenize(read_text(text, "converted.txt").cells)
    rows = [f.row for f in find_rows(tokens, labelled_runs(tokens), Mapping())]
    assert rows == ["received_new", "disclosed"]  # 总计 351 is section 四's, not a row of 三


def test_a_cell_holding_two_row_labels_names_neither() -> None:
    # a block per cell, an empty line after each: the wrapped lines of two rows' labels
    # are one cell, and the values after it those of neither
    blocks = [TITLE, "三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量"]
    blocks += [
        " ".join(_values("received_new")),
        "2.没有现成\n信息需要另\n行制作\n3.补正后申\n请内容仍不\n明确",
    ]
    blocks += [" ".join(_values("unavailable_needs_creation")), "五、存在的主要问题及改进情况"]
    cells = _cells("\n\n".join(blocks) + "\n")
    _no_wrong(cells)
    assert cells["applications.received_new.total"] == 3119
    assert not any("unavailable" in k for k in cells)


def test_values_after_a_header_are_not_the_next_tables_label() -> None:
    # a table read column by column: `本年废止件数 5` is a header with its value, and the
    # label after the next table's heading (第二十条第（五）项 / 信息内容) does not take it
    lines = [TITLE, "二、主动公开政府信息情况", "", "第二十条第（一）项", "", "信息内容", "", "本年制发件数"]
    lines += ["", "规章", "", "1", "", "行政规范性文件", "", "8", "", "本年废止件数", "", "26", ""]
    lines += ["第二十条第（五）项", "", "信息内容", "", "行政许可", "", "第二十条第（六）项", ""]
    lines += ["本年处理决定数量", "", "447228", "", "现行有效件数", "", "66", ""]
    lines += ["三、收到和处理政府信息公开申请情况", ""]
    cells = _cells("\n".join(lines))
    _no_wrong(cells)
    assert "proactive.licensing.decisions" not in cells


def test_section_four_parts_torn_apart_are_not_read_as_parts() -> None:
    # the first part's 尚未审结 / 总计 headers printed in the second part's headings: the
    # values under them are no certain row of either
    lines = [TITLE, "三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量"]
    lines += [
        " ".join(_values("received_new")),
        "四、结转下年度继续办理",
        " ".join(_values("carried_forward")),
    ]
    lines += ["行政复议", "结果", "维持", "结果", "纠正", "其他", "结果", "351", "12"]
    lines += ["行政诉讼", "尚未", "审结", "未经复议直接起诉", "总计", "结果", "维持", "结果", "纠正"]
    lines += ["其他", "结果", "351", "13", "4", "8", "五、存在的主要问题及改进情况", ""]
    cells = _cells("\n".join(lines))
    _no_wrong(cells)
    assert not any(k.startswith("review_litigation.litigation_direct") for k in cells)


def test_a_total_printed_on_the_line_under_its_row_is_no_cell_of_the_row_above() -> None:
    # pdftotext -layout: a taller row's cell printed above or under the others
    received, carried = _values("received_new"), _values("carried_over")
    lines = [TITLE, "三、收到和处理政府信息公开申请情况"]
    lines += ["                                                   " + received[-1]]
    lines += ["一、本年新收政府信息公开申请数量      " + "    ".join(received[:-1])]
    lines += ["                                                   " + carried[-1]]
    lines += ["二、上年结转政府信息公开申请数量      " + "    ".join(carried[:-1])]
    lines += ["（一）予以公开      " + "    ".join(_values("disclosed")), ""]
    cells = _cells("\n".join(lines))
    _no_wrong(cells)
    # each row's total is then the sum of its parts
    assert cells["applications.received_new.total"] == 3119
    assert cells["applications.carried_over.total"] == TRUTH["applications.carried_over.total"]


ROWS_2021 = (
    ("received_new", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("disclosed", "（一）予以公开"),
    ("partially_disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("withheld_state_secret", "1.属于国家秘密"),
    ("withheld_law_prohibited", "2.其他法律行政法规禁止公开"),
    ("withheld_security_stability", "3.危及“三安全一稳定”"),
    ("withheld_third_party", "4.保护第三方合法权益"),
    ("withheld_internal_affairs", "5.属于三类内部事务信息"),
    ("withheld_process_info", "6.属于四类过程性信息"),
    ("withheld_enforcement_file", "7.属于行政执法案卷"),
    ("withheld_query_matter", "8.属于行政查询事项"),
    ("unavailable_not_held", "1.本机关不掌握相关政府信息"),
    ("unavailable_needs_creation", "2.没有现成信息需要另行制作"),
    ("unavailable_unclear", "3.补正后申请内容仍不明确"),
    ("not_processed_petition", "1.信访举报投诉类申请"),
    ("not_processed_duplicate", "2.重复申请"),
    ("not_processed_publication", "3.要求提供公开出版物"),
    ("not_processed_mass_repeated", "4.无正当理由大量反复申请"),
    ("not_processed_confirm", "5.要求行政机关确认或重新出具已获取信息"),
    ("other_overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "3.其他"),
    ("results_total", "（七）总计"),
    ("carried_forward", "四、结转下年度继续办理"),
)


@pytest.mark.parametrize("moved", [("disclosed", "partially_disclosed"), ("not_processed_confirm",)])
def test_rows_whose_labels_were_printed_elsewhere_are_placed_when_the_sums_confirm_them(
    moved: tuple[str, ...],
) -> None:
    # pdftotext: a block per cell; the labels of some rows printed after the table, so
    # the row before them is followed by two or three rows' worth of numbers
    blocks = [TITLE, "三、收到和处理政府信息公开申请情况", "申请人情况"]
    for row, label in ROWS_2021:
        if row not in moved:
            blocks.append(label)
        blocks += _values(row)
    blocks += [label for row, label in ROWS_2021 if row in moved]
    blocks += ["五、存在的主要问题及改进情况"]
    cells = _cells("\n\n".join(blocks) + "\n")
    _no_wrong(cells)
    for row in moved:
        assert [cells[f"applications.{row}.{c}"] for c in COLUMNS] == [int(v) for v in _values(row)]


def test_numbers_read_column_by_column_after_a_label_are_left_out() -> None:
    # the same numbers in column order: no sums confirm them as rows
    blocks = [TITLE, "三、收到和处理政府信息公开申请情况", "申请人情况"]
    for row, label in ROWS_2021[:2]:
        blocks += [label, *_values(row)]
    blocks.append(ROWS_2021[2][1])
    blocks += [str(TRUTH[f"applications.{r}.{c}"]) for c in COLUMNS for r, _ in ROWS_2021[2:4]]
    for row, label in ROWS_2021[4:]:
        blocks += [label, *_values(row)]
    blocks += ["五、存在的主要问题及改进情况"]
    cells = _cells("\n\n".join(blocks) + "\n")
    _no_wrong(cells)
    assert not any(k.startswith(("applications.disclosed", "applications.partially")) for k in cells)


def test_a_label_wrapped_under_its_values_names_the_row() -> None:
    # pdftotext -layout: the first line of a label printed with the values, the rest under
    lines = [TITLE, "三、收到和处理政府信息公开申请情况"]
    lines += ["一、本年新收政府信息        " + "    ".join(_values("received_new")), "公开申请数量", ""]
    lines += ["二、上年结转政府信息        " + "    ".join(_values("carried_over")), "公开申请数量", ""]
    lines += ["（二）部分公开         " + "    ".join(_values("partially_disclosed"))]
    lines += ["（区分处理的，只", "计这一情形，不计", "其他情形）", ""]
    lines += ["（三）不予公开 1.属于国家  " + "    ".join(_values("withheld_state_secret")), "秘密", ""]
    lines += ["五、存在的主要问题及改进情况", ""]
    cells = _cells("\n".join(lines))
    _no_wrong(cells)
    for row in ("received_new", "carried_over", "partially_disclosed", "withheld_state_secret"):
        assert [cells[f"applications.{row}.{c}"] for c in COLUMNS] == [int(v) for v in _values(row)]


def test_lines_under_a_label_are_not_reused_by_the_row_after_it() -> None:
    # the lines under `（二）` complete its label; the row after them has no label of its
    # own, so its numbers are not read as 部分公开's
    lines = [TITLE, "三、收到和处理政府信息公开申请情况"]
    lines += ["一、本年新收政府信息公开申请数量 " + " ".join(_values("received_new"))]
    lines += ["（二） " + " ".join(_values("partially_disclosed"))]
    lines += ["部分公开（区分处理的，只计这一情形，不计", "其他情形）"]
    lines += [" ".join(_values("withheld_law_prohibited")), "五、存在的主要问题及改进情况", ""]
    cells = _cells("\n".join(lines))
    _no_wrong(cells)
    assert cells["applications.partially_disclosed.total"] == TRUTH["applications.partially_disclosed.total"]


def test_a_group_label_piece_beside_a_row_label_is_not_part_of_it() -> None:
    # pdftotext -layout prints the group label 三、本年度办理结果 a character or two per
    # line, beside the rows' labels
    lines = [TITLE, "三、收到和处理政府信息公开申请情况"]
    lines += ["一、本年新收政府信息公开申请数量   " + "   ".join(_values("received_new"))]
    lines += ["三   （一）予以公开           " + "   ".join(_values("disclosed")), "、"]
    lines += ["本   （二）部分公开           " + "   ".join(_values("partially_disclosed"))]
    lines += ["年   （区分处理的，只", "度   计这一情形，不计", "办   其他情形）", "理"]
    lines += ["  （三   1.属于国家秘密    " + "   ".join(_values("withheld_state_secret"))]
    lines += ["五、存在的主要问题及改进情况", ""]
    cells = _cells("\n".join(lines))
    _no_wrong(cells)
    for row in ("disclosed", "partially_disclosed", "withheld_state_secret"):
        assert [cells[f"applications.{row}.{c}"] for c in COLUMNS] == [int(v) for v in _values(row)]
