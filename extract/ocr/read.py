"""Page images into the labelled-cell stream: grid first, then the text of each cell.

For each page: straighten it, find its ruled tables (`extract.ocr.grid`), and read each
cell by recognising its lines of ink one by one (a cell's lines are found by the rows
of ink inside it, so a lone `0` in a wide cell is read, which a text detector often
misses). Everything outside the tables (the title, the headings, the prose) goes through
the engine's own text detection. A page without rulings whose text boxes line up in
rows with numbers is read as an unruled table (boxes' rows and columns).

A table cell comes out as a `Cell` of the same stream the PDF and Word readers feed
(one cell at its top-left grid slot, row by row, one block per table), carrying an
`OcrBox`: page, pixel rectangle on the stored page, confidence. A cell whose text is
not cleanly a number, or whose confidence is below `MIN_CONFIDENCE`, is *unreadable*
(`read_number`): the mapper places it only where the table's arithmetic fixes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import cv2
import numpy as np

from extract.model import Cell, OcrBox
from extract.ocr import engine as ocr_engine
from extract.ocr.grid import Table, find_tables, line_masks, unruled_grid
from extract.ocr.image import PageImage, ink_mask, original_box, straighten

MIN_CONFIDENCE = 0.9  # a number read with less is in doubt
MIN_INK = 12
SPECK = 6  # pixels: smaller ink components are noise  # pixels of ink below which a cell is empty (speckle)
MIN_GLYPH = 9  # pixels (pages are read at about 200 dpi): the least height or width of a character
_CLEAN_NUMBER = re.compile(r"^-?\d{1,9}(\.\d{1,4})?$")  # a minus only as the ink shows it: `_minus_sign`
_BLANK_MARKS = frozenset({"-", "--", "—", "——", "/", "－", "一"})
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DIGIT_LIKE = re.compile(r"[0-9OoIl|!:;.,'`?。]")
_SPECK_MARKS = ":：;；·•.。,，、'`*\"“”‘’"  # what OCR makes of a speck at a label's end


@dataclass(slots=True)
class Item:
    """A line of text or a table, at its place on the page."""

    top: int
    left: int
    right: int
    text: str = ""
    table: list[tuple[int, int, str, OcrBox | None]] | None = None  # (row, col, text, box)


@dataclass(slots=True)
class OcrReading:
    pages: list[list[Item]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_number(text: str, confidence: float) -> tuple[str, bool]:
    """(text, readable) of a table cell: a number only when cleanly one and confident.

    `0:` is not 0 and `l0` is not 10: a cell that looks like digits but is not exactly a
    number, or a number read with a confidence under `MIN_CONFIDENCE`, is unreadable and
    keeps its text as read. Labels (any Chinese character) and blank marks are as read,
    but for the marks a speck at either end of a label reads as (`规章：`, `·行政强制`),
    which made a row label match no row.
    """
    t = text.replace(" ", "")
    if not t or _CJK.search(t):
        return text.strip().strip(_SPECK_MARKS).strip(), True
    if _CLEAN_NUMBER.match(t):
        return t, confidence >= MIN_CONFIDENCE
    if t in _BLANK_MARKS:
        return t, confidence >= MIN_CONFIDENCE
    if _DIGIT_LIKE.search(t):
        return t, False
    return text.strip(), True


def _drop_specks(ink: np.ndarray) -> np.ndarray:
    """The ink without components smaller than `SPECK` pixels (noise, dust)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = np.zeros(n, dtype=np.uint8)
    keep[1:] = (stats[1:, cv2.CC_STAT_AREA] >= SPECK).astype(np.uint8) * 255
    return keep[labels]


