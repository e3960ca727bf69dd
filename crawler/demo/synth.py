"""Consistent annual-report tables, and the report around them as portals print it in HTML.

Why: the demo portals serve one complete report per agency and year whose every number
is known, and the property test and the extraction benchmark print the same kind of
report in every layout (tests/render.py). This module is the one implementation both
use: it draws the numbers of either template (2019, 2021) so that the tables'
arithmetic holds, lays the three tables out as the templates do (merged cells and all,
as a grid of `GridCell`s), and prints them as inline HTML — real `<table>`s with the
template's rowspan/colspan, or flattened one `<p>` per cell, optionally as Word's
"save as web page" writes them. `crawler/demo/word.py` writes the same grids as Word
documents, for the demo and for the tests' documents (tests/make_documents.py).

Every choice goes through a `Choices` object (a seeded `random.Random` here; the
property test plugs in hypothesis draws). `demo_report` is what the demo portals call:
a report sized for its agency (a city government gets thousands of requests, a county
bureau a handful), the same every time for the same report.
"""

from __future__ import annotations

import html
import random
import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, TypeVar

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
        put(
            f"applications.{r}.total",
            sum(int(values[f"applications.{r}.{c}"] or 0) for c in tpl.APPLICANT_PARTS),
        )

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


def relations(template: str) -> list[tuple[str, list[str], list[str]]]:
    """Every relation of report-format.md as (name, left keys, right keys):
    sum(left) == sum(right).

    A second copy of the arithmetic of `extract/checks.py`, on purpose: the tests judge
    the extractor's checks against it, so it is written again from report-format.md
    rather than imported. Do not merge the two; a mistake in one then shows in the other."""
    rels: list[tuple[str, list[str], list[str]]] = []
    for r in tpl.application_rows(other_rows(template)):
        parts = [f"applications.{r}.{c}" for c in tpl.APPLICANT_PARTS]
        rels.append((f"row {r}", parts, [f"applications.{r}.total"]))
    for c in tpl.APPLICANT_COLUMNS:
        a, b, t, f = (
            f"applications.{r}.{c}"
            for r in ("received_new", "carried_over", "results_total", "carried_forward")
        )
        rels.append((f"column {c}", [a, b], [t, f]))
        rels.append((f"column {c} results", [f"applications.{r}.{c}" for r in result_rows(template)], [t]))
    for g in tpl.REVIEW_GROUPS:
        parts = [f"review_litigation.{g}.{c}" for c in tpl.REVIEW_COLUMNS[:4]]
        rels.append((f"group {g}", parts, [f"review_litigation.{g}.total"]))
    return rels


def arithmetic_violations(values: dict[str, Number | None], template: str) -> list[str]:
    """Every relation of report-format.md that `values` breaks (blank terms skip it)."""
    bad: list[str] = []
    for name, left, right in relations(template):
        lv = [values.get(k) for k in left]
        rv = [values.get(k) for k in right]
        if None not in lv and None not in rv and sum(lv) != sum(rv):  # type: ignore[arg-type]
            bad.append(f"{name}: {lv} != {rv}")
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
        (
            "第二十条第（一）项",
            ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
            [("规章", "regulations"), ("规范性文件", "normative_documents")],
        ),
        (
            "第二十条第（五）项",
            ["上一年项目数量", "本年增/减", "处理决定数量"],
            [("行政许可", "licensing"), ("其他对外管理服务事项", "other_services")],
        ),
        (
            "第二十条第（六）项",
            ["上一年项目数量", "本年增/减", "处理决定数量"],
            [("行政处罚", "penalty"), ("行政强制", "coercion")],
        ),
        ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], [("行政事业性收费", "fees")]),
        ("第二十条第（九）项", ["采购项目数量", "采购总金额"], [("政府集中采购", "procurement")]),
    ],
    "2021": [
        (
            "第二十条第（一）项",
            ["本年制发件数", "本年废止件数", "现行有效件数"],
            [("规章", "regulations"), ("行政规范性文件", "normative_documents")],
        ),
        ("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", "licensing")]),
        ("第二十条第（六）项", ["本年处理决定数量"], [("行政处罚", "penalty"), ("行政强制", "coercion")]),
        ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", "fees")]),
    ],
}

