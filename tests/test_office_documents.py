"""PDF and Word reports: real PDFs (corpus/dev-pdf), and documents rendered by
tests/make_documents.py (the seed as DOCX/PDF, a table split over pages, a landscape
page, a PDF without rulings, a scan, a DOC)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from extract import ReadError, extract_path, settings
from extract.model import Cell
from extract.readers import read_bytes
from extract.readers.pdf import GridCell, Part, group_cells, split_by_structure, stitch
from extract.settings import ReadSettings
from tests.conftest import CORPUS

DOCUMENTS = Path(__file__).parent / "documents"
DEV_PDF = CORPUS / "dev-pdf"

CASES = [
    (DEV_PDF / "hongze-2023.pdf", DEV_PDF / "hongze-2023.json"),
    (DEV_PDF / "hongze-2024.pdf", DEV_PDF / "hongze-2024.json"),
    (DEV_PDF / "huaian-szfgs-2024.pdf", DEV_PDF / "huaian-szfgs-2024.json"),
    (CORPUS / "seed-rendered" / "baicheng-2019-pdf.pdf", CORPUS / "seed-rendered" / "baicheng-2019-pdf.json"),
    (
        CORPUS / "seed-rendered" / "baicheng-2019-docx.docx",
        CORPUS / "seed-rendered" / "baicheng-2019-docx.json",
    ),
    (DOCUMENTS / "split-2021.pdf", DOCUMENTS / "split-2021.json"),
    (DOCUMENTS / "split-2021.docx", DOCUMENTS / "split-2021.json"),
    (DOCUMENTS / "landscape-2021.pdf", DOCUMENTS / "landscape-2021.json"),
    (DOCUMENTS / "unruled-2021.pdf", DOCUMENTS / "unruled-2021.json"),
]


@pytest.mark.parametrize(("path", "meta"), CASES, ids=[p.name for p, _ in CASES])
def test_every_truth_cell(path: Path, meta: Path) -> None:
    info = json.loads(meta.read_text(encoding="utf-8"))
    report = extract_path(path)
    got = {k: c.value for k, c in report.cells.items()}
    assert {k: got.get(k) for k in info["truth"]} == info["truth"]
    assert sorted(set(got) - set(info["truth"])) == []
    assert (report.year, report.template, report.title) == (info["year"], info["template"], info["title"])
    assert report.format == path.suffix[1:]


def cells_of(path: Path) -> list[Cell]:
    return read_bytes(path.read_bytes(), str(path)).cells


def row_texts(cells: list[Cell], first: str) -> list[str]:
    """The texts of the row whose first cell is `first`."""
    row = next(c.row for c in cells if c.text == first)
    return [c.text for c in cells if c.row == row]


def test_pdf_label_cut_by_the_page_break_is_rejoined() -> None:
    # huaian p.4 ends inside （四）无法提供: `（四）无` on p.4, `法提供` on p.5
    cells = cells_of(DEV_PDF / "huaian-szfgs-2024.pdf")
    texts = [c.text for c in cells]
    assert "（四）无法提供" in texts
    assert "法提供" not in texts and "（四）无" not in texts
    row = row_texts(cells, "（四）无法提供")
    assert row == ["（四）无法提供", "1.本机关不掌握相关政府信息", "746", "12", "0", "0", "10", "1", "769"]
    # the rows after the break belong to the same block, with running row numbers
    a = next(c for c in cells if c.text == "1.本机关不掌握相关政府信息")
    b = next(c for c in cells if c.text == "2.没有现成信息需要另行制作")
    assert (b.block, b.row, b.col) == (a.block, a.row + 1, a.col)


def test_pdf_stacked_and_wrapped_headers_are_one_label() -> None:
    cells = cells_of(DEV_PDF / "huaian-szfgs-2024.pdf")
    texts = {c.text for c in cells}
    assert {
        "三、本年度办理结果",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "（三）不予公开",
    } <= texts
    three = next(c for c in cells if c.text == "三、本年度办理结果")
    assert three.col == 0
    header = next(c for c in cells if c.text == "申请人情况")
    assert header.col == 3  # after the corner note, which spans three grid columns


def test_pdf_merged_cells_are_emitted_once_at_their_top_left() -> None:
    cells = cells_of(DEV_PDF / "hongze-2023.pdf")
    # section 四: 15 numbers in one row, grid columns 0..14
    last = [c for c in cells if c.row == max(c.row for c in cells)]
    assert [c.text for c in last] == [
        "10",
        "1",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "0",
        "5",
        "0",
        "0",
        "0",
        "0",
    ]
    assert [c.col for c in last] == list(range(15))
    # the invisible white rectangle inside 行政诉讼 is no ruling: no empty header cell
    header = [c for c in cells if c.block == last[0].block and c.row == last[0].row - 3]
    assert [(c.text, c.col) for c in header] == [("行政复议", 0), ("行政诉讼", 5)]
    # the extra empty ruled label cell of （六）其他处理 is no data column
    assert row_texts(cells, "（六）其他处理") == ["（六）其他处理", "0", "0", "0", "0", "0", "0", "0"]


def test_pdf_section_two_table_is_stitched_over_the_page_break() -> None:
    # hongze-2024 breaks between the （五） block (p.2) and the （六） caption (p.3)
    cells = cells_of(DEV_PDF / "hongze-2024.pdf")
    licensing = next(c for c in cells if c.text == "行政许可")
    caption = next(c for c in cells if c.text == "第二十条第（六）项")
    assert caption.block == licensing.block and caption.row == licensing.row + 1
    assert row_texts(cells, "行政处罚") == ["行政处罚", "2776"]


def test_pdf_text_drops_page_numbers_and_keeps_the_sections() -> None:
    doc = read_bytes((DEV_PDF / "huaian-szfgs-2024.pdf").read_bytes(), "huaian.pdf")
    lines = doc.text.splitlines()
    assert lines[0] == "淮安市人民政府2024年政府信息公开工作年度报告"
    assert not any(line.strip().startswith("- ") and line.strip().endswith(" -") for line in lines)
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "五、存在的主要问题及改进情况"):
        assert heading in lines
    assert "规章 | 1 | 0 | 11" in lines  # tables keep their place in the text, a row per line


def test_docx_template_merges_and_blank_cells() -> None:
    blank = DEV_PDF / "template-2021-blank.docx"
    cells = cells_of(blank)
    assert [c.text for c in cells if c.row == cells[0].row] == ["第二十条第（一）项"]  # gridSpan: once
    assert sum(c.text == "三、本年度办理结果" for c in cells) == 1  # vMerge: once
    assert {"商业企业", "科研机构"} <= {c.text for c in cells}  # line breaks inside the cell joined
    row = [c for c in cells if c.row == next(x.row for x in cells if x.text.startswith("一、本年新收"))]
    assert [c.col for c in row] == [0, 3, 4, 5, 6, 7, 8, 9]
    assert all(c.text == "" for c in row[1:])  # U+3000 cells are blank
    report = extract_path(blank)
    assert report.template == "2021"
    assert report.cells and all(c.value is None for c in report.cells.values())


def test_split_table_keeps_its_group_label_across_the_page() -> None:
    cells = cells_of(DOCUMENTS / "split-2021.pdf")
    other = next(c for c in cells if c.text == "（六）其他处理")
    last = next(c for c in cells if c.text.startswith("3.其他"))
    assert last.block == other.block and last.row == other.row + 2


def test_repeated_header_rows_are_dropped_when_stitching() -> None:
    def part(page: int, rows: list[list[str]]) -> Part:
        cells = [
            GridCell(t, r, c, 1, 100.0 + 50 * c) for r, row in enumerate(rows) for c, t in enumerate(row)
        ]
        return Part(
            page,
            (100, 80, 300, 700),
            cells,
            len(rows),
            [100.0, 150.0, 200.0, 250.0],
            first_on_page=True,
            last_on_page=True,
            text_above=False,
            text_below=False,
        )

    header = ["信息内容", "自然人", "商业企业", "总计"]
    first = part(0, [header, ["1.属于国家秘密", "1", "0", "1"]])
    second = part(1, [header, ["2.其他法律行政法规禁止公开", "2", "0", "2"]])
    warnings: list[str] = []
    got = [(r, c, cell.text) for r, c, cell in group_cells([first, second], warnings)]
    assert [t for r, _, t in got if r == 2] == ["2.其他法律行政法规禁止公开", "2", "0", "2"]
    assert len(got) == 12 and warnings == ["a table continues over 2 pages (pages 1-2); stitched"]


def test_scan_below_ocr_resolution_gives_no_number() -> None:
    # 60 dpi: digits a few pixels tall; OCR reads the page but no number is certain
    doc = read_bytes((DOCUMENTS / "scan-2021.pdf").read_bytes(), "scan-2021.pdf")
    assert doc.ocr_pages == [1, 2, 3, 4]
    assert extract_path(DOCUMENTS / "scan-2021.pdf").cells == {}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_doc_is_read_through_libreoffice() -> None:
    info = json.loads((DOCUMENTS / "split-2021.json").read_text(encoding="utf-8"))
    report = extract_path(DOCUMENTS / "split-2021.doc")
    assert report.format == "doc"
    assert {k: report.cells[k].value for k in info["truth"]} == info["truth"]


def test_doc_without_libreoffice_names_the_program() -> None:
    with (
        settings.configured(ReadSettings(soffice="/nonexistent/soffice")),
        pytest.raises(ReadError, match=r"soffice was not found.*apt-get install libreoffice-writer"),
    ):
        read_bytes((DOCUMENTS / "split-2021.doc").read_bytes(), "split-2021.doc")


# --- stitching by column structure (synthetic parts: no LibreOffice needed) -----------------

APP_EDGES = [100.0, 122.0, 170.0, 255.0, 297.0, 340.0]  # three label columns, two value columns


def grid_part(
    page: int, rows: list[list[tuple[str, int, int]]], *, first: bool = True, last: bool = True
) -> Part:
    """A ruled part; each row a list of (text, first column, last column) on APP_EDGES."""
    cells = [
        GridCell(text, r, c0, 1, APP_EDGES[c0], APP_EDGES[c1 + 1])
        for r, row in enumerate(rows)
        for text, c0, c1 in row
    ]
    xs = sorted({c.x0 for c in cells})
    for c in cells:
        c.col = xs.index(c.x0)
    tops = [60.0 + 20 * r for r in range(len(rows) + 1)]
    bbox = (APP_EDGES[0], tops[0], APP_EDGES[-1], tops[-1])
    return Part(page, bbox, cells, len(rows), xs, first, last, False, False, tops=tops)


def data_row(label: str, a: str, b: str) -> list[tuple[str, int, int]]:
    return [(label, 0, 2), (a, 3, 3), (b, 4, 4)]


def test_a_table_goes_on_over_three_pages_and_a_last_row_alone_joins_it() -> None:
    pages = [
        grid_part(0, [[("申请人情况", 0, 4)], data_row("一、本年新收", "1", "1")]),
        grid_part(1, [data_row("二、上年结转", "0", "0"), data_row("（七）总计", "1", "1")]),
        grid_part(2, [data_row("四、结转下年度继续办理", "0", "0")]),  # one row alone
    ]
    other = Part(2, (100, 200, 340, 260), [GridCell("行政复议", 0, 0, 1, 100.0, 180.0)], 1, [100.0])
    other.cells.append(GridCell("行政诉讼", 0, 1, 1, 180.0, 340.0))
    other.xs = [100.0, 180.0]
    pages[2].last_on_page = False
    assert stitch([*pages, other]) == [pages, [other]]


def test_a_fragment_whose_columns_do_not_line_up_starts_a_table() -> None:
    first = grid_part(0, [data_row("一、本年新收", "1", "1")])
    shifted = grid_part(1, [data_row("二、上年结转", "0", "0")])
    for c in shifted.cells:
        c.x0, c.x1 = c.x0 + 25, c.x1 + 25  # other inner edges, same outer width moved: another table
    assert stitch([first, shifted]) == [[first], [shifted]]


def test_two_tables_printed_as_one_are_cut_where_the_columns_change() -> None:
    fifteen = [100.0 + 16 * i for i in range(16)]
    rows = [
        [("三、本年度办理结果", 0, 0), ("（七）总计", 1, 2), ("5", 3, 3), ("5", 4, 4)],
        data_row("四、结转下年度继续办理", "0", "0"),
    ]
    part = grid_part(0, rows)
    part.cells += [GridCell(str(i), 2, 0, 1, fifteen[i], fifteen[i + 1]) for i in range(15)]
    part.nrows, part.tops = 3, [*part.tops, part.tops[-1] + 20]
    three, four = split_by_structure(part)
    assert (three.nrows, four.nrows) == (2, 1)
    assert [c.text for c in four.cells] == [str(i) for i in range(15)]
    assert [c.col for c in four.cells] == list(range(15))


def test_a_row_broken_over_a_page_is_one_row_and_a_repeated_header_is_dropped() -> None:
    header = [("申请人情况", 0, 4)]
    top = grid_part(0, [header, data_row("2.申请人逾期未", "6", "6")])
    top.cells[-3].full = True  # the label's last line fills its cell: it goes on overleaf
    rest = grid_part(1, [header, data_row("按收费通知要求缴纳费用", "", ""), data_row("3.其他", "1", "1")])
    warnings: list[str] = []
    got = group_cells(stitch([top, rest])[0], warnings)
    rows: dict[int, list[str]] = {}
    for r, _, cell in got:
        rows.setdefault(r, []).append(cell.text)
    assert list(rows.values()) == [
        ["申请人情况"],
        ["2.申请人逾期未按收费通知要求缴纳费用", "6", "6"],
        ["3.其他", "1", "1"],
    ]


def test_a_row_of_its_own_overleaf_is_not_glued_to_the_row_above() -> None:
    # the label above ends short of its cell's edge: the row overleaf is a row of its own,
    # even with blank values and no enumeration
    top = grid_part(0, [data_row("行政处罚", "3", "3")])
    rest = grid_part(1, [data_row("行政强制", "", "")])
    got = group_cells(stitch([top, rest])[0], [])
    assert [c.text for _, _, c in got] == ["行政处罚", "3", "3", "行政强制", "", ""]
