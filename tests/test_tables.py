"""The mapper on real numbers (淮安市人民政府 2024, hand-checked) printed in deviating ways."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

import pytest

from extract import extract_bytes
from extract.template import APPLICANT_COLUMNS, REVIEW_COLUMNS, REVIEW_GROUPS, REVIEW_RESULTS
from tests.conftest import CORPUS

TRUTH = json.loads((CORPUS / "dev-pdf" / "huaian-szfgs-2024.json").read_text(encoding="utf-8"))["truth"]

LABELS_2021 = [
    ("received_new", ["一、本年新收政府信息公开申请数量"]),
    ("carried_over", ["二、上年结转政府信息公开申请数量"]),
    ("disclosed", ["三、本年度办理结果", "（一）予以公开"]),
    ("partially_disclosed", ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"]),
    ("withheld_state_secret", ["（三）不予公开", "1.属于国家秘密"]),
    ("withheld_law_prohibited", ["2.其他法律行政法规禁止公开"]),
    ("withheld_security_stability", ["3.危及“三安全一稳定”"]),
    ("withheld_third_party", ["4.保护第三方合法权益"]),
    ("withheld_internal_affairs", ["5.属于三类内部事务信息"]),
    ("withheld_process_info", ["6.属于四类过程性信息"]),
    ("withheld_enforcement_file", ["7.属于行政执法案卷"]),
    ("withheld_query_matter", ["8.属于行政查询事项"]),
    ("unavailable_not_held", ["（四）无法提供", "1.本机关不掌握相关政府信息"]),
    ("unavailable_needs_creation", ["2.没有现成信息需要另行制作"]),
    ("unavailable_unclear", ["3.补正后申请内容仍不明确"]),
    ("not_processed_petition", ["（五）不予处理", "1.信访举报投诉类申请"]),
    ("not_processed_duplicate", ["2.重复申请"]),
    ("not_processed_publication", ["3.要求提供公开出版物"]),
    ("not_processed_mass_repeated", ["4.无正当理由大量反复申请"]),
    ("not_processed_confirm", ["5.要求行政机关确认或重新出具已获取信息"]),
    (
        "other_overdue_correction",
        ["（六）其他处理", "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"],
    ),
    ("other_unpaid_fee", ["2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"]),
    ("other_other", ["3、其他"]),
    ("results_total", ["（七）总计"]),
    ("carried_forward", ["四、结转下年度继续办理"]),
]
HEADER = [
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "申请人情况",
    "自然人",
    "法人或其他组织",
    "总计",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
]
REVIEW_HEADER = [
    "行政复议",
    "行政诉讼",
    "结果维持",
    "结果纠正",
    "其他结果",
    "尚未审结",
    "总计",
    "未经复议直接起诉",
    "复议后起诉",
] + ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2
REVIEW_KEYS = [k for k in TRUTH if k.startswith("review_litigation.")]


def cells_one_per_line(
    subtotal: bool = False, heading3: str = "三、收到和处理政府信息公开申请情况"
) -> list[str]:
    out = [heading3, *HEADER]
    for row, labels in LABELS_2021:
        if subtotal and row == "other_overdue_correction":
            # a report that prints a subtotal on the （六） group label
            group, sub = labels
            sums = [
                sum(
                    TRUTH[f"applications.{r}.{c}"]
                    for r in ("other_overdue_correction", "other_unpaid_fee", "other_other")
                )
                for c in APPLICANT_COLUMNS
            ]
            out += [group, *(str(v) for v in sums), sub]
        else:
            out += labels
        out += [str(TRUTH[f"applications.{row}.{c}"]) for c in APPLICANT_COLUMNS]
    out += ["四、政府信息公开行政复议、行政诉讼情况", *REVIEW_HEADER]
    out += [str(TRUTH[k]) for k in REVIEW_KEYS]
    out += ["五、存在的主要问题及改进情况", "无。"]
    return out


def check_all(report) -> None:
    got = {k: c.value for k, c in report.cells.items()}
    for key, want in TRUTH.items():
        if key.startswith(("applications.", "review_litigation.")):
            assert got.get(key) == want, key
    assert all(c.ok for c in report.checks), [c for c in report.checks if not c.ok]


def test_one_cell_per_line_2021_with_numbered_other_rows() -> None:
    text = "淮安市人民政府2024年政府信息公开工作年度报告\n\n" + "\n\n".join(cells_one_per_line())
    report = extract_bytes(text.encode(), "x.txt")
    check_all(report)
    assert not any(k.startswith("applications.other_handling") for k in report.cells)


def test_subtotal_on_the_group_label_is_ignored() -> None:
    text = "\n\n".join(cells_one_per_line(subtotal=True))
    report = extract_bytes(text.encode(), "x.txt")
    check_all(report)
    assert any("subtotal" in w for w in report.warnings)


def test_tables_numbered_differently_and_a_prose_summary_first() -> None:
    prose = "全年共收到政府信息公开申请 3119 件，上年结转 34 件。"
    text = prose + "\n\n" + "\n\n".join(cells_one_per_line(heading3="二、收到和处理政府信息公开申请情况"))
    report = extract_bytes(text.encode(), "x.txt")
    check_all(report)


@pytest.mark.parametrize("sep", [" | ", "  "])
def test_rows_on_one_line(sep: str) -> None:
    lines = ["三、收到和处理政府信息公开申请情况", sep.join(HEADER)]
    for row, labels in LABELS_2021:
        lines.append(sep.join([*labels, *(str(TRUTH[f"applications.{row}.{c}"]) for c in APPLICANT_COLUMNS)]))
    lines += [
        "四、政府信息公开行政复议、行政诉讼情况",
        sep.join(REVIEW_HEADER),
        sep.join(str(TRUTH[k]) for k in REVIEW_KEYS),
    ]
    # ends with its line break: a text stopping mid-line is a cut copy (tests/test_cut_copies.py)
    report = extract_bytes(("\n".join(lines) + "\n").encode(), "x.txt")
    check_all(report)


def test_a_page_without_the_standard_tables_gets_no_template_and_no_cells() -> None:
    # a 政府信息公开指南 page: prose about applications, no table of the templates
    page = (
        "<html><body><div><h1>某市教育局政府信息公开指南</h1>"
        "<p>一、主动公开</p><p>本机关主动公开规章、规范性文件、行政许可事项。</p>"
        "<p>二、依申请公开</p><p>申请人可以通过信函、网络提出申请。本年新收政府信息公开申请的处理期限为20个工作日。</p>"
        "<table><tr><td>受理机构</td><td>办公室</td></tr><tr><td>电话</td><td>0436-3293331</td></tr></table>"
        "</div></body></html>"
    )
    report = extract_bytes(page.encode(), "guide.html")
    assert report.template is None
    assert report.cells == {}
    assert report.checks == []
    assert any("no standard table" in w for w in report.warnings)


# --- section 四 printed in three parts --------------------------------------------------

# each part's headings as the two kinds of reports print them: one heading line (text
# copies), or 行政诉讼 over the group's name in rows of its own (Word and PDF tables)
PART_HEADINGS = {
    "one line": [["行政复议"], ["行政诉讼（未经复议直接起诉）"], ["行政诉讼（复议后起诉）"]],
    "two rows": [["行政复议"], ["行政诉讼", "未经复议直接起诉"], ["行政诉讼", "复议后起诉"]],
}


def part_values(group: str, empty: str | None) -> list[str]:
    """A group's five cells as printed; the `empty` group's zeros printed as empty cells."""
    if group == empty:
        return [""] * len(REVIEW_COLUMNS)
    return [str(TRUTH[f"review_litigation.{group}.{c}"]) for c in REVIEW_COLUMNS]


def section_three_rows(sep: str) -> list[str]:
    lines = ["三、收到和处理政府信息公开申请情况", sep.join(HEADER)]
    for row, labels in LABELS_2021:
        lines.append(sep.join([*labels, *(str(TRUTH[f"applications.{row}.{c}"]) for c in APPLICANT_COLUMNS)]))
    return lines


def review_parts_docx(headings: list[list[str]], empty: str | None) -> bytes:
    """Section 四 as three Word tables of five columns, each heading a merged row."""
    import docx

    doc = docx.Document()
    for line in section_three_rows("  "):
        doc.add_paragraph(line)
    doc.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    for heads, group in zip(headings, REVIEW_GROUPS, strict=True):
        table = doc.add_table(rows=len(heads) + 2, cols=5)
        for r, head in enumerate(heads):
            table.cell(r, 0).merge(table.cell(r, 4)).text = head
        for c, (name, value) in enumerate(zip(REVIEW_RESULTS, part_values(group, empty), strict=True)):
            table.cell(len(heads), c).text = name
            table.cell(len(heads) + 1, c).text = value
    doc.add_paragraph("五、存在的主要问题及改进情况")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def review_parts_document(layout: str, headings: list[list[str]], empty: str | None) -> tuple[bytes, str]:
    """Sections 三 and 四 with section 四 in three parts, as text (`spaces`, Markdown
    `pipes`), HTML tables or Word tables."""
    if layout == "docx":
        return review_parts_docx(headings, empty), "x.docx"

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(cells) + " |" if layout == "pipes" else "  ".join(cells)

    lines = [*section_three_rows("  "), "四、政府信息公开行政复议、行政诉讼情况"]
    for heads, group in zip(headings, REVIEW_GROUPS, strict=True):
        if layout == "html":
            rows = [f"<tr><td colspan=5>{h}</td></tr>" for h in heads]
            rows += [
                "<tr>" + "".join(f"<td>{v}</td>" for v in cells) + "</tr>"
                for cells in (REVIEW_RESULTS, part_values(group, empty))
            ]
            lines.append("<table>" + "".join(rows) + "</table>")
        else:
            lines += [*heads, line(REVIEW_RESULTS), line(part_values(group, empty))]
    lines.append("五、存在的主要问题及改进情况")
    if layout == "html":
        return (
            "<html><body>"
            + "".join(f"<p>{ln}</p>" if "<table>" not in ln else ln for ln in lines)
            + "</body></html>"
        ).encode(), "x.html"
    return "\n".join(lines).encode(), "x.txt"


@pytest.mark.parametrize("headings", list(PART_HEADINGS))
@pytest.mark.parametrize("layout", ["spaces", "pipes", "html", "docx"])
def test_section_four_printed_in_three_parts(layout: str, headings: str) -> None:
    """One reading of section 四 whatever its shape: three small tables, each under its
    group's heading, give the cells of the table printed whole."""
    data, name = review_parts_document(layout, PART_HEADINGS[headings], None)
    report = extract_bytes(data, name)
    got = {k: c.value for k, c in report.cells.items() if k.startswith("review_litigation.")}
    assert got == {k: v for k, v in TRUTH.items() if k.startswith("review_litigation.")}
    assert all(c.ok for c in report.checks if c.table == "review_litigation")


