"""Render the test documents: reports as DOCX with the official table layout, and PDF.

    python tests/make_documents.py        # needs python-docx and LibreOffice with a CJK font

The DOCX files are written by the demo's writer (`crawler/demo/word.py`) from the grids
of `crawler/demo/synth.py`: the three standard tables with the merged cells of the
national templates (shared/reference/report-format.md): the 勾稽 corner note over
three header rows, `三、本年度办理结果` and the group labels merged down their rows
(`vMerge`), captions and single-value rows merged across (`gridSpan`). This module adds
only the look of a printed report (A4 pages, a CJK font, fixed column widths, a page
number). The PDFs are LibreOffice's export of those DOCX files (as a report exported
from Word), so the PDF tables are ruled, merged and broken across pages by a real
layout engine.

Variants, each testing one difficulty of real PDFs:
- the seed report (corpus/seed) as DOCX and PDF, truth beside them (corpus/seed-rendered);
- `split-2021`: a long section 一 pushes the section 三 table across a page break,
  and its header rows repeat on the next page (`w:tblHeader`);
- `landscape-2021`: section 四 on a landscape page of its own (a wide table);
- `unruled-2021`: no table borders at all (the word-position fallback);
- `scan-2021.pdf`: the PDF rasterised into an image-only PDF (a scan);
- `split-2021.doc`: the DOCX saved as Word 97 by LibreOffice (the DOC/WPS path).

The generated numbers are drawn by `synth.generate_tables`, the demo's generator, and
satisfy every equation of the tables, so a wrong placement shows up as a failed check.
Outputs are committed so that CI needs no LibreOffice (those in tests/documents were
drawn by this module's own generator before it used the demo's: their truth is beside
them, and a new run draws other numbers of the same kind).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

TESTS = Path(__file__).resolve().parent
if __name__ == "__main__":  # run as a script; under pytest the installed package is the one tested
    sys.path.insert(0, str(TESTS.parent))

from crawler.demo.synth import (  # noqa: E402
    Grid,
    GridCell,
    RandomChoices,
    Tables,
    generate_tables,
    report_grids,
)
from crawler.demo.word import add_table, paragraph, set_font, set_text  # noqa: E402
from extract.template import (  # noqa: E402
    APPLICANT_COLUMNS,
    APPLICANT_HEADERS,
    CORNER_NOTE,
    OTHER_ROWS_2021,
    PRINTED_GROUP_LABELS,
    PRINTED_ROW_LABELS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    REVIEW_RESULTS,
    SECTION_HEADINGS,
    application_rows,
)

DOCUMENTS = TESTS / "documents"
RENDERED = TESTS / "corpus" / "seed-rendered"
SEED = TESTS / "corpus" / "seed" / "baicheng-2019.json"
FONT = "Noto Serif CJK SC"

HEADINGS = SECTION_HEADINGS
ROW_LABELS = PRINTED_ROW_LABELS
PROSE = (
    "本机关坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
    "围绕中心工作，进一步完善政府信息公开制度，规范依申请公开办理流程，加强政府网站和政务新媒体管理，"
    "推动政务公开工作取得新成效。"
)
# header cells printed a size smaller, as the templates do (the rest: 9 pt)
SMALL_HEADERS = {
    "proactive": frozenset(),
    "applications": frozenset({CORNER_NOTE, *APPLICANT_HEADERS[1:6]}),
    "review_litigation": frozenset(REVIEW_RESULTS),
}
PROACTIVE_WIDTHS = [46.0, 40, 40, 40]  # mm
APPLICATIONS_WIDTHS = [12.0, 16, 44, *[11] * 7]
para = partial(paragraph, font=FONT)  # every paragraph in the CJK font


# --- numbers ------------------------------------------------------------------------


def synthetic_truth(seed: int, template: str) -> dict[str, Any]:
    """Numbers for every key of a template that satisfy every equation of the tables:
    the demo's generator, without blanks or notes in cells (the truth is a number)."""
    return dict(generate_tables(RandomChoices(seed), template, nulls=False, notes=False).values)