def _has_glyph(ink: np.ndarray) -> bool:
    """Whether a cell's ink holds anything the size of a character, a digit or a dash.

    Speckle clumps of a few pixels in an empty cell otherwise reach the recogniser, which
    reads a 5-pixel blot as `5` with full confidence: a number where none was printed."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return False
    sizes = np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])
    return bool(sizes.max() >= MIN_GLYPH)


def _text_lines(ink: np.ndarray) -> list[tuple[int, int, int, int]]:
    """The lines of ink inside a cell as boxes (x0, y0, x1, y1) relative to the cell.

    A band of rows holding only specks (nothing the size of a character: `_has_glyph`)
    is not a line: read, it gives nothing, and a cell's reading is as sure as its least
    sure line, so a number in a tall cell with a few specks below it was in doubt."""
    rows = (ink > 0).sum(axis=1)
    on = rows >= 2
    bands: list[list[int]] = []
    for y, v in enumerate(on):
        if v:
            if bands and y - bands[-1][1] <= 3:
                bands[-1][1] = y
            else:
                bands.append([y, y])
    out = []
    for y0, y1 in bands:
        if y1 - y0 < 4 or not _has_glyph(ink[y0 : y1 + 1]):  # a band of specks is not a line
            continue
        profile = (ink[y0 : y1 + 1] > 0).sum(axis=0)
        runs = _runs(profile, gap=max(8, y1 - y0 + 1))
        if not runs:
            continue
        heaviest = max(w for _, _, w in runs)
        kept = [(a, b) for a, b, w in runs if w >= 0.15 * heaviest]  # dust far from the text
        out.append((kept[0][0], y0, kept[-1][1], y1 + 1))
    return out


def _runs(profile: np.ndarray, gap: int) -> list[tuple[int, int, int]]:
    """(start, end, ink) of the runs of inked columns, split at gaps wider than `gap`."""
    cols = np.nonzero(profile)[0]
    runs: list[tuple[int, int, int]] = []
    for col in cols:
        x = int(col)
        if runs and x - runs[-1][1] <= gap:
            a, _, w = runs[-1]
            runs[-1] = (a, x + 1, w + int(profile[x]))
        else:
            runs.append((x, x + 1, int(profile[x])))
    return runs


def _crop(gray: np.ndarray, box: tuple[int, int, int, int], pad: int | None = None) -> np.ndarray:
    """A line of a cell with a margin: tight around a short text (a lone digit in a wide
    margin reads as `。`), wider around a label (its characters read better in context)."""
    x0, y0, x1, y1 = box
    if pad is None:
        pad = 3 if (x1 - x0) < 3 * (y1 - y0) else 8
    h, w = gray.shape
    return gray[max(0, y0 - pad) : min(h, y1 + pad), max(0, x0 - pad) : min(w, x1 + pad)]


def _read_table(
    page: PageImage, table: Table, text_ink: np.ndarray, clean: np.ndarray
) -> list[tuple[int, int, str, OcrBox | None]]:
    inset = table.line_width + 2
    jobs: list[tuple[int, list[tuple[int, int, int, int]]]] = []  # cell index -> its line boxes
    crops: list[np.ndarray] = []
    for i, cell in enumerate(table.cells):
        x0, y0, x1, y1 = cell.box
        ix0, iy0, ix1, iy1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
        if ix1 - ix0 < 4 or iy1 - iy0 < 4:
            jobs.append((i, []))
            continue
        ink = _drop_specks(text_ink[iy0:iy1, ix0:ix1])
        if int((ink > 0).sum()) < MIN_INK or not _has_glyph(ink):
            jobs.append((i, []))
            continue
        # the cell's ink alone on white: specks and ruling stubs do not reach the recogniser
        near = cv2.dilate(ink, np.ones((3, 3), np.uint8))
        alone = np.where(near > 0, clean[iy0:iy1, ix0:ix1], 255).astype(np.uint8)
        canvas = cv2.copyMakeBorder(alone, 8, 8, 8, 8, cv2.BORDER_CONSTANT, value=255)
        lines = _text_lines(ink)
        jobs.append((i, lines))
        crops.extend(_crop(canvas, (a + 8, b + 8, c + 8, d + 8)) for a, b, c, d in lines)
    results = iter(ocr_engine.recognise(crops))
    first: list[tuple[int, str, float]] = []  # cell index, text, confidence
    for i, lines in jobs:
        if lines:
            read = [next(results) for _ in lines]
            first.append((i, _join([t for t, _ in read]), min(s for _, s in read)))
    second = _reread_without_stray_marks(table, first, text_ink, clean, inset)
    out: list[tuple[int, int, str, OcrBox | None]] = []
    done = {i: (text, confidence) for i, text, confidence in first}
    for i, _lines in jobs:
        cell = table.cells[i]
        if i not in done:
            out.append((cell.row, cell.col, "", None))
            continue
        text, confidence = second.get(i, done[i])
        value, readable = read_number(text, confidence)
        if not value:  # ink that reads as nothing is not a blank cell
            value, readable = "?", False
        elif readable and _CLEAN_NUMBER.match(value):
            # a minus read where the ink shows none (a speck), or none read where it shows
            # one (a lost sign makes -16 into 16, which no check of section 二 can see)
            readable = value.startswith("-") == _minus_sign(_cell_ink(text_ink, cell.box, inset))
        box = OcrBox(page.number, original_box(page, cell.box), confidence, readable)
        out.append((cell.row, cell.col, value, box))
    return out


def _cell_ink(text_ink: np.ndarray, box: tuple[int, int, int, int], inset: int) -> np.ndarray:
    x0, y0, x1, y1 = box
    return _drop_specks(text_ink[y0 + inset : y1 - inset, x0 + inset : x1 - inset])


def _digit_band(stats: np.ndarray) -> tuple[list[int], int, int, int]:
    """(components of nearly the line's full height, i.e. its digits; the first digit's
    left edge; the top and bottom of the digits) of a number's ink components."""
    n = len(stats)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    tall = [k for k in range(1, n) if stats[k, cv2.CC_STAT_HEIGHT] >= 0.5 * heights.max()]
    x0 = min(int(stats[k, cv2.CC_STAT_LEFT]) for k in tall)
    y0 = min(int(stats[k, cv2.CC_STAT_TOP]) for k in tall)
    y1 = max(int(stats[k, cv2.CC_STAT_TOP] + stats[k, cv2.CC_STAT_HEIGHT]) for k in tall)
    return tall, x0, y0, y1


