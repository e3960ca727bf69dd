"""Reports as Word documents: the one writer of the demo's attachments and the tests' documents.

The demo portals serve reports as DOCX attachments (`report_docx`), and the tests print
reports to DOCX and, through LibreOffice, to PDF, DOC and scans (tests/make_documents.py,
tests/scans.py, tests/office_matrix.py). Both write the three tables from the grids of
`synth` (`proactive_grid`, `applications_grid`, `review_grid`): one layout of the
national templates, whose merged cells become Word's gridSpan and vMerge. Only the look
differs (fonts, column widths, rulings, rows kept whole), and the caller says which.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crawler.demo.synth import HEADINGS, Grid, GridCell, report_grids, sections

if TYPE_CHECKING:
    from crawler.demo.synth import DemoDoc


def place(g: Grid) -> list[tuple[int, int, GridCell]]:
    """(row, column, cell) of every cell of a grid, skipping the places merged cells cover."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(g.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            taken |= {(r + i, c + j) for i in range(cell.rowspan) for j in range(cell.colspan)}
            c += cell.colspan
    return out


def set_font(run: Any, size: float, bold: bool = False, font: str | None = None) -> None:
    """Size and weight of a run, and its typeface for Chinese text too (`w:eastAsia`:
    Word and LibreOffice take CJK glyphs from there, not from the run's font name)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    if font is None:
        return
    run.font.name = font
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), font)


def paragraph(
    doc: Any,
    text: str,
    size: float = 12,
    *,
    bold: bool = False,
    indent: bool = True,
    center: bool = False,
    font: str | None = None,
) -> None:
    """A paragraph of one run: centred (a title), or indented two characters as Chinese
    prose is, or flush (a heading)."""
    from docx.shared import Pt

    p = doc.add_paragraph()
    if center:
        p.alignment = 1
    elif indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    set_font(p.add_run(text), size, bold, font)


def set_text(cell: Any, text: str, size: float = 9, font: str | None = None) -> None:
    """A table cell holding `text` alone."""
    cell.text = ""
    set_font(cell.paragraphs[0].add_run(text), size, font=font)


def _rulings(table: Any, ruled: bool) -> None:
    """Single black rulings on every cell edge, or none at all."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single" if ruled else "nil")
        if ruled:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:color"), "000000")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def add_table(
    doc: Any,
    grid: Grid,
    *,
    widths_mm: Sequence[float] | None = None,
    ruled: bool = True,
    font: str | None = None,
    size_of: Callable[[GridCell], float] = lambda cell: 9,
    keep_rows_whole: bool = False,
    header_rows: int = 0,
) -> Any:
    """`grid` as a Word table, its merged cells merged. With `widths_mm` the columns are
    fixed and the table centred; `keep_rows_whole`: no row breaks across pages;
    `header_rows`: the first rows repeat on every page the table runs over."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    placed = place(grid)
    n_rows = max(r + c.rowspan for r, _, c in placed)
    table = doc.add_table(rows=n_rows, cols=grid.width)
    if widths_mm is not None:
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
    _rulings(table, ruled)
    if widths_mm is not None:
        for row in table.rows:
            for cell, w in zip(row.cells, widths_mm, strict=True):
                cell.width = Mm(w)
        for col, w in zip(table._tbl.tblGrid.gridCol_lst, widths_mm, strict=True):
            col.w = Mm(w)
    for i, tr in enumerate(table._tbl.tr_lst):
        for tag, wanted in (("w:cantSplit", keep_rows_whole), ("w:tblHeader", i < header_rows)):
            if wanted:
                el = OxmlElement(tag)
                el.set(qn("w:val"), "true")
                tr.get_or_add_trPr().append(el)
    for r, c, cell in placed:
        target = table.cell(r, c)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
        set_text(target, cell.text, size_of(cell), font)
    return table


def report_docx(doc: DemoDoc) -> bytes:
    """A demo report as a Word document: its paragraphs, and the three tables with the
    template's merged cells, ruled. The bytes are the same every time."""
    import docx

    t, meta, lay = doc.tables, doc.meta, doc.layout
    word = docx.Document()
    word.core_properties.author = meta.agency
    word.core_properties.title = meta.title
    stamp = datetime(meta.published.year, meta.published.month, meta.published.day, 9)
    word.core_properties.created = word.core_properties.modified = stamp
    word.core_properties.last_modified_by = meta.agency
    word.core_properties.revision = 1
    paragraph(word, meta.title, 16, bold=True, center=True)
    paragraph(word, meta.date_line(), 10.5, center=True)
    grids = report_grids(t, t.raw.get, lay.pad_short)
    headings = {h for hs in HEADINGS.values() for h in hs}
    for s in sections(t, meta, lay, ["\0" + str(i) for i in range(3)]):
        if s.startswith("\0"):
            add_table(word, grids[int(s[1:])])
        else:
            paragraph(word, s, bold=s in headings)
    buf = io.BytesIO()
    word.save(buf)
    # python-docx stamps the zip entries with the current time; fix them to the date.
    fixed = io.BytesIO()
    when = (meta.published.year, meta.published.month, meta.published.day, 9, 0, 0)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(zipfile.ZipInfo(info.filename, when), src.read(info.filename), zipfile.ZIP_DEFLATED)
    return fixed.getvalue()