@pytest.mark.parametrize("empty", ["litigation_direct", "litigation_after_review"])
@pytest.mark.parametrize("layout", ["pipes", "html", "docx"])
def test_section_four_in_parts_with_a_part_printed_empty(layout: str, empty: str) -> None:
    """A part whose zeros all print as empty cells is still its group's row (five blank
    cells), in the middle or last, right before section 五: the next part stays its own."""
    data, name = review_parts_document(layout, PART_HEADINGS["two rows"], empty)
    report = extract_bytes(data, name)
    got = {k: c.value for k, c in report.cells.items() if k.startswith("review_litigation.")}
    want = {k: v for k, v in TRUTH.items() if k.startswith("review_litigation.")}
    want.update({f"review_litigation.{empty}.{c}": None for c in REVIEW_COLUMNS})
    assert got == want


def test_section_four_printed_whole_with_only_its_first_heading_is_not_read_in_parts() -> None:
    """A whole table whose header names only 行政复议 over a row that prints five numbers
    (zeros dropped) is one row of fifteen slots, placed by the arithmetic or left out:
    never the 行政复议 group's five cells."""
    lines = [
        *section_three_rows("  "),
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议  行政诉讼",
        "  ".join(REVIEW_RESULTS * 3),
        "1  0  1  0  2",
        "五、存在的主要问题及改进情况",
    ]
    report = extract_bytes("\n".join(lines).encode(), "x.txt")
    assert (
        "review_litigation.review.upheld" not in report.cells
        or report.cells["review_litigation.review.upheld"].placed != "printed"
    )


