"""Reader for PDF reports (pdfplumber): ruled tables as grids, the rest as text lines.

Reports are mostly Word/WPS exports. Their tables are drawn with ruling lines, merged
cells spanning rows and columns, headers that wrap one character per line, and they
break across pages (sometimes cutting a label in two). WPS also paints an invisible
white rectangle behind every text line and cell; those are not rulings, so only
*visible* strokes count as table edges. A table whose closing line fell on the other
side of a page break is closed again with the edges of its own vertical rulings.

Only pages with visible rulings go through pdfplumber's table finder; pages without
rulings but with table headers fall back to word positions (one row per text line, one
cell per run of words separated by a wide gap). Pages without a text layer (or whose
few characters sit on a page-sized image: a scan with a stamp or page number) are
scans: they are read by OCR (`extract.readers.scan`), appended to the text pages' cells.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from extract import settings
from extract.model import Cell, ReadDocument, ReadError

EDGE_TOLERANCE = 3.0  # points: rulings this close are one line; column x's this close are one column
THIN = 2.0  # a filled rectangle thinner than this is drawn as a line
CELL_PADDING = 8.0  # points: at most this between a cell's ruling and its text (Word: 5.4)
MARGIN = 0.075  # top/bottom share of the page where running heads and page numbers live
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "explicit",
    "horizontal_strategy": "explicit",
    "snap_tolerance": EDGE_TOLERANCE,
    "join_tolerance": EDGE_TOLERANCE,
    "intersection_tolerance": EDGE_TOLERANCE,
}
# Words that only the standard tables print: a page without rulings that holds two of
# them goes through the word-position fallback.
TABLE_CUES = (
    "信息内容",
    "自然人",
    "申请人情况",
    "行政复议",
    "行政诉讼",
    "第二十条",
    "法人或其他组织",
    "结果维持",
)
_PAGE_NUMBER = re.compile(
    r"^[-—–－‒~～\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-—–－‒~～\s]*$"
)
_NUMBER = re.compile(r"^[-+－]?\d[\d,，]*(\.\d+)?\s*%?$")
_ENUMERATED = re.compile(r"^[(（]?[一二三四五六七八九十\d]+[)）、.．]")
_CAPTION = re.compile(r"^第[一二三四五六七八九十\d]+条")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


@dataclass(slots=True)
class GridCell:
    text: str
    row: int  # row index inside its part
    col: int  # index into the part's column x's
    rowspan: int
    x0: float
    x1: float = 0.0  # right edge (0: unknown, as in a table without rulings)
    full: bool = False  # its last printed line fills the cell's width (text may go on overleaf)


@dataclass(slots=True)
class Part:
    """One table as found on one page (a table broken by a page break has several)."""

    page: int
    bbox: tuple[float, float, float, float]
    cells: list[GridCell]
    nrows: int
    xs: list[float]  # left x of each grid column
    first_on_page: bool = False
    last_on_page: bool = False
    text_above: bool = True  # body text between the page top and the table
    text_below: bool = True  # body text between the table and the page foot
    ruled: bool = True
    tops: list[float] = field(default_factory=list)  # top y of each row, and the bottom last


@dataclass(slots=True)
class PageItem:
    top: float
    text: str
    x0: float = 0.0
    x1: float = 0.0
    size: float = 10.0
    table: int | None = None  # index into Reading.parts for a table's place in the text


@dataclass(slots=True)
class Reading:
    items: list[list[PageItem]] = field(default_factory=list)  # per page
    parts: list[Part] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    scan_pages: list[int] = field(default_factory=list)  # 0-based pages to OCR


# --- opening -------------------------------------------------------------------------


def open_pdf(data: bytes) -> pdfplumber.PDF:
    start = data.find(b"%PDF-", 0, 1024)
    if start > 0:  # a BOM or junk before the header shifts every offset
        data = data[start:]
    try:
        pdf = pdfplumber.open(BytesIO(data))
        _ = pdf.pages  # parses the page tree: a damaged file fails here
        return pdf
    except Exception as exc:  # pdfplumber wraps pdfminer's many error kinds
        cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
        if isinstance(cause, MemoryError):
            raise cause from None  # a compression bomb: the document limits name it (extract.bounded)
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise ReadError("encrypted PDF; a password is needed") from None
        if isinstance(cause, Exception):
            exc = cause
        raise ReadError(f"not a readable PDF ({type(exc).__name__}: {exc})") from None


def metadata_title(pdf: pdfplumber.PDF) -> str | None:
    """The document-information title, decoded (WPS writes UTF-16 that pdfminer leaves raw)."""
    try:
        info = pdf.doc.info[0] if pdf.doc.info else {}
        raw = info.get("Title")
        resolve = getattr(raw, "resolve", None)
        if resolve is not None:
            raw = resolve()
    except Exception:
        return None
    if isinstance(raw, bytes):
        if raw[:2] in (b"\xfe\xff", b"\xff\xfe"):
            text = raw.decode("utf-16", errors="replace")
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
    elif isinstance(raw, str):
        text = raw
    else:
        return None
    text = text.strip().strip("\x00")
    return text if re.search(r"[\u4e00-\u9fff]", text) else None


# --- rulings -------------------------------------------------------------------------


def _is_white(color: Any) -> bool:
    if color is None:
        return False
    if isinstance(color, int | float):
        color = (color,)
    if not isinstance(color, tuple | list) or not color:
        return False
    try:
        vals = [float(c) for c in color]
    except (TypeError, ValueError):
        return False
    if len(vals) == 4:  # CMYK
        return all(v <= 0.05 for v in vals)
    return all(v >= 0.95 for v in vals)


def _edge(x0: float, top: float, x1: float, bottom: float) -> dict[str, Any]:
    horizontal = (x1 - x0) >= (bottom - top)
    if horizontal:
        y = (top + bottom) / 2
        top = bottom = y
    else:
        x = (x0 + x1) / 2
        x0 = x1 = x
    return {
        "object_type": "explicit_edge",
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": "h" if horizontal else "v",
    }


def visible_edges(page: pdfplumber.page.Page) -> list[dict[str, Any]]:
    """Edges a reader sees: stroked non-white lines and thin non-white filled bars."""
    edges: list[dict[str, Any]] = []
    for line in page.lines:
        if line.get("stroke", True) and not _is_white(line.get("stroking_color")):
            edges.append(_edge(line["x0"], line["top"], line["x1"], line["bottom"]))
    for r in page.rects:
        x0, top, x1, bottom = r["x0"], r["top"], r["x1"], r["bottom"]
        thin = min(x1 - x0, bottom - top) <= THIN
        if thin and r.get("fill") and not _is_white(r.get("non_stroking_color")):
            edges.append(_edge(x0, top, x1, bottom))
        elif r.get("stroke") and not _is_white(r.get("stroking_color")):
            if thin:
                edges.append(_edge(x0, top, x1, bottom))
            else:
                edges += [_edge(x0, top, x1, top), _edge(x0, bottom, x1, bottom)]
                edges += [_edge(x0, top, x0, bottom), _edge(x1, top, x1, bottom)]
    for c in page.curves:
        pts = c.get("pts") or []
        if not c.get("stroke") or _is_white(c.get("stroking_color")) or len(pts) < 2:
            continue
        for (ax, ay), (bx, by) in itertools.pairwise(pts):
            if abs(ax - bx) < 0.5 or abs(ay - by) < 0.5:
                edges.append(_edge(min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))
    return [e for e in edges if max(e["width"], e["height"]) >= 2]


def vertical_groups(edges: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The vertical rulings in groups that overlap down the page (one table each)."""
    verticals = sorted((e for e in edges if e["orientation"] == "v"), key=lambda e: e["top"])
    groups: list[list[dict[str, Any]]] = []
    for e in verticals:
        for g in groups:
            if e["top"] <= g[0]["_bottom"] + EDGE_TOLERANCE:
                g.append(e)
                g[0]["_bottom"] = max(g[0]["_bottom"], e["bottom"])
                break
        else:
            groups.append([{"_bottom": e["bottom"]}, e])
    return [g[1:] for g in groups]


