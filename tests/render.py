"""Generate consistent national tables and render them as whole reports in every layout.

Why: the extractor must read every cell exactly whatever shape a publisher gave the
tables. Real reports are too few to cover the shapes, so this module makes reports
whose every number is known: it draws the numbers of both templates (2019, 2021) so
that the tables' arithmetic holds, lays the three tables out as the templates do
(merged cells and all, as a grid of `GridCell`s), and prints the whole document in
one of `LAYOUTS`.

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
    printed numbers (in order) onto the row's columns, with the missing cells 0,
    that satisfies the table's arithmetic with all other rows as printed — row
    total = sum of the six applicant columns; per column 本年新收 + 上年结转 =
    (七)总计 + 结转下年度; (七)总计 = sum of the result rows; in section 四 each
    group's 总计 = the sum of its four results — yields the same values. Placements
    that differ only in which of several equal zeros was dropped are equivalent.
Otherwise the row is printed whole.
"""

from __future__ import annotations

import html
import itertools
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, TypeVar

from extract import template as tpl

T = TypeVar("T")
Number = int | float

# ---------------------------------------------------------------------------------
# Choices: one interface over hypothesis draws and a seeded Random
# ---------------------------------------------------------------------------------


class Choices(Protocol):
    def integer(self, lo: int, hi: int) -> int: ...
    def boolean(self, p: float = 0.5) -> bool: ...
    def choice(self, seq: Sequence[T]) -> T: ...


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


class RandomChoices:
    """Choices from a seeded Random (the benchmark's generator)."""

    def __init__(self, seed: int) -> None:
        self._rnd = random.Random(seed)

    def integer(self, lo: int, hi: int) -> int:
        return self._rnd.randint(lo, hi)

    def boolean(self, p: float = 0.5) -> bool:
        return self._rnd.random() < p

    def choice(self, seq: Sequence[T]) -> T:
        return self._rnd.choice(list(seq))


def draw_count(ch: Choices, big: int = 500, zeros: int = 4) -> int:
    """A count as reports print them: often 0 (`zeros` in 10), else small, sometimes large."""
    k = ch.integer(0, 9)
    if k < zeros:
        return 0
    small = min(20, big)
    if k < 8 or big <= small:
        return ch.integer(1, small)
    return ch.integer(small + 1, big)


# ---------------------------------------------------------------------------------
# The numbers
# ---------------------------------------------------------------------------------

NULL_FORMS = ("-", "—", "/", "无")
NOTES = ("（市自然资源局）", "（含区县）", "（已办结）", "（其中2件为网上申请）")


@dataclass
class Tables:
    """The three tables of one report: canonical key -> number (None: printed blank)."""

    template: str
    values: dict[str, Number | None]
    raw: dict[str, str]  # printed text of each cell (before layout-specific blanks)

    def all_keys(self) -> list[str]:
        return tpl.all_keys(self.template)


def other_rows(template: str) -> tuple[str, ...]:
    return tpl.OTHER_ROWS_2019 if template == "2019" else tpl.OTHER_ROWS_2021


def result_rows(template: str) -> tuple[str, ...]:
    return (*tpl.RESULT_ROWS_COMMON, *other_rows(template))


def _decimal(ch: Choices, max_int: int, max_places: int) -> tuple[Number, str]:
    """A decimal amount and its printed text (no trailing zeros after the point)."""
    whole = draw_count(ch, max_int)
    places = ch.integer(0, max_places)
    if places == 0 or (whole == 0 and ch.boolean(0.5)):
        return whole, str(whole)
    frac = ch.integer(1, 10**places - 1)
    text = f"{whole}.{frac:0{places}d}".rstrip("0")
    return float(text), text


