"""Readers: each layout of the shared corpus, and HTML grids, noise and encodings."""

from __future__ import annotations

import json

import pytest

from extract import extract_bytes
from extract.readers.html import read_html
from extract.readers.text import read_text
from extract.template import APPLICANT_COLUMNS
from tests.conftest import CORPUS


def texts_by_row(doc) -> list[list[str]]:
    rows: dict[int, list[str]] = {}
    for cell in doc.cells:
        rows.setdefault(cell.row, []).append(cell.text)
    return list(rows.values())


def test_pipe_rows_keep_cells_and_padding() -> None:
    # y2019-03, as printed: extra empty trailing cells of a wider HTML table
    doc = read_text("规章 | 0 | 0 | 0 | |\n第二十条第(五)项 | ||||\n", "x")
    assert texts_by_row(doc) == [["规章", "0", "0", "0", "", ""], ["第二十条第(五)项", "", "", "", "", ""]]


def test_space_separated_rows() -> None:
    # y2019-07
    doc = read_text("信息内容 本年新制作数量 本年新公开数量 对外公开总数量\n规章 0 0 0\n", "x")
    assert texts_by_row(doc) == [
        ["信息内容 本年新制作数量 本年新公开数量 对外公开总数量"],
        ["规章", "0", "0", "0"],
    ]


def test_space_rows_keep_labels_and_notes_together() -> None:
    doc = read_text("(一) 予以公开 43 3 0\n0 2 7 (市自然资源局) 10\n", "x")
    assert texts_by_row(doc) == [["(一) 予以公开", "43", "3", "0"], ["0", "2", "7(市自然资源局)", "10"]]


def test_one_cell_per_line_with_space_only_lines_as_empty_cells() -> None:
    # y2019-16: ' 0' then two empty cells written as lines of one space
    doc = read_text("行政许可\n\n 0\n\n \n\n \n\n其他对外管理服务事项\n\n 0\n", "x")
    assert [c.text for c in doc.cells] == ["行政许可", "0", "", "", "其他对外管理服务事项", "0"]


def test_wrapped_header_lines_are_one_cell_when_cells_are_double_spaced() -> None:
    # y2019-10: '本年新' / '制作数量' is one header cell
    doc = read_text("信息内容\n\n本年新\n制作数量\n\n本年新\n公开数量\n\n规章\n\n0\n", "x")
    assert [c.text for c in doc.cells] == ["信息内容", "本年新\n制作数量", "本年新\n公开数量", "规章", "0"]


SECTION_FOUR_HTML = """<html><head><meta charset="gb2312"><title>某局2020年政府信息公开工作年度报告</title></head>
<body><div class="nav"><a href="/">首页</a> <a href="/xxgk">政府信息公开</a> <a href="/nb">年报</a></div>
<div id="zoom"><p class=MsoNormal><span lang=EN-US>四、政府信息公开行政复议、行政诉讼情况</span></p>
<table border=1>
<tr><td colspan=5><p><span>行政复议</span></p></td><td colspan=10>行政诉讼</td></tr>
<tr><td rowspan=2>结果<br>维持</td><td rowspan=2>结果纠正</td><td rowspan=2>其他结果</td><td rowspan=2>尚未审结</td>
<td rowspan=2>总计</td><td colspan=5>未经复议直接起诉</td><td colspan=5>复议后起诉</td></tr>
<tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>
<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>
<tr><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td><td>2</td><td>1</td><td>0</td><td>0</td><td>3</td>
<td>&nbsp;</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
</table><p>五、存在的主要问题及改进情况</p><p>无。</p></div>
<div class="footer"><a href="/about">关于我们</a> <a href="/map">网站地图</a></div></body></html>"""


def test_html_grid_positions_follow_rowspan_and_colspan() -> None:
    doc = read_html(SECTION_FOUR_HTML.encode("gb18030"), "x.html")
    header3 = [c for c in doc.cells if c.text == "结果维持" and c.col is not None]
    # the third header row starts at grid column 5: the first five are rowspans from above
    assert [c.col for c in header3] == [5, 10]
    assert doc.title_hint == "某局2020年政府信息公开工作年度报告"
    assert "首页" not in doc.text and "网站地图" not in doc.text