def caption_boxes(page: pdfplumber.page.Page, edges: list[dict[str, Any]], tables: list[Part]) -> list[Part]:
    """One-cell ruled boxes holding a short caption (`行政复议` left alone at a page foot).

    pdfplumber finds no table of a single cell; a table's caption row cut off from
    its table by a page break is one.
    """
    out: list[Part] = []
    for members in vertical_groups(edges):
        if len({round(e["x0"]) for e in members}) != 2:
            continue
        x0, x1 = min(e["x0"] for e in members), max(e["x0"] for e in members)
        top, bottom = min(e["top"] for e in members), max(e["bottom"] for e in members)
        if any(p.bbox[1] - 1 <= top and bottom <= p.bbox[3] + 1 for p in tables):
            continue
        text = join_lines(page.within_bbox((x0, top, x1, bottom)).extract_text())
        if text and len(text) <= 20:
            cell = GridCell(text, 0, 0, 1, x0, x1)
            out.append(Part(page.page_number - 1, (x0, top, x1, bottom), [cell], 1, [x0], tops=[top, bottom]))
    return out


def closing_edges(edges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal edges across the top and bottom of each group of vertical rulings.

    A table cut by a page break often has no ruling at the cut; without one, the cells
    at the cut are not closed and pdfplumber drops them.
    """
    out: list[dict[str, Any]] = []
    for members in vertical_groups(edges):
        if len({round(e["x0"]) for e in members}) < 2:
            continue
        x0 = min(e["x0"] for e in members)
        x1 = max(e["x0"] for e in members)
        top = min(e["top"] for e in members)
        bottom = max(e["bottom"] for e in members)
        out += [_edge(x0, top, x1, top), _edge(x0, bottom, x1, bottom)]
    return out


# --- cells ---------------------------------------------------------------------------


def join_lines(text: str | None) -> str:
    """A cell's wrapped lines joined as one label: no separator between CJK pieces."""
    if not text:
        return ""
    lines = [ln.strip() for ln in text.split("\n")]
    out = ""
    for ln in lines:
        if not ln:
            continue
        # words are spaced; a number wrapped in a narrow cell is not (`15` / `7` is 157)
        if out and _ASCII_WORD.match(ln[0]) and _ASCII_WORD.match(out[-1]):
            out += "" if ln[0].isdigit() and out[-1].isdigit() else " "
        out += ln
    return out


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > EDGE_TOLERANCE:
            out.append(v)
    return out


def _index(xs: list[float], x: float) -> int:
    return min(range(len(xs)), key=lambda i: abs(xs[i] - x))


def table_part(table: Any, page_no: int) -> Part | None:
    """A pdfplumber table as a grid; None for a frame around prose (one column)."""
    rows = table.rows
    if not rows:
        return None
    boxes = [c for r in rows for c in r.cells if c is not None]
    xs = _cluster([b[0] for b in boxes])
    tops = _cluster([b[1] for b in boxes])
    # one row is a table too (the last row of a table, alone overleaf); one column is a
    # frame around prose, unless it is a single short caption (`行政复议` over its table)
    caption = len(tops) == 1 and len(boxes) == 1 and len(join_lines(table.extract()[0][0])) <= 20
    if len(xs) < 2 and not caption:
        return None
    texts = table.extract()
    cells: list[GridCell] = []
    for r_i, (row, row_texts) in enumerate(zip(rows, texts, strict=False)):
        for box, text in zip(row.cells, row_texts, strict=False):
            if box is None:
                continue
            r = _index(tops, box[1])
            span = sum(1 for t in tops if box[1] - EDGE_TOLERANCE <= t < box[3] - EDGE_TOLERANCE)
            col = _index(xs, box[0])
            cells.append(GridCell(join_lines(text), r if r >= 0 else r_i, col, max(span, 1), box[0], box[2]))
    return Part(page_no, tuple(table.bbox), cells, len(tops), xs, tops=[*tops, table.bbox[3]])


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.strip()))


