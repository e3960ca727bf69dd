"""Reader for HTML report pages: real tables as grids, everything else as text lines.

The report body is found by following the element that holds most of the page's
non-link text (navigation and footers are mostly links), so no per-site selector is
needed. Tables are expanded into a grid (`rowspan`/`colspan`), each printed cell
emitted once at its top-left position; text outside tables becomes lines, read by the
text reader's line rules (so tables flattened into one `<p>` per cell work too).

Speed: pages of 100 KB and more (Word exports) hold thousands of elements, so the
tree is never walked element by element in Python. Text lengths come from one XPath
per element looked at; the body's lines and tables are written out by one XSLT pass
(C code) as text with markers, which Python then cuts.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from lxml import etree

from extract.decode import decode_as
from extract.model import Cell, ReadDocument, ReadError
from extract.readers.embedded import Embedded, embedded_markup
from extract.readers.text import lines_to_cells, may_be_cut

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
_WS = re.compile(r"[ \t\r\n\u00a0\u2002\u2003\u2009]+")
# comments go at parse time (their text joins the text around them, as drop_tree would)
_PARSER = etree.HTMLParser(remove_comments=True)
# a page that ends neither its body nor itself was cut off (a copy stored up to a byte
# limit, an interrupted download): its last cell may be a number cut short
_CLOSED = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
# UTF-8 pages are parsed from their bytes: libxml2 reads UTF-8 directly, while a str
# holding Chinese reaches it as UTF-16 to be converted
_UTF8_PARSER = etree.HTMLParser(remove_comments=True, encoding="utf-8")
_STRING = etree.XPath("string()")
# the text pieces `find_body` measures: of an element's subtree, of the links in it
# (outermost links only, so nothing counts twice), and of everything beside an element
# outside links, not only XML whitespace (which strips to nothing); the first serves
# to choose the markers of `read_body` as well
_ALL_TEXT = etree.XPath("descendant::text()", smart_strings=False)
_LINK_TEXT = etree.XPath("descendant::a[not(ancestor::a)]/descendant::text()", smart_strings=False)
_SIBLING_TEXT = etree.XPath(
    "(preceding-sibling::node() | following-sibling::node())"
    "/descendant-or-self::text()[normalize-space()][not(ancestor::a)]",
    smart_strings=False,
)
_LONG_CHILDREN = etree.XPath("*[string-length() >= $need]")


def _tag(el: etree._Element) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def _landmarks(
    root: etree._Element,
) -> tuple[etree._Element | None, etree._Element | None, etree._Element | None]:
    """The first `<title>`, `<meta name="ArticleTitle">` and `<body>` under `root`, in one
    pass: lxml's `find` of an element a page holds once walks the rest of the tree too
    (its iterator looks ahead for a next match)."""
    title = meta = body = None
    for el in root.iterdescendants("title", "meta", "body"):
        tag = el.tag
        if tag == "meta":
            if meta is None and el.get("name") == "ArticleTitle":
                meta = el
        elif tag == "title":
            if title is None:
                title = el
        elif body is None:
            body = el
    return title, meta, body


def find_body(start: etree._Element, texts: list[str]) -> etree._Element:
    """The smallest element still holding nearly all of the page's non-link text.

    The text is measured as the sum of the stripped lengths of the text pieces, not
    counting those inside links; `texts` are all the pieces under `start` (the page's
    `<body>`). Descends from `start` into the first child holding at least 85% of the
    node's text, while that child is not a table part or a paragraph. Only children
    whose whole string (links and spaces included, an upper bound computed in C)
    reaches 85% can qualify, and the text of such a child is the node's text minus
    that of its siblings, so the big subtree is never measured again at each level.
    """
    node = start
    # less the pieces inside (outermost) links: subtracting costs less than asking
    # every piece whether a link is above it
    total = sum(map(len, map(str.strip, texts))) - sum(map(len, map(str.strip, _LINK_TEXT(node))))
    while total:
        need = 0.85 * total
        for child in _LONG_CHILDREN(node, need=need):
            n = total - sum(map(len, map(str.strip, _SIBLING_TEXT(child))))
            if n >= need:
                break
        else:
            return node
        if _tag(child) in ("table", "tr", "tbody", "td", "p"):
            return node
        node, total = child, n
    return node


def _replace_with_text(el: etree._Element, text: str) -> None:
    """Take `el` out of the tree, leaving `text` (then its tail) in its place."""
    parent = el.getparent()
    assert parent is not None
    text += el.tail or ""
    previous = el.getprevious()
    if previous is None:
        parent.text = (parent.text or "") + text
    else:
        previous.tail = (previous.tail or "") + text
    parent.remove(el)


def _int_attr(raw: str) -> int:
    """A `rowspan`/`colspan` value as printed ("" when absent): 1 unless a sane number."""
    try:
        return max(1, min(int(raw.strip() or 1), 200))
    except ValueError:
        return 1


# The body's text, cut for reading, made in one XSLT pass (C code: the tree is never
# walked element by element in Python). Markers say what the text is, each a letter
# after a private-use character M the body's text does not hold: BREAK (Mb) where a
# block element starts or ends or a `<br>` is (a line may end there); a data table as
# TABLE (Mt), then per row ROW (Mr), per cell CELL (Mc) text, or for a cell with a span
# CELL rowspan FIELD (Mf) colspan FIELD text, then END (Me). A data table is a
# table that is not a layout table (one with at most two cells, or with a table inside
# a cell) and not inside a data table; a layout table is read through as blocks. In a
# cell, blocks and `<br>` are spaces. An attribute holding M is no number anyway: its
# M is written as `x`.
_ROWS = "tr|thead/tr|tbody/tr|tfoot/tr"  # a table's rows, as in the HTML table model
_STYLESHEET = """<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="{blocks}">
  <xsl:text>{brk}</xsl:text><xsl:apply-templates/><xsl:text>{brk}</xsl:text>