def test_line_markers_avoid_characters_the_page_prints() -> None:
    # the reader cuts lines at private-use characters absent from the page;
    # a page printing the first of them (as a character, or as a numeric reference that
    # only parsing reveals) must read the same as one that does not
    plain = read_html(SECTION_FOUR_HTML.encode("utf-8"), "x.html")
    for pua in ("\ue000\ue001", "&#57344;&#xe001;"):
        page = SECTION_FOUR_HTML.replace("五、存在的主要问题及改进情况", f"五、存在的主要问题{pua}及改进情况")
        doc = read_html(page.encode("utf-8"), "x.html")
        assert [(c.text, c.row, c.col) for c in doc.cells if "问题" not in c.text] == [
            (c.text, c.row, c.col) for c in plain.cells if "问题" not in c.text
        ]
        assert "五、存在的主要问题\ue000\ue001及改进情况" in doc.text.splitlines()


def test_layout_tables_are_read_through_and_data_tables_as_grids() -> None:
    # a one-cell layout table around everything; inside it a data table with spans, a
    # <br> and paragraphs inside cells, a span attribute that is no number, and a
    # two-cell table (layout: read as text)
    page = """<html><body><table><tr><td>
      <p>前言</p>
      <table><tbody>
        <tr><th rowspan="2">项目</th><th colspan="2">数量</th></tr>
        <tr><td>甲<br>乙</td><td><p>1</p><p>2</p></td></tr>
        <tr><td>合计</td><td rowspan="x">3</td></tr>
      </tbody></table>
      <p>&nbsp;</p><p>结尾</p>
      <table><tr><td>短</td><td>表</td></tr></table>
    </td></tr></table></body></html>"""
    doc = read_html(page.encode(), "x.html")
    assert [(c.text, c.row, c.col) for c in doc.cells] == [
        ("前言", 0, None),
        ("项目", 1, 0),
        ("数量", 1, 1),
        ("甲 乙", 2, 1),  # column 0 is held by 项目's rowspan
        ("1 2", 2, 2),
        ("合计", 3, 0),
        ("3", 3, 1),
        ("", 4, None),  # a paragraph of only &nbsp; is an empty cell
        ("结尾", 5, None),
        ("短表", 6, None),
    ]
    assert doc.text.splitlines() == ["前言", "项目 | 数量", "甲 乙 | 1 2", "合计 | 3", "结尾", "短表"]


def test_utf8_page_parsed_from_its_bytes_reads_as_its_gb18030_copy() -> None:
    # UTF-8 pages are parsed from their bytes, other pages from their decoded text
    utf8 = SECTION_FOUR_HTML.replace('<meta charset="gb2312">', '<meta charset="utf-8">')
    a = read_html(utf8.encode("utf-8"), "x.html")
    b = read_html(SECTION_FOUR_HTML.encode("gb18030"), "x.html")
    assert a.text == b.text
    assert [(c.text, c.row, c.col) for c in a.cells] == [(c.text, c.row, c.col) for c in b.cells]
    assert a.title_hint == b.title_hint == "某局2020年政府信息公开工作年度报告"


def test_title_hint_prefers_the_article_title_meta_wherever_it_is() -> None:
    page = (
        "<html><head><title>首页 - 某市人民政府</title><title>第二个标题</title></head><body>"
        "<p>正文</p><meta name='ArticleTitle' content=' 某局2021年政府信息公开工作年度报告 '>"
        "</body></html>"
    )
    assert read_html(page.encode(), "x.html").title_hint == "某局2021年政府信息公开工作年度报告"
    without_meta = page.replace("<meta name='ArticleTitle'", "<meta name='keywords'")
    assert read_html(without_meta.encode(), "x.html").title_hint == "首页 - 某市人民政府"