def generate_tables(ch: Choices, template: str, *, nulls: bool = True, notes: bool = True) -> Tables:
    """Draw a consistent set of the three tables of `template`."""
    values: dict[str, Number | None] = {}
    raw: dict[str, str] = {}

    def put(key: str, value: Number | None, text: str | None = None) -> None:
        values[key] = value
        raw[key] = str(value) if text is None else text

    # Section 二: no arithmetic; signed changes, amounts, occasional "-" for n/a.
    for row in tpl.PROACTIVE_ROWS:
        for col in row.columns.get(template, ()):
            key = f"proactive.{row.key}.{col}"
            if nulls and ch.boolean(0.04):
                put(key, None, ch.choice(NULL_FORMS))
            elif key in tpl.SIGNED_KEYS:
                n = draw_count(ch, 400)
                if n and ch.boolean(0.5):
                    put(key, -n, f"-{n}")
                else:
                    put(key, n, f"+{n}" if n and ch.boolean(0.6) else str(n))
            elif key == "proactive.procurement.amount":
                value, text = _decimal(ch, 200_000_000, 3)
                if ch.boolean(0.3):
                    text += "元"
                put(key, value, text)
            elif key == "proactive.fees.amount":
                value, text = _decimal(ch, 5000, 4)
                put(key, value, text)
            elif col == "decisions":
                put(key, draw_count(ch, 400_000))
            else:
                put(key, draw_count(ch, 3000))

    # Section 三: per applicant column, results then carried over/forward.
    rows = result_rows(template)
    for col in tpl.APPLICANT_PARTS:
        cells = {r: draw_count(ch, 60, zeros=7) for r in rows}
        results_total = sum(cells.values())
        carried_forward = draw_count(ch, 30)
        carried_over = min(draw_count(ch, 30), results_total + carried_forward)
        cells["results_total"] = results_total
        cells["carried_forward"] = carried_forward
        cells["carried_over"] = carried_over
        cells["received_new"] = results_total + carried_forward - carried_over
        for r, v in cells.items():
            put(f"applications.{r}.{col}", v)
    for r in tpl.application_rows(other_rows(template)):
        put(f"applications.{r}.total", sum(int(values[f"applications.{r}.{c}"] or 0)
                                           for c in tpl.APPLICANT_PARTS))

    # Section 四: four results per group, 总计 their sum.
    for g in tpl.REVIEW_GROUPS:
        parts = [draw_count(ch, 15) for _ in range(4)]
        for c, v in zip(tpl.REVIEW_COLUMNS[:4], parts, strict=True):
            put(f"review_litigation.{g}.{c}", v)
        put(f"review_litigation.{g}.total", sum(parts))

    # Notes in a cell (`7(市自然资源局)` is 7): on a few non-zero counts.
    if notes:
        for key in [*tpl.REVIEW_KEYS, *(f"applications.{r}.total" for r in rows)]:
            if values[key] and ch.boolean(0.03):
                raw[key] = f"{values[key]}{ch.choice(NOTES)}"
    return Tables(template, values, raw)


def arithmetic_violations(values: dict[str, Number | None], template: str) -> list[str]:
    """Every relation of report-format.md that `values` breaks (blank terms skip it)."""
    bad: list[str] = []

    def v(key: str) -> Number | None:
        return values.get(key)

    app_rows = tpl.application_rows(other_rows(template))
    for r in app_rows:
        parts = [v(f"applications.{r}.{c}") for c in tpl.APPLICANT_PARTS]
        total = v(f"applications.{r}.total")
        if None not in parts and total is not None and sum(parts) != total:  # type: ignore[arg-type]
            bad.append(f"row {r}: parts {parts} != total {total}")
    for c in tpl.APPLICANT_COLUMNS:
        a, b, t, f = (v(f"applications.{r}.{c}") for r in
                      ("received_new", "carried_over", "results_total", "carried_forward"))
        if None not in (a, b, t, f) and a + b != t + f:  # type: ignore[operator]
            bad.append(f"column {c}: {a}+{b} != {t}+{f}")
        res = [v(f"applications.{r}.{c}") for r in result_rows(template)]
        if None not in res and t is not None and sum(res) != t:  # type: ignore[arg-type]
            bad.append(f"column {c}: results sum {sum(res)} != total {t}")  # type: ignore[arg-type]
    for g in tpl.REVIEW_GROUPS:
        parts = [v(f"review_litigation.{g}.{c}") for c in tpl.REVIEW_COLUMNS[:4]]
        total = v(f"review_litigation.{g}.total")
        if None not in parts and total is not None and sum(parts) != total:  # type: ignore[arg-type]
            bad.append(f"group {g}: {parts} != {total}")
    return bad


# ---------------------------------------------------------------------------------
# The tables as printed grids (labels exactly as in report-format.md)
# ---------------------------------------------------------------------------------


@dataclass
class GridCell:
    text: str
    kind: str  # caption | header | corner | label | group | value | empty
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None


@dataclass
class Grid:
    name: str  # proactive | applications | review_litigation
    width: int
    rows: list[list[GridCell]]