def printed(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


# --- DOCX building ------------------------------------------------------------------------


def truth_grids(truth: dict[str, Any], template: str) -> list[Grid]:
    """Sections 二, 三 and 四 as grids, every cell printed (a missing number: empty).

    One difference from the demo's grids: 2019's (六)其他处理 is printed as a group
    label over its single row (`（六）其他处理 | 其他处理`), as these documents always
    had it, where the template (and the demo) write one label across both columns.
    The rendering matrix (tests/test_office_matrix.py) was measured on this layout:
    with the template's, rendering m08a's PDF loses section 四 (no wrong number)."""
    grids = report_grids(Tables(template, dict(truth), {}), lambda key: printed(truth.get(key)))
    if template == "2019":
        for row in grids[1].rows:
            if row and row[0].kind == "label" and row[0].text == ROW_LABELS["other_handling"]:
                row[0:1] = [GridCell(PRINTED_GROUP_LABELS["other"], "group"), GridCell(row[0].text, "label")]
    return grids


def word_table(doc: Any, grid: Grid, widths_mm: list[float], borders: bool, header_rows: int = 0) -> Any:
    """A table as the test documents print it: fixed widths, the CJK font, rows kept whole."""
    small = SMALL_HEADERS.get(grid.name, frozenset())

    def size_of(cell: GridCell) -> float:
        return 8 if cell.text in small else 9

    return add_table(
        doc,
        grid,
        widths_mm=widths_mm,
        ruled=borders,
        font=FONT,
        size_of=size_of,
        keep_rows_whole=True,
        header_rows=header_rows,
    )


def heading(doc: Any, number: str) -> None:
    para(doc, HEADINGS[number], 14, bold=True, indent=False)


def closing(doc: Any) -> None:
    """Sections 五 and 六, as short as reports make them."""
    heading(doc, "五")
    para(doc, "政策解读质量仍需提升，下一步将加强培训，提高政务公开工作水平。")
    heading(doc, "六")
    para(doc, "本年度未收取信息处理费。")


def new_page(doc: Any, *, landscape: bool) -> None:
    """A new section of A4 pages, from a new page: landscape (a wide table) or portrait."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))


def build_docx(
    info: dict[str, Any],
    path: Path,
    *,
    prose_paragraphs: int = 3,
    repeat_header: bool = False,
    landscape_review: bool = False,
    borders: bool = True,
) -> Path:
    truth, template = info["truth"], info["template"]
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin = section.bottom_margin = Mm(25)
    footer = section.footer.paragraphs[0]
    footer.alignment = 1
    set_font(footer.add_run("- "), 9, font=FONT)  # the page number as Chinese reports print it: - 4 -
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    set_font(footer.add_run(" -"), 9, font=FONT)
    para(doc, info["title"], 18, bold=True, center=True)
    heading(doc, "一")
    for _ in range(prose_paragraphs):
        para(doc, PROSE)
    pro, app, rev = truth_grids(truth, template)
    heading(doc, "二")
    word_table(doc, pro, PROACTIVE_WIDTHS, borders)
    heading(doc, "三")
    word_table(doc, app, APPLICATIONS_WIDTHS, borders, header_rows=3 if repeat_header else 0)
    if landscape_review:
        new_page(doc, landscape=True)
    heading(doc, "四")
    word_table(doc, rev, [(240 if landscape_review else 160) / 15] * 15, borders)
    if landscape_review:
        new_page(doc, landscape=False)
    closing(doc)
    doc.core_properties.title = info["title"]
    doc.core_properties.author = "xxgk tests"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


# --- conversions ------------------------------------------------------------------------------


def soffice(src: Path, fmt: str, outdir: Path) -> Path:
    """`src` converted to `fmt` in `outdir` by LibreOffice; the converted file."""
    return convert_many([src], fmt, outdir, timeout=180)[0]


def scan(pdf: Path, out: Path, dpi: int = 60) -> Path:
    """An image-only PDF of the same pages, as a scanner would make (greyscale JPEG)."""
    import pypdfium2
    from PIL import Image

    pages = []
    document = pypdfium2.PdfDocument(str(pdf))
    for page in document:
        pages.append(page.render(scale=dpi / 72).to_pil().convert("L"))
    first: Image.Image = pages[0]
    first.save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:], quality=40)
    return out


def truth_file(info: dict[str, Any], path: Path, note: str) -> None:
    data = dict(info)
    data["notes"] = note + (" " + info["notes"] if info.get("notes") else "")
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    RENDERED.mkdir(parents=True, exist_ok=True)
    DOCUMENTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        # the seed, rendered: DOCX and the PDF LibreOffice makes of it
        d = build_docx(seed, RENDERED / "baicheng-2019-docx.docx")
        truth_file(seed, RENDERED / "baicheng-2019-docx.json", "Rendered by tests/make_documents.py as DOCX.")
        pdf = soffice(build_docx(seed, tmp / "baicheng-2019-pdf.docx"), "pdf", RENDERED)
        truth_file(seed, RENDERED / "baicheng-2019-pdf.json", "Rendered by tests/make_documents.py as PDF.")
        print(d, pdf)

        def generated(name: str, template: str, title: str) -> dict[str, Any]:
            return {
                "url": None,
                "title": title,
                "agency": title.split("20")[0],
                "level": "county",
                "year": int(title.split("年")[0][-4:]),
                "template": template,
                "layout": "generated",
                "truncated": False,
                "truth": synthetic_truth(zlib.crc32(name.encode()), template),
                "notes": f"Generated by tests/make_documents.py ({name}); numbers satisfy every table equation.",
            }

        split = generated("split-2021", "2021", "示例县人民政府2023年政府信息公开工作年度报告")
        docx_path = build_docx(split, DOCUMENTS / "split-2021.docx", prose_paragraphs=9, repeat_header=True)
        pdf = soffice(docx_path, "pdf", DOCUMENTS)
        soffice(docx_path, "doc", DOCUMENTS)
        scan(pdf, DOCUMENTS / "scan-2021.pdf")
        truth_file(split, DOCUMENTS / "split-2021.json", "")

        wide = generated("landscape-2021", "2021", "示例市交通运输局2022年政府信息公开工作年度报告")
        docx_path = build_docx(wide, tmp / "landscape-2021.docx", landscape_review=True)
        soffice(docx_path, "pdf", DOCUMENTS)
        truth_file(wide, DOCUMENTS / "landscape-2021.json", "")

        plain = generated("unruled-2021", "2021", "示例镇人民政府2024年政府信息公开工作年度报告")
        docx_path = build_docx(plain, tmp / "unruled-2021.docx", borders=False, prose_paragraphs=1)
        soffice(docx_path, "pdf", DOCUMENTS)
        truth_file(plain, DOCUMENTS / "unruled-2021.json", "")
    for p in sorted([*DOCUMENTS.iterdir(), *RENDERED.iterdir()]):
        print(f"{p.stat().st_size:>8}  {p.relative_to(TESTS)}")


if __name__ == "__main__":
    main()


# --- the rendering matrix: both templates in the layouts an office suite produces ----------

TEMPLATE_2021 = TESTS / "corpus" / "dev-pdf" / "template-2021-blank.docx"
PAGES = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4), "landscape": (297.0, 210.0)}
CELL_PADDING = 11.0  # pt: the left and right margins of a table cell together


def _chars_mm(chars: float, font: float) -> float:
    """The width (mm) of a column that holds `chars` characters of size `font` a line."""
    return (chars * font + CELL_PADDING) / 72 * 25.4


@dataclass(frozen=True)
class Style:
    """How one rendering lays the report out (tests/test_office_matrix.py draws these).

    `row_height` (pt, a minimum) and `spacer` (pt of blank space before section 三)
    decide over how many pages the tables run and before which rows the pages break.
    """

    page: str = "A4"  # a key of PAGES
    margin: float = 25.0  # mm, all four
    font: float = 9.0  # pt, table text
    row_height: float = 0.0  # pt, minimum height of every table row (0: as the text needs)
    spacer: float = 0.0  # pt, blank space before section 三 (its heading, or its table)
    narrow_labels: bool = False  # label columns so narrow that every label wraps
    blank_zeros: bool = False  # a 0 printed as an empty cell
    tight: bool = False  # the next section's heading directly under each table, no space
    review_split: bool = False  # section 四 as three tables of five columns
    repeat_header: bool = False  # header rows repeated on every page (w:tblHeader)
    glued: bool = False  # section 四's table straight after section 三's, nothing between
    rows_split: bool = False  # rows may break across pages (no w:cantSplit)
    new_page: bool = False  # section 三 starts a new page
    compact: bool = False  # table lines exactly 1.2 times the font size (CJK fonts run taller)

    def describe(self) -> str:
        flags = [k for k, v in vars(self).items() if v is True]
        return f"{self.page} m{self.margin:g} f{self.font:g} h{self.row_height:g} s{self.spacer:g}" + (
            "" if not flags else " " + ",".join(flags)
        )


def _tables_by_content(doc: Any) -> tuple[Any, Any, Any]:
    """Sections 二, 三 and 四's tables (python-docx objects), found by their headers."""
    found: dict[str, Any] = {}
    for table in doc.tables:
        text = "".join(t.text or "" for t in table._tbl.iter(qn("w:t")))
        if "申请人情况" in text:
            found["三"] = table
        elif "行政复议" in text:
            found["四"] = table
        elif "信息内容" in text:
            found["二"] = table
    return found["二"], found["三"], found["四"]


def _distinct_cells(row: Any) -> list[Any]:
    out: list[Any] = []
    for cell in row.cells:
        if not out or cell._tc is not out[-1]._tc:
            out.append(cell)
    return out


def fill_template_2021(truth: dict[str, Any], texts: dict[str, str]) -> Any:
    """The official 2021 Word template with `texts` (key -> printed text) in its cells."""
    from extract.labels import normalize, proactive_row
    from extract.template import PROACTIVE_ROWS

    doc = docx.Document(str(TEMPLATE_2021))
    pro, app, rev = _tables_by_content(doc)
    columns = {r.key: r.columns["2021"] for r in PROACTIVE_ROWS if "2021" in r.columns}
    for row in pro.rows:
        cells = _distinct_cells(row)
        key = proactive_row(normalize(cells[0].text))
        if key is None or len(cells) < 2 or cells[0].text in ("信息内容",):
            continue
        for cell, col in zip(cells[1:], columns[key], strict=True):
            set_text(cell, texts.get(f"proactive.{key}.{col}", ""), font=FONT)
    rows = application_rows(OTHER_ROWS_2021)
    for tr, row in zip(app.rows[3:], rows, strict=True):
        cells = _distinct_cells(tr)[-7:]
        label = _distinct_cells(tr)[-8].text
        assert normalize(label).endswith(normalize(ROW_LABELS[row])[-4:]), (label, row)
        for cell, col in zip(cells, APPLICANT_COLUMNS, strict=True):
            set_text(cell, texts.get(f"applications.{row}.{col}", ""), font=FONT)
    for cell, (group, col) in zip(
        _distinct_cells(rev.rows[3]), [(g, c) for g in REVIEW_GROUPS for c in REVIEW_COLUMNS], strict=True
    ):
        set_text(cell, texts.get(f"review_litigation.{group}.{col}", ""), font=FONT)
    doc.core_properties.title = truth.get("title", "")
    return doc


def build_2019(info: dict[str, Any], texts: dict[str, str]) -> Any:
    """A 2019-format report built from report-format.md (the tables of `build_docx`)."""
    doc = docx.Document()
    para(doc, info["title"], 18, bold=True, center=True)
    heading(doc, "一")
    para(doc, PROSE)
    pro, app, rev = truth_grids(texts, "2019")
    heading(doc, "二")
    word_table(doc, pro, PROACTIVE_WIDTHS, True)
    heading(doc, "三")
    word_table(doc, app, APPLICATIONS_WIDTHS, True)
    heading(doc, "四")
    word_table(doc, rev, [160 / 15] * 15, True)
    closing(doc)
    doc.core_properties.title = info["title"]
    return doc


def _set_widths(table: Any, widths_mm: list[float]) -> None:
    """New grid column widths, each cell's width the sum of the columns it spans."""
    tbl = table._tbl
    for col, w in zip(tbl.tblGrid.gridCol_lst, widths_mm, strict=True):
        col.w = Mm(w)
    for tr in tbl.tr_lst:
        trpr = tr.trPr
        before = trpr.find(qn("w:gridBefore")) if trpr is not None else None
        col = int(before.get(qn("w:val"))) if before is not None else 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc.width = Mm(sum(widths_mm[col : col + span]))
            col += span
    tbl_pr = tbl.tblPr
    for tag in ("w:tblW", "w:tblLayout", "w:tblInd"):
        for el in tbl_pr.findall(qn(tag)):
            tbl_pr.remove(el)
    total = OxmlElement("w:tblW")
    total.set(qn("w:w"), str(round(sum(widths_mm) / 25.4 * 1440)))
    total.set(qn("w:type"), "dxa")
    tbl_pr.append(total)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)