def test_html_gbk_page_with_meta_charset_extracts_section_four() -> None:
    report = extract_bytes(SECTION_FOUR_HTML.encode("gb18030"), "x.html")
    got = {k: c.value for k, c in report.cells.items()}
    assert got["review_litigation.review.total"] == 1
    assert got["review_litigation.litigation_direct.total"] == 3
    assert got["review_litigation.litigation_after_review.upheld"] is None  # &nbsp; is a blank
    assert report.cells["review_litigation.litigation_after_review.upheld"].raw == ""
    assert report.year == 2020


def test_http_charset_header_wins_when_the_bytes_fit_it() -> None:
    page = SECTION_FOUR_HTML.replace('<meta charset="gb2312">', '<meta charset="utf-8">')
    report = extract_bytes(page.encode("gbk"), "x.html", content_type="text/html; charset=GBK")
    assert report.cells["review_litigation.litigation_direct.total"].value == 3


def test_html_flattened_one_paragraph_per_cell() -> None:
    cells = [
        "第二十条第（一）项",
        "信息内容",
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "规章",
        "0",
        "0",
        "3",
        "行政规范性文件",
        "5",
        "1",
        "<span>2</span><span>0</span>",
    ]
    body = "".join(f"<p>{c}</p>" for c in cells)
    report = extract_bytes(f"<html><body><div>{body}</div></body></html>".encode(), "x.html")
    assert report.template == "2021"
    got = {k: c.value for k, c in report.cells.items()}
    assert got["proactive.regulations.in_force"] == 3
    assert got["proactive.normative_documents.in_force"] == 20  # a number split over two spans


def test_a_note_on_its_own_line_belongs_to_the_value_above() -> None:
    text = "四、政府信息公开行政复议、行政诉讼情况\n行政复议\n行政诉讼\n" + "\n".join(
        ["0", "2", "0", "0", "2", "0", "0", "3", "7", "(市自然资源局)", "10", "0", "0", "0", "0", "0", ""]
    )  # ends with its line break: a text stopping mid-line is a cut copy (test_cut_copies.py)
    report = extract_bytes(text.encode(), "x.txt")
    cell = report.cells["review_litigation.litigation_direct.pending"]
    assert (cell.value, cell.raw, cell.note) == (7, "7(市自然资源局)", "市自然资源局")
    assert report.cells["review_litigation.litigation_direct.total"].value == 10


def test_error_pages_are_told_by_their_title_or_heading() -> None:
    from extract.sniff import html_error_page

    pages = {
        # the heading, not the site's title, says 404; tags in capitals
        "<html><head><title>某市人民政府</title></head><body><H1>404 Not Found</H1></body></html>": (
            "404 Not Found"
        ),
        "<html><head><TITLE> 页面不存在 </TITLE></head><body></body></html>": "页面不存在",
        # an <h1> that is no error before the title that is one: the leftmost error wins
        "<h1>欢迎</h1><title>访问出错</title><h1>Forbidden</h1>": "访问出错",
        "<html><head><title>某局2020年政府信息公开工作年度报告</title></head></html>": None,
    }
    for page, expected in pages.items():
        assert html_error_page(page.encode()) == expected


def test_a_page_printing_every_marker_character_is_refused_with_a_reason() -> None:
    import pytest

    from extract.model import ReadError

    pua = "".join(chr(c) for c in range(0xE000, 0xE100))
    page = f"<html><body><p>{pua}</p><table><tr><td>1</td><td>2</td><td>3</td></tr></table></body></html>"
    with pytest.raises(ReadError, match="private-use character"):
        read_html(page.encode(), "x.html")


def test_outer_pipes_are_syntax_only_in_pairs() -> None:
    from extract.readers.text import split_pipe_row

    assert split_pipe_row("| 规章 | 0 | 3 |") == ["规章", "0", "3"]  # Markdown
    assert split_pipe_row("|") == []
    # an export's ` | `-joined rows: a row whose first cell is empty starts with a space,
    # and its outer pipes close empty cells (unless the text is Markdown, with `|---|`)
    assert split_pipe_row("规章 | 0 | 3 | |") == ["规章", "0", "3", "", ""]
    assert split_pipe_row(" |  | 1 | 14") == ["", "", "1", "14"]
    assert split_pipe_row(" | 15 |  | 0 |") == ["", "15", "", "0", ""]
    assert split_pipe_row(" | 15 |  | 0 |", markdown=True) == ["15", "", "0"]