APPLICATION_LABELS = tpl.PRINTED_ROW_LABELS
# Group label -> the rows it spans (its first row prints it).
APPLICATION_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    (
        tpl.PRINTED_GROUP_LABELS["withheld"],
        tuple(r for r in tpl.RESULT_ROWS_COMMON if r.startswith("withheld_")),
    ),
    (
        tpl.PRINTED_GROUP_LABELS["unavailable"],
        tuple(r for r in tpl.RESULT_ROWS_COMMON if r.startswith("unavailable_")),
    ),
    (
        tpl.PRINTED_GROUP_LABELS["not_processed"],
        tuple(r for r in tpl.RESULT_ROWS_COMMON if r.startswith("not_processed_")),
    ),
    (tpl.PRINTED_GROUP_LABELS["other"], tpl.OTHER_ROWS_2021),
]
CORNER_NOTE = tpl.CORNER_NOTE
APPLICANT_HEADERS = tpl.APPLICANT_HEADERS
REVIEW_RESULTS = tpl.REVIEW_RESULTS


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

        rows.append([GridCell("信息内容", "header"), *widen([GridCell(h, "header") for h in headers])])
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
        [
            GridCell("自然人", "header", rowspan=2),
            GridCell("法人或其他组织", "header", colspan=5),
            GridCell("总计", "header", rowspan=2),
        ],
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
        [
            *(GridCell(h, "header", rowspan=2) for h in REVIEW_RESULTS),
            GridCell("未经复议直接起诉", "header", colspan=5),
            GridCell("复议后起诉", "header", colspan=5),
        ],
        [GridCell(h, "header") for h in REVIEW_RESULTS * 2],
    ]
    cells = []
    for key in tpl.REVIEW_KEYS:
        text = cell_text(key)
        if text is not None:
            cells.append(GridCell(text, "value", key=key))
    rows.append(cells)
    return Grid("review_litigation", 15, rows)


def report_grids(t: Tables, cell_text: Callable[[str], str | None], pad_short: bool = False) -> list[Grid]:
    """Sections 二, 三 and 四 as grids, each cell's text from `cell_text` (None: left out)."""
    return [
        proactive_grid(t, cell_text, pad_short),
        applications_grid(t, cell_text),
        review_grid(t, cell_text),
    ]


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
# layouts where an empty cell keeps its place (text_lines: a line holding a space)
BLANK_LAYOUTS = ("html_table", "text_pipes", "text_lines")


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
    padded: str = ""  # text_lines: every line, blank ones too, "indented" or "trailing" spaces
    tabs: bool = False  # text_pipes: a tab between cells instead of " | " (a browser's copy)

    def describe(self) -> str:
        defaults = Layout.__dataclass_fields__
        opts = {
            k: v
            for k, v in self.__dict__.items()
            if k != "name" and v != defaults[k].default and v not in ((), {}, frozenset())
        }
        return f"{self.name}({', '.join(f'{k}={v}' for k, v in opts.items())})"


# ---------------------------------------------------------------------------------
# The document around the tables
# ---------------------------------------------------------------------------------

# Each section's heading as the template prints it, and the variants reports use.
HEADINGS = {n: (h,) for n, h in tpl.SECTION_HEADINGS.items()}
HEADINGS["五"] = (tpl.SECTION_HEADINGS["五"], "五、政府信息公开工作存在的主要问题及改进情况")
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