# --- word-position fallback ------------------------------------------------------------


def runs_of(line: dict[str, Any]) -> list[tuple[float, float, str]]:
    """A text line cut into runs of characters at gaps wider than most of a character."""
    runs: list[list[dict[str, Any]]] = []
    for ch in sorted(line.get("chars", []), key=lambda c: c["x0"]):
        if ch["text"].isspace():
            continue
        size = max(ch.get("size", 10.0), 4.0)
        if runs and ch["x0"] - runs[-1][-1]["x1"] < 0.9 * size:
            runs[-1].append(ch)
        else:
            runs.append([ch])
    return [(r[0]["x0"], r[-1]["x1"], "".join(c["text"] for c in r)) for r in runs]


def word_rows(lines: list[dict[str, Any]], page_no: int) -> Part | None:
    """A table without rulings: each text line a row, each wide-gap run a cell.

    Columns are the clustered left x's of the runs, so the numbers of one column share
    a grid column.
    """
    rows = [runs_of(line) for line in lines]
    if not rows:
        return None
    xs = _cluster([x0 for row in rows for x0, _, _ in row])
    cells: list[GridCell] = []
    for r_i, row in enumerate(rows):
        for x0, _, text in row:
            cells.append(GridCell(text, r_i, _index(xs, x0), 1, x0))  # no rulings: no right edge
    bbox = (
        min(ln["x0"] for ln in lines),
        min(ln["top"] for ln in lines),
        max(ln["x1"] for ln in lines),
        max(ln["bottom"] for ln in lines),
    )
    return Part(page_no, bbox, cells, len(rows), xs, ruled=False)


def fallback_regions(lines: list[dict[str, Any]], continued: bool) -> list[list[dict[str, Any]]]:
    """The runs of text lines of a page that form unruled tables.

    A table line has several runs separated by wide gaps, or is short; prose lines are
    one long run, and a section heading (`三、…` alone) ends a table. A region starts at
    a line naming a table header (or at the page top when the table of the previous
    page goes on) and needs three lines holding numbers or five numbers, unless it
    goes on over a page break.
    """
    if not lines:
        return []
    left = min(ln["x0"] for ln in lines)
    width = max(max(ln["x1"] for ln in lines) - left, 1.0)
    regions: list[list[dict[str, Any]]] = []
    region: list[dict[str, Any]] = []
    numeric = 0
    open_region = continued

    def close(at_foot: bool = False) -> None:
        nonlocal region, numeric
        values = sum(is_number(t) for ln in region for _, _, t in runs_of(ln))
        # at the foot of a page the table goes on overleaf; at the top it came from there
        going_on = at_foot or (continued and region and region[0] is lines[0])
        if numeric >= 3 or values >= 5 or (going_on and numeric >= 1):
            regions.append(region)
        region, numeric = [], 0

    for ln in lines:
        squeezed = ln["text"].replace(" ", "")
        runs = runs_of(ln)
        tabular = len(runs) >= 2 or (ln["x1"] - ln["x0"]) < 0.6 * width
        heading = len(runs) == 1 and re.match(r"^[一二三四五六七八九十]+、", squeezed) is not None
        if not region:
            cue = any(c in squeezed for c in TABLE_CUES)
            if tabular and not heading and (cue or open_region):
                region.append(ln)
                numeric = int(any(is_number(t) for _, _, t in runs))
            open_region = False
            continue
        if not tabular or heading:
            close()
            continue
        region.append(ln)
        numeric += int(any(is_number(t) for _, _, t in runs))
    close(at_foot=True)
    return regions