def test_a_pipe_row_starting_with_blank_cells_keeps_its_columns() -> None:
    """Found by hypothesis (test_property.test_text_pipes): section 四's value row
    printed ` |  | 1 | 14 | 15 | …`, its first two cells blank. Read as Markdown, the
    row lost one blank cell, and 14 cells for 15 columns were ambiguous."""
    text = "\n".join(
        [
            "四、政府信息公开行政复议、行政诉讼情况",
            "行政复议 | 行政诉讼 |  |  |  |  |  |  |  |  |  |  |  |  |",
            "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉",
            "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计",
            " |  | 1 | 14 | 15 | 3 |  | 6 | 3 | 12 | 0 | 1 | 0 | 0 | 1",
            "五、存在的主要问题及改进情况",
        ]
    )
    cells = {k: c.value for k, c in extract_bytes(text.encode(), "x.txt").cells.items()}
    assert [
        cells[f"review_litigation.review.{c}"] for c in ("upheld", "corrected", "other", "pending", "total")
    ] == [
        None,
        None,
        1,
        14,
        15,
    ]
    assert cells["review_litigation.litigation_direct.corrected"] is None
    assert cells["review_litigation.litigation_after_review.total"] == 1


@pytest.mark.parametrize(
    "pad", [lambda ln: "    " + ln, lambda ln: ln + "\u00a0 "], ids=["indented", "trailing"]
)
def test_blank_lines_that_hold_spaces_are_separators_not_cells(pad) -> None:
    """y2019-16 prints one cell per line, blank lines between, and an empty cell as a
    line holding a space. Padded, no line is empty any more: every separator read as an
    empty cell shifted 行政许可's 0 into 本年增/减 (a wrong number no check catches)."""
    path = CORPUS / "dev" / "y2019-16.txt"
    truth = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["truth"]
    text = "\n".join(pad(line) for line in path.read_text(encoding="utf-8").split("\n"))
    cells = {k: c.value for k, c in extract_bytes(text.encode(), "padded.txt").cells.items()}
    assert cells == truth
    assert (cells["proactive.licensing.prev_items"], cells["proactive.licensing.change"]) == (0, None)


def test_blank_lines_of_no_steady_pattern_are_never_cells() -> None:
    """A run of two blank lines between cells fits no separator/empty-cell pattern: no
    blank line is then read as a cell, and the short row is left out, not shifted."""
    labels = ["二、主动公开政府信息情况", "第二十条第（五）项", "信息内容", "上一年项目数量", "本年增/减"]
    lines = [x for label in [*labels, "处理决定数量", "行政许可", "0"] for x in (label, " ")]
    text = "\n".join([*lines, " ", "5", " "])  # two blank lines between 0 and 5
    report = extract_bytes(text.encode(), "x.txt")
    assert not any(k.startswith("proactive.licensing") for k in report.cells)
    assert "empty cells cannot be told from separators" in report.warnings[0]


def test_a_grid_that_merges_columns_shows_no_blanks_and_pairs_values_on_their_line() -> None:
    """Markdown rebuilt from a PDF's layout (markitdown) merges neighbouring numbers into
    one cell (`| 3 0 |`) and leaves empty cells where its grid has gaps: `| 规章 |  | 602 |  |`
    is one number of three columns, not two blanks around 本年废止件数. A number on a line
    of its own (`7`) may be the row above's or the row below's: it is neither's."""
    text = "\n".join(
        [
            "二、主动公开政府信息情况",
            "第二十条第（一）项",
            "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
            "| --- | --- | --- | --- |",
            "| 规章 |  | 602 |  |",
            "| 行政规范性文件 | 3 0 | 8 |",
            "第二十条第（五）项",
            "| 信息内容 | 本年处理决定数量 |",
            "| --- | --- |",
            "| 行政许可 |  | 9487 |",
            "7",
            "| 行政处罚 |  |  |",
            "三、收到和处理政府信息公开申请情况",
        ]
    )
    report = extract_bytes((text + "\n").encode(), "x.md")
    cells = {k: c.value for k, c in report.cells.items()}
    assert cells == {
        "proactive.normative_documents.issued": 3,
        "proactive.normative_documents.repealed": 0,
        "proactive.normative_documents.in_force": 8,
        "proactive.licensing.decisions": 9487,
    }
    assert any("merge columns" in w for w in report.warnings)