def _row_props(table: Any, *, height: float, cant_split: bool, header_rows: int) -> None:
    for i, tr in enumerate(table._tbl.tr_lst):
        trpr = tr.get_or_add_trPr()
        for tag in ("w:trHeight", "w:cantSplit", "w:tblHeader"):
            for el in trpr.findall(qn(tag)):
                trpr.remove(el)
        if height:
            el = OxmlElement("w:trHeight")
            el.set(qn("w:val"), str(round(height * 20)))
            el.set(qn("w:hRule"), "atLeast")
            trpr.append(el)
        if cant_split:
            el = OxmlElement("w:cantSplit")
            el.set(qn("w:val"), "true")
            trpr.append(el)
        if i < header_rows:
            el = OxmlElement("w:tblHeader")
            el.set(qn("w:val"), "true")
            trpr.append(el)


def _table_fonts(table: Any, size: float, compact: bool) -> None:
    """Every run of the table in the CJK font at `size`; no automatic space above lines."""
    for p in table._tbl.iter(qn("w:p")):
        ppr = p.find(qn("w:pPr"))
        if ppr is not None:
            for sp in ppr.findall(qn("w:spacing")):
                ppr.remove(sp)
        if compact:
            _spacing(p, 0, 0, exact_line=size * 1.2)
        for r in p.iter(qn("w:r")):
            rpr = r.find(qn("w:rPr"))
            if rpr is None:
                rpr = OxmlElement("w:rPr")
                r.insert(0, rpr)
            for tag in ("w:rFonts", "w:sz", "w:szCs"):
                for el in rpr.findall(qn(tag)):
                    rpr.remove(el)
            fonts = OxmlElement("w:rFonts")
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(attr), FONT)
            rpr.insert(0, fonts)
            for tag in ("w:sz", "w:szCs"):
                el = OxmlElement(tag)
                el.set(qn("w:val"), str(round(size * 2)))
                rpr.append(el)


