"""Reader for HTML report pages: real tables as grids, everything else as text lines.

The report body is found by following the element that holds most of the page's
non-link text (navigation and footers are mostly links), so no per-site selector is
needed. Tables are expanded into a grid (`rowspan`/`colspan`), each printed cell
emitted once at its top-left position; text outside tables becomes lines, read by the
text reader's line rules (so tables flattened into one `<p>` per cell work too).
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from extract.decode import decode
from extract.model import Cell, ReadDocument, ReadError
from extract.readers.text import lines_to_cells

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
    ]
)
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "select", "button", "svg")
_HARD_SPACE = re.compile("[\u00a0\u3000]")
_WS = re.compile(r"[ \t\r\n\u00a0\u2002\u2003\u2009]+")


def _tag(el: etree._Element) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def _text_lengths(root: etree._Element) -> dict[etree._Element, int]:
    """Visible text length under every element, not counting text inside links."""
    lengths: dict[etree._Element, int] = {}

    def visit(el: etree._Element, in_link: bool) -> int:
        in_link = in_link or _tag(el) == "a"
        total = 0 if in_link or not el.text else len(el.text.strip())
        for child in el:
            if isinstance(child.tag, str):
                total += visit(child, in_link)
            if child.tail and not in_link:
                total += len(child.tail.strip())
        lengths[el] = total
        return total

    visit(root, False)
    return lengths


def find_body(root: etree._Element) -> etree._Element:
    """The smallest element still holding nearly all of the page's non-link text."""
    body = root.find(".//body")
    node = body if body is not None else root
    lengths = _text_lengths(node)
    while True:
        total = lengths.get(node, 0)
        if total == 0:
            return node
        best = None
        for child in node:
            if isinstance(child.tag, str) and lengths.get(child, 0) >= 0.85 * total:
                best = child
                break
        if best is None or _tag(best) in ("table", "tr", "tbody", "td", "p"):
            return node
        node = best


def cell_text(el: etree._Element) -> str:
    """A table cell's text: inline pieces joined, blocks and `<br>` as spaces."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        tag = _tag(node)
        if tag == "br" or tag in BLOCK_TAGS:
            parts.append(" ")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in BLOCK_TAGS:
            parts.append(" ")

    walk(el)
    return _WS.sub(" ", "".join(parts)).strip()


def _rows_of(table: etree._Element) -> list[etree._Element]:
    rows: list[etree._Element] = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if _tag(r) == "tr")
    return rows


def _int_attr(el: etree._Element, name: str) -> int:
    try:
        return max(1, min(int(str(el.get(name, "1")).strip() or 1), 200))
    except ValueError:
        return 1


def is_layout_table(table: etree._Element) -> bool:
    """A table used for page layout (one big cell, or cells holding tables)."""
    rows = _rows_of(table)
    cells = [c for r in rows for c in r if _tag(c) in ("td", "th")]
    if len(cells) <= 2:
        return True
    return any(c.find(".//table") is not None for c in cells)


def table_cells(table: etree._Element, row0: int, block: int) -> tuple[list[Cell], int]:
    """Expand a table into a grid; emit each printed cell once at its top-left slot."""
    occupied: dict[tuple[int, int], bool] = {}
    cells: list[Cell] = []
    rows = _rows_of(table)
    for r, tr in enumerate(rows):
        col = 0
        for td in tr:
            if _tag(td) not in ("td", "th"):
                continue
            while occupied.get((r, col)):
                col += 1
            rowspan, colspan = _int_attr(td, "rowspan"), _int_attr(td, "colspan")
            for dr in range(rowspan):
                for dc in range(colspan):
                    occupied[(r + dr, col + dc)] = True
            cells.append(Cell(cell_text(td), row0 + r, col, block))
            col += colspan
    return cells, row0 + len(rows)


class _Walker:
    """Walks the report body in document order, collecting lines and table cells."""

    def __init__(self) -> None:
        self.cells: list[Cell] = []
        self.text_lines: list[str] = []
        self.row = 0
        self.block = 0
        self._lines: list[str] = []
        self._current: list[str] = []

    def _break(self) -> None:
        raw = "".join(self._current)
        self._current = []
        line = _WS.sub(" ", raw).strip()
        if line:
            self._lines.append(line)
        elif _HARD_SPACE.search(raw):
            # a block holding only no-break spaces (`<p>&nbsp;</p>`) is an empty cell;
            # the newlines and indentation between tags are not
            self._lines.append(" ")

    def _flush_lines(self) -> None:
        self._break()
        if self._lines:
            lines = [ln if ln.strip() else " " for ln in self._lines]
            cells, self.row = lines_to_cells(lines, row=self.row, block=self.block)
            self.cells.extend(cells)
            self.text_lines.extend(ln for ln in self._lines if ln.strip())
            self.block += 1
            self._lines = []

    def walk(self, el: etree._Element) -> None:
        tag = _tag(el)
        if tag == "table" and not is_layout_table(el):
            self._flush_lines()
            cells, self.row = table_cells(el, self.row, self.block)
            self.cells.extend(cells)
            for r in sorted({c.row for c in cells}):
                self.text_lines.append(" | ".join(c.text for c in cells if c.row == r))
            self.block += 1
            return
        if tag == "br" or tag in BLOCK_TAGS:
            self._break()
        if el.text and tag:
            self._current.append(el.text)
        for child in el:
            if isinstance(child.tag, str):
                self.walk(child)
            if child.tail:
                self._current.append(child.tail)
        if tag in BLOCK_TAGS:
            self._break()

    def finish(self) -> None:
        self._flush_lines()


def parse_html(text: str) -> etree._Element:
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"not a readable HTML page ({exc})") from None
    for bad in list(root.iter(*DROP_TAGS)):
        if bad.getparent() is not None:
            bad.drop_tree()
    for comment in list(root.iter(etree.Comment)):
        if comment.getparent() is not None:
            comment.drop_tree()  # keeps the comment's tail text
    return root


def read_html(data: bytes, source: str, *, content_type: str | None = None) -> ReadDocument:
    text = decode(data, content_type=content_type, html=True)
    root = parse_html(text)
    title_el = root.find(".//title")
    title_hint = title_el.text_content().strip() if title_el is not None else None
    meta = root.find(".//meta[@name='ArticleTitle']")
    if meta is not None and meta.get("content"):
        title_hint = meta.get("content").strip()
    body = find_body(root)
    walker = _Walker()
    walker.walk(body)
    walker.finish()
    return ReadDocument(
        source=source,
        text="\n".join(walker.text_lines),
        cells=walker.cells,
        format="html",
        title_hint=title_hint,
    )