def test_a_cell_s_lines_joined_by_br_are_texts_of_their_own_and_numbers_stay_whole() -> None:
    """pymupdf4llm prints a cell's lines joined by `<br>`: the vertical group label's
    pieces over the row's label (`三、<br>1.属于国家秘密`) read as one text named no row.
    A cell of two numbers (`12<br>36`, two rows' numbers in one cell) is no number."""
    from extract.readers.text import cell_lines

    assert cell_lines("三、<br>1.属于国家秘密") == ["三、", "1.属于国家秘密"]
    assert cell_lines("法人或其<br>") == ["法人或其"]
    assert cell_lines("12<br>36") == ["12<br>36"]
    # a Markdown row of one cell: its lines too
    one_cell = read_text("| 一、本年<br>新收政府信息公开<br>申请数量 |\n", "x.md").cells
    assert [c.text for c in one_cell] == ["一、本年", "新收政府信息公开", "申请数量"]
    text = "\n".join(
        [
            "三、收到和处理政府信息公开申请情况",
            "||自然人|商业企业|科研机构|社会公益组织|法律服务机构|其他|总计|",
            "|---|---|---|---|---|---|---|---|---|",
            "|三、<br>1.属于国家秘密|2|0|0|0|0|0|2|",
            "|本<br>2.其他法律行政法规禁止公开|30|1|0|0|0|0|31|",
            "|三<br>（一）予以公开<br>（二）部分公开|43|3|0|0|0|0|46|",
        ]
    )
    report = extract_bytes((text + "\n").encode(), "x.md")
    cells = {k: c.value for k, c in report.cells.items()}
    assert [cells[f"applications.withheld_state_secret.{c}"] for c in APPLICANT_COLUMNS] == [
        2,
        0,
        0,
        0,
        0,
        0,
        2,
    ]
    assert cells["applications.withheld_law_prohibited.total"] == 31
    # one cell naming two rows: its numbers may be either's
    assert not any(k.startswith(("applications.disclosed", "applications.partially")) for k in cells)
    assert any("one cell names two rows" in w for w in report.warnings)


def test_a_page_number_laid_into_a_converter_s_grid_is_no_row() -> None:
    """markitdown lays a page's footer into the table's grid (`|  |  | - 3 | - |`): read
    as cells, it was a row of values without a label, one too many for the template
    order to place the others."""
    for line in ("|     |     |     | - 3 | -   |", "|  |  |  |  | - | 3 - |", "| 第 2 页 |  |"):
        assert read_text(line + "\n", "x.md").cells == []
    assert [c.text for c in read_text("| 规章 | - | 3 |\n", "x.md").cells] == ["规章", "-", "3"]


def test_a_tab_row_whose_cells_after_the_label_are_all_empty_keeps_them() -> None:
    """Found by hypothesis (text_pipes with tabs): `行政强制\\t\\t\\t\\t` has no tab between
    two printed cells; read as a label alone, its empty cell was lost."""
    from extract.readers.text import read_text

    doc = read_text("行政许可\t0\t\t\n行政强制\t\t\t\t\n", "x.txt")
    rows: dict[int, list[str]] = {}
    for cell in doc.cells:
        rows.setdefault(cell.row, []).append(cell.text)
    assert list(rows.values()) == [["行政许可", "0", "", ""], ["行政强制", "", "", "", ""]]
