"""Render the test documents: reports as DOCX with the official table layout, and PDF.

    python tests/make_documents.py        # needs python-docx and LibreOffice with a CJK font

The DOCX files are built with python-docx: the three standard tables with the merged
cells of the national templates (shared/reference/report-format.md): the 勾稽 corner
note over three header rows, `三、本年度办理结果` and the group labels merged down
their rows (`vMerge`), captions and single-value rows merged across (`gridSpan`). The
PDFs are LibreOffice's export of those DOCX files (as a report exported from Word), so
the PDF tables are ruled, merged and broken across pages by a real layout engine.

Variants, each testing one difficulty of real PDFs:
- the seed report (corpus/seed) as DOCX and PDF, truth beside them (corpus/seed-rendered);
- `split-2021`: a long section 一 pushes the section 三 table across a page break,
  and its header rows repeat on the next page (`w:tblHeader`);
- `landscape-2021`: section 四 on a landscape page of its own (a wide table);
- `unruled-2021`: no table borders at all (the word-position fallback);
- `scan-2021.pdf`: the PDF rasterised into an image-only PDF (a scan);
- `split-2021.doc`: the DOCX saved as Word 97 by LibreOffice (the DOC/WPS path).

The generated numbers satisfy every equation of the tables, so a wrong placement
shows up as a failed check. Outputs are committed so that CI needs no LibreOffice.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS.parent))

from extract.template import (  # noqa: E402
    APPLICANT_COLUMNS,
    APPLICANT_HEADERS,
    CORNER_NOTE,
    OTHER_ROWS_2019,
    OTHER_ROWS_2021,
    PRINTED_GROUP_LABELS,
    PRINTED_ROW_LABELS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    SECTION_HEADINGS,
    all_keys,
    application_rows,
)

DOCUMENTS = TESTS / "documents"
RENDERED = TESTS / "corpus" / "seed-rendered"
SEED = TESTS / "corpus" / "seed" / "baicheng-2019.json"
FONT = "Noto Serif CJK SC"

HEADINGS = SECTION_HEADINGS
ROW_LABELS = PRINTED_ROW_LABELS
GROUP_LABELS = PRINTED_GROUP_LABELS
CORNER = CORNER_NOTE
PROSE = (
    "本机关坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
    "围绕中心工作，进一步完善政府信息公开制度，规范依申请公开办理流程，加强政府网站和政务新媒体管理，"
    "推动政务公开工作取得新成效。"
)


# --- numbers ------------------------------------------------------------------------


def synthetic_truth(rng: random.Random, template: str) -> dict[str, Any]:
    """Numbers for every key of a template that satisfy every equation of the tables."""
    other = OTHER_ROWS_2019 if template == "2019" else OTHER_ROWS_2021
    truth: dict[str, Any] = {}
    result_rows = [
        k.split(".")[1]
        for k in all_keys(template)
        if k.startswith("applications.") and k.endswith(".natural_person")
    ]
    result_rows = [
        r
        for r in result_rows
        if r not in ("received_new", "carried_over", "results_total", "carried_forward")
    ]
    assert set(other) <= set(result_rows)
    for col in APPLICANT_COLUMNS[:6]:
        big = col == "natural_person"
        totals = 0
        for row in result_rows:
            v = rng.choice([0, 0, 1, 2, 3, 5, 12, 40]) if big else rng.choice([0, 0, 0, 0, 1, 2])
            truth[f"applications.{row}.{col}"] = v
            totals += v
        forward = rng.choice([0, 1, 4]) if big else 0
        carried = rng.choice([0, 2, 3]) if big else 0
        carried = min(carried, totals + forward)
        truth[f"applications.results_total.{col}"] = totals
        truth[f"applications.carried_forward.{col}"] = forward
        truth[f"applications.carried_over.{col}"] = carried
        truth[f"applications.received_new.{col}"] = totals + forward - carried
    for row in ["received_new", "carried_over", *result_rows, "results_total", "carried_forward"]:
        truth[f"applications.{row}.total"] = sum(
            truth[f"applications.{row}.{c}"] for c in APPLICANT_COLUMNS[:6]
        )
    for group in REVIEW_GROUPS:
        parts = [rng.choice([0, 0, 1, 2, 6]) for _ in range(4)]
        for col, v in zip(REVIEW_COLUMNS, [*parts, sum(parts)], strict=True):
            truth[f"review_litigation.{group}.{col}"] = v
    for key in all_keys(template):
        if key.startswith("proactive."):
            if key.endswith(".amount"):
                truth[key] = round(rng.uniform(10, 9000), 2)
            elif key.endswith(".change"):
                truth[key] = rng.choice([-8, 0, 3, 12])
            else:
                truth[key] = rng.choice([0, 2, 15, 120, 4385])
    return truth


def printed(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


# --- DOCX building ------------------------------------------------------------------------


def _font(run: Any, size: float = 10.5, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), FONT)


def paragraph(doc: Any, text: str, size: float = 12, bold: bool = False, indent: bool = True) -> None:
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), size, bold)


def _set(cell: Any, text: str, size: float = 9) -> None:
    cell.text = ""
    _font(cell.paragraphs[0].add_run(text), size)


def _borders(table: Any, on: bool) -> None:
    """Single black rulings on every cell edge, or none at all."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if on else "nil")
        if on:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)