def test_a_row_label_alone_is_never_the_tail_of_the_label_before_it() -> None:
    """Run-together rows whose next enumeration stuck to the previous run (`…申请60000063.`
    then `其他10820000110`): the 缴纳费用 label, garbled by the digits, and `其他` were
    joined as one wrapped label, which the lenient pattern read as the 缴纳费用 row, with
    the 其他 row's numbers (108 for 6). `其他` alone names a row; it ends no other label."""
    text = "\n".join(
        [
            "三、收到和处理政府信息公开申请情况",
            "（六）其他处理1.",
            "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请6730010712.",
            "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请60000063.",
            "其他10820000110",
            "（七）总计293253006143050",
        ]
    )
    report = extract_bytes(text.encode(), "x.txt")
    assert not any(k.startswith("applications.other_unpaid_fee") for k in report.cells)


def test_a_row_printed_over_two_lines_of_its_grid_is_read_whole_when_it_adds_up() -> None:
    """pymupdf4llm splits a row whose label wraps: `（二）部分公开` with only its total on
    its line, the other numbers on the next line under the label's continuation. Read
    as printed, the label's empty cells were five blanks (wrong numbers). The two lines
    are one row when their numbers sit in each other's empty columns and add up; a
    line that does not add up leaves the empty cells in doubt."""
    head = [
        "三、收到和处理政府信息公开申请情况",
        "|||自然人|商业企业|科研机构|社会公益组织|法律服务机构|其他|总计|",
        "|---|---|---|---|---|---|---|---|---|",
        "|一、|本年新收政府信息公开申请数量||221|249|159|293|92|140|1154|",
    ]
    split = [
        "|本|（二）部分公开|||||||68|",
        "|年度|（区分处理的，只计这一情形，不计其他情形）|8|0|60|0|0|0||",
    ]
    report = extract_bytes(("\n".join(head + split) + "\n").encode(), "x.md")
    row = {c: report.cells[f"applications.partially_disclosed.{c}"].value for c in APPLICANT_COLUMNS}
    assert list(row.values()) == [8, 0, 60, 0, 0, 0, 68]
    assert any("two lines of its grid" in w for w in report.warnings)
    # the same lines not adding up: no blank is read, nothing is guessed
    wrong_total = [split[0].replace("68", "69"), split[1]]
    report = extract_bytes(("\n".join(head + wrong_total) + "\n").encode(), "x.md")
    assert not any(k.startswith("applications.partially_disclosed") for k in report.cells)