# --- reading pages ---------------------------------------------------------------------


def _margin_line(text: str, top: float, bottom: float, height: float) -> bool:
    in_margin = top < height * MARGIN or bottom > height * (1 - MARGIN)
    return in_margin and bool(_PAGE_NUMBER.match(text))


def read_pages(pdf: pdfplumber.PDF) -> Reading:
    reading = Reading()
    any_text = False
    image_pages = 0
    n_parts_before = 0
    for page_no, page in enumerate(pdf.pages):
        chars = page.chars
        if not chars or scanned_page(page, chars):
            if page.images:
                image_pages += 1
                reading.scan_pages.append(page_no)
            reading.items.append([])
            continue
        any_text = True
        height = float(page.height)
        edges = visible_edges(page)
        tables: list[Part] = []
        if sum(1 for e in edges if e["orientation"] == "v") >= 2:
            settings = dict(TABLE_SETTINGS)
            settings["explicit_vertical_lines"] = [e for e in edges if e["orientation"] == "v"]
            horizontals = [e for e in edges if e["orientation"] == "h"] + closing_edges(edges)
            settings["explicit_horizontal_lines"] = horizontals
            for t in page.find_tables(settings):
                part = table_part(t, page_no)
                if part is not None:
                    tables.extend(split_by_structure(part))
            tables += caption_boxes(page, edges, tables)
        text_page = page
        for part in tables:
            text_page = text_page.outside_bbox(part.bbox)
        lines = [
            ln
            for ln in text_page.extract_text_lines(return_chars=True, x_tolerance_ratio=0.3)
            if not _margin_line(ln["text"], ln["top"], ln["bottom"], height)
        ]
        if not tables:
            prev = reading.parts[-1] if reading.parts else None
            continued = (
                prev is not None
                and not prev.ruled
                and prev.page == page_no - 1
                and prev.last_on_page
                and not prev.text_below
            )
            for region in fallback_regions(lines, continued):
                part = word_rows(region, page_no)
                if part is not None:
                    tables.append(part)
                    ids = {id(ln) for ln in region}
                    lines = [ln for ln in lines if id(ln) not in ids]
        items = [
            PageItem(ln["top"], ln["text"], ln["x0"], ln["x1"], max(ln["chars"][0].get("size", 10.0), 4.0))
            for ln in lines
        ]
        body_tops = [(ln["top"], ln["bottom"]) for ln in lines]
        tables.sort(key=lambda p: p.bbox[1])
        for i, part in enumerate(tables):
            part.first_on_page = i == 0
            part.last_on_page = i == len(tables) - 1
            part.text_above = any(b <= part.bbox[1] + 1 for _, b in body_tops)
            part.text_below = any(t >= part.bbox[3] - 1 for t, _ in body_tops)
            items.append(PageItem(part.bbox[1], "", table=n_parts_before + i))
        if tables and tables[-1].ruled and not tables[-1].text_below:
            mark_full_lines(page, tables[-1])  # its last row may go on overleaf
        n_parts_before += len(tables)
        reading.parts.extend(tables)
        items.sort(key=lambda it: it.top)
        reading.items.append(items)
    if not any_text and not image_pages:
        raise ReadError("no text in the PDF")
    return reading


def scanned_page(page: pdfplumber.page.Page, chars: list[dict[str, Any]]) -> bool:
    """A page whose few characters lie on an image covering most of it (a scan with a stamp)."""
    if len(chars) > 40 or not page.images:
        return False
    area = float(page.width * page.height) or 1.0
    covered = max((float(im["width"]) * float(im["height"]) for im in page.images), default=0.0)
    return covered >= 0.5 * area


# --- stitching parts across page breaks -----------------------------------------------


def _edges(part: Part) -> list[float]:
    """The x of every cell edge of a part: its column structure (rulings, merged cells)."""
    return [x for c in part.cells for x in (c.x0, c.x1) if x]


def lines_up(table: list[Part], nxt: Part) -> bool:
    """The outer edges agree, and every cell edge of `nxt` falls on a column edge of
    `table` (or, for a table cut under its header, the other way round).

    A continuation has the table's columns (merged cells use fewer of them); another
    table (section 四's fifteen columns after section 三's ten) has edges of its own.
    """
    known = _cluster([x for p in table for x in _edges(p)])
    mine = _cluster(_edges(nxt))
    if not known or not mine:
        return False
    if abs(mine[0] - known[0]) > EDGE_TOLERANCE or abs(mine[-1] - known[-1]) > EDGE_TOLERANCE:
        return False

    def within(a: list[float], b: list[float]) -> bool:
        return all(abs(b[_index(b, x)] - x) <= EDGE_TOLERANCE for x in a)

    # a header cut off above its table has fewer edges than the rows overleaf
    return within(mine, known) or within(known, mine)