PROACTIVE_BLOCKS: dict[str, list[tuple[str, list[str], list[tuple[str, str]]]]] = {
    "2019": [
        ("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
         [("规章", "regulations"), ("规范性文件", "normative_documents")]),
        ("第二十条第（五）项", ["上一年项目数量", "本年增/减", "处理决定数量"],
         [("行政许可", "licensing"), ("其他对外管理服务事项", "other_services")]),
        ("第二十条第（六）项", ["上一年项目数量", "本年增/减", "处理决定数量"],
         [("行政处罚", "penalty"), ("行政强制", "coercion")]),
        ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], [("行政事业性收费", "fees")]),
        ("第二十条第（九）项", ["采购项目数量", "采购总金额"], [("政府集中采购", "procurement")]),
    ],
    "2021": [
        ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"],
         [("规章", "regulations"), ("行政规范性文件", "normative_documents")]),
        ("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", "licensing")]),
        ("第二十条第（六）项", ["本年处理决定数量"], [("行政处罚", "penalty"), ("行政强制", "coercion")]),
        ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", "fees")]),
    ],
}

APPLICATION_LABELS: dict[str, str] = {
    "received_new": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "disclosed": "（一）予以公开",
    "partially_disclosed": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "withheld_state_secret": "1.属于国家秘密",
    "withheld_law_prohibited": "2.其他法律行政法规禁止公开",
    "withheld_security_stability": "3.危及“三安全一稳定”",
    "withheld_third_party": "4.保护第三方合法权益",
    "withheld_internal_affairs": "5.属于三类内部事务信息",
    "withheld_process_info": "6.属于四类过程性信息",
    "withheld_enforcement_file": "7.属于行政执法案卷",
    "withheld_query_matter": "8.属于行政查询事项",
    "unavailable_not_held": "1.本机关不掌握相关政府信息",
    "unavailable_needs_creation": "2.没有现成信息需要另行制作",
    "unavailable_unclear": "3.补正后申请内容仍不明确",
    "not_processed_petition": "1.信访举报投诉类申请",
    "not_processed_duplicate": "2.重复申请",
    "not_processed_publication": "3.要求提供公开出版物",
    "not_processed_mass_repeated": "4.无正当理由大量反复申请",
    "not_processed_confirm": "5.要求行政机关确认或重新出具已获取信息",
    "other_handling": "（六）其他处理",
    "other_overdue_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_unpaid_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_other": "3.其他",
    "results_total": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
# Group label -> the rows it spans (its first row prints it).
APPLICATION_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("（三）不予公开", tuple(r for r in tpl.RESULT_ROWS_COMMON if r.startswith("withheld_"))),
    ("（四）无法提供", tuple(r for r in tpl.RESULT_ROWS_COMMON if r.startswith("unavailable_"))),
    ("（五）不予处理", tuple(r for r in tpl.RESULT_ROWS_COMMON if r.startswith("not_processed_"))),
    ("（六）其他处理", tpl.OTHER_ROWS_2021),
]
CORNER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANT_HEADERS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
REVIEW_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def proactive_grid(t: Tables, cell_text: Callable[[str], str | None], pad_short: bool) -> Grid:
    """Section 二; `pad_short`: 2019's two-column blocks get an empty 4th cell, else a colspan."""
    rows: list[list[GridCell]] = []
    for caption, headers, block_rows in PROACTIVE_BLOCKS[t.template]:
        rows.append([GridCell(caption, "caption", colspan=4)])

        def widen(cells: list[GridCell]) -> list[GridCell]:
            missing = 4 - 1 - len(cells)
            if missing and (len(cells) == 1 or not pad_short):
                cells[-1].colspan += missing
            elif missing:
                cells += [GridCell("", "empty") for _ in range(missing)]
            return cells

        rows.append([GridCell("信息内容", "header"),
                     *widen([GridCell(h, "header") for h in headers])])
        for label, row_key in block_rows:
            spec = next(r for r in tpl.PROACTIVE_ROWS if r.key == row_key)
            cells = []
            for col in spec.columns[t.template]:
                key = f"proactive.{row_key}.{col}"
                text = cell_text(key)
                if text is not None:
                    cells.append(GridCell(text, "value", key=key))
            rows.append([GridCell(label, "label"), *widen(cells)])
    return Grid("proactive", 4, rows)