def test_bare_value_rows_ending_section_three_take_its_last_rows_when_they_add_up() -> None:
    """A converter that tears labels from values may print （七）总计's and 结转下年度's
    numbers as rows without a label after the last row it labelled, before section 四:
    as many rows as the template still misses there, placed in its order, and kept
    because the column sums then hold."""
    lines = ["三、收到和处理政府信息公开申请情况", " ".join(HEADER)]
    for row, labels in LABELS_2021:
        values = " ".join(str(TRUTH[f"applications.{row}.{c}"]) for c in APPLICANT_COLUMNS)
        lines.append(values if row in ("results_total", "carried_forward") else " ".join([*labels, values]))
    lines += [
        "四、政府信息公开行政复议、行政诉讼情况",
        *REVIEW_HEADER,
        " ".join(str(TRUTH[k]) for k in REVIEW_KEYS),
    ]
    report = extract_bytes(("\n".join(lines) + "\n").encode(), "x.txt")
    check_all(report)
    assert any("placed in template order" in w for w in report.warnings)


def test_a_line_printing_a_numbered_label_of_its_own_does_not_continue_the_row_above() -> None:
    """pymupdf4llm printed `二、上年结转…` with empty cells over a line whose one label cell
    holds `三、本年度办理结果（一）予以公开（二）部分公开…` and 43, 3, 46: numbers in the
    empty columns that add up, but under labels of their own, not 上年结转's."""
    text = "\n".join(
        [
            "三、收到和处理政府信息公开申请情况",
            "||自然人|商业企业|科研机构|社会公益组织|法律服务机构|其他|总计|",
            "|---|---|---|---|---|---|---|---|",
            "|一、本年新收政府信息公开申请数量|56|3|||||59|",
            "|二、上年结转政府信息公开申请数量||||||||",
            "|三、本年度办理结果（一）予以公开（二）部分公开（区分处理的，只计这一情形，不计其他情形）|43|3|||||46|",
        ]
    )
    report = extract_bytes((text + "\n").encode(), "x.md")
    assert not any(c.value for k, c in report.cells.items() if k.startswith("applications.carried_over"))


