"""Reader for Word reports (DOCX, python-docx): tables as grids, paragraphs as text.

The body is walked in document order, so the paragraphs between tables (section
headings, the prose the sections are made of) keep their place. A table's grid is
rebuilt from the cell properties: `gridSpan` (a cell over several grid columns),
`gridBefore` (grid columns skipped at the start of a row) and `vMerge` (a cell going
on down the rows; only the `restart` cell prints, the continuations are the same
cell). Each printed cell is emitted once at its top-left grid slot. A table that
holds tables is page layout: its cells are walked like the body. A cell's paragraphs
and line breaks are joined without separator (`商业` / `企业` is one label), and a cell
of only ideographic spaces (U+3000) is blank.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from typing import Any

import docx
from lxml import etree

from extract import settings
from extract.model import Cell, ReadDocument, ReadError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
VML = "urn:schemas-microsoft-com:vml"
_P, _TBL, _TR, _TC, _SDT = (f"{{{W}}}{n}" for n in ("p", "tbl", "tr", "tc", "sdt"))
_T, _TAB, _BR, _CR = (f"{{{W}}}{n}" for n in ("t", "tab", "br", "cr"))
_VAL = f"{{{W}}}val"
_WS = re.compile(r"[ \t\u00a0]+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


def paragraph_text(p: etree._Element) -> str:
    """A paragraph's printed text (runs, tabs and breaks; deleted text excluded)."""
    parts: list[str] = []
    for el in p.iter(_T, _TAB, _BR, _CR):
        if el.tag == _T:
            parts.append(el.text or "")
        elif el.tag == _TAB:
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def cell_text(tc: etree._Element) -> str:
    """A cell's lines joined as one label; blank when it prints only spaces."""
    lines: list[str] = []
    for p in tc.iter(_P):
        lines.extend(paragraph_text(p).split("\n"))
    out = ""
    for line in lines:
        line = line.strip()  # also strips U+3000
        if not line:
            continue
        if out and _ASCII_WORD.match(line[0]) and _ASCII_WORD.match(out[-1]):
            out += " "
        out += line
    return _WS.sub(" ", out)


def _int_val(el: etree._Element | None, default: int) -> int:
    if el is None:
        return default
    try:
        return max(0, int(el.get(_VAL, default)))
    except ValueError:
        return default


def _child(el: etree._Element, *path: str) -> etree._Element | None:
    for name in path:
        if el is None:
            return None
        el = el.find(f"{{{W}}}{name}")
    return el


def _cells_of(tr: etree._Element) -> list[etree._Element]:
    """A row's cells, also those wrapped in content controls or custom XML."""
    out: list[etree._Element] = []
    for child in tr:
        if child.tag == _TC:
            out.append(child)
        elif child.tag in (_SDT, f"{{{W}}}customXml"):
            out.extend(child.iter(_TC))
    return out


def _rows_of(tbl: etree._Element) -> list[etree._Element]:
    out: list[etree._Element] = []
    for child in tbl:
        if child.tag == _TR:
            out.append(child)
        elif child.tag in (_SDT, f"{{{W}}}customXml"):
            out.extend(tr for tr in child.iter(_TR) if tr.getparent() is not None)
    return out


def is_layout_table(tbl: etree._Element) -> bool:
    """A table used to lay out the page: it holds tables, or is a single cell."""
    cells = [tc for tr in _rows_of(tbl) for tc in _cells_of(tr)]
    return len(cells) <= 1 or any(tc.find(f".//{_TBL}") is not None for tc in cells)


def table_grid(tbl: etree._Element) -> list[tuple[int, int, str]]:
    """(row, grid col, text) of each printed cell, in reading order."""
    out: list[tuple[int, int, str]] = []
    for r, tr in enumerate(_rows_of(tbl)):
        col = _int_val(_child(tr, "trPr", "gridBefore"), 0)
        for tc in _cells_of(tr):
            tcpr = _child(tc, "tcPr")
            span = max(_int_val(_child(tcpr, "gridSpan"), 1), 1) if tcpr is not None else 1
            vmerge = _child(tcpr, "vMerge") if tcpr is not None else None
            continued = vmerge is not None and vmerge.get(_VAL, "continue") == "continue"
            if not continued:
                out.append((r, col, cell_text(tc)))
            col += span
    return out


class _Walker:
    def __init__(self) -> None:
        self.cells: list[Cell] = []
        self.lines: list[str] = []
        self.row = 0
        self.block = 0

    def walk(self, container: etree._Element) -> None:
        for el in container:
            if el.tag == _P:
                text = _WS.sub(" ", paragraph_text(el)).strip()
                if text:
                    self.lines.extend(ln.strip() for ln in text.split("\n") if ln.strip())
            elif el.tag == _TBL:
                self.table(el)
            elif el.tag in (_SDT, f"{{{W}}}customXml", f"{{{W}}}sdtContent"):
                self.walk(el.find(f"{{{W}}}sdtContent") if el.tag == _SDT else el)

    def table(self, tbl: etree._Element) -> None:
        if is_layout_table(tbl):
            for tr in _rows_of(tbl):
                for tc in _cells_of(tr):
                    self.walk(tc)
            return
        grid = table_grid(tbl)
        if not grid:
            return
        last = None
        for r, col, text in grid:
            if r != last:
                if last is not None:
                    self.row += 1
                self.lines.append(text)
                last = r
            else:
                self.lines[-1] += " | " + text
            self.cells.append(Cell(text, self.row, col, self.block))
        self.row += 1
        self.block += 1


def _title(document: Any) -> str | None:
    try:
        title = (document.core_properties.title or "").strip()
    except Exception:
        return None
    return title if re.search(r"[\u4e00-\u9fff]", title) else None


def check_unpacked_size(data: bytes) -> None:
    """Refuse a zip whose parts, as its directory declares them, unpack to more than the
    limit (zipfile never unpacks a part beyond its declared size: a part that lies fails
    its CRC check)."""
    try:
        infos = zipfile.ZipFile(BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return  # python-docx names what is wrong
    limits = settings.current()
    if len(infos) > limits.max_zip_members:
        raise ReadError(
            f"not a report document: a zip of {len(infos)} parts, over the limit of "
            f"{limits.max_zip_members} (XXGK_MAX_ZIP_MEMBERS)"
        )
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked_bytes:
        raise ReadError(
            f"a zip bomb or too large: its parts unpack to {settings.mib(total)}, over the limit of "
            f"{settings.mib(limits.max_unpacked_bytes)} (XXGK_MAX_UNPACKED_BYTES)"
        )


def read_docx(data: bytes, source: str) -> ReadDocument:
    check_unpacked_size(data)
    try:
        document = docx.Document(BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a damaged package
        raise ReadError(f"not a readable Word document ({type(exc).__name__}: {exc})") from None
    body = document.element.body
    walker = _Walker()
    walker.walk(body)
    if not walker.lines and not walker.cells:
        drawing = body.find(f".//{{{W}}}drawing")
        if drawing is not None or body.find(f".//{{{VML}}}imagedata") is not None:
            raise ReadError("image-only; OCR needed")
        raise ReadError("empty Word document (no text)")
    return ReadDocument(
        source=source,
        text="\n".join(walker.lines),
        cells=walker.cells,
        format="docx",
        title_hint=_title(document),
    )