def sections(t: Tables, meta: Meta, lay: Layout, tables: list[str]) -> list[str]:
    one = [p.format(year=meta.year, agency=meta.agency, **meta.numbers) for p in PROSE_ONE]
    filler = [FILLER] * (lay.padding_kb * 1024 // (len(FILLER.encode()) + 40)) if lay.padding_kb else []
    three = [summary_prose(t)] if lay.prose_summary else []
    return [
        HEADINGS["一"][0],
        *one,
        *filler,
        HEADINGS["二"][0],
        tables[0],
        HEADINGS["三"][0],
        *three,
        tables[1],
        HEADINGS["四"][0],
        tables[2],
        meta.heading_five,
        *PROSE_FIVE,
        HEADINGS["六"][0],
        meta.six,
    ]


# ---------------------------------------------------------------------------------
# HTML layouts
# ---------------------------------------------------------------------------------

NAV = (
    '<div class="top"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | '
    '<a href="/bsfw/">办事服务</a> |\n'
    '<a href="/hdjl/">互动交流</a> | <a href="/zjbc/">走进本市</a> | 登录 | 注册</div>\n'
    '<ul class="nav"><li><a href="/zwgk/xxgkzn/">政府信息公开指南</a></li>'
    '<li><a href="/zwgk/xxgkzd/">政府信息公开制度</a></li>\n'
    '<li><a href="/zwgk/fdzdgknr/">法定主动公开内容</a></li>'
    '<li><a href="/zwgk/ndbg/">政府信息公开年报</a></li></ul>\n'
    '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 年度报告</div>'
)
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


WORD_RUN = (
    "style='font-size:16.0pt;line-height:150%;font-family:仿宋_GB2312;mso-hansi-font-family:宋体;"
    "mso-bidi-font-family:宋体;color:#333333;mso-font-kerning:0pt'"
)


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
    return (
        "<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0;line-height:150%;"
        "mso-pagination:widow-orphan;background:white'>"
        + "".join(inner)
        + "<span lang=EN-US><o:p></o:p></span></p>"
    )


def render_table(g: Grid, lay: Layout) -> str:
    out = []
    if lay.word:
        out.append(
            "<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 "
            "style='border-collapse:collapse;border:none'>"
        )
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
                attrs += (
                    " width=76 valign=center style='width:57.0pt;border:solid windowtext 1.0pt;"
                    "border-top:none;mso-border-top-alt:solid windowtext .5pt;mso-border-alt:solid "
                    "windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt;height:20.25pt'"
                )
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


def render_content(t: Tables, meta: Meta, lay: Layout, grids: list[Grid]) -> str:
    """The report's text and tables as the article body of a page (sections 一 to 六)."""

    def para(text: str) -> str:
        if lay.word:
            return _word_para(text)
        return f"<{lay.tag}>{_esc(text)}</{lay.tag}>" if lay.name == "html_flat" else f"<p>{_esc(text)}</p>"

    render = render_table if lay.name == "html_table" else render_flat
    headings = {h for hs in HEADINGS.values() for h in hs}
    body = []
    for s in sections(t, meta, lay, ["\0" + str(i) for i in range(3)]):
        if s.startswith("\0"):
            body.append(render(grids[int(s[1:])], lay))
        elif s in headings:
            heading = lay.name == "html_table" and not lay.word
            body.append(f"<h3>{_esc(s)}</h3>" if heading else para(s))
        else:
            body.append(para(s))
    if lay.word:
        return "<div class=WordSection1 style='layout-grid:15.6pt'>\n" + "\n".join(body) + "\n</div>"
    return '<div class="article-content">\n' + "\n".join(body) + "\n</div>"


def render_html(t: Tables, meta: Meta, lay: Layout, grids: list[Grid]) -> str:
    """A whole web page: head, navigation, the title, the date line, the report, the footer."""
    charset = lay.gbk or "utf-8"
    content = render_content(t, meta, lay, grids)
    head_meta = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        if lay.gbk
        else f'<meta charset="{charset}">'
    )
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
# The demo portals' reports: one per agency and year, sized for the agency
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """How much an agency of one level handles in a year (ranges drawn from per agency)."""

    level: str
    requests: tuple[int, int]  # new disclosure requests
    decisions: tuple[int, int]  # licensing / penalty decisions published
    documents: tuple[int, int]  # normative documents in force
    regulations: bool  # the agency makes 规章 (governments with legislative power, ministries)