</xsl:template>
<xsl:template match="br"><xsl:text>{brk}</xsl:text><xsl:apply-templates/></xsl:template>
<xsl:template match="table">
  <xsl:variable name="rows" select="{rows}"/>
  <xsl:variable name="cells" select="$rows/*[self::td or self::th]"/>
  <xsl:choose>
    <xsl:when test="count($cells) &lt;= 2 or $cells[descendant::table]">
      <xsl:text>{brk}</xsl:text><xsl:apply-templates/><xsl:text>{brk}</xsl:text>
    </xsl:when>
    <xsl:otherwise>
      <xsl:text>{table}</xsl:text>
      <xsl:for-each select="$rows">
        <xsl:text>{row}</xsl:text>
        <xsl:for-each select="*[self::td or self::th]">
          <xsl:text>{cell}</xsl:text>
          <xsl:if test="@rowspan or @colspan">
            <xsl:value-of select="translate(@rowspan, '{mark}', 'x')"/><xsl:text>{field}</xsl:text>
            <xsl:value-of select="translate(@colspan, '{mark}', 'x')"/><xsl:text>{field}</xsl:text>
          </xsl:if>
          <xsl:apply-templates mode="cell"/>
        </xsl:for-each>
      </xsl:for-each>
      <xsl:text>{end}</xsl:text>
    </xsl:otherwise>
  </xsl:choose>
</xsl:template>
<xsl:template match="{blocks}|table" mode="cell">
  <xsl:text> </xsl:text><xsl:apply-templates mode="cell"/><xsl:text> </xsl:text>