def _repeat_header(table: Any, rows: int) -> None:
    for tr in table._tbl.tr_lst[:rows]:
        trpr = tr.get_or_add_trPr()
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        trpr.append(el)


def _keep_rows_whole(table: Any) -> None:
    for tr in table._tbl.tr_lst:
        el = OxmlElement("w:cantSplit")
        el.set(qn("w:val"), "true")
        tr.get_or_add_trPr().append(el)


def new_table(doc: Any, rows: int, cols: int, widths_mm: list[float], borders: bool) -> Any:
    table = doc.add_table(rows=rows, cols=cols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table, borders)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)
    for col, w in zip(table._tbl.tblGrid.gridCol_lst, widths_mm, strict=True):
        col.w = Mm(w)
    _keep_rows_whole(table)
    return table


def proactive_table(doc: Any, truth: dict[str, Any], template: str, borders: bool) -> None:
    v = lambda key: printed(truth.get(f"proactive.{key}"))  # noqa: E731
    if template == "2019":
        blocks = [
            (
                "第二十条第（一）项",
                ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
                [
                    ("规章", "regulations", ("made", "published", "total_public")),
                    ("规范性文件", "normative_documents", ("made", "published", "total_public")),
                ],
            ),
            (
                "第二十条第（五）项",
                ("上一年项目数量", "本年增/减", "处理决定数量"),
                [
                    ("行政许可", "licensing", ("prev_items", "change", "decisions")),
                    ("其他对外管理服务事项", "other_services", ("prev_items", "change", "decisions")),
                ],
            ),
            (
                "第二十条第（六）项",
                ("上一年项目数量", "本年增/减", "处理决定数量"),
                [
                    ("行政处罚", "penalty", ("prev_items", "change", "decisions")),
                    ("行政强制", "coercion", ("prev_items", "change", "decisions")),
                ],
            ),
            (
                "第二十条第（八）项",
                ("上一年项目数量", "本年增/减"),
                [("行政事业性收费", "fees", ("prev_items", "change"))],
            ),
            (
                "第二十条第（九）项",
                ("采购项目数量", "采购总金额"),
                [("政府集中采购", "procurement", ("items", "amount"))],
            ),
        ]
    else:
        blocks = [
            (
                "第二十条第（一）项",
                ("本年制发件数", "本年废止件数", "现行有效件数"),
                [
                    ("规章", "regulations", ("issued", "repealed", "in_force")),
                    ("行政规范性文件", "normative_documents", ("issued", "repealed", "in_force")),
                ],
            ),
            ("第二十条第（五）项", ("本年处理决定数量",), [("行政许可", "licensing", ("decisions",))]),
            (
                "第二十条第（六）项",
                ("本年处理决定数量",),
                [("行政处罚", "penalty", ("decisions",)), ("行政强制", "coercion", ("decisions",))],
            ),
            (
                "第二十条第（八）项",
                ("本年收费金额（单位：万元）",),
                [("行政事业性收费", "fees", ("amount",))],
            ),
        ]
    n_rows = sum(2 + len(rows) for _, _, rows in blocks)
    table = new_table(doc, n_rows, 4, [46, 40, 40, 40], borders)
    r = 0

    def spread(row: int, texts: list[str]) -> None:
        """Texts over the three value columns; the last one takes the columns left."""
        cells = table.rows[row].cells
        for i, text in enumerate(texts):
            _set(cells[1 + i], text)
        if len(texts) < 3:
            cells[len(texts)].merge(cells[3])

    for caption, headers, rows in blocks:
        c = table.rows[r].cells
        c[0].merge(c[3])
        _set(table.rows[r].cells[0], caption)
        _set(table.rows[r + 1].cells[0], "信息内容")
        spread(r + 1, list(headers))
        for i, (label, key, cols) in enumerate(rows):
            _set(table.rows[r + 2 + i].cells[0], label)
            spread(r + 2 + i, [v(f"{key}.{c}") for c in cols])
        r += 2 + len(rows)