SCALES = {
    "ministry": Scale("ministry", (600, 2000), (300, 3000), (60, 200), True),
    "city government": Scale("city government", (1500, 5000), (20000, 300000), (150, 600), True),
    "county government": Scale("county government", (150, 900), (2000, 40000), (20, 150), False),
    "provincial department": Scale("provincial department", (40, 400), (500, 20000), (15, 120), False),
    "regional office": Scale("regional office", (5, 60), (20, 300), (0, 10), False),
    "city bureau": Scale("city bureau", (15, 150), (100, 5000), (3, 40), False),
    "county bureau": Scale("county bureau", (2, 30), (10, 1500), (0, 12), False),
}
MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")


def agency_level(agency: str) -> str:
    """The level of an agency, from its name (what decides how big its numbers are)."""
    if agency.endswith("监管局"):
        return "regional office"
    if agency.startswith("中国"):
        return "ministry"
    if agency.endswith(("人民政府", "人民政府办公厅")):
        return "county government" if re.search(r"[区县旗]人民政府", agency) else "city government"
    if agency.startswith(MUNICIPALITIES) or "省" in agency:
        return "provincial department"
    return "county bureau" if "县" in agency else "city bureau"


def template_for(year: int) -> str:
    """The national template in force for a report year (the 2021 one from 2021 on)."""
    return "2021" if year >= 2021 else "2019"


