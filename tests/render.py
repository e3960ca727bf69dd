"""Generate consistent national tables and render them as whole reports in every layout.

Why: the extractor must read every cell exactly whatever shape a publisher gave the
tables. Real reports are too few to cover the shapes, so this module makes reports
whose every number is known: `crawler/demo/synth.py` (shared with the demo portals)
draws the numbers of both templates (2019, 2021) so that the tables' arithmetic holds,
lays the three tables out as the templates do (merged cells and all, as a grid of
`GridCell`s) and renders HTML; this module adds the layout choices, the dropped
cells and the text layouts, and prints the whole document in one of `LAYOUTS`.

Every choice goes through a `Choices` object, so the same code serves the
property-based test (hypothesis draws, which shrink to a minimal failing report) and
the benchmark (a seeded `random.Random`).

Expected values (`Case.expected`) are the numbers a careful reader gets from the
printed document: a blank or "-" cell is None, a dropped cell (see below) is 0, a
cell with a note is its number, an amount is the number printed (in its unit).

The "dropped blanks" rule. Some publishers leave zero cells out of a row entirely,
so the row prints fewer numbers than it has columns. The generator drops cells only
when a reader can put the remaining numbers back with certainty:
  * only cells whose value is 0 are dropped, only in sections 三 and 四, never in
    layouts that keep empty positions (pipes pad every row to the grid width, so a
    dropped and a blank cell would look the same there);
  * a drop is kept only if `placements_unique` says so: every placement of the
    printed numbers (in order) onto the row's columns, with the missing cells
    unknown counts (a reader cannot know they were 0), that satisfies the table's
    arithmetic with all other rows as printed — row total = sum of the six
    applicant columns; per column 本年新收 + 上年结转 = (七)总计 + 结转下年度;
    (七)总计 = sum of the result rows; in section 四 each group's 总计 = the sum of
    its four results — yields the same values, the missing cells' included.
    Placements that differ only in which of several equal zeros was dropped are
    equivalent.
Otherwise the row is printed whole.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from crawler.demo.synth import (
    APPLICATION_LABELS,
    BLANK_LAYOUTS,
    DROP_LAYOUTS,
    HEADINGS,
    HTML_LAYOUTS,
    LAYOUTS,
    PROACTIVE_BLOCKS,
    PROSE_SIX,
    Choices,
    Grid,
    GridCell,
    Layout,
    Meta,
    Number,
    RandomChoices,
    Tables,
    arithmetic_violations,
    generate_tables,
    other_rows,
    relations,
    render_html,
    report_grids,
    sections,
)
from extract import template as tpl

# The table generator and the HTML renderers live in the package (the demo portals
# serve their reports); the names are re-exported here for the tests and bench.
__all__ = [
    "APPLICATION_LABELS",
    "DROP_LAYOUTS",
    "HTML_LAYOUTS",
    "LAYOUTS",
    "PROACTIVE_BLOCKS",
    "Case",
    "HypothesisChoices",
    "RandomChoices",
    "Tables",
    "arithmetic_violations",
    "build_case",
    "cases",
    "draw_meta",
    "generate_case",
    "placements_unique",
]

T = TypeVar("T")


class HypothesisChoices:
    """Choices drawn from hypothesis; each shrinks to the simplest (first/False/low)."""

    def __init__(self, draw: Callable[[Any], Any]) -> None:
        from hypothesis import strategies as st

        self._draw = draw
        self._st = st

    def integer(self, lo: int, hi: int) -> int:
        return self._draw(self._st.integers(lo, hi))

    def boolean(self, p: float = 0.5) -> bool:
        # Shrinks towards 0, i.e. False.
        return self._draw(self._st.integers(0, 999)) >= 1000 - int(p * 1000)

    def choice(self, seq: Sequence[T]) -> T:
        return self._draw(self._st.sampled_from(list(seq)))


# ---------------------------------------------------------------------------------
# Dropped cells: which zero cells may go, so that the arithmetic puts them back
# ---------------------------------------------------------------------------------


def _row_keys(table: str, row: str, template: str) -> list[str]:
    if table == "applications":
        return [f"applications.{row}.{c}" for c in tpl.APPLICANT_COLUMNS]
    return list(tpl.REVIEW_KEYS)


_HOLE = object()  # a dropped cell: its value is not printed


def _fill(values: dict[str, Any], rels: list[tuple[str, list[str], list[str]]]) -> bool:
    """Give each hole the value a relation forces (a whole number >= 0), in place.

    False when a relation fails. A relation with a blank (None) term is not checked;
    one with two or more holes left is not decided. Deliberately simpler than the
    extractor's placement, so that a drop it calls unique is unique for any reader
    who knows only that a hole is some count.
    """
    changed = True
    while changed:
        changed = False
        for _name, left, right in rels:
            terms = [(k, 1) for k in left] + [(k, -1) for k in right]
            if any(values[k] is None for k, _ in terms):
                continue
            holes = [(k, sign) for k, sign in terms if values[k] is _HOLE]
            total = sum(sign * values[k] for k, sign in terms if values[k] is not _HOLE)
            if not holes:
                if total != 0:
                    return False
            elif len(holes) == 1:
                key, sign = holes[0]
                value = -total * sign
                if value < 0 or value != int(value):
                    return False
                values[key] = value
                changed = True
    return True


def placements_unique(
    values: dict[str, Number | None], template: str, drops: dict[tuple[str, str], frozenset[str]]
) -> bool:
    """True if the printed numbers of the dropped rows go back in only one way.

    `drops` maps (table, row) -> the keys left out of that row. Every placement of each
    row's printed numbers, in order, is tried against the arithmetic (all other cells
    as printed), the missing cells being unknown counts: a reader cannot know that a
    dropped cell was 0 (report-format.md: a 总计 may be left empty while its parts
    hold numbers). The drop is unique when every placement that fits gives the same
    value to every cell of the dropped rows, holes included (so the arithmetic must
    fix each hole).
    """
    rels = relations(template)
    options: list[list[dict[str, Any]]] = []
    for (table, row), dropped in drops.items():
        keys = _row_keys(table, row, template)
        own = [rel for rel in rels if set(rel[1] + rel[2]) <= set(keys)]  # the row's totals
        printed = [values[k] for k in keys if k not in dropped]
        row_options = []
        for slots in itertools.combinations(range(len(keys)), len(printed)):
            assigned: dict[str, Any] = dict.fromkeys(keys, _HOLE)
            for i, v in zip(slots, printed, strict=True):
                assigned[keys[i]] = v
            if _fill(dict(assigned), own):  # a quick first test, on the row alone
                row_options.append(assigned)
        options.append(row_options)
    results = set()
    for combo in itertools.product(*options):
        trial: dict[str, Any] = dict(values)
        for assigned in combo:
            trial.update(assigned)
        if _fill(trial, rels):
            filled = tuple(trial[k] for assigned in combo for k in assigned)
            if any(v is _HOLE for v in filled):
                return False  # a hole the arithmetic does not fix
            results.add(filled)
            if len(results) > 1:
                return False
    return len(results) == 1


# Rows of one report that may have dropped cells. With two, the arithmetic must place
# them jointly (each row's column relations involve the other); 1 keeps rows independent.
MAX_DROPPED_ROWS = 2


def choose_drops(
    ch: Choices, t: Tables, max_rows: int | None = None
) -> dict[tuple[str, str], frozenset[str]]:
    """Pick up to `max_rows` rows and some of their zero cells to leave out (see module doc)."""
    max_rows = max_rows or MAX_DROPPED_ROWS
    candidates: list[tuple[str, str]] = [
        ("applications", r) for r in tpl.application_rows(other_rows(t.template))
    ] + [("review_litigation", "all")]
    drops: dict[tuple[str, str], frozenset[str]] = {}
    for _ in range(ch.integer(1, max_rows)):
        table, row = ch.choice(candidates)
        if (table, row) in drops:
            continue
        zeros = [k for k in _row_keys(table, row, t.template) if t.values[k] == 0 and t.raw[k] == "0"]
        if not zeros:
            continue
        chosen = frozenset(k for k in zeros if ch.boolean(0.5)) or frozenset(zeros[:1])
        if len(chosen) == len(_row_keys(table, row, t.template)):
            chosen = chosen - {zeros[-1]}  # keep one number: an empty row reads as blanks, not 0s
        trial = {**drops, (table, row): chosen}
        if placements_unique(t.values, t.template, trial):
            drops = trial
    return drops


def draw_layout(ch: Choices, t: Tables, name: str | None = None) -> Layout:
    name = name or ch.choice(LAYOUTS)
    lay = Layout(name)
    if name in HTML_LAYOUTS:
        lay.word = ch.boolean(0.4)
        lay.spans = ch.boolean(0.5)
        lay.gbk = ch.choice(("gb2312", "gbk", "GB2312")) if ch.boolean(0.3) else ""
        lay.tag = ch.choice(("p", "div"))
    else:
        lay.halfwidth = ch.boolean(0.4)
    if name in ("text_lines", "text_stacked"):
        lay.blank_lines = ch.boolean(0.6)
    if name == "text_lines" and lay.blank_lines:
        lay.wrap_headers = ch.boolean(0.3)
    if name == "text_lines" and ch.boolean(0.3):
        lay.padded = ch.choice(("indented", "trailing"))
    if name in ("text_lines", "text_pipes"):
        lay.spaced_labels = ch.boolean(0.3)
    if name == "text_pipes":
        lay.extra_pad = ch.integer(0, 2)
        lay.tabs = ch.boolean(0.3)
    if name == "text_stacked":
        lay.runs = ch.boolean(0.5)
    if t.template == "2019":
        lay.pad_short = ch.boolean(0.3)
    lay.prose_summary = ch.boolean(0.2)
    if name in DROP_LAYOUTS and ch.boolean(0.35):
        lay.drops = choose_drops(ch, t)
    elif name in BLANK_LAYOUTS and ch.boolean(0.25):
        zeros = [
            k
            for k in t.all_keys()
            if k.startswith(("applications.", "review_litigation.")) and t.values[k] == 0 and t.raw[k] == "0"
        ]
        if zeros:
            lay.blank_zeros = frozenset(k for k in zeros if ch.boolean(0.15))
    return lay


# ---------------------------------------------------------------------------------
# The document around the tables
# ---------------------------------------------------------------------------------

AGENCIES = (
    "某某市某某局",
    "白城市人民政府",
    "蒲纺工业园区管理委员会",
    "深圳市龙岗区发展和改革局",
    "包头市九原区政务服务局",
    "武汉市汉阳区人民政府办公室",
    "威海市文登区审计局",
    "雄县人民政府",
    "三明市自然资源局",
    "宁国市商务局",
    "某某县某某镇人民政府",
)


def draw_meta(ch: Choices, template: str) -> Meta:
    year = ch.choice((2019, 2020) if template == "2019" else (2021, 2022, 2023, 2024))
    published = date(year + 1, ch.integer(1, 3), ch.integer(1, 28))
    return Meta(
        agency=ch.choice(AGENCIES),
        year=year,
        published=published,
        date_style=ch.integer(0, 3),
        heading_five=ch.choice(HEADINGS["五"]),
        six=ch.choice(PROSE_SIX),
        numbers={f"n{i}": ch.integer(1, 3000) for i in range(1, 7)},
    )


# ---------------------------------------------------------------------------------
# A case: the generated report, its bytes and what an extractor must find
# ---------------------------------------------------------------------------------


@dataclass
class Case:
    tables: Tables
    meta: Meta
    layout: Layout
    data: bytes
    content_type: str | None
    expected: dict[str, Number | None]
    printed: list[str]  # the value cells' texts in printed order (self-checks)

    @property
    def source(self) -> str:
        return f"generated-{self.layout.name}.{'html' if self.layout.name in HTML_LAYOUTS else 'txt'}"

    @property
    def template(self) -> str:
        return self.tables.template

    def describe(self) -> str:
        return f"{self.template} report for {self.meta.year}, layout {self.layout.describe()}"

    def __repr__(self) -> str:  # hypothesis prints failing examples: keep them short
        return f"<Case {self.describe()}>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis' pretty-printer
        printer.text(repr(self))


def generate_case(
    ch: Choices, layout: str | None = None, template: str | None = None, padding_kb: int = 0
) -> Case:
    template = template or ch.choice(tpl.TEMPLATES)
    t = generate_tables(ch, template)
    meta = draw_meta(ch, template)
    lay = draw_layout(ch, t, layout)
    lay.padding_kb = padding_kb
    return build_case(t, meta, lay)


def build_case(t: Tables, meta: Meta, lay: Layout) -> Case:
    dropped = set().union(*lay.drops.values()) if lay.drops else set()
    printed: list[str] = []

    def cell_text(key: str) -> str | None:
        if key in dropped:
            return None
        if key in lay.blank_zeros:
            return ""
        text = t.raw[key]
        if t.values[key] is None and lay.name in BLANK_LAYOUTS and text == "/":
            text = ""  # an empty cell, where the layout keeps its place
        return text

    grids = report_grids(t, cell_text, lay.pad_short)
    for g in grids:
        printed += [c.text for row in g.rows for c in row if c.kind == "value" and c.text]
    expected: dict[str, Number | None] = {}
    for key in t.all_keys():
        expected[key] = None if key in lay.blank_zeros else t.values[key]
    if lay.name in HTML_LAYOUTS:
        body = render_html(t, meta, lay, grids)
        if lay.gbk:
            data, ctype = body.encode("gbk"), None
        else:
            data, ctype = body.encode("utf-8"), "text/html; charset=utf-8" if lay.word else None
    else:
        data, ctype = render_text(t, meta, lay, grids).encode("utf-8"), None
    return Case(t, meta, lay, data, ctype, expected, printed)


# ---------------------------------------------------------------------------------
# Text layouts
# ---------------------------------------------------------------------------------

_HALF = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "“": '"', "”": '"'})


def _space_label(text: str, every: int) -> str:
    """`商业企业` -> `商 业 企 业` (every=1) or `本年新制作 数量`; keeps enumerations whole."""
    if every == 1:
        return " ".join(text)
    m = re.match(r"^(（[一二三四五六七]）)(.*)$", text)
    if m:
        return f"{m.group(1)} {m.group(2)}"
    return text[:-2] + " " + text[-2:] if len(text) > 4 else text


def _wrap(text: str) -> str:
    if len(text) > 5 and "（" not in text:
        return text[:3] + "\n" + text[3:]
    return text


def render_text(t: Tables, meta: Meta, lay: Layout, grids: list[Grid]) -> str:
    sep = "\n\n" if lay.name in ("text_lines", "text_stacked") and lay.blank_lines else "\n"

    def cell_line(c: GridCell, stacked: bool) -> str:
        text = c.text
        if lay.spaced_labels and c.kind == "header" and len(text) <= 6 and lay.name == "text_pipes":
            text = _space_label(text, 1)
        elif lay.spaced_labels and c.kind in ("header", "label", "group"):
            text = _space_label(text, 2)
        if lay.wrap_headers and c.kind == "header":
            text = _wrap(text)
        if stacked:
            text = "\n".join(text)
        return text

    def table_text(g: Grid) -> str:
        stack = lay.name == "text_stacked" and g.name != "proactive"
        lines: list[str] = []
        for row in g.rows:
            if lay.name == "text_pipes":
                cells = [c.text if c.kind == "value" else cell_line(c, False) for c in row]
                # Pad with empty cells to the grid width, as exports of merged cells do.
                cells += [""] * (max(0, g.width - len(cells)) + lay.extra_pad)
                lines.append("\t".join(cells) if lay.tabs else " | ".join(cells).rstrip())
            elif lay.name == "text_spaces":
                lines.append(" ".join(c.text for c in row if c.text))
            elif lay.name == "text_stacked" and lay.runs and row and all(c.kind == "value" for c in row):
                lines.append(" ".join(c.text for c in row))
            elif lay.name == "text_stacked" and lay.runs and any(c.kind == "value" for c in row):
                labels = [cell_line(c, False) for c in row if c.kind not in ("value", "empty")]
                lines.append(sep.join(labels))
                lines.append(" ".join(c.text for c in row if c.kind == "value"))
            else:
                lines += [
                    cell_line(c, stack and c.kind == "header") if c.text else " "  # an empty cell
                    for c in row
                    if c.text or c.kind == "value"
                ]
        return sep.join(lines)

    parts = [
        "登录 | 注册 | 无障碍 | 长者模式",
        "首页 > 政务公开 > 政府信息公开年报",
        meta.title,
        meta.date_line() + "    点击数:",
        *sections(t, meta, lay, [table_text(g) for g in grids]),
        "主办单位：" + meta.agency + "  网站标识码：2208000001  吉ICP备05002837号",
        "联系电话：0436-3293331  地址：公园东路14号",
    ]
    text = sep.join(parts) + "\n"
    if lay.padded == "indented":  # every line, the blank ones too: no line is empty any more
        text = "\n".join("  " + line for line in text.split("\n"))
    elif lay.padded == "trailing":
        text = "\n".join(line + "  " for line in text.split("\n"))
    return text.translate(_HALF) if lay.halfwidth else text


# ---------------------------------------------------------------------------------
# Hypothesis strategies
# ---------------------------------------------------------------------------------


def cases(layout: str | None = None, template: str | None = None):  # -> SearchStrategy[Case]
    """A hypothesis strategy of whole generated reports (one layout, or any)."""
    from hypothesis import strategies as st

    @st.composite
    def _cases(draw: Callable[[Any], Any]) -> Case:
        return generate_case(HypothesisChoices(draw), layout, template)

    return _cases()
