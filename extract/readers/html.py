"""Reader for HTML report pages: real tables as grids, everything else as text lines.

The report body is found by following the element that holds most of the page's
non-link text (navigation and footers are mostly links), so no per-site selector is
needed. Tables are expanded into a grid (`rowspan`/`colspan`), each printed cell
emitted once at its top-left position; text outside tables becomes lines, read by the
text reader's line rules (so tables flattened into one `<p>` per cell work too).

Speed: pages of 100 KB and more (Word exports) hold thousands of elements, so the
tree is never walked element by element in Python. Line breaks (block elements,
`<br>`) are written into the tree as marker characters and the text is then taken
in one C-level serialisation and split on the markers; text lengths come from one
XPath per element looked at. Table cells are read one by one without writing into
the tree: most hold only their text, one attribute read.
"""

from __future__ import annotations

import re
from itertools import chain, islice

from lxml import etree

from extract.decode import decode_as
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
_BLOCK_TAG_LIST = tuple(BLOCK_TAGS)
_WS = re.compile(r"[ \t\r\n\u00a0\u2002\u2003\u2009]+")
# comments go at parse time (their text joins the text around them, as drop_tree would)
_PARSER = etree.HTMLParser(remove_comments=True)
# UTF-8 pages are parsed from their bytes: libxml2 reads UTF-8 directly, while a str
# holding Chinese reaches it as UTF-16 to be converted (8% of a 100 KB page's parse)
_UTF8_PARSER = etree.HTMLParser(remove_comments=True, encoding="utf-8")
_STRING = etree.XPath("string()")
# the text pieces `find_body` measures: of an element's subtree, of the links in it
# (outermost links only, so nothing counts twice), and of everything beside an element
# outside links, not only XML whitespace (which strips to nothing)
_ALL_TEXT = etree.XPath("descendant::text()", smart_strings=False)
_LINK_TEXT = etree.XPath("descendant::a[not(ancestor::a)]/descendant::text()", smart_strings=False)
_SIBLING_TEXT = etree.XPath(
    "(preceding-sibling::node() | following-sibling::node())"
    "/descendant-or-self::text()[normalize-space()][not(ancestor::a)]",
    smart_strings=False,
)
_LONG_CHILDREN = etree.XPath("*[string-length() >= $need]")
# private-use characters used as line-break and table markers (one not in the page is chosen)
_MARKERS = [chr(c) for c in range(0xE000, 0xE100)]


def _tag(el: etree._Element) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def _text_length(el: etree._Element) -> int:
    """Visible text length under `el` (not its tail), not counting text inside links.

    The sum of the stripped lengths of the text pieces, less that of the pieces inside
    links; taken apart, each is one XPath without a predicate per piece (asking every
    piece whether it has a link above it costs more than the subtraction). `el` is not
    itself inside a link (`find_body` never descends into one).
    """
    return sum(map(len, map(str.strip, _ALL_TEXT(el)))) - sum(map(len, map(str.strip, _LINK_TEXT(el))))


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


def find_body(start: etree._Element) -> etree._Element:
    """The smallest element still holding nearly all of the page's non-link text.

    Descends from `start` (the page's `<body>`) into the first child holding at least
    85% of the node's text, while that child is not a table part or a paragraph. Only
    children whose whole string (links and spaces included, an upper bound computed in
    C) reaches 85% can qualify, and the text of such a child is the node's text minus
    that of its siblings, so the big subtree is never measured again at each level.
    """
    node = start
    total = _text_length(node)
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


def _rows_of(table: etree._Element) -> list[etree._Element]:
    rows: list[etree._Element] = []
    # the HTML parser lowercases tag names, so lxml's C-level tag filter finds them all
    for child in table.iterchildren("tr", "thead", "tbody", "tfoot"):
        if child.tag == "tr":
            rows.append(child)
        else:
            rows.extend(child.iterchildren("tr"))
    return rows


def _int_attr(el: etree._Element, name: str) -> int:
    raw = el.get(name)
    if raw is None:
        return 1
    try:
        return max(1, min(int(raw.strip() or 1), 200))
    except ValueError:
        return 1


def is_layout_table(table: etree._Element) -> bool:
    """A table used for page layout (one big cell, or cells holding tables).

    The cells are looked at lazily: three tell it is no one-cell table.
    """
    cells = (c for r in _rows_of(table) for c in r.iterchildren("td", "th"))
    first = list(islice(cells, 3))
    if len(first) <= 2:
        return True
    if table.find(".//table") is None:
        return False
    return any(c.find(".//table") is not None for c in chain(first, cells))


def _mark_breaks(el: etree._Element, mark: str) -> None:
    """Write `mark` where a block or `<br>` under `el` (not `el` itself) breaks the text.

    A block breaks before its text and after its content (before its tail); `<br>`
    breaks before its text only.
    """
    for node in el.iterdescendants(_BLOCK_TAG_LIST):
        node.text = mark + (node.text or "")
        node.tail = mark + (node.tail or "")
    for node in el.iterdescendants("br"):
        node.text = mark + (node.text or "")


def _text_of(el: etree._Element) -> str:
    return etree.tostring(el, method="text", encoding=str, with_tail=False)


def _text_pieces(el: etree._Element, mark: str, out: list[str]) -> None:
    """Append the text of `el`'s content (not its tail) to `out`, with `mark` before and
    after each block element under it and before each `<br>`: what `_mark_breaks(el, mark)`
    then `_text_of(el)` give, without writing into the tree."""
    if el.text:
        out.append(el.text)
    for child in el:
        tag = child.tag
        if isinstance(tag, str):  # not a comment or processing instruction: their text is no text
            if tag in BLOCK_TAGS:
                out.append(mark)
                _text_pieces(child, mark, out)
                out.append(mark)
            else:
                if tag == "br":
                    out.append(mark)
                if child.text or len(child):
                    _text_pieces(child, mark, out)
        if child.tail:
            out.append(child.tail)