def _is_minus(stat: np.ndarray, first: int, top: int, bottom: int) -> bool:
    """Whether an ink component is a minus sign before digits starting at x `first`
    between `top` and `bottom`: a dash (half again as wide as it is thick, at least a
    quarter of the digits' height long), wholly before the first digit and close to it,
    at the digits' mid-height. A speck is a blot, not a dash; an underscore or a
    ruling stub is not at mid-height."""
    left, y, w, h = (int(v) for v in stat[:4])
    band = bottom - top
    middle = y + h / 2
    return (
        left + w <= first + 1
        and first - (left + w) <= band
        and w >= 1.5 * h
        and w >= 0.25 * band
        and top + 0.25 * band <= middle <= bottom - 0.25 * band
    )


def _minus_sign(ink: np.ndarray) -> bool:
    """Whether the ink of a number cell shows a minus sign before its digits (`_is_minus`)."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 2:
        return False
    tall, first, top, bottom = _digit_band(stats)
    return any(k not in tall and _is_minus(stats[k], first, top, bottom) for k in range(1, n))


def _stray_marks(ink: np.ndarray) -> np.ndarray | None:
    """The specks of a one-line number cell that are not part of its digits, or None.

    Scanner speckle and dust touching a number make it read as `0-`, `0：`, `1.` or `2"`:
    unreadable, rightly, but the digits are plain to see. Digits are ink components of
    nearly the line's full height; a mark is a component under half that height and a
    quarter of a digit's ink, lying wholly before the first digit or after the last, or
    above or below the digits' band. A decimal point *between* digits is never a mark,
    nor is a minus sign before them (`_is_minus`)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 2:
        return None
    tall, x0, y0, y1 = _digit_band(stats)
    x1 = max(stats[k, cv2.CC_STAT_LEFT] + stats[k, cv2.CC_STAT_WIDTH] for k in tall)
    digit_area = float(np.median([stats[k, cv2.CC_STAT_AREA] for k in tall]))
    marks = np.zeros(n, dtype=bool)
    for k in range(1, n):
        if k in tall or stats[k, cv2.CC_STAT_AREA] > 0.25 * digit_area or _is_minus(stats[k], x0, y0, y1):
            continue
        left, top = stats[k, cv2.CC_STAT_LEFT], stats[k, cv2.CC_STAT_TOP]
        right, bottom = left + stats[k, cv2.CC_STAT_WIDTH], top + stats[k, cv2.CC_STAT_HEIGHT]
        if left >= x1 or right <= x0 or bottom <= y0 or top >= y1:
            marks[k] = True
    return marks[labels] if marks.any() else None


