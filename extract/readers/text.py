"""Reader for plain text: web pages stored as text, in every flattened table layout.

Layouts seen in real stored pages (shared/corpus):

- one cell per line, cells separated by blank lines; a line of only spaces is an
  empty cell, and consecutive lines are one cell wrapped (`本年新` / `制作数量`);
- one cell per line with no blank lines (each line a cell, an empty line an empty cell);
- a table row per line with `|` between cells (extra empty trailing cells kept: the
  table mapper knows they may be padding);
- a table row per line with cells separated by spaces (`规章 0 0 0`);
- a table row per line with cells separated by tabs, one tab per cell (a browser's copy);
- whole tables on one line (a copy that lost its line breaks): read as a stream.

The layout is decided per line, except the blank-line convention, decided per document.
"""

from __future__ import annotations

import re

from extract.decode import decode
from extract.model import Cell, ReadDocument
from extract.values import is_value

_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002\u2003\u2009]+")
_NOTE_ONLY = re.compile(r"^[(（][^()（）]*[)）]$")
# a page number printed as a footer (`- 2 -`, `—3—`, `第 2 页`, `第2页 共5页`): no cell
_PAGE_FOOTER = re.compile(
    r"^(?:[-—–－‒~～]+\s*\d{1,4}\s*[-—–－‒~～]+|第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?)$"
)
# a Markdown table's alignment line (`|---|:---:|`): no cells, only the table's shape
_MARKDOWN_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")


def _stacked(line: str) -> bool:
    """A line of one or two characters of a header stacked one character per line."""
    text = line.strip()
    return 0 < len(text) <= 2 and not any(ch.isdigit() for ch in text)


def is_double_spaced(lines: list[str]) -> bool:
    """True when non-empty lines are mostly followed by an empty line.

    A run of stacked header characters (`行` / `政` / `复` / `议`) counts as one line:
    it is one cell wrapped, and would otherwise outvote the rest of the document.
    """
    if "" not in lines:
        return False  # no line can be followed by an empty one (e.g. the HTML reader's lines)
    nonempty = followed = 0
    for i, line in enumerate(lines):
        if line == "":
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is not None and nxt != "" and _stacked(line) and _stacked(nxt):
            continue  # inside a stacked run: counted at its last line
        nonempty += 1
        if nxt == "":
            followed += 1
    return nonempty > 0 and followed / nonempty >= 0.5


def split_pipe_row(line: str, markdown: bool = False) -> list[str]:
    """Cells of a pipe row. A Markdown row's outer pipes (`| a | b |`) are syntax, not
    empty cells: a row is one when the text has a `|---|` line (`markdown`) or the row
    starts with its pipe. In an export whose cells are joined by ` | `, a row whose
    first cell is empty starts with a space (` |  | 1 | 14 |`): its leading pipe, and its
    trailing one, close empty cells."""
    stripped = line.strip()
    parts = [p.strip() for p in stripped.split("|")]
    syntax = markdown or line.startswith("|")
    if syntax and len(parts) >= 2 and stripped.startswith("|") and stripped.endswith("|"):
        parts = parts[1:-1]
    return parts


def _numbers_only(cell: str) -> list[str] | None:
    """The numbers of a cell printing two or more of them apart (`95 0`), else None."""
    tokens = _SPACES.split(cell.strip())
    return tokens if len(tokens) >= 2 and all(is_value(t) for t in tokens) else None


_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


def cell_lines(part: str) -> list[str]:
    """The lines of a table cell, `<br>` being a line break inside it (Markdown from a
    converter): a label wrapped, or pieces of a group label stacked over a row's label
    (`三、<br>1.属于国家秘密`), each a text of its own, so that the row's label is found
    at the end. A cell with a number among its lines (`12<br>36`: two rows' numbers,
    or one number broken) is kept whole, as printed: no number is made of it."""
    if "<" not in part:
        return [part]
    pieces = [p.strip() for p in _BR.split(part)]
    if len(pieces) == 1 or any(is_value(p) for p in pieces if p):
        return [part]
    return [p for p in pieces if p] or [""]


def read_merged_grid(doc: ReadDocument) -> None:
    """Read a document whose grid holds two numbers in one cell (`| 95 0 | 0 0 |`).

    A converter that rebuilt the grid from the page's layout (PDF to Markdown) then
    merged columns the table printed apart: its cells are not the table's cells, an
    empty cell it shows is a gap of its grid, not a blank the table printed, and its
    rows may tear a label from its numbers. So each number becomes a cell of its own,
    the grid's empty cells are dropped, and a label takes only the numbers on its own
    line (`ReadDocument.own_line_values`). Other documents are left as they are; so
    are HTML pages, whose cells join their paragraphs (`<p>1</p><p>2</p>` is `1 2`).
    """
    if not any(c.col is not None and _numbers_only(c.text) for c in doc.cells):
        return
    cells: list[Cell] = []
    for cell in doc.cells:
        numbers = _numbers_only(cell.text) if cell.col is not None else None
        if numbers is not None:
            cells.extend(Cell(n, cell.row, cell.col, cell.block) for n in numbers)
        elif cell.col is None or not cell.blank:
            cells.append(cell)
    doc.cells = cells
    doc.own_line_values = True
    doc.warnings.append(
        "the tables merge columns (two numbers in one cell): their empty cells are not read "
        "as blanks, and a label takes only the numbers on its own line"
    )


