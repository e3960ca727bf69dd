"""The ruled tables of a page image: lines by morphology, cells with their spans.

Horizontal and vertical rulings are what survives an opening of the ink mask with a
long thin kernel (text strokes are short, rulings long). Rulings that touch form a
table. The distinct y's of its horizontal segments and x's of its vertical segments
make a grid of slots; two neighbouring slots are one merged cell when no ruling
separates them, so a cell's row and column spans come from where the lines are, as a
reader of the printed page sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

LINE_GAP = 6  # pixels: segments this close in y (or x) are one ruling
MIN_COVER = 0.6  # share of a slot's side a ruling must cover to separate two slots


@dataclass(slots=True)
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 in pixels of the deskewed page


@dataclass(slots=True)
class Table:
    box: tuple[int, int, int, int]
    cells: list[GridCell] = field(default_factory=list)
    nrows: int = 0
    ncols: int = 0
    line_width: int = 2  # typical ruling thickness, for cropping inside a cell


def line_masks(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(horizontal, vertical) rulings of an ink mask."""
    h, w = ink.shape
    # bridge the gaps noise and JPEG leave in a thin line before looking for long runs
    hk = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 1)))
    vk = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 5)))
    horizontal = cv2.morphologyEx(
        hk, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(w // 30, 25), 1))
    )
    vertical = cv2.morphologyEx(
        vk, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(h // 60, 20)))
    )
    return _meeting(horizontal, vertical, w // 8, True), _meeting(vertical, horizontal, h // 12, False)


def _meeting(lines: np.ndarray, across: np.ndarray, long: int, horizontal: bool) -> np.ndarray:
    """The `lines` that are rulings: long ones, and short ones with an end on a ruling
    `across` them. A row of characters whose top strokes touch (`行政强制`, `335002` in a
    bold or blurred print) makes a horizontal run as long as a narrow cell's ruling; it
    ends inside its cell, a cell's ruling ends on the cell's sides. Taken for a ruling,
    it was cut out of the text, and the characters read as two broken lines."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    if n <= 1:
        return lines
    near = cv2.dilate(across, np.ones((2 * LINE_GAP + 1, 2 * LINE_GAP + 1), np.uint8))
    keep = np.zeros(n, dtype=np.uint8)
    for k in range(1, n):
        x, y, w, h = (int(v) for v in stats[k, :4])
        if (w if horizontal else h) >= long:
            keep[k] = 255
            continue
        if horizontal:
            mid = y + h // 2
            ends = near[mid, x], near[mid, x + w - 1]
        else:
            mid = x + w // 2
            ends = near[y, mid], near[y + h - 1, mid]
        if ends[0] or ends[1]:
            keep[k] = 255
    return keep[labels]


def _segments(mask: np.ndarray, horizontal: bool) -> list[tuple[float, int, int, int]]:
    """(position, start, end, thickness) of each connected ruling in a line mask."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        if horizontal:
            out.append((y + h / 2, int(x), int(x + w), int(h)))
        else:
            out.append((x + w / 2, int(y), int(y + h), int(w)))
    return out


def _cluster(positions: list[float]) -> list[float]:
    out: list[list[float]] = []
    for p in sorted(positions):
        if out and p - out[-1][-1] <= LINE_GAP:
            out[-1].append(p)
        else:
            out.append([p])
    return [sum(g) / len(g) for g in out]


def _covered(segs: list[tuple[float, int, int, int]], pos: float, lo: float, hi: float) -> bool:
    """Whether rulings at `pos` cover most of [lo, hi]."""
    span = hi - lo
    if span <= 0:
        return True
    covered = 0.0
    for p, a, b, _ in segs:
        if abs(p - pos) <= LINE_GAP:
            covered += max(0.0, min(b, hi) - max(a, lo))
    return covered >= MIN_COVER * span


def find_tables(ink: np.ndarray, horizontal: np.ndarray, vertical: np.ndarray) -> list[Table]:
    """The ruled tables of a deskewed page's ink mask (and its `line_masks`), top to bottom."""
    both = cv2.dilate(horizontal | vertical, np.ones((5, 5), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    tables: list[Table] = []
    for i in range(1, n):
        x, y, w, h, _area = stats[i]
        if w < ink.shape[1] * 0.25 or h < 30:
            continue
        table = _table(horizontal[y : y + h, x : x + w], vertical[y : y + h, x : x + w], (x, y))
        if table is not None:
            tables.append(table)
    tables.sort(key=lambda t: t.box[1])
    return tables


def _table(hmask: np.ndarray, vmask: np.ndarray, origin: tuple[int, int]) -> Table | None:
    hsegs = _segments(hmask, horizontal=True)
    vsegs = _segments(vmask, horizontal=False)
    ys = _cluster([s[0] for s in hsegs])
    xs = _cluster([s[0] for s in vsegs])
    if len(ys) < 2 or len(xs) < 2:
        return None
    nrows, ncols = len(ys) - 1, len(xs) - 1
    # union-find over the slots: neighbours with no ruling between them are one cell
    parent = list(range(nrows * ncols))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for r in range(nrows):
        for c in range(ncols):
            if c + 1 < ncols and not _covered(vsegs, xs[c + 1], ys[r], ys[r + 1]):
                parent[find(r * ncols + c + 1)] = find(r * ncols + c)
            if r + 1 < nrows and not _covered(hsegs, ys[r + 1], xs[c], xs[c + 1]):
                parent[find((r + 1) * ncols + c)] = find(r * ncols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(nrows):
        for c in range(ncols):
            groups.setdefault(find(r * ncols + c), []).append((r, c))
    ox, oy = origin
    cells = []
    for slots in groups.values():
        r0 = min(r for r, _ in slots)
        r1 = max(r for r, _ in slots)
        c0 = min(c for _, c in slots)
        c1 = max(c for _, c in slots)
        box = (int(xs[c0]) + ox, int(ys[r0]) + oy, int(xs[c1 + 1]) + ox, int(ys[r1 + 1]) + oy)
        cells.append(GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, box))
    cells.sort(key=lambda c: (c.row, c.col))
    widths = sorted(s[3] for s in hsegs + vsegs)
    line_width = max(1, widths[len(widths) // 2])
    box = (int(xs[0]) + ox, int(ys[0]) + oy, int(xs[-1]) + ox, int(ys[-1]) + oy)
    return Table(box, cells, nrows, ncols, line_width)


def unruled_grid(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int]]:
    """(row, col) for text boxes of a table printed without rulings.

    Rows: boxes whose vertical middles lie within half a box height of each other.
    Columns: the clustered left edges of the boxes in rows holding several boxes.
    """
    if not boxes:
        return []
    order = sorted(range(len(boxes)), key=lambda i: (boxes[i][1] + boxes[i][3]) / 2)
    row_of = [0] * len(boxes)
    row = -1
    last_mid = None
    for i in order:
        _x0, y0, _x1, y1 = boxes[i]
        mid = (y0 + y1) / 2
        if last_mid is None or mid - last_mid > (y1 - y0) / 2:
            row += 1
            last_mid = mid
        row_of[i] = row
    lefts = _cluster_wide([b[0] for b in boxes], gap=max(8, int(np.median([b[3] - b[1] for b in boxes]))))
    col_of = [min(range(len(lefts)), key=lambda k: abs(lefts[k] - b[0])) for b in boxes]
    return list(zip(row_of, col_of, strict=True))


def _cluster_wide(values: list[int], gap: int) -> list[float]:
    out: list[list[int]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= gap:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]