def _review_split(doc: Any, review: Any, texts: dict[str, str], style: Style, width_mm: float) -> list[Any]:
    """Section 四 as three five-column tables (复议, 直接起诉, 复议后起诉), in `review`'s place."""
    heads = (("行政复议", None), ("行政诉讼", "未经复议直接起诉"), ("行政诉讼", "复议后起诉"))
    made = []
    anchor = review._tbl
    for (top, sub), group in zip(heads, REVIEW_GROUPS, strict=True):
        rows = [[GridCell(top, "header", colspan=5)]]
        if sub is not None:
            rows.append([GridCell(sub, "header", colspan=5)])
        rows.append([GridCell(name, "header") for name in REVIEW_RESULTS])
        rows.append(
            [GridCell(texts.get(f"review_litigation.{group}.{c}", ""), "value") for c in REVIEW_COLUMNS]
        )
        table = word_table(doc, Grid("review_litigation", 5, rows), [width_mm / 5] * 5, True)
        anchor.addnext(table._tbl)
        anchor = table._tbl
        if group != REVIEW_GROUPS[-1]:
            gap = OxmlElement("w:p")
            anchor.addnext(gap)
            anchor = gap
        made.append(table)
    review._tbl.getparent().remove(review._tbl)
    return made


def _is_blank_paragraph(el: Any) -> bool:
    return el.tag == qn("w:p") and not "".join(t.text or "" for t in el.iter(qn("w:t"))).strip()