def split_tab_row(line: str) -> list[str]:
    """Cells of a line whose cells are separated by tabs (a browser's text of a table
    row): each tab ends one cell, so two tabs in a row hold an empty cell, and a row's
    trailing empty cells keep their places, as in a pipe row (`行政许可\t0\t\t`)."""
    return [p.strip() for p in line.strip(" \u00a0\u3000\r").split("\t")]


def split_space_row(line: str) -> list[str] | None:
    """Split `规章 0 0 0` into cells; None when the line is not a row of values.

    Neighbouring non-value tokens are one cell (`(一) 予以公开`, `商业 企业`), and a
    bracketed note after a value stays with it (`7 (市自然资源局)`).
    """
    tokens = _SPACES.split(line.strip())
    if len(tokens) < 2:
        return None
    flags = [is_value(t) for t in tokens]
    if not any(flags):
        return None
    cells: list[str] = []
    last_is_value = False
    for token, value in zip(tokens, flags, strict=True):
        if value:
            cells.append(token)
            last_is_value = True
        elif last_is_value and _NOTE_ONLY.match(token):
            cells[-1] += token
        elif cells and not last_is_value:
            cells[-1] += " " + token
            last_is_value = False
        else:
            cells.append(token)
            last_is_value = False
    return cells


def holds_rows(parts: list[str]) -> bool:
    """True when a line split into cells holds several table rows: two or more labels
    each followed by two or more numbers (`规章 0 0 0 规范性文件 3 0 8`). Pages whose
    text was copied with the line breaks lost print whole tables so, on one line."""
    rows = 0
    label = False
    numbers = 0
    for part in [*parts, ""]:
        if is_value(part) or _NOTE_ONLY.match(part):
            numbers += is_value(part)
            continue
        if label and numbers >= 2:
            rows += 1
        label, numbers = True, 0
    return rows >= 2


def stream_cells(line: str) -> list[str]:
    """A line holding several rows as a stream of cells, one per word, as if each had
    been printed on a line of its own (the layout the mapper reads as one cell per
    line); a bracketed note stays with the number before it."""
    cells: list[str] = []
    for token in _SPACES.split(line.strip()):
        if cells and _NOTE_ONLY.match(token) and is_value(cells[-1]):
            cells[-1] += token
        else:
            cells.append(token)
    return cells


def _flush(pending: list[str], cells: list[Cell], row: int, block: int) -> int:
    """The wrapped lines of one cell as a cell; returns the next free row index."""
    if not pending:
        return row
    cells.append(Cell("\n".join(pending), row, None, block))
    pending.clear()
    return row + 1


def lines_to_cells(lines: list[str], *, row: int = 0, block: int = 0) -> tuple[list[Cell], int]:
    """Cells of a run of text lines; returns the cells and the next free row index."""
    double = is_double_spaced(lines)
    # a Markdown table has its `|---|` line; without one, outer pipes close empty cells
    markdown = any("---" in ln and _MARKDOWN_RULE.match(ln.strip()) for ln in lines)
    cells: list[Cell] = []
    pending: list[str] = []  # wrapped lines of one cell (double-spaced layout)
    for raw in lines:
        stripped = raw.strip()
        if raw == "":
            row = _flush(pending, cells, row, block)
            if not double:
                cells.append(Cell("", row, None, block))
                row += 1
            continue
        if not stripped:  # a line of spaces: an empty cell
            row = _flush(pending, cells, row, block)
            cells.append(Cell("", row, None, block))
            row += 1
            continue
        if "|" in stripped and "---" in stripped and _MARKDOWN_RULE.match(stripped):
            continue
        if _PAGE_FOOTER.match(stripped):
            continue  # a page break inside a table: the cells go on after it
        parts: list[str] | None = split_pipe_row(raw, markdown) if "|" in stripped else None
        if parts and _PAGE_FOOTER.match(" ".join(p for p in parts if p)):
            continue  # a page number a converter laid into its grid: `|  |  | - 3 | - |`
        if parts == []:
            continue  # a line of a single `|`: no cell
        if parts is not None and len(parts) == 1 and stripped.startswith("|"):
            stripped = parts[0]  # a Markdown row of one cell: `| 行政许可 |`
            if not stripped:
                continue
            parts = None
            lines_of_cell = cell_lines(stripped)
            if len(lines_of_cell) > 1:  # `| 一、本年<br>新收… |`: its lines, one text each
                row = _flush(pending, cells, row, block)
                cells.extend(Cell(text, row, None, block) for text in lines_of_cell)
                row += 1
                continue
        if parts is None and "\t" in raw.lstrip():  # trailing tabs too: `行政强制\t\t` ends in empty cells
            parts = split_tab_row(raw.lstrip())
            if holds_rows(parts):
                parts = None  # a table on one line: read below, as a stream
        if parts is None or len(parts) < 2:
            # a line without spaces is no row of values (most prose and label lines);
            # letters and digits alone hold none (a cheaper test than the search)
            has_space = not stripped.isalnum() and _SPACES.search(stripped) is not None
            parts = split_space_row(stripped) if has_space else None
            if parts is not None and holds_rows(parts):
                row = _flush(pending, cells, row, block)
                for text in stream_cells(stripped):
                    cells.append(Cell(text, row, None, block))
                    row += 1
                continue
        if parts is not None:
            row = _flush(pending, cells, row, block)
            for col, part in enumerate(parts):
                for text in cell_lines(part):
                    cells.append(Cell(text, row, col, block))
            row += 1
        elif double:
            pending.append(stripped)
        else:
            cells.append(Cell(stripped, row, None, block))
            row += 1
    row = _flush(pending, cells, row, block)
    return cells, row