</xsl:template>
<xsl:template match="br" mode="cell"><xsl:text> </xsl:text><xsl:apply-templates mode="cell"/></xsl:template>
</xsl:stylesheet>"""
_MARKS = [chr(c) for c in range(0xE000, 0xE100)]  # private use: pages print hardly any


class _Markers(NamedTuple):
    mark: str  # M
    brk: str
    table: str
    row: str
    cell: str
    field: str
    end: str


@lru_cache(maxsize=8)
def _cutter(mark: str) -> tuple[etree.XSLT, _Markers]:
    """The stylesheet writing markers after `mark` (made once per mark: nearly always the first)."""
    markers = _Markers(mark, *(mark + letter for letter in "btrcfe"))
    blocks = "|".join(sorted(BLOCK_TAGS - {"table"}))
    text = _STYLESHEET.format(blocks=blocks, rows=_ROWS, **markers._asdict())
    return etree.XSLT(etree.XML(text)), markers


def _free_mark(present: str) -> str:
    """The first of `_MARKS` that `present` (text holding the body's text) does not hold."""
    mark = next((m for m in _MARKS if m not in present), None)
    if mark is None:
        raise ReadError("the page prints every private-use character the reader could mark its lines with")
    return mark


class _Lines:
    """Collects the body's lines and table cells in document order."""

    def __init__(self) -> None:
        self.cells: list[Cell] = []
        self.text_lines: list[str] = []
        self.row = 0
        self.block = 0
        # the lines of the text block being read: each one stripped and non-empty, or
        # " " for an empty cell (see `text`)
        self.pending: list[str] = []

    def flush(self) -> None:
        if self.pending:
            cells, self.row = lines_to_cells(self.pending, row=self.row, block=self.block)
            self.cells.extend(cells)
            self.text_lines.extend(ln for ln in self.pending if ln != " ")
            self.block += 1
            self.pending = []

    def text(self, text: str, brk: str) -> None:
        """Cut text between tables into lines at the `brk` markers.

        A piece is a line once its spaces are collapsed (in the whole text at once: no
        run crosses a marker) and it is stripped. A piece of only spaces is no line,
        unless it holds a no-break space: a block holding only `&nbsp;` (`<p>&nbsp;</p>`)
        is an empty cell, while the newlines and indentation between tags are not.
        """
        lines = self.pending
        collapsed = _WS.sub(" ", text).split(brk)
        if "\u00a0" not in text and "\u3000" not in text:
            lines.extend(filter(None, map(str.strip, collapsed)))
            return
        for raw, piece in zip(text.split(brk), collapsed, strict=True):
            line = piece.strip()
            if line:
                lines.append(line)
            elif "\u00a0" in raw or "\u3000" in raw:
                lines.append(" ")

    def table(self, encoded: str, m: _Markers) -> None:
        """A data table (as the stylesheet writes it) as a grid: each printed cell once,
        at its top-left slot, and a text line per row holding cells (`a | b | c`).

        A cell goes to the first column its row has free. Only `rowspan` holds slots for
        later cells: the columns a `colspan` covers are passed by its own row as it goes
        on to the right. Most cells have neither attribute and take one column.
        """
        self.flush()
        row0, block = self.row, self.block
        cells = self.cells
        held: dict[int, set[int]] = {}  # row -> columns taken by a cell spanning down into it
        rows = encoded.split(m.row)[1:]
        for r, printed in enumerate(rows):
            taken = held.pop(r, None)
            col = 0
            texts: list[str] = []
            for cell in printed.split(m.cell)[1:]:
                fields = cell.split(m.field, 2)
                raw = fields[-1]
                if taken:
                    while col in taken:
                        col += 1
                # letters and digits only (a number, most labels): no space to collapse
                text = raw if raw.isalnum() else _WS.sub(" ", raw).strip()
                cells.append(Cell(text, row0 + r, col, block))
                texts.append(text)
                if len(fields) == 1:  # neither rowspan nor colspan
                    col += 1
                    continue
                down, across = _int_attr(fields[0]), _int_attr(fields[1])
                for below in range(r + 1, r + down):
                    held.setdefault(below, set()).update(range(col, col + across))
                col += across
            if texts:
                self.text_lines.append(" | ".join(texts))
        self.row = row0 + len(rows)
        self.block += 1


def read_embedded(found: Embedded, source: str, page: str | None = None) -> ReadDocument:
    """Read a report held in a script string or escaped in a page (or a text file), as HTML."""
    doc = read_html(
        found.markup.encode("utf-8"),
        source,
        content_type="text/html; charset=utf-8",
        whole=found.whole or None,
    )
    if page is not None and not doc.title_hint:
        title_el, meta, _body = _landmarks(parse_html(page))
        if meta is not None and meta.get("content"):
            doc.title_hint = meta.get("content").strip()
        elif title_el is not None:
            doc.title_hint = _STRING(title_el).strip() or None
    doc.warnings.append("the report was read from HTML held in a script string or escaped in the page")
    return doc


def read_body(body: etree._Element, mark: str) -> _Lines:
    """The lines and cells of the report body; `mark` is a `_MARKS` character its text lacks."""
    cutter, m = _cutter(mark)
    encoded = str(cutter(body))
    out = _Lines()
    pos = 0
    while (start := encoded.find(m.table, pos)) >= 0:
        end = encoded.index(m.end, start)
        out.text(encoded[pos:start], m.brk)
        out.table(encoded[start + 2 : end], m)
        pos = end + 2
    out.text(encoded[pos:], m.brk)
    out.flush()
    return out


def parse_html(text: str, data: bytes | None = None) -> etree._Element:
    """The page's tree, from its text; or from `data`, its bytes, when they are UTF-8
    and `text` is exactly their decoding (the same tree, parsed faster)."""
    try:
        root = etree.fromstring(text, _PARSER) if data is None else etree.fromstring(data, _UTF8_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"not a readable HTML page ({exc})") from None
    if root is None:
        raise ReadError("not a readable HTML page (Document is empty)")
    for bad in list(root.iter(DROP_TAGS)):
        if bad.getparent() is not None:
            _replace_with_text(bad, "")
    return root


def read_html(
    data: bytes, source: str, *, content_type: str | None = None, whole: bool | None = None
) -> ReadDocument:
    """Read an HTML page. `whole`: whether the page is known to be complete; by default
    a page that closes neither `<body>` nor `<html>` is taken to be cut off."""
    text, encoding = decode_as(data, content_type=content_type, html=True)
    if "<script" in text or "&lt;" in text or "\\u" in text or "\\x" in text:
        # a script string (in a page, or saved alone), or markup escaped in the page
        found = embedded_markup(text, html_page="<script" in text)
        if found is not None:
            return read_embedded(found, source, page=text)
    root = parse_html(text, data if encoding == "utf-8" else None)
    title_el, meta, body = _landmarks(root)
    title_hint = _STRING(title_el).strip() if title_el is not None else None
    if meta is not None and meta.get("content"):
        title_hint = meta.get("content").strip()
    start = body if body is not None else root
    texts = _ALL_TEXT(start)  # every text piece under the page's <body>
    lines = read_body(find_body(start, texts), _free_mark("".join(texts)))
    warnings = []
    cut = not whole and _CLOSED.search(text) is None
    if cut and lines.cells and may_be_cut(lines.cells[-1]):
        last = lines.cells.pop()
        warnings.append(
            f"the page stops before </body>, so its last cell {last.text.strip()!r} "
            "may be cut short; left out"
        )
    return ReadDocument(
        source=source,
        text="\n".join(lines.text_lines),
        cells=lines.cells,
        format="html",
        title_hint=title_hint,
        warnings=warnings,
    )