def applications_grid(t: Tables, cell_text: Callable[[str], str | None]) -> Grid:
    """Section 三: 3 label columns + 7 value columns, the template's merged cells."""
    rows: list[list[GridCell]] = [
        [GridCell(CORNER_NOTE, "corner", rowspan=3, colspan=3), GridCell("申请人情况", "header", colspan=7)],
        [GridCell("自然人", "header", rowspan=2), GridCell("法人或其他组织", "header", colspan=5),
         GridCell("总计", "header", rowspan=2)],
        [GridCell(h, "header") for h in APPLICANT_HEADERS[1:6]],
    ]
    data_rows = tpl.application_rows(other_rows(t.template))
    n_results = len(result_rows(t.template)) + 1
    for r in data_rows:
        cells: list[GridCell] = []
        label = APPLICATION_LABELS[r]
        if r in ("received_new", "carried_over", "carried_forward"):
            cells.append(GridCell(label, "label", colspan=3))
        else:
            if r == "disclosed":
                cells.append(GridCell("三、本年度办理结果", "group", rowspan=n_results))
            group = next(((g, members) for g, members in APPLICATION_GROUPS if r in members), None)
            if group is None:
                cells.append(GridCell(label, "label", colspan=2))
            else:
                g, members = group
                if r == members[0]:
                    cells.append(GridCell(g, "group", rowspan=len(members)))
                cells.append(GridCell(label, "label"))
        for c in tpl.APPLICANT_COLUMNS:
            key = f"applications.{r}.{c}"
            text = cell_text(key)
            if text is not None:
                cells.append(GridCell(text, "value", key=key))
        rows.append(cells)
    return Grid("applications", 10, rows)


def review_grid(t: Tables, cell_text: Callable[[str], str | None]) -> Grid:
    rows = [
        [GridCell("行政复议", "header", colspan=5), GridCell("行政诉讼", "header", colspan=10)],
        [*(GridCell(h, "header", rowspan=2) for h in REVIEW_RESULTS),
         GridCell("未经复议直接起诉", "header", colspan=5), GridCell("复议后起诉", "header", colspan=5)],
        [GridCell(h, "header") for h in REVIEW_RESULTS * 2],
    ]
    cells = []
    for key in tpl.REVIEW_KEYS:
        text = cell_text(key)
        if text is not None:
            cells.append(GridCell(text, "value", key=key))
    rows.append(cells)
    return Grid("review_litigation", 15, rows)


# ---------------------------------------------------------------------------------
# Dropped cells: which zero cells may go, so that the arithmetic puts them back
# ---------------------------------------------------------------------------------


def _row_keys(table: str, row: str, template: str) -> list[str]:
    if table == "applications":
        return [f"applications.{row}.{c}" for c in tpl.APPLICANT_COLUMNS]
    return list(tpl.REVIEW_KEYS)


def _row_ok(assigned: dict[str, Number], table: str) -> bool:
    """The relations inside one row: row total = sum of parts (四: each group's total)."""
    if table == "applications":
        vals = list(assigned.values())
        return sum(vals[:6]) == vals[6]
    vals = list(assigned.values())
    return all(sum(vals[i:i + 4]) == vals[i + 4] for i in range(0, 15, 5))


def _columns_ok(values: dict[str, Number | None], template: str) -> bool:
    """The per-column relations of section 三 (terms left blank are skipped)."""
    results = result_rows(template)
    for c in tpl.APPLICANT_COLUMNS:
        a, b, t, f = (values[f"applications.{r}.{c}"] for r in
                      ("received_new", "carried_over", "results_total", "carried_forward"))
        if None not in (a, b, t, f) and a + b != t + f:  # type: ignore[operator]
            return False
        res = [values[f"applications.{r}.{c}"] for r in results]
        if None not in res and t is not None and sum(res) != t:  # type: ignore[arg-type]
            return False
    return True


def placements_unique(values: dict[str, Number | None], template: str,
                      drops: dict[tuple[str, str], frozenset[str]]) -> bool:
    """True if the printed numbers of the dropped rows go back in only one way.

    `drops` maps (table, row) -> the keys left out of that row. Every placement of each
    row's printed numbers, in order, with 0 in the holes, is tried against the
    arithmetic (all other cells as printed); all placements that satisfy it must
    give the same values.
    """
    options: list[list[dict[str, Number]]] = []
    for (table, row), dropped in drops.items():
        keys = _row_keys(table, row, template)
        printed = [values[k] for k in keys if k not in dropped]
        row_options = []
        for slots in itertools.combinations(range(len(keys)), len(printed)):
            assigned: dict[str, Number] = dict.fromkeys(keys, 0)
            for i, v in zip(slots, printed, strict=True):
                assigned[keys[i]] = v  # type: ignore[assignment]
            if _row_ok(assigned, table):
                row_options.append(assigned)
        options.append(row_options)
    results = set()
    trial = dict(values)
    for combo in itertools.product(*options):
        for assigned in combo:
            trial.update(assigned)
        if _columns_ok(trial, template):
            results.add(tuple(v for assigned in combo for v in assigned.values()))
            if len(results) > 1:
                return False
    return len(results) == 1