def continues(table: list[Part], nxt: Part, first: bool) -> bool:
    """`nxt` (`first` on its page but for repeated headers) is the rest of `table` overleaf.

    Not by page pairs: a table goes on over as many pages as it needs, and each page's
    fragment (one row or more) joins the table above it when nothing stands between
    them (no text under the table, none over the fragment) and its columns line up.
    """
    prev = table[-1]
    if nxt.page != prev.page + 1 or not (prev.last_on_page and first):
        return False
    if prev.text_below or nxt.text_above or prev.ruled != nxt.ruled:
        return False
    if not prev.ruled:
        return True  # unruled parts have no outline to compare
    return lines_up(table, nxt)


def _row_texts(part: Part, row: int) -> list[str]:
    return [c.text for c in sorted(part.cells, key=lambda c: c.col) if c.row == row]


def _header_rows(part: Part) -> list[list[str]]:
    """The first rows of a table, which a repeated header prints again on each page."""
    return [_row_texts(part, r) for r in range(min(3, part.nrows))]


def is_repeated_header(part: Part, tables: list[list[Part]]) -> bool:
    """`part` prints nothing but the first rows of one of `tables` again."""
    rows = [_row_texts(part, r) for r in range(part.nrows)]
    if not rows or not any(t for t in rows[0]):
        return False
    return any(_header_rows(t[0])[: len(rows)] == rows and len(rows) <= t[0].nrows for t in tables)


def stitch(parts: list[Part]) -> list[list[Part]]:
    """The parts grouped into tables (see `continues`).

    A page may open with the repeated header of a table that LibreOffice or Word joined
    from two (section 三 glued over section 四): that header is dropped, and the part
    under it is the page's first.
    """
    groups: list[list[Part]] = []
    after_header = False  # the part before opened its page with a repeated header
    page = -1
    for part in parts:
        first = part.first_on_page or (after_header and part.page == page)
        after_header, page = False, part.page
        if groups and continues(groups[-1], part, first):
            groups[-1].append(part)
        elif first and part.ruled and groups and is_repeated_header(part, groups[-3:]):
            after_header = True
        else:
            groups.append([part])
    return groups


def split_by_structure(part: Part) -> list[Part]:
    """A ruled table cut where its column structure changes: two tables printed as one.

    Word and LibreOffice join two tables with nothing between them into one (section
    四's fifteen columns straight under section 三's ten). Rows of one table share their
    inner column edges; a cut between rows, crossed by no merged cell, where the two
    sides share under half the edges of the smaller side, separates two tables.
    """
    if part.nrows < 2 or not part.ruled or len(part.tops) != part.nrows + 1:
        return [part]
    edges = _cluster(_edges(part))
    if len(edges) < 3:
        return [part]
    outer = {0, len(edges) - 1}
    rows: list[set[int]] = [set() for _ in range(part.nrows)]
    crossed = [False] * (part.nrows + 1)
    for c in part.cells:
        inner = {_index(edges, c.x0), _index(edges, c.x1)} - outer
        for r in range(c.row, min(c.row + c.rowspan, part.nrows)):
            rows[r] |= inner
        for k in range(c.row + 1, min(c.row + c.rowspan, part.nrows)):
            crossed[k] = True
    cuts = _structure_cuts(rows, crossed, 0, part.nrows)
    if not cuts:
        return [part]
    out: list[Part] = []
    bounds = [0, *cuts, part.nrows]
    for lo, hi in itertools.pairwise(bounds):
        cells = [
            GridCell(c.text, c.row - lo, c.col, c.rowspan, c.x0, c.x1, c.full)
            for c in part.cells
            if lo <= c.row < hi
        ]
        xs = _cluster([c.x0 for c in cells])
        bbox = (min(c.x0 for c in cells), part.tops[lo], max(c.x1 for c in cells), part.tops[hi])
        sub = Part(part.page, bbox, cells, hi - lo, xs, tops=part.tops[lo : hi + 1])
        sub.cells = [GridCell(c.text, c.row, _index(xs, c.x0), c.rowspan, c.x0, c.x1, c.full) for c in cells]
        out.append(sub)
    return out


def _structure_cuts(rows: list[set[int]], crossed: list[bool], lo: int, hi: int) -> list[int]:
    best, best_share = None, 0.5
    for k in range(lo + 1, hi):
        if crossed[k]:
            continue
        above = set().union(*rows[lo:k])
        below = set().union(*rows[k:hi])
        if not above or not below:
            continue
        share = len(above & below) / min(len(above), len(below))
        if share < best_share:
            best, best_share = k, share
    if best is None:
        return []
    return [*_structure_cuts(rows, crossed, lo, best), best, *_structure_cuts(rows, crossed, best, hi)]