def _reread_without_stray_marks(
    table: Table, first: list[tuple[int, str, float]], text_ink: np.ndarray, clean: np.ndarray, inset: int
) -> dict[int, tuple[str, float]]:
    """Cells read as digits with stray marks (`_stray_marks`), read again without the
    marks: kept only when the second reading is a clean, confident number made of exactly
    the digits of the first (the marks dropped, nothing else changed), else as first read."""
    jobs: list[tuple[int, str]] = []
    crops: list[np.ndarray] = []
    for i, text, confidence in first:
        t = text.replace(" ", "")
        digits = ("-" if t.startswith("-") else "") + re.sub(r"\D", "", t)  # a sign is no mark
        if not digits.strip("-") or _CJK.search(t) or read_number(text, confidence)[1]:
            continue
        x0, y0, x1, y1 = table.cells[i].box
        inside = (slice(y0 + inset, y1 - inset), slice(x0 + inset, x1 - inset))
        ink = _drop_specks(text_ink[inside])
        if len(_text_lines(ink)) != 1:
            continue
        marks = _stray_marks(ink)
        if marks is None:
            continue
        ink = np.where(marks, 0, ink).astype(np.uint8)
        near = cv2.dilate(ink, np.ones((3, 3), np.uint8))
        alone = np.where(near > 0, clean[inside], 255).astype(np.uint8)
        canvas = cv2.copyMakeBorder(alone, 8, 8, 8, 8, cv2.BORDER_CONSTANT, value=255)
        lines = _text_lines(ink)
        if len(lines) != 1:
            continue
        a, b, c, d = lines[0]
        jobs.append((i, digits))
        crops.append(_crop(canvas, (a + 8, b + 8, c + 8, d + 8)))
    if not crops:
        return {}
    again: dict[int, tuple[str, float]] = {}
    for (i, digits), (text, confidence) in zip(jobs, ocr_engine.recognise(crops), strict=True):
        value, readable = read_number(text, confidence)
        if readable and value == digits:
            again[i] = (text, confidence)
    return again


def _join(parts: list[str]) -> str:
    """A cell's lines as one text: no separator between Chinese pieces (`商业` / `企业`)."""
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and p[0].isascii() and p[0].isalnum():
            out += " "
        out += p
    return out


def _unruled_table(lines: list[tuple[tuple[int, int, int, int], str, float]], page: PageImage) -> list[Item]:
    """Text boxes of a page without rulings: rows with several boxes and a number make a table."""
    if not lines:
        return []
    grid = unruled_grid([b for b, _, _ in lines])
    rows: dict[int, list[int]] = {}
    for i, (r, _c) in enumerate(grid):
        rows.setdefault(r, []).append(i)
    items: list[Item] = []
    current: Item | None = None
    for r in sorted(rows):
        members = sorted(rows[r], key=lambda i: lines[i][0][0])
        texts = [lines[i][1] for i in members]
        tabular = len(members) >= 3 and any(_CLEAN_NUMBER.match(t.replace(" ", "")) for t in texts)
        top = min(lines[i][0][1] for i in members)
        if tabular:
            if current is None:
                current = Item(top, 0, 0, table=[])
                items.append(current)
            for i in members:
                box, text, score = lines[i]
                value, readable = read_number(text, score)
                assert current.table is not None
                current.table.append(
                    (r, grid[i][1], value, OcrBox(page.number, original_box(page, box), score, readable))
                )
            continue
        current = None
        items.append(
            Item(
                top,
                min(lines[i][0][0] for i in members),
                max(lines[i][0][2] for i in members),
                " ".join(texts),
            )
        )
    return items