def may_be_cut(cell: Cell) -> bool:
    """A last cell that a byte limit may have cut short: a number (`79000.1元` cut to
    `790`) or an empty cell (`    0` cut inside its padding). A cut label or prose line
    names no number, so it is kept."""
    return cell.blank or any(ch.isdigit() for ch in cell.text)


def spaced_separators(lines: list[str]) -> tuple[list[str], str | None]:
    """The lines of a text whose blank lines all hold spaces, with its separators made
    empty; and a warning when its empty cells cannot be told from its separators.

    A one-cell-per-line text separates cells by blank lines and prints an empty cell as a
    line of spaces. Some copies have no truly empty line: every line is indented or
    padded, or each empty paragraph was a `&nbsp;`. Then every blank line would read as
    an empty cell, the separators too, and each row's numbers would shift into the wrong
    columns. When such blank lines double-space the text, a run of k of them between
    two cells holds (k - 1) / 2 empty cells (separator, then empty cell and separator).
    A run of even length breaks that pattern: then no blank line is taken for a cell,
    and rows that printed empty cells come out short, for the arithmetic to place or
    leave out.
    """
    if "" in lines or not any(ln.isspace() for ln in lines):
        return lines, None
    as_empty = ["" if ln.isspace() else ln for ln in lines]
    if not is_double_spaced(as_empty):
        return lines, None
    runs: list[int] = []  # lengths of the runs of blank lines between printed lines
    out: list[str] = []
    run = 0
    for ln in as_empty:
        if ln == "":
            run += 1
            continue
        if run:
            if out:  # a run before the first printed line separates nothing
                runs.append(run)
            out.append("")
            out.extend([" ", ""] * ((run - 1) // 2))
            run = 0
        out.append(ln)
    # a run after the last printed line separates nothing either: dropped
    if all(r % 2 for r in runs):
        return out, None
    return as_empty, (
        "blank lines hold spaces throughout, and empty cells cannot be told from separators: "
        "none is read as a cell"
    )


def read_text(text: str, source: str, fmt: str = "text") -> ReadDocument:
    """Cells of a text document. A document that stops without a final line break was
    cut off mid-line (stored copies are cut at a byte limit): its last cell may hold
    only the first digits of a number, so it is left out, with a warning."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut_mid_line = lines[-1] != ""
    while lines and lines[-1] == "":
        lines.pop()  # the file's final newline is not an empty cell
    lines, ambiguous = spaced_separators(lines)
    warnings = [ambiguous] if ambiguous else []
    cells, _ = lines_to_cells(lines)
    if cut_mid_line and cells and may_be_cut(cells[-1]):
        last = cells.pop()
        warnings.append(
            f"the text ends mid-line, so its last cell {last.text.strip()!r} may be cut short; left out"
        )
    doc = ReadDocument(source=source, text=text, cells=cells, format=fmt, warnings=warnings)
    read_merged_grid(doc)
    return doc


def read_text_bytes(data: bytes, source: str, *, content_type: str | None = None) -> ReadDocument:
    text = decode(data, content_type=content_type)
    if "<" in text or "&lt;" in text or "\\u003" in text or "\\x3" in text:
        # a page's script string or escaped markup saved as text (see readers.embedded)
        from extract.readers.embedded import embedded_markup

        found = embedded_markup(text)
        if found is not None:
            from extract.readers.html import read_embedded

            return read_embedded(found, source)
    return read_text(text, source)