def applications_table(
    doc: Any, truth: dict[str, Any], template: str, borders: bool, repeat_header: bool
) -> None:
    rows = list(application_rows(OTHER_ROWS_2019 if template == "2019" else OTHER_ROWS_2021))
    table = new_table(doc, 3 + len(rows), 10, [12, 16, 44, 11, 11, 11, 11, 11, 11, 11], borders)
    t = table.rows
    corner = t[0].cells[0].merge(t[2].cells[2])
    _set(corner, CORNER, 8)
    _set(t[0].cells[3].merge(t[0].cells[9]), "申请人情况")
    _set(t[1].cells[3].merge(t[2].cells[3]), "自然人")
    _set(t[1].cells[4].merge(t[1].cells[8]), "法人或其他组织")
    _set(t[1].cells[9].merge(t[2].cells[9]), "总计")
    for i, name in enumerate(APPLICANT_HEADERS[1:6]):
        _set(t[2].cells[4 + i], name, 8)
    if repeat_header:
        _repeat_header(table, 3)
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        r = 3 + i
        cells = t[r].cells
        for j, col in enumerate(APPLICANT_COLUMNS):
            _set(cells[3 + j], printed(truth.get(f"applications.{row}.{col}")))
        group = next((g for g in GROUP_LABELS if row.startswith(g + "_")), None)
        if row in OTHER_ROWS_2021:
            group = "other"
        if group:
            groups.setdefault(group, []).append(r)
            _set(cells[2], ROW_LABELS[row])
        elif row in ("received_new", "carried_over", "carried_forward"):
            _set(cells[0].merge(cells[2]), ROW_LABELS[row])
        else:
            _set(cells[1].merge(cells[2]), ROW_LABELS[row])
    first, last = 3 + rows.index("disclosed"), 3 + rows.index("results_total")
    _set(t[first].cells[0].merge(t[last].cells[0]), "三、本年度办理结果")
    for group, members in groups.items():
        _set(t[members[0]].cells[1].merge(t[members[-1]].cells[1]), GROUP_LABELS[group])


def review_table(doc: Any, truth: dict[str, Any], borders: bool, width_mm: float) -> None:
    table = new_table(doc, 4, 15, [width_mm / 15] * 15, borders)
    t = table.rows
    _set(t[0].cells[0].merge(t[0].cells[4]), "行政复议")
    _set(t[0].cells[5].merge(t[0].cells[14]), "行政诉讼")
    _set(t[1].cells[5].merge(t[1].cells[9]), "未经复议直接起诉")
    _set(t[1].cells[10].merge(t[1].cells[14]), "复议后起诉")
    names = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    for i, name in enumerate(names):
        _set(t[1].cells[i].merge(t[2].cells[i]), name, 8)
        _set(t[2].cells[5 + i], name, 8)
        _set(t[2].cells[10 + i], name, 8)
    for g, group in enumerate(REVIEW_GROUPS):
        for i, col in enumerate(REVIEW_COLUMNS):
            _set(t[3].cells[5 * g + i], printed(truth.get(f"review_litigation.{group}.{col}")))


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
    _font(footer.add_run("- "), 9)  # the page number as Chinese reports print it: - 4 -
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    footer._p.append(field)
    _font(footer.add_run(" -"), 9)
    title = doc.add_paragraph()
    title.alignment = 1
    _font(title.add_run(info["title"]), 18, bold=True)
    paragraph(doc, HEADINGS["一"], 14, bold=True, indent=False)
    for _ in range(prose_paragraphs):
        paragraph(doc, PROSE)
    paragraph(doc, HEADINGS["二"], 14, bold=True, indent=False)
    proactive_table(doc, truth, template, borders)
    paragraph(doc, HEADINGS["三"], 14, bold=True, indent=False)
    applications_table(doc, truth, template, borders, repeat_header)
    if landscape_review:
        wide = doc.add_section(WD_SECTION.NEW_PAGE)
        wide.orientation = WD_ORIENT.LANDSCAPE
        wide.page_width, wide.page_height = Mm(297), Mm(210)
    paragraph(doc, HEADINGS["四"], 14, bold=True, indent=False)
    review_table(doc, truth, borders, 240 if landscape_review else 160)
    if landscape_review:
        back = doc.add_section(WD_SECTION.NEW_PAGE)
        back.orientation = WD_ORIENT.PORTRAIT
        back.page_width, back.page_height = Mm(210), Mm(297)
    paragraph(doc, HEADINGS["五"], 14, bold=True, indent=False)
    paragraph(doc, "政策解读质量仍需提升，下一步将加强培训，提高政务公开工作水平。")
    paragraph(doc, HEADINGS["六"], 14, bold=True, indent=False)
    paragraph(doc, "本年度未收取信息处理费。")
    doc.core_properties.title = info["title"]
    doc.core_properties.author = "xxgk tests"
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