# Rows of one report that may have dropped cells. With two, the arithmetic must place
# them jointly (each row's column relations involve the other); 1 keeps rows independent.
MAX_DROPPED_ROWS = 2


def choose_drops(ch: Choices, t: Tables, max_rows: int | None = None) -> dict[tuple[str, str], frozenset[str]]:
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


# ---------------------------------------------------------------------------------
# Layouts
# ---------------------------------------------------------------------------------

LAYOUTS = (
    "html_table",  # real <table> with the template's rowspan/colspan
    "html_flat",  # the tables flattened into one <p>/<div> per cell
    "text_lines",  # one cell per line (blank lines between cells, or not)
    "text_pipes",  # a | b | c, rows padded with empty cells
    "text_spaces",  # one table row per line, cells separated by spaces
    "text_stacked",  # one cell per line, the 三/四 header characters one per line
)
HTML_LAYOUTS = ("html_table", "html_flat")
DROP_LAYOUTS = ("html_table", "html_flat", "text_lines", "text_spaces", "text_stacked")
BLANK_LAYOUTS = ("html_table", "text_pipes")  # layouts where an empty cell keeps its place


@dataclass
class Layout:
    name: str
    word: bool = False  # Word-exported markup (MsoNormal, lang=EN-US, &nbsp;)
    spans: bool = False  # labels split across <span>s / <br> inside header cells
    gbk: str = ""  # GBK bytes, this charset label only in <meta> (browsers read gb2312 as GBK)
    tag: str = "p"  # html_flat: p or div
    blank_lines: bool = True  # text_lines/stacked: blank line between cells
    wrap_headers: bool = False  # text_lines: long header cells wrapped over two lines
    spaced_labels: bool = False  # text_lines/pipes: 商 业 企 业, (一) 予以公开
    halfwidth: bool = False  # text: (一) instead of （一）
    pad_short: bool = False  # 2019 two-column blocks: empty 4th cell instead of colspan
    extra_pad: int = 0  # text_pipes: empty cells beyond the grid width
    runs: bool = False  # text_stacked: the data rows as space-separated runs
    drops: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    blank_zeros: frozenset[str] = frozenset()  # zero cells printed empty (value None)
    prose_summary: bool = False  # a prose summary of section 三 before its table
    padding_kb: int = 0  # extra realistic prose/markup (benchmark's 100 KB pages)

    def describe(self) -> str:
        opts = {k: v for k, v in self.__dict__.items() if k != "name" and v != Layout.__dataclass_fields__[k].default
                and v not in ((), {}, frozenset())}
        return f"{self.name}({', '.join(f'{k}={v}' for k, v in opts.items())})"


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
    if name in ("text_lines", "text_pipes"):
        lay.spaced_labels = ch.boolean(0.3)
    if name == "text_pipes":
        lay.extra_pad = ch.integer(0, 2)
    if name == "text_stacked":
        lay.runs = ch.boolean(0.5)
    if t.template == "2019":
        lay.pad_short = ch.boolean(0.3)
    lay.prose_summary = ch.boolean(0.2)
    if name in DROP_LAYOUTS and ch.boolean(0.35):
        lay.drops = choose_drops(ch, t)
    elif name in BLANK_LAYOUTS and ch.boolean(0.25):
        zeros = [k for k in t.all_keys() if k.startswith(("applications.", "review_litigation."))
                 and t.values[k] == 0 and t.raw[k] == "0"]
        if zeros:
            lay.blank_zeros = frozenset(k for k in zeros if ch.boolean(0.15))
    return lay


# ---------------------------------------------------------------------------------
# The document around the tables
# ---------------------------------------------------------------------------------