def _seeded(*parts: object) -> random.Random:
    return random.Random(zlib.crc32("|".join(map(str, parts)).encode("utf-8")))


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainders), summing exactly."""
    whole = sum(weights)
    if total <= 0 or whole <= 0:
        return [0] * len(weights)
    shares = [total * w / whole for w in weights]
    out = [int(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(shares[i] - out[i]), i))
    for i in by_remainder[: total - sum(out)]:
        out[i] += 1
    return out


APPLICANT_WEIGHTS = (0.84, 0.09, 0.005, 0.005, 0.03, 0.03)
RESULT_WEIGHTS: dict[str, float] = {
    "disclosed": 0.42,
    "partially_disclosed": 0.1,
    "withheld_state_secret": 0.001,
    "withheld_law_prohibited": 0.004,
    "withheld_security_stability": 0.003,
    "withheld_third_party": 0.012,
    "withheld_internal_affairs": 0.006,
    "withheld_process_info": 0.008,
    "withheld_enforcement_file": 0.004,
    "withheld_query_matter": 0.005,
    "unavailable_not_held": 0.26,
    "unavailable_needs_creation": 0.03,
    "unavailable_unclear": 0.02,
    "not_processed_petition": 0.03,
    "not_processed_duplicate": 0.02,
    "not_processed_publication": 0.004,
    "not_processed_mass_repeated": 0.004,
    "not_processed_confirm": 0.006,
    "other_handling": 0.05,
    "other_overdue_correction": 0.03,
    "other_unpaid_fee": 0.0,
    "other_other": 0.02,
}
REVIEW_WEIGHTS = (0.72, 0.12, 0.06, 0.1)  # upheld, corrected, other, pending
TREND = {2019: 0.8, 2020: 0.9, 2021: 1.0, 2022: 1.1, 2023: 1.05, 2024: 1.0}


def _jitter(rnd: random.Random, weights: Sequence[float]) -> list[float]:
    return [w * rnd.uniform(0.6, 1.4) for w in weights]


def _applications(
    rnd: random.Random, template: str, received: int, carried_over: dict[str, int]
) -> dict[str, int]:
    """Section 三 for one year: the new requests split over applicants and results."""
    values: dict[str, int] = {}
    rows = result_rows(template)
    new = apportion(received, _jitter(rnd, APPLICANT_WEIGHTS))
    for col, n in zip(tpl.APPLICANT_PARTS, new, strict=True):
        over = carried_over[col]
        forward = round((n + over) * rnd.uniform(0, 0.06))
        handled = n + over - forward
        split = apportion(handled, _jitter(rnd, [RESULT_WEIGHTS[r] for r in rows]))
        for r, v in zip(rows, split, strict=True):
            values[f"applications.{r}.{col}"] = v
        values[f"applications.received_new.{col}"] = n
        values[f"applications.carried_over.{col}"] = over
        values[f"applications.results_total.{col}"] = handled
        values[f"applications.carried_forward.{col}"] = forward
    for r in tpl.application_rows(other_rows(template)):
        values[f"applications.{r}.total"] = sum(values[f"applications.{r}.{c}"] for c in tpl.APPLICANT_PARTS)
    return values


def _proactive(rnd: random.Random, template: str, scale: Scale) -> tuple[dict[str, Number], dict[str, str]]:
    """Section 二: documents made and in force, decisions, fees (no arithmetic of its own)."""
    values: dict[str, Number] = {}
    raw: dict[str, str] = {}
    lo, hi = scale.decisions
    docs_lo, docs_hi = scale.documents
    for row in ("regulations", "normative_documents"):
        if row == "regulations" and not scale.regulations:
            stock, made = 0, 0
        elif row == "regulations":
            stock, made = rnd.randint(30, 160), rnd.randint(0, 6)
        else:
            stock, made = rnd.randint(docs_lo, docs_hi), rnd.randint(0, max(1, docs_hi // 8))
        if template == "2019":
            values.update(
                {
                    f"proactive.{row}.made": made,
                    f"proactive.{row}.published": made,
                    f"proactive.{row}.total_public": stock,
                }
            )
        else:
            values.update(
                {
                    f"proactive.{row}.issued": made,
                    f"proactive.{row}.repealed": min(stock, rnd.randint(0, max(1, made))),
                    f"proactive.{row}.in_force": stock,
                }
            )
    shares = {"licensing": 0.55, "other_services": 0.15, "penalty": 0.25, "coercion": 0.05}
    for row, share in shares.items():
        decisions = round(rnd.randint(lo, hi) * share * rnd.uniform(0.5, 1.5))
        if template == "2021":
            if row != "other_services":
                values[f"proactive.{row}.decisions"] = decisions
            continue
        values[f"proactive.{row}.prev_items"] = rnd.randint(0, max(2, hi // 400))
        values[f"proactive.{row}.change"] = rnd.randint(-5, 8)
        values[f"proactive.{row}.decisions"] = decisions
    for key, v in values.items():
        raw[key] = f"+{v}" if key in tpl.SIGNED_KEYS and v > 0 and rnd.random() < 0.5 else str(v)
    if template == "2019":
        values["proactive.fees.prev_items"] = fees = rnd.randint(0, 12)
        values["proactive.fees.change"] = change = -rnd.randint(0, min(2, fees))
        raw["proactive.fees.prev_items"], raw["proactive.fees.change"] = str(fees), str(change)
        items = rnd.randint(0, max(3, hi // 200))
        amount = round(items * rnd.uniform(3, 80), 2) if items else 0
        values["proactive.procurement.items"], raw["proactive.procurement.items"] = items, str(items)
        text = f"{amount:.2f}".rstrip("0").rstrip(".") if amount else "0"
        values["proactive.procurement.amount"], raw["proactive.procurement.amount"] = float(text), text
    else:
        amount = round(rnd.uniform(0, hi / 50), 2) if rnd.random() < 0.4 else 0
        text = f"{amount:.2f}".rstrip("0").rstrip(".") if amount else "0"
        values["proactive.fees.amount"], raw["proactive.fees.amount"] = float(text) if amount else 0, text
    return values, raw


def _reviews(rnd: random.Random, received: int) -> dict[str, int]:
    """Section 四: a few per cent of the requests end in a review or a lawsuit."""
    values: dict[str, int] = {}
    reviews = round(received * rnd.uniform(0.0, 0.03))
    counts = {
        "review": reviews,
        "litigation_direct": round(received * rnd.uniform(0.0, 0.02)),
        "litigation_after_review": round(reviews * rnd.uniform(0.0, 0.5)),
    }
    for group, n in counts.items():
        parts = apportion(n, _jitter(rnd, REVIEW_WEIGHTS))
        for col, v in zip(tpl.REVIEW_COLUMNS[:4], parts, strict=True):
            values[f"review_litigation.{group}.{col}"] = v
        values[f"review_litigation.{group}.total"] = n
    return values


def agency_tables(agency: str, year: int) -> Tables:
    """The three tables of `agency`'s report for `year`: sized for its level, consistent
    with the arithmetic, and each year's 上年结转 is the year before's 结转下年度."""
    scale = SCALES[agency_level(agency)]
    base = _seeded(agency).randint(*scale.requests)
    forward = {c: 0 for c in tpl.APPLICANT_PARTS}
    first = min(year, 2019)
    for y in range(first, year + 1):
        rnd = _seeded(agency, y)
        received = max(0, round(base * TREND.get(y, 0.7) * rnd.uniform(0.85, 1.15) + rnd.uniform(-2, 2)))
        if y == first:  # the first year's carry-over, from before the demo's time
            forward = dict(
                zip(
                    tpl.APPLICANT_PARTS,
                    apportion(round(received * rnd.uniform(0, 0.05)), APPLICANT_WEIGHTS),
                    strict=True,
                )
            )
        template = template_for(y)
        apps = _applications(rnd, template, received, forward)
        forward = {c: apps[f"applications.carried_forward.{c}"] for c in tpl.APPLICANT_PARTS}
    values: dict[str, Number | None] = {}
    proactive, raw = _proactive(rnd, template, scale)
    values.update(proactive)
    values.update(apps)
    values.update(_reviews(rnd, received))
    raw.update({k: str(v) for k, v in values.items() if k not in raw})
    return Tables(template, values, raw)


@dataclass
class DemoDoc:
    """One demo report: its numbers (what an extractor must find), its layout, its HTML."""

    tables: Tables
    meta: Meta
    layout: Layout
    html: str

    @property
    def expected(self) -> dict[str, Number | None]:
        return dict(self.tables.values)


def demo_layout(rnd: random.Random, template: str) -> Layout:
    """Mostly real tables (some exported from Word, some with labels cut into spans), some
    flattened into one paragraph per cell, as CMS editors leave them."""
    kind = rnd.choices(("table", "word", "spans", "flat-p", "flat-div"), (50, 20, 10, 12, 8))[0]
    lay = Layout("html_flat" if kind.startswith("flat") else "html_table")
    lay.word = kind == "word"
    lay.spans = kind == "spans"
    lay.tag = "div" if kind == "flat-div" else "p"
    lay.pad_short = template == "2019" and rnd.random() < 0.3
    lay.prose_summary = rnd.random() < 0.25
    return lay


def demo_report(agency: str, year: int, published: str, revision: int = 0) -> DemoDoc:
    """The complete report `agency` published for `year` on `published` (ISO date)."""
    t = agency_tables(agency, year)
    rnd = _seeded(agency, year, "layout")
    scale = SCALES[agency_level(agency)].requests[1]
    meta = Meta(
        agency=agency,
        year=year,
        published=date.fromisoformat(published),
        date_style=0,
        heading_five=rnd.choice(HEADINGS["五"]),
        six=rnd.choice(PROSE_SIX),
        numbers={
            f"n{i}": rnd.randint(max(1, scale // 40), max(2, scale // 2)) if i < 3 else rnd.randint(1, 30)
            for i in range(1, 7)
        },
    )
    lay = demo_layout(rnd, t.template)
    grids = report_grids(t, t.raw.get, lay.pad_short)
    parts = []
    if revision:
        parts.append(f"<p>（更正）本报告于第{revision}次修订后重新发布。</p>")
    parts.append(f'<p style="text-align:center"><strong>{_esc(meta.title)}</strong></p>')
    parts.append(f"<p>{_esc(meta.date_line())}</p>")
    parts.append(render_content(t, meta, lay, grids))
    return DemoDoc(t, meta, lay, "\n".join(parts))