def mark_full_lines(page: pdfplumber.page.Page, part: Part) -> None:
    """Mark the cells of the part's last row whose last printed line fills the cell.

    A row that breaks across pages leaves its label's first lines here and the rest
    overleaf; a label cut there ends in a full line, a label printed whole need not.
    """
    if len(part.tops) != part.nrows + 1:
        return
    chars = page.chars
    for c in part.cells:
        if c.row + c.rowspan != part.nrows or not c.text or not c.x1:
            continue
        top, bottom = part.tops[c.row], part.tops[-1]
        inside = [
            ch
            for ch in chars
            if c.x0 - 1 <= ch["x0"]
            and ch["x1"] <= c.x1 + 1
            and top - 1 <= ch["top"]
            and ch["bottom"] <= bottom + 1
        ]
        if not inside:
            continue
        last_top = max(ch["top"] for ch in inside)
        last = [ch for ch in inside if ch["top"] >= last_top - 2]
        size = max(ch.get("size", 10.0) for ch in last)
        left_gap = min(ch["x0"] for ch in inside) - c.x0
        right_gap = c.x1 - max(ch["x1"] for ch in last)
        c.full = right_gap <= min(left_gap, CELL_PADDING) + 1.2 * size


def first_value_col(cells: list[tuple[int, int, GridCell]]) -> int | None:
    cols = [col for _, col, c in cells if is_number(c.text)]
    return min(cols) if cols else None


def group_cells(group: list[Part], warnings: list[str]) -> list[tuple[int, int, GridCell]]:
    """The cells of a stitched table as (row, grid col, cell), in reading order."""
    xs = _cluster([x for p in group for x in p.xs])
    out: list[tuple[int, int, GridCell]] = []
    row0 = 0
    header: list[list[str]] = []
    for n, part in enumerate(group):
        skip = 0
        if n == 0:
            header = [_row_texts(part, r) for r in range(min(3, part.nrows))]
        else:
            # a repeated header: the first rows print again what the table's first rows did
            for k in range(len(header), 0, -1):
                if [_row_texts(part, r) for r in range(k)] == header[:k] and any(t for t in header[0]):
                    skip = k
                    break
        cells = [(row0 + c.row - skip, _index(xs, c.x0), c) for c in part.cells if c.row >= skip]
        rows = part.nrows - skip
        if n > 0 and out:
            cells, rejoined = rejoin_split_row(out, cells, row0)
            rows -= rejoined
            cells = rejoin_cut_labels(out, cells, row0)
        out.extend(cells)
        row0 += rows
    out.sort(key=lambda t: (t[0], t[1]))
    if len(group) > 1:
        pages = f"{group[0].page + 1}-{group[-1].page + 1}"
        warnings.append(f"a table continues over {len(group)} pages (pages {pages}); stitched")
    return out


def rejoin_split_row(
    before: list[tuple[int, int, GridCell]], after: list[tuple[int, int, GridCell]], row0: int
) -> tuple[list[tuple[int, int, GridCell]], bool]:
    """Glue the rest of a row that broke across pages back onto its first part.

    Word and LibreOffice let a row break over a page: the lines that do not fit go on
    in the same cells overleaf, so the continuation's first row lines up cell for cell
    with the row above. It is that row's rest (and not a row of its own, printed
    again or blank) when its value cells are blank, its texts start no new label, and
    each label it goes on with ended in a full line on the page before. True when
    the row was glued (and dropped).
    """
    first = [(col, cell) for row, col, cell in after if row == row0]
    value_col = first_value_col(before)
    if not first or value_col is None:
        return after, False
    owners: dict[int, GridCell] = {}
    for b_row, b_col, b_cell in before:
        if b_row <= row0 - 1 < b_row + b_cell.rowspan:
            owners[b_col] = b_cell
    # the row above has a cell in each of this row's columns (blank merged cells aside)
    if not set(owners) <= {col for col, _ in first} or not any(cell.text for _, cell in first):
        return after, False
    for col, cell in first:
        if not cell.text:
            continue
        new_label = _ENUMERATED.match(cell.text) or _CAPTION.match(cell.text)
        owner = owners.get(col)
        if col >= value_col or is_number(cell.text) or new_label or owner is None or not owner.full:
            return after, False
    kept = [(row - 1, col, cell) for row, col, cell in after if row > row0]
    for col, cell in first:
        if cell.text:
            owners[col].text += cell.text
        if cell.rowspan > 1:  # a merged cell that starts here goes on down the next rows
            kept.append((row0, col, GridCell("", cell.row, cell.col, cell.rowspan - 1, cell.x0, cell.x1)))
    kept.sort(key=lambda t: (t[0], t[1]))
    return kept, True