AGENCIES = (
    "某某市某某局", "白城市人民政府", "蒲纺工业园区管理委员会", "深圳市龙岗区发展和改革局",
    "包头市九原区政务服务局", "武汉市汉阳区人民政府办公室", "威海市文登区审计局", "雄县人民政府",
    "三明市自然资源局", "宁国市商务局", "某某县某某镇人民政府",
)
HEADINGS = {
    "一": ("一、总体情况",),
    "二": ("二、主动公开政府信息情况",),
    "三": ("三、收到和处理政府信息公开申请情况",),
    "四": ("四、政府信息公开行政复议、行政诉讼情况",),
    "五": ("五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况"),
    "六": ("六、其他需要报告的事项",),
}
PROSE_ONE = (
    "{year}年，{agency}深入贯彻落实《中华人民共和国政府信息公开条例》，紧紧围绕中心工作和群众关切，"
    "不断加大主动公开力度，规范依申请公开办理，着力加强公开平台建设，切实强化监督保障。",
    "（一）主动公开。全年通过门户网站主动公开政府信息{n1}条，通过政务新媒体发布信息{n2}条，"
    "召开新闻发布会{n3}场。",
    "（二）依申请公开。严格按照法定时限答复，进一步规范受理、审查、答复等环节，依申请公开办理质量稳步提升。",
    "（三）政府信息管理。健全信息发布审查机制，对{n4}件规范性文件开展清理，动态更新政府信息公开指南。",
    "（四）平台建设。持续优化政府网站信息公开专栏，整合栏目{n5}个，提升检索和解读回应功能。",
    "（五）监督保障。将政务公开纳入年度绩效考核，组织业务培训{n6}次，未发生责任追究情况。",
)
PROSE_FIVE = (
    "一是主动公开的深度和广度有待提升；二是政策解读形式较为单一；三是工作人员业务水平仍需加强。",
    "下一步，我们将加强统筹协调，丰富解读形式，加大培训力度，推动政务公开工作再上新台阶。",
)
PROSE_SIX = ("本年度未收取信息处理费。", "无。", "本机关未收取政府信息公开信息处理费，无其他需要报告的事项。")
FILLER = (
    "坚持以公开为常态、不公开为例外，围绕优化营商环境、乡村振兴、民生保障等重点领域，"
    "及时准确公开政策文件、财政预决算、重大建设项目和公共资源配置等信息，主动回应社会关切，"
    "切实保障人民群众的知情权、参与权、表达权和监督权。"
)


@dataclass
class Meta:
    agency: str
    year: int
    published: date
    date_style: int
    heading_five: str
    six: str
    numbers: dict[str, int]

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    def date_line(self) -> str:
        d = self.published
        return (
            f"发布日期：{d.isoformat()}",
            f"发布时间：{d.year}年{d.month:02d}月{d.day:02d}日",
            f"来源：{self.agency}  发布日期:{d.isoformat()}  浏览次数：{self.numbers['n1'] % 997}",
            f"{d.year}-{d.month:02d}-{d.day:02d} 09:30",
        )[self.date_style]


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