def read_page(gray: np.ndarray, number: int) -> list[Item]:
    """The items of one page image, top to bottom."""
    page = straighten(gray, number)
    ink = ink_mask(page.gray)
    horizontal, vertical = line_masks(ink)
    tables = find_tables(ink, horizontal, vertical)
    rulings = cv2.dilate(horizontal | vertical, np.ones((3, 3), np.uint8))
    text_ink = cv2.bitwise_and(ink, cv2.bitwise_not(rulings))
    items: list[Item] = []
    # speckle read as `.`, `'` or `:` beside a digit makes it unreadable: recognise on a
    # median-filtered copy (strokes of 150 dpi print survive a 3x3 median)
    clean = cv2.medianBlur(page.gray, 3)
    rest = clean.copy()
    for table in tables:
        items.append(
            Item(table.box[1], table.box[0], table.box[2], table=_read_table(page, table, text_ink, clean))
        )
        x0, y0, x1, y1 = table.box
        rest[max(0, y0 - 4) : y1 + 5, max(0, x0 - 4) : x1 + 5] = 255
    lines: list[tuple[tuple[int, int, int, int], str, float]] = []
    if int((ink_mask(rest) > 0).sum()) > MIN_INK * 20:  # anything left beside the tables
        boxes = ocr_engine.detect(rest)
        read = ocr_engine.recognise([_crop(rest, b, pad=2) for b in boxes])
        lines = [(b, t, s) for b, (t, s) in zip(boxes, read, strict=True) if t.strip()]
    if tables:
        for box, text, _score in lines:
            items.append(Item(box[1], box[0], box[2], text))
    else:
        items.extend(_unruled_table(lines, page))
    items.sort(key=lambda it: it.top)
    return _merge_line_pieces(items)


def _merge_line_pieces(items: list[Item]) -> list[Item]:
    """Text boxes on one printed line (a title split in two by the detector) as one line."""
    out: list[Item] = []
    for it in items:
        prev = out[-1] if out else None
        if (
            prev is not None
            and it.table is None
            and prev.table is None
            and abs(it.top - prev.top) < 12
            and it.left > prev.left
        ):
            prev.text += " " + it.text
            prev.right = max(prev.right, it.right)
            continue
        out.append(it)
    return out


def _join_title(items: list[Item], left: int, right: int) -> list[Item]:
    """The title printed centred over several lines at the top of the first page, as one line."""
    centre, width = (left + right) / 2, max(right - left, 1)
    n = 0
    for it in items:
        if it.table is not None or abs((it.left + it.right) / 2 - centre) > 0.05 * width:
            break
        n += 1
    if n < 2:
        return items
    n = min(n, 3)
    head = items[:n]
    title = Item(
        head[0].top, min(i.left for i in head), max(i.right for i in head), "".join(i.text for i in head)
    )
    return [title, *items[n:]]


def page_cells(pages: list[list[Item]]) -> tuple[list[Cell], str]:
    """The cell stream and the plain text of OCR'd pages (tables as `a | b` lines)."""
    cells: list[Cell] = []
    lines: list[str] = []
    row = 0
    block = 0
    for n, items in enumerate(pages):
        left = min((it.left for it in items if it.table is None), default=0)
        right = max((it.right for it in items if it.table is None), default=0)
        if n == 0:
            items = _join_title(items, left, right)
        joinable = False
        for it in items:
            if it.table is None:
                text = it.text.strip()
                if not text:
                    continue
                width = max(right - left, 1)
                at_left = it.left <= left + 0.04 * width
                if (
                    joinable
                    and lines
                    and at_left
                    and not re.match(r"^[(（]?[一二三四五六七八九十\d]+[)）、.．]", text)
                ):
                    lines[-1] += text
                else:
                    lines.append(text)
                joinable = it.right >= right - 0.04 * width
                continue
            joinable = False
            last = None
            for r, col, text, box in sorted(it.table, key=lambda t: (t[0], t[1])):
                if r != last:
                    if last is not None:
                        row += 1
                    lines.append(text)
                    last = r
                else:
                    lines[-1] += " | " + text
                cells.append(Cell(text, row, col, block, box))
            row += 1
            block += 1
    return cells, "\n".join(lines)