def rejoin_cut_labels(
    before: list[tuple[int, int, GridCell]], after: list[tuple[int, int, GridCell]], row0: int
) -> list[tuple[int, int, GridCell]]:
    """Glue a label cut by the page break (`（四）无` | `法提供`) back onto its first half.

    A group label merged down its rows goes on overleaf in its column, next to the
    rows' own labels. The first half is the label cell that covers the last row before
    the break in the same column, and its last line fills the cell; the second half is
    a text cell in the continuation's first row, left of that row's own label, that
    does not start a new enumerated label. A blank there is the merged cell going on.
    """
    value_col = first_value_col(before + after)
    last_row = row0 - 1
    first_row_numbers = any(is_number(c.text) for r, _, c in after if r == row0)
    label_cols = [
        col
        for r, col, c in after
        if r == row0 and value_col is not None and col < value_col and c.text and not is_number(c.text)
    ]
    kept: list[tuple[int, int, GridCell]] = []
    for row, col, cell in after:
        label_slot = value_col is not None and col < value_col and first_row_numbers
        # the row has a label of its own further right (`法提供` | `2.没有现成信息…`)
        label_slot = label_slot and max(label_cols, default=col) > col
        if row != row0 or not label_slot or not cell.text:
            kept.append((row, col, cell))
            continue
        owner = None
        for b_row, b_col, b_cell in before:
            if b_col == col and b_row + b_cell.rowspan - 1 == last_row:
                alone = all(r != b_row or c is b_cell for r, _, c in before)
                owner = None if alone else b_cell
        continuation = owner is not None and owner.full and bool(owner.text) and not is_number(owner.text)
        if owner is not None and continuation and not _ENUMERATED.match(cell.text):
            owner.text += cell.text
            continue
        kept.append((row, col, cell))
    return kept


def merge_wrapped_lines(cells: list[tuple[int, int, GridCell]]) -> list[tuple[int, int, GridCell]]:
    """In an unruled table, glue the wrapped lines of a label back onto its first line.

    Without rulings every printed line is a row. A line without numbers continues the
    labels above it: in the header, when all its pieces sit under pieces of the line
    just above (`自然` / `人`); among the data rows, piece by piece onto the label
    above in the same column (`三、` / `本年` / `度办` / `理结` / `果`), unless the
    piece starts a new enumerated label.
    """
    value_col = first_value_col(cells)
    if value_col is None:
        return cells
    rows: dict[int, list[tuple[int, GridCell]]] = {}
    for row, col, cell in cells:
        rows.setdefault(row, []).append((col, cell))
    first_numeric = min(r for r, items in rows.items() if any(is_number(c.text) for _, c in items))
    kept: dict[int, list[tuple[int, GridCell]]] = {}
    last_in_col: dict[int, GridCell] = {}
    prev_row: dict[int, GridCell] | None = None
    for row in sorted(rows):
        items = rows[row]
        numbers = any(is_number(c.text) for _, c in items)
        if not numbers and prev_row is not None:
            if row < first_numeric and all(col in prev_row for col, _ in items):
                for col, cell in items:
                    prev_row[col].text += cell.text
                continue
            label_only = all(col < value_col for col, _ in items)
            glue = row > first_numeric and label_only and all(col in last_in_col for col, _ in items)
            if glue and not any(_ENUMERATED.match(c.text) or _CAPTION.match(c.text) for _, c in items):
                for col, cell in items:
                    last_in_col[col].text += cell.text
                continue
        kept[row] = items
        prev_row = {col: cell for col, cell in items}
        for col, cell in items:
            last_in_col[col] = cell
    return [(row, col, cell) for row, items in kept.items() for col, cell in items]


def drop_layout_blanks(cells: list[tuple[int, int, GridCell]]) -> list[tuple[int, int, GridCell]]:
    """Drop blank cells that are no data column: slots of the label area, holes in headers.

    A blank left of the table's first number column, where rows with numbers print
    their labels, is an empty label slot (an extra ruled cell, a merged label going on
    past a page break); in a table without labels (section 四) it is an empty value.
    A blank followed by text in a row without numbers is a caption cell split by a
    stray ruling.
    """
    value_col = first_value_col(cells)
    by_row: dict[int, list[tuple[int, GridCell]]] = {}
    for row, col, cell in cells:
        by_row.setdefault(row, []).append((col, cell))
    label_end = -1  # the last column that holds a label (text before numbers) of a row
    for items in by_row.values():
        number_cols = [col for col, c in items if is_number(c.text)]
        if number_cols:
            labels = [col for col, c in items if col < min(number_cols) and c.text.strip()]
            label_end = max([label_end, *labels])
    kept = []
    for row, col, cell in cells:
        if not cell.text.strip():
            if value_col is not None and col < value_col and col <= label_end:
                continue
            rest = [c for cc, c in by_row[row] if cc > col and c.text.strip()]
            numbers = any(is_number(c.text) for _, c in by_row[row])
            if not numbers and rest and not is_number(rest[0].text):
                continue
        kept.append((row, col, cell))
    return kept


# --- the reader ------------------------------------------------------------------------