# --- conversions ------------------------------------------------------------------------------


def soffice(src: Path, fmt: str, outdir: Path) -> Path:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        sys.exit("LibreOffice is needed: apt-get install libreoffice-writer-nogui fonts-noto-cjk")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(outdir),
                str(src),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    assert out.is_file(), out
    return out


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
    rng = random.Random(20240229)
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
                "truth": synthetic_truth(rng, template),
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
            _set(cell, texts.get(f"proactive.{key}.{col}", ""))
    rows = application_rows(OTHER_ROWS_2021)
    for tr, row in zip(app.rows[3:], rows, strict=True):
        cells = _distinct_cells(tr)[-7:]
        label = _distinct_cells(tr)[-8].text
        assert normalize(label).endswith(normalize(ROW_LABELS[row])[-4:]), (label, row)
        for cell, col in zip(cells, APPLICANT_COLUMNS, strict=True):
            _set(cell, texts.get(f"applications.{row}.{col}", ""))
    for cell, (group, col) in zip(
        _distinct_cells(rev.rows[3]), [(g, c) for g in REVIEW_GROUPS for c in REVIEW_COLUMNS], strict=True
    ):
        _set(cell, texts.get(f"review_litigation.{group}.{col}", ""))
    doc.core_properties.title = truth.get("title", "")
    return doc


def build_2019(info: dict[str, Any], texts: dict[str, str]) -> Any:
    """A 2019-format report built from report-format.md (the tables of `build_docx`)."""
    path_truth = {k: v for k, v in texts.items()}
    doc = docx.Document()
    title = doc.add_paragraph()
    title.alignment = 1
    _font(title.add_run(info["title"]), 18, bold=True)
    paragraph(doc, HEADINGS["一"], 14, bold=True, indent=False)
    paragraph(doc, PROSE)
    paragraph(doc, HEADINGS["二"], 14, bold=True, indent=False)
    proactive_table(doc, path_truth, "2019", True)
    paragraph(doc, HEADINGS["三"], 14, bold=True, indent=False)
    applications_table(doc, path_truth, "2019", True, False)
    paragraph(doc, HEADINGS["四"], 14, bold=True, indent=False)
    review_table(doc, path_truth, True, 160)
    paragraph(doc, HEADINGS["五"], 14, bold=True, indent=False)
    paragraph(doc, "政策解读质量仍需提升，下一步将加强培训，提高政务公开工作水平。")
    paragraph(doc, HEADINGS["六"], 14, bold=True, indent=False)
    paragraph(doc, "本年度未收取信息处理费。")
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
    names = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    heads = (("行政复议", None), ("行政诉讼", "未经复议直接起诉"), ("行政诉讼", "复议后起诉"))
    made = []
    anchor = review._tbl
    for (top, sub), group in zip(heads, REVIEW_GROUPS, strict=True):
        n_head = 2 if sub is None else 3
        table = new_table(doc, n_head + 1, 5, [width_mm / 5] * 5, True)
        t = table.rows
        _set(t[0].cells[0].merge(t[0].cells[4]), top)
        if sub is not None:
            _set(t[1].cells[0].merge(t[1].cells[4]), sub)
        for i, name in enumerate(names):
            _set(t[n_head - 1].cells[i], name, 8)
            _set(t[n_head].cells[i], texts.get(f"review_litigation.{group}.{REVIEW_COLUMNS[i]}", ""))
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