def summary_prose(t: Tables) -> str:
    v = t.values
    return (
        f"本年度共新收政府信息公开申请{v['applications.received_new.total']}件，"
        f"其中自然人申请{v['applications.received_new.natural_person']}件；"
        f"上年结转{v['applications.carried_over.total']}件。"
        f"本年度办结{v['applications.results_total.total']}件，其中予以公开"
        f"{v['applications.disclosed.total']}件，部分公开{v['applications.partially_disclosed.total']}件；"
        f"结转下年度继续办理{v['applications.carried_forward.total']}件。"
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


def generate_case(ch: Choices, layout: str | None = None, template: str | None = None,
                  padding_kb: int = 0) -> Case:
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

    grids = [
        proactive_grid(t, cell_text, lay.pad_short),
        applications_grid(t, cell_text),
        review_grid(t, cell_text),
    ]
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
                lines.append(" | ".join(cells).rstrip())
            elif lay.name == "text_spaces":
                lines.append(" ".join(c.text for c in row if c.text))
            elif lay.name == "text_stacked" and lay.runs and row and all(c.kind == "value" for c in row):
                lines.append(" ".join(c.text for c in row))
            elif lay.name == "text_stacked" and lay.runs and any(c.kind == "value" for c in row):
                labels = [cell_line(c, False) for c in row if c.kind not in ("value", "empty")]
                lines.append(sep.join(labels))
                lines.append(" ".join(c.text for c in row if c.kind == "value"))
            else:
                lines += [cell_line(c, stack and c.kind == "header") for c in row if c.text or
                          c.kind == "value"]
        return sep.join(lines)

    parts = [
        "登录 | 注册 | 无障碍 | 长者模式",
        "首页 > 政务公开 > 政府信息公开年报",
        meta.title,
        meta.date_line() + "    点击数:",
        *_sections(t, meta, lay, [table_text(g) for g in grids]),
        "主办单位：" + meta.agency + "  网站标识码：2208000001  吉ICP备05002837号",
        "联系电话：0436-3293331  地址：公园东路14号",
    ]
    text = sep.join(parts) + "\n"
    return text.translate(_HALF) if lay.halfwidth else text


def _sections(t: Tables, meta: Meta, lay: Layout, tables: list[str]) -> list[str]:
    one = [p.format(year=meta.year, agency=meta.agency, **meta.numbers) for p in PROSE_ONE]
    filler = [FILLER] * (lay.padding_kb * 1024 // (len(FILLER.encode()) + 40)) if lay.padding_kb else []
    three = [summary_prose(t)] if lay.prose_summary else []
    return [
        HEADINGS["一"][0], *one, *filler,
        HEADINGS["二"][0], tables[0],
        HEADINGS["三"][0], *three, tables[1],
        HEADINGS["四"][0], tables[2],
        meta.heading_five, *PROSE_FIVE,
        HEADINGS["六"][0], meta.six,
    ]


# ---------------------------------------------------------------------------------
# HTML layouts
# ---------------------------------------------------------------------------------

NAV = """<div class="top"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/bsfw/">办事服务</a> |
<a href="/hdjl/">互动交流</a> | <a href="/zjbc/">走进本市</a> | 登录 | 注册</div>
<ul class="nav"><li><a href="/zwgk/xxgkzn/">政府信息公开指南</a></li><li><a href="/zwgk/xxgkzd/">政府信息公开制度</a></li>
<li><a href="/zwgk/fdzdgknr/">法定主动公开内容</a></li><li><a href="/zwgk/ndbg/">政府信息公开年报</a></li></ul>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 年度报告</div>"""
FOOTER = """<div class="footer"><p>主办单位：{agency}　承办：信息中心</p>
<p>网站标识码：3502000012　闽ICP备05003197号-1　<a href="#">闽公网安备 35020302000123号</a></p>
<p>联系电话：0592-2899123　建议使用1920×1080分辨率浏览</p></div>
<script>var _hmt = _hmt || [];(function(){{var hm=document.createElement("script");
hm.src="https://hm.baidu.com/hm.js?5d4e1c1c0d3a";var s=document.getElementsByTagName("script")[0];
s.parentNode.insertBefore(hm, s);}})();</script>"""
WORD_STYLE = """<style><!--
 /* Font Definitions */
 @font-face {font-family:宋体; panose-1:2 1 6 0 3 1 1 1 1 1;}
 @font-face {font-family:"Cambria Math"; panose-1:2 4 5 3 5 4 6 3 2 4;}
 p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0cm; text-align:justify; text-justify:inter-ideograph;
  font-size:10.5pt; font-family:"Calibri",sans-serif;}
 .MsoChpDefault {font-family:"Calibri",sans-serif;}
 @page WordSection1 {size:595.3pt 841.9pt; margin:72.0pt 90.0pt 72.0pt 90.0pt;}
 div.WordSection1 {page:WordSection1;}
--></style>
<!--[if gte mso 9]><xml>
 <o:DocumentProperties><o:Author>Administrator</o:Author><o:Pages>8</o:Pages></o:DocumentProperties>
 <w:WordDocument><w:View>Print</w:View><w:Zoom>90</w:Zoom><w:SpellingState>Clean</w:SpellingState>
 <w:GrammarState>Clean</w:GrammarState><w:DrawingGridVerticalSpacing>7.8 磅</w:DrawingGridVerticalSpacing>
 </w:WordDocument>
</xml><![endif]-->"""


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def _split_spans(text: str, word: bool) -> str:
    """A label cut into two or three spans (as Word and editors leave them)."""
    if len(text) < 4:
        return _esc(text)
    a, b = len(text) // 3, 2 * len(text) // 3
    parts = [text[:a], text[a:b], text[b:]]
    if word:
        return "".join(f"<span style='font-size:10.0pt;font-family:宋体'>{_esc(p)}</span>" for p in parts)
    return "".join(f'<span class="s{i}">{_esc(p)}</span>' for i, p in enumerate(parts))


def _cell_html(c: GridCell, lay: Layout) -> str:
    if c.kind in ("label", "header", "group", "corner", "caption") and lay.spans:
        if c.kind == "header" and len(c.text) > 4 and "（" not in c.text:
            inner = _esc(c.text[:3]) + "<br />" + _esc(c.text[3:])
        else:
            inner = _split_spans(c.text, lay.word)
    else:
        inner = _esc(c.text)
    if lay.word:
        if not c.text:
            inner = "<span lang=EN-US>&nbsp;</span>"
        elif c.kind == "value":
            inner = f"<span lang=EN-US style='font-size:10.0pt'>{inner}</span>"
        elif not lay.spans:
            inner = f"<span style='font-size:10.0pt;font-family:宋体'>{inner}</span>"
        inner = f"<p class=MsoNormal align=center style='text-align:center'>{inner}<o:p></o:p></p>"
    return inner


WORD_RUN = ("style='font-size:16.0pt;line-height:150%;font-family:仿宋_GB2312;mso-hansi-font-family:宋体;"
            "mso-bidi-font-family:宋体;color:#333333;mso-font-kerning:0pt'")


def _word_para(text: str) -> str:
    """A paragraph as Word's "save as web page" writes it: one styled span per run."""
    runs = re.split(r"(\d+|[，。；、])", text)
    inner = []
    for run in runs:
        if not run:
            continue
        if run.isdigit():
            inner.append(f"<span lang=EN-US {WORD_RUN}>{run}</span>")
        else:
            inner.append(f"<span {WORD_RUN}>{_esc(run)}</span>")
    return ("<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0;line-height:150%;"
            "mso-pagination:widow-orphan;background:white'>" + "".join(inner)
            + "<span lang=EN-US><o:p></o:p></span></p>")


def render_table(g: Grid, lay: Layout) -> str:
    out = []
    if lay.word:
        out.append("<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 "
                   "style='border-collapse:collapse;border:none'>")
    else:
        out.append('<table border="1" cellspacing="0" cellpadding="0" width="100%">')
    out.append("<tbody>")
    for row in g.rows:
        out.append("<tr>")
        for c in row:
            attrs = ""
            if c.rowspan > 1:
                attrs += f' rowspan="{c.rowspan}"' if not lay.word else f" rowspan={c.rowspan}"
            if c.colspan > 1:
                attrs += f' colspan="{c.colspan}"' if not lay.word else f" colspan={c.colspan}"
            if lay.word:
                attrs += (" width=76 valign=center style='width:57.0pt;border:solid windowtext 1.0pt;"
                          "border-top:none;mso-border-top-alt:solid windowtext .5pt;mso-border-alt:solid "
                          "windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt;height:20.25pt'")
            out.append(f"<td{attrs}>{_cell_html(c, lay)}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def render_flat(g: Grid, lay: Layout) -> str:
    out = []
    for row in g.rows:
        for c in row:
            if c.kind == "empty" and not lay.word:
                continue
            inner = _cell_html(c, lay)
            if lay.word:
                out.append(inner)  # already a <p class=MsoNormal>
            else:
                out.append(f"<{lay.tag}>{inner}</{lay.tag}>")
    return "\n".join(out)


def render_html(t: Tables, meta: Meta, lay: Layout, grids: list[Grid]) -> str:
    charset = lay.gbk or "utf-8"

    def para(text: str) -> str:
        if lay.word:
            return _word_para(text)
        return f"<{lay.tag}>{_esc(text)}</{lay.tag}>" if lay.name == "html_flat" else f"<p>{_esc(text)}</p>"

    render = render_table if lay.name == "html_table" else render_flat
    sections = _sections(t, meta, lay, ["\0" + str(i) for i in range(3)])
    body = []
    for s in sections:
        if s.startswith("\0"):
            body.append(render(grids[int(s[1:])], lay))
        elif s in [h for hs in HEADINGS.values() for h in hs]:
            body.append(para(s) if lay.word else f"<h3>{_esc(s)}</h3>" if lay.name == "html_table" else para(s))
        else:
            body.append(para(s))
    if lay.word:
        body = [*body]
        content = "<div class=WordSection1 style='layout-grid:15.6pt'>\n" + "\n".join(body) + "\n</div>"
    else:
        content = '<div class="article-content">\n' + "\n".join(body) + "\n</div>"
    head_meta = (f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if lay.gbk
                 else f'<meta charset="{charset}">')
    style = WORD_STYLE if lay.word else "<style>.nav li{display:inline}</style>"
    return f"""<!DOCTYPE html>
<html><head>{head_meta}
<title>{_esc(meta.title)}_{_esc(meta.agency)}</title>
{style}
<script src="/js/jquery.min.js"></script>
</head><body>
{NAV}
<div class="article"><h1 class="title">{_esc(meta.title)}</h1>
<div class="info">{_esc(meta.date_line())}</div>
{content}
</div>
{FOOTER.format(agency=_esc(meta.agency))}
</body></html>
"""


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