def read_pdf(data: bytes, source: str) -> ReadDocument:
    pdf = open_pdf(data)
    try:
        max_pages = settings.current().max_pages
        if len(pdf.pages) > max_pages:
            raise ReadError(
                f"too many pages: {len(pdf.pages)}, over the limit of {max_pages} (XXGK_MAX_PAGES)"
            )
        try:
            reading = read_pages(pdf)
        except (ReadError, MemoryError):
            raise
        except Exception as exc:  # pdfminer raises many kinds on damaged files
            cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
            if isinstance(cause, MemoryError):
                raise cause from None
            exc = cause if isinstance(cause, Exception) else exc
            raise ReadError(f"not a readable PDF ({type(exc).__name__}: {exc})") from None
        title_hint = metadata_title(pdf)
        n_pages = len(pdf.pages)
    finally:
        pdf.close()
    if reading.scan_pages and len(reading.scan_pages) == n_pages:
        from extract.readers.scan import read_scanned_pdf

        scanned = read_scanned_pdf(data, source, n_pages)
        scanned.title_hint = title_hint
        return scanned
    doc = document_from_reading(reading, source, "pdf", title_hint)
    if reading.scan_pages:  # a mixed PDF: its scanned pages after its text pages
        from extract.readers.scan import add_scanned_pages

        add_scanned_pages(doc, data, reading.scan_pages)
    return doc


def document_from_reading(
    reading: Reading, source: str, fmt: str, title_hint: str | None = None
) -> ReadDocument:
    """The cell stream and text of a document read as pages of lines and table parts.

    Any reader that finds table grids on pages (PDF here; a scan's grid found by OCR)
    hands its `Reading` here: parts are stitched into tables by their column
    structure, repeated headers and rows broken over pages are undone, and each table
    cell becomes one `Cell(text, row, col, block)`: `row` runs through the document,
    `col` is the grid column in its table, `block` numbers the tables.
    """
    groups = stitch(reading.parts)
    part_group = {id(p): g_i for g_i, g in enumerate(groups) for p in g}
    cells: list[Cell] = []
    table_lines: dict[int, list[str]] = {}
    row = 0
    for block, group in enumerate(groups):
        grid = group_cells(group, reading.warnings)
        if not group[0].ruled:
            grid = merge_wrapped_lines(grid)
        grid = drop_layout_blanks(grid)
        lines: list[str] = []
        last = None
        for g_row, col, cell in grid:
            if g_row != last:
                if last is not None:
                    row += 1
                lines.append(cell.text)
                last = g_row
            else:
                lines[-1] += " | " + cell.text
            cells.append(Cell(cell.text, row, col, block))
        if last is not None:
            row += 1
        table_lines[block] = lines

    text_lines: list[str] = []
    emitted: set[int] = set()
    for para in paragraphs(reading.items):
        if isinstance(para, int):
            g = part_group.get(id(reading.parts[para]))  # None: a repeated header, dropped
            if g is not None and g not in emitted:
                emitted.add(g)
                text_lines.extend(table_lines[g])
        else:
            text_lines.append(para)
    doc = ReadDocument(
        source=source,
        text="\n".join(text_lines),
        cells=cells,
        format=fmt,
        warnings=reading.warnings,
        title_hint=title_hint,
    )
    return doc


def join_title_lines(items: list[PageItem]) -> list[PageItem]:
    """The title printed over several centred lines in a large font, as one line.

    `淮安市人民政府` / `2024 年政府信息公开工作年度报告` is one title: the agency is
    part of it.
    """
    body = [it for it in items if it.table is None]
    if len(body) < 3:
        return items
    sizes = sorted(it.size for it in body)
    median = sizes[len(sizes) // 2]
    centre = (min(it.x0 for it in body) + max(it.x1 for it in body)) / 2
    n = 0
    for it in items:
        big = it.table is None and it.size >= 1.2 * median
        if not big or abs((it.x0 + it.x1) / 2 - centre) > 0.08 * (centre * 2):
            break
        n += 1
    if n < 2:
        return items
    head = items[:n]
    text = "".join(it.text.strip() for it in head)
    title = PageItem(head[0].top, text, head[0].x0, head[-1].x1, head[0].size)
    return [title, *items[n:]]


def paragraphs(pages: list[list[PageItem]]) -> list[str | int]:
    """The pages' lines joined into paragraphs (a table as its part index).

    A line continues on the next (also across a page break) when it reaches the right
    margin and the next line starts at the left margin: a new paragraph is indented and
    a heading is short.
    """
    out: list[str | int] = []
    joinable = False
    pages = [join_title_lines(pages[0]), *pages[1:]] if pages else pages
    for items in pages:
        body = [it for it in items if it.table is None]
        if body:
            left = min(it.x0 for it in body)
            right = sorted(it.x1 for it in body)[int(len(body) * 0.8)]
        for it in items:
            if it.table is not None:
                out.append(it.table)
                joinable = False
                continue
            text = it.text.strip()
            if not text:
                continue
            at_left = it.x0 <= left + 0.5 * it.size
            if joinable and out and isinstance(out[-1], str) and at_left and not _ENUMERATED.match(text):
                out[-1] += text
            else:
                out.append(text)
            joinable = it.x1 >= right - 1.5 * it.size and len(body) > 3
    return out