def _spacing(p: Any, before: float, after: float, exact_line: float = 0.0) -> None:
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        p.insert(0, ppr)
    for sp in ppr.findall(qn("w:spacing")):
        ppr.remove(sp)
    if exact_line:  # a document grid (the 2021 template has one) would round the height
        grid = OxmlElement("w:snapToGrid")
        grid.set(qn("w:val"), "0")
        ppr.append(grid)
    sp = OxmlElement("w:spacing")
    sp.set(qn("w:before"), str(round(before * 20)))
    sp.set(qn("w:after"), str(round(after * 20)))
    if exact_line:
        sp.set(qn("w:line"), str(round(exact_line * 20)))
        sp.set(qn("w:lineRule"), "exact")
    ppr.append(sp)


def restyle(doc: Any, style: Style, texts: dict[str, str]) -> Any:
    """Lay `doc` out as `style` says: page, margins, fonts, row heights, label widths,
    repeated headers, section 四 split in three or glued under section 三, headings
    directly under the tables, and blank space that moves the page breaks."""
    width, height = PAGES[style.page]
    for section in doc.sections:
        section.orientation = WD_ORIENT.LANDSCAPE if width > height else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(width), Mm(height)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(style.margin))
    text_width = width - 2 * style.margin
    pro, app, rev = _tables_by_content(doc)
    value_width = min(14.0, (text_width - 30) / 7)
    if style.narrow_labels:  # columns of 1.5, 2.5 and 5 characters (and the cell's padding)
        labels = [_chars_mm(1.5, style.font), _chars_mm(2.5, style.font), _chars_mm(5, style.font)]
    else:
        labels = [10.0, 14.0, max(20.0, min(60.0, text_width - 24 - 7 * value_width))]
    _set_widths(app, [*labels, *[value_width] * 7])
    pro_label = _chars_mm(5, style.font) if style.narrow_labels else min(46.0, text_width / 4)
    _set_widths(pro, [pro_label, *[min(40.0, (text_width - pro_label) / 3)] * 3])
    # as wide as section 三's table: glued under it, LibreOffice makes them one table
    review_width = sum(labels) + 7 * value_width
    reviews = _review_split(doc, rev, texts, style, review_width) if style.review_split else [rev]
    if not style.review_split:
        _set_widths(rev, [review_width / 15] * 15)
    for table, header_rows in ((pro, 0), (app, 3), *((r, 2) for r in reviews)):
        _table_fonts(table, style.font, style.compact)
        _row_props(
            table,
            height=style.row_height if table is not rev else 0,
            cant_split=not style.rows_split,
            header_rows=header_rows if style.repeat_header else 0,
        )
    body = doc.element.body
    # blank paragraphs around the tables: none when tight, one otherwise
    for table in (pro, app, *reviews):
        nxt = table._tbl.getnext()
        while nxt is not None and _is_blank_paragraph(nxt):
            following = nxt.getnext()
            body.remove(nxt)
            nxt = following
        if not style.tight:
            gap = OxmlElement("w:p")
            table._tbl.addnext(gap)
        elif nxt is not None and nxt.tag == qn("w:p"):
            _spacing(nxt, 0, 0)
    if style.glued:  # section 四 straight under section 三: drop what stands between
        el = app._tbl.getnext()
        while el is not None and el is not reviews[0]._tbl:
            following = el.getnext()
            body.remove(el)
            el = following
    heading = app._tbl.getprevious()
    while heading is not None and _is_blank_paragraph(heading):
        heading = heading.getprevious()
    if style.spacer:  # under the heading when it opens a page, else above it
        spacer = OxmlElement("w:p")
        _spacing(spacer, style.spacer, 0, exact_line=1.0)
        if style.new_page:
            app._tbl.addprevious(spacer)
        else:
            heading.addprevious(spacer)
    if style.new_page:
        ppr = heading.find(qn("w:pPr"))
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            heading.insert(0, ppr)
        ppr.insert(0, OxmlElement("w:pageBreakBefore"))
    return doc


def printed_texts(truth: dict[str, Any], blank_zeros: bool) -> dict[str, str]:
    return {k: ("" if blank_zeros and v == 0 else printed(v)) for k, v in truth.items()}


def render_matrix_docx(info: dict[str, Any], raw: dict[str, str], style: Style, path: Path) -> Path:
    """One rendering: the report of `info` (template, title) with the printed texts `raw`."""
    texts = {k: ("" if style.blank_zeros and v.strip() == "0" else v) for k, v in raw.items()}
    doc = fill_template_2021(info, texts) if info["template"] == "2021" else build_2019(info, texts)
    restyle(doc, style, texts)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


def convert_many(sources: list[Path], fmt: str, outdir: Path, timeout: float = 600) -> list[Path]:
    """Convert many files with one LibreOffice start (a start costs seconds; a file, less)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise RuntimeError("LibreOffice is needed: apt-get install libreoffice-writer-nogui fonts-noto-cjk")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                fmt,
                "--outdir",
                str(outdir),
                *map(str, sources),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    ext = fmt.split(":")[0]
    outs = [outdir / (src.stem + "." + ext) for src in sources]
    missing = [p.name for p in outs if not p.is_file()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {', '.join(missing)}")
    return outs