def test_bare_rows_are_confirmed_one_by_one() -> None:
    """上年结转 printed without its label is confirmed by 一+二 = 七+四 in every column; a
    bare 2.没有现成信息 is not (a row missing whole, 4.保护第三方, breaks the results sum it
    would lean on). The first is kept, the second left out: one row the arithmetic cannot
    confirm no longer takes the others with it."""
    lines = ["三、收到和处理政府信息公开申请情况", " ".join(HEADER)]
    for row, labels in LABELS_2021:
        values = " ".join(str(TRUTH[f"applications.{row}.{c}"]) for c in APPLICANT_COLUMNS)
        if row == "withheld_third_party":
            continue
        bare = row in ("carried_over", "unavailable_needs_creation")
        lines.append(values if bare else " ".join([*labels, values]))
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况"]
    report = extract_bytes(("\n".join(lines) + "\n").encode(), "x.txt")
    for c in APPLICANT_COLUMNS:
        assert report.cells[f"applications.carried_over.{c}"].value == TRUTH[f"applications.carried_over.{c}"]
    assert not any(k.startswith("applications.unavailable_needs_creation") for k in report.cells)


def test_in_a_torn_table_a_label_without_its_numbers_still_says_where_the_text_is() -> None:
    """markitdown printed （六）1 and 2's labels on lines of their own, their numbers on
    the next lines: `3、其他` is then （六）3, as the label before it says, though that
    label took no numbers."""
    text = "\n".join(
        [
            "三、收到和处理政府信息公开申请情况",
            "| 自然人 | 商业企业 科研机构 | 社会公益组织 法律服务机构 | 其他 | 总计 |",
            "| （五）不予处理 | 5.要求行政机关确认或重新出具已获取信息 | 0 0 | 0 0 | 0 0 | 0 |",
            "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "| 1 0 | 0 0 | 0 0 | 1 |",
            "2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "| 0 0 | 0 0 | 0 0 | 0 |",
            "| 3、其他 | 2 0 | 0 0 | 0 0 | 2 |",
        ]
    )
    report = extract_bytes((text + "\n").encode(), "x.md")
    row = [report.cells[f"applications.other_other.{c}"].value for c in APPLICANT_COLUMNS]
    assert row == [2, 0, 0, 0, 0, 0, 2]