def cell_text(el: etree._Element) -> str:
    """A table cell's text: inline pieces joined, blocks and `<br>` as spaces."""
    if not len(el):  # the usual cell: its text alone
        return _WS.sub(" ", el.text or "").strip()
    pieces: list[str] = []
    _text_pieces(el, " ", pieces)
    return _WS.sub(" ", "".join(pieces)).strip()


def _grid(rows: list[etree._Element]) -> tuple[list[etree._Element], list[tuple[int, int]]]:
    """The cells of `rows` and the (row, column) slot where each one starts.

    A cell goes to the first column its row has free. Only `rowspan` holds slots
    for later cells: the columns a `colspan` covers are passed by its own row as it
    goes on to the right. Most cells have neither attribute and take one column.
    """
    tds: list[etree._Element] = []
    slots: list[tuple[int, int]] = []
    held: dict[int, set[int]] = {}  # row -> columns taken by a cell spanning down into it
    for r, tr in enumerate(rows):
        taken = held.pop(r, None)
        col = 0
        for td in tr:
            if td.tag != "td" and td.tag != "th":  # the HTML parser lowercases tags
                continue
            if taken:
                while col in taken:
                    col += 1
            slots.append((r, col))
            tds.append(td)
            if td.get("rowspan") is None and td.get("colspan") is None:
                col += 1
                continue
            rowspan, colspan = _int_attr(td, "rowspan"), _int_attr(td, "colspan")
            for below in range(r + 1, r + rowspan):
                held.setdefault(below, set()).update(range(col, col + colspan))
            col += colspan
    return tds, slots


def table_cells(table: etree._Element, row0: int, block: int) -> tuple[list[Cell], int]:
    """Expand a table into a grid; emit each printed cell once at its top-left slot."""
    rows = _rows_of(table)
    tds, slots = _grid(rows)
    cells = [Cell(cell_text(td), row0 + r, c, block) for td, (r, c) in zip(tds, slots, strict=True)]
    return cells, row0 + len(rows)


def _report_tables(body: etree._Element) -> list[etree._Element]:
    """The data tables of the body, outermost first: layout tables are read through."""
    found: list[etree._Element] = []
    chosen: set[etree._Element] = set()
    for table in body.iter("table"):
        if any(a in chosen for a in table.iterancestors("table")):
            continue
        if not is_layout_table(table):
            found.append(table)
            chosen.add(table)
    return found


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


class _Lines:
    """Collects the body's lines and table cells in document order."""

    def __init__(self) -> None:
        self.cells: list[Cell] = []
        self.text_lines: list[str] = []
        self.row = 0
        self.block = 0
        # the lines of the text block being read: each one stripped and non-empty, or
        # " " for an empty cell (see `read_body`)
        self.pending: list[str] = []

    def flush(self) -> None:
        if self.pending:
            cells, self.row = lines_to_cells(self.pending, row=self.row, block=self.block)
            self.cells.extend(cells)
            self.text_lines.extend(ln for ln in self.pending if ln != " ")
            self.block += 1
            self.pending = []

    def table(self, table: etree._Element) -> None:
        self.flush()
        cells, self.row = table_cells(table, self.row, self.block)
        self.cells.extend(cells)
        by_row: dict[int, list[str]] = {}
        for c in cells:
            by_row.setdefault(c.row, []).append(c.text)
        for r in sorted(by_row):
            self.text_lines.append(" | ".join(by_row[r]))
        self.block += 1


def read_body(body: etree._Element) -> _Lines:
    """The lines and cells of the report body (the tree is consumed: markers are written in).

    The body's text is cut at the break markers into pieces; a piece is a line once its
    spaces are collapsed (done on the whole text at once: no run crosses a marker) and
    stripped. A piece of only spaces is no line, unless it holds a no-break space: a
    block holding only `&nbsp;` (`<p>&nbsp;</p>`) is an empty cell, while the newlines
    and indentation between tags are not.
    """
    out = _Lines()
    if _tag(body) == "table" and not is_layout_table(body):
        out.table(body)
        return out
    present = _text_of(body)
    free = (m for m in _MARKERS if m not in present)
    brk, tab = next(free), next(free)
    tables = _report_tables(body)
    for i, table in enumerate(tables):
        _replace_with_text(table, f"{brk}{tab}{i}{brk}")
    _mark_breaks(body, brk)
    text = _text_of(body)
    lines = out.pending
    for raw, piece in zip(text.split(brk), _WS.sub(" ", text).split(brk), strict=True):
        line = piece.strip()
        if not line:
            if "\u00a0" in raw or "\u3000" in raw:
                lines.append(" ")
        elif line[0] == tab:
            out.table(tables[int(line[1:])])
            lines = out.pending
        else:
            lines.append(line)
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


def read_html(data: bytes, source: str, *, content_type: str | None = None) -> ReadDocument:
    text, encoding = decode_as(data, content_type=content_type, html=True)
    root = parse_html(text, data if encoding == "utf-8" else None)
    title_el, meta, body = _landmarks(root)
    title_hint = _STRING(title_el).strip() if title_el is not None else None
    if meta is not None and meta.get("content"):
        title_hint = meta.get("content").strip()
    lines = read_body(find_body(body if body is not None else root))
    return ReadDocument(
        source=source,
        text="\n".join(lines.text_lines),
        cells=lines.cells,
        format="html",
        title_hint=title_hint,
    )
