"""Degraded layouts of reports whose every number is known: the forms no corpus shows.

Why: on reports in layouts it never saw, the extractor must give every cell right or
leave it out, never wrong. This module takes every truth-bearing document of the test
corpus (`tests/corpus/**.json`, a copy of /work/shared/corpus) and tables of the demo
generator (`crawler/demo/synth.py`), and prints their tables again in the forms that
copying and converting reports produce (issue 13):

  spaces            a table row per line, cells separated by spaces (the reference form)
  markdown          Markdown pipes, `| a | b |`, with the `|---|` line under the header
  joined_rows       some rows with their cells run together (`规章000`, `…数量12030102126`)
  joined_all        every row run together, section 四's fifteen values as one digit run
  wrapped_labels    long labels cut over several lines; `三、本年度办理结果` cut to pieces
  values_first      each row's values on the line before its label
  bare_rows         some rows of section 三 printed as bare values, without their label
  review_parts      section 四 as three small tables, one per group, under its heading
  transposed        section 三 on its side: applicant types as rows, result rows as columns
  script            the page as HTML inside a script string (`var content = "<p>…"`)
  script_text       that script string saved as a text file
  escaped           the page as HTML-escaped markup (`&lt;td&gt;`) inside a page
  year_in_body      a title without the year; the body's 统计期限 sentence gives it
  one_line          the tables with their line breaks lost: from section 二 on, one line
  padded            every line indented, the blank ones too (no line is empty any more)
  split_rows        Markdown where some rows of section 三 are printed over two grid lines,
                    each line holding some of the numbers, empty cells for the others
  br_cells          Markdown whose label cells hold their lines joined by `<br>`: a row's
                    group label over its label, long labels wrapped (`三、<br>（一）予以公开`)
  merged_columns    Markdown as a converter rebuilds the grid from the page: neighbouring
                    numbers merged into one cell (`| 95 0 | 0 0 |`), empty cells where the
                    grid has gaps, a row's first number on a line of its own before its
                    label, some rows' numbers on a line after their label
  labels_below      a long label's first line printed with the row's values, the rest on
                    the lines under them (`pdftotext -layout` on a label wrapped in its cell)
  page_footers      page breaks inside the tables, as PDF converters print them: a page
                    number line (`- 2 -`, `—3—`, `第 2 页`) and a form feed, anywhere,
                    also between a wrapped label and its values
  columns           section 三 as pdfminer prints it: page by page, the page's row labels,
                    a page footer (`- 3 -`), then its numbers column by column

and combinations (`FORMS` lists them). `render(source, form, rnd)` returns the bytes
and the cells a careful reader finds there (`Degraded.expected`); `python -m
tests.degrade` prints the recall per form over every source.
"""

from __future__ import annotations

import html
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from crawler.demo.synth import RandomChoices, Tables, agency_tables, generate_tables
from extract import template as tpl

CORPUS = Path(__file__).parent / "corpus"
Number = int | float


@dataclass
class Source:
    """One report's tables with known numbers (only the keys `values` holds are printed)."""

    name: str
    template: str
    year: int
    agency: str
    values: dict[str, Number | None]


def corpus_sources() -> list[Source]:
    """Every document of tests/corpus with hand-checked truth."""
    out = []
    for path in sorted(CORPUS.glob("*/*.json")):
        meta = json.loads(path.read_text(encoding="utf-8"))
        truth = meta.get("truth") or {}
        template = meta.get("template")
        if template not in tpl.TEMPLATES or not truth:
            continue
        keys = set(tpl.all_keys(template))
        values = {k: v for k, v in truth.items() if k in keys}
        agency = str(meta.get("agency") or "某某局").split(" ")[0]
        out.append(
            Source(f"corpus:{path.parent.name}/{path.stem}", template, int(meta["year"]), agency, values)
        )
    return out


DEMO_AGENCIES = ("白城市人民政府", "某某市某某局", "某某县某某镇人民政府", "北京市")


def demo_sources(count: int = 8) -> list[Source]:
    """Tables of the demo portals' generator, and random consistent tables."""
    out = []
    for i, agency in enumerate(DEMO_AGENCIES):
        year = (2020, 2022, 2024, 2023)[i % 4]
        t = agency_tables(agency, year)
        out.append(Source(f"demo:{agency}-{year}", t.template, year, agency, _plain(t)))
    for seed in range(max(0, count - len(out))):
        template = tpl.TEMPLATES[seed % 2]
        t = generate_tables(RandomChoices(seed), template, nulls=False, notes=False)
        out.append(
            Source(
                f"generated:{seed}", template, 2020 if template == "2019" else 2023, "某某市某某局", _plain(t)
            )
        )
    return out


def _plain(t: Tables) -> dict[str, Number | None]:
    return {k: t.values[k] for k in t.all_keys()}


def all_sources() -> list[Source]:
    return corpus_sources() + demo_sources()


# --- the tables as lines of cells ----------------------------------------------------


@dataclass
class Line:
    """A printed table line: header cells, or a data row's label cells and values."""

    kind: str  # "caption" | "header" | "data"
    labels: list[str]
    texts: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    table: str = ""


def _text(v: Number | None) -> str:
    return "-" if v is None else str(v)


def _row(table: str, labels: list[str], keys: list[str], src: Source) -> Line | None:
    if not all(k in src.values for k in keys):
        return None  # a row the truth does not cover is not printed
    return Line("data", labels, [_text(src.values[k]) for k in keys], list(keys), table)


def proactive_lines(src: Source) -> list[Line]:
    from crawler.demo.synth import PROACTIVE_BLOCKS

    lines: list[Line] = []
    for caption, headers, block_rows in PROACTIVE_BLOCKS[src.template]:
        rows = []
        for label, key in block_rows:
            spec = next(r for r in tpl.PROACTIVE_ROWS if r.key == key)
            keys = [f"proactive.{key}.{c}" for c in spec.columns[src.template]]
            row = _row("proactive", [label], keys, src)
            if row is not None:
                rows.append(row)
        if rows:
            lines += [Line("caption", [caption]), Line("header", ["信息内容", *headers]), *rows]
    return lines


GROUP_FIRST = {
    "disclosed": ["三、本年度办理结果"],
    "withheld_state_secret": [tpl.PRINTED_GROUP_LABELS["withheld"]],
    "unavailable_not_held": [tpl.PRINTED_GROUP_LABELS["unavailable"]],
    "not_processed_petition": [tpl.PRINTED_GROUP_LABELS["not_processed"]],
    "other_overdue_correction": [tpl.PRINTED_GROUP_LABELS["other"]],
}
APPLICATION_HEADERS = [
    ["申请人情况"],
    ["自然人", "法人或其他组织", "总计"],
    ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
]


def application_rows(src: Source) -> list[str]:
    other = tpl.OTHER_ROWS_2019 if src.template == "2019" else tpl.OTHER_ROWS_2021
    return list(tpl.application_rows(other))


def application_lines(src: Source) -> list[Line]:
    rows = []
    for r in application_rows(src):
        labels = [*GROUP_FIRST.get(r, []), tpl.PRINTED_ROW_LABELS[r]]
        row = _row("applications", labels, [f"applications.{r}.{c}" for c in tpl.APPLICANT_COLUMNS], src)
        if row is not None:
            rows.append(row)
    if not rows:
        return []
    return [Line("header", h) for h in APPLICATION_HEADERS] + rows


def review_lines(src: Source) -> list[Line]:
    row = _row("review_litigation", [], list(tpl.REVIEW_KEYS), src)
    if row is None:
        return []
    return [
        Line("header", ["行政复议", "行政诉讼"]),
        Line("header", [*tpl.REVIEW_RESULTS, "未经复议直接起诉", "复议后起诉"]),
        Line("header", list(tpl.REVIEW_RESULTS * 2)),
        row,
    ]


# --- the forms ---------------------------------------------------------------------

FORMS: tuple[str, ...] = (
    "spaces",
    "markdown",
    "joined_rows",
    "joined_all",
    "wrapped_labels",
    "values_first",
    "bare_rows",
    "review_parts",
    "transposed",
    "script",
    "script_text",
    "escaped",
    "year_in_body",
    "markdown+joined_rows",
    "joined_all+wrapped_labels",
    "joined_all+review_parts",
    "script+joined_all",
    "markdown+bare_rows",
    "markdown+review_parts",
    "escaped+markdown",
    "year_in_body+joined_all",
    "one_line",
    "padded",
    "one_line+wrapped_labels",
    "markdown+padded",
    "merged_columns",
    "merged_columns+wrapped_labels",
    "page_footers",
    "wrapped_labels+page_footers",
    "values_first+page_footers",
    "labels_below",
    "labels_below+page_footers",
    "split_rows",
    "split_rows+wrapped_labels",
    "br_cells",
    "br_cells+split_rows",
    "columns",
    "columns+padded",
)
PARTS = ("wrapped_labels", "values_first", "bare_rows", "review_parts", "transposed")


@dataclass
class Degraded:
    source: Source
    form: str
    data: bytes
    name: str  # a file name: its suffix says text or HTML
    expected: dict[str, Number | None]  # the cells printed, by key


def _cells_line(cells: list[str], style: str) -> str:
    if style == "markdown":
        return "| " + " | ".join(cells) + " |"
    return " ".join(cells)


def _wrap(label: str, rnd: random.Random) -> list[str]:
    """A long label cut over two or three lines, as converters wrap table cells."""
    if len(label) < 8:
        return [label]
    cuts = sorted(rnd.sample(range(3, len(label) - 2), k=min(2, len(label) - 6)))
    pieces, start = [], 0
    for c in cuts:
        if c - start >= 2:
            pieces.append(label[start:c])
            start = c
    pieces.append(label[start:])
    return pieces


def _merged_lines(labels: list[str], texts: list[str], rnd: random.Random) -> list[str]:
    """One row as a converter that rebuilt the grid prints it (the `merged_columns` form):
    every row of two numbers or more merges two of them, the sign the reader goes by."""
    before: list[str] = []
    if labels and len(texts) > 1 and rnd.random() < 0.25:
        before, texts = [texts[0]], texts[1:]  # the first number torn off, above the label
    cells: list[str] = []
    merge_at = rnd.randrange(len(texts) - 1) if len(texts) > 1 else -1  # one merge at least
    i = 0
    while i < len(texts):
        if i + 1 < len(texts) and (i == merge_at or rnd.random() < 0.4):
            cells.append(f"{texts[i]} {texts[i + 1]}")
            i += 2
        else:
            cells.append(texts[i])
            i += 1
    for _ in range(rnd.randint(0, 2)):
        cells.insert(rnd.randint(0, len(cells)), "")  # a gap of the rebuilt grid
    if labels and rnd.random() < 0.15:  # the numbers on a line after the label's
        return [*before, _cells_line(labels, "markdown"), _cells_line(cells, "markdown")]
    return [*before, _cells_line(labels + cells, "markdown")]


def _split_lines(labels: list[str], texts: list[str], rnd: random.Random) -> list[str]:
    """One row printed over two lines of its grid (the `split_rows` form): each line
    holds some of the numbers and empty cells in the other's columns."""
    first = rnd.sample(range(len(texts)), k=rnd.randint(1, len(texts) - 1))
    upper = [t if i in first else "" for i, t in enumerate(texts)]
    lower = [t if i not in first else "" for i, t in enumerate(texts)]
    return [_cells_line(labels + upper, "markdown"), _cells_line([""] * len(labels) + lower, "markdown")]


def table_text(lines: list[Line], parts: set[str], style: str, joined: str, rnd: random.Random) -> list[str]:
    """The printed lines of one table in the given form."""
    out: list[str] = []
    header_done = False
    for line in lines:
        if line.kind != "data":
            out.append(_cells_line(line.labels, style))
            if style == "markdown" and not header_done:
                out.append("|" + "---|" * len(line.labels))
                header_done = True
            continue
        labels = list(line.labels)
        label_lines: list[str] = []
        if "wrapped_labels" in parts and labels:
            pieces = [p for label in labels for p in _wrap(label, rnd)]
            label_lines, labels = pieces[:-1], pieces[-1:]
        if "bare_rows" in parts and line.table == "applications" and rnd.random() < 0.3:
            labels, label_lines = [], []
        if "br_cells" in parts and labels:
            wrapped = "wrapped_labels" in parts  # its pieces, else cut here
            pieces = [*label_lines, *labels] if wrapped else [*labels[:-1], *_wrap(labels[-1], rnd)]
            labels, label_lines = ["<br>".join(pieces)], []
        run = joined == "all" or (joined == "rows" and rnd.random() < 0.5)
        below: list[str] = []
        if (
            "labels_below" in parts
            and labels
            and not run
            and not parts & {"values_first", "merged_columns", "br_cells"}
        ):
            pieces = _wrap(labels[-1], rnd)
            labels, below = [*labels[:-1], pieces[0]], pieces[1:]
        if (
            "split_rows" in parts
            and line.table == "applications"
            and labels
            and not run
            and not below
            and rnd.random() < 0.3
        ):
            out += label_lines
            out += _split_lines(labels, line.texts, rnd)
            continue
        if "merged_columns" in parts and not run:
            out += label_lines
            out += _merged_lines(labels, line.texts, rnd)
            continue
        if run:
            values_line = "".join(labels) + "".join(line.texts)
            label_cells = []
        else:
            values_line = _cells_line(labels + line.texts, style)
            label_cells = labels
        if "values_first" in parts and labels and not run:
            out.append(_cells_line(line.texts, style))
            out += label_lines
            out.append(_cells_line(label_cells, style))
            continue
        out += label_lines
        out.append(values_line)
        out += below
    return out


def review_parts_text(src: Source, style: str, joined: str) -> list[str]:
    """Section 四 as three small tables, each under its own heading."""
    out: list[str] = []
    headings = ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")
    for heading, group in zip(headings, tpl.REVIEW_GROUPS, strict=True):
        texts = [_text(src.values[f"review_litigation.{group}.{c}"]) for c in tpl.REVIEW_COLUMNS]
        out.append(heading)
        out.append(_cells_line(list(tpl.REVIEW_RESULTS), style))
        if style == "markdown":
            out.append("|" + "---|" * 5)
        out.append("".join(texts) if joined == "all" else _cells_line(texts, style))
    return out


def transposed_text(src: Source, style: str) -> list[str]:
    """Section 三 on its side: a header row of the row labels, a line per applicant type."""
    rows = [
        r
        for r in application_rows(src)
        if all(f"applications.{r}.{c}" in src.values for c in tpl.APPLICANT_COLUMNS)
    ]
    out = [_cells_line(["申请人情况", *(tpl.PRINTED_ROW_LABELS[r] for r in rows)], style)]
    if style == "markdown":
        out.append("|" + "---|" * (len(rows) + 1))
    for c, header in zip(tpl.APPLICANT_COLUMNS, tpl.APPLICANT_HEADERS, strict=True):
        out.append(_cells_line([header, *(_text(src.values[f"applications.{r}.{c}"]) for r in rows)], style))
    return out


def columns_text(src: Source, rnd: random.Random) -> list[str]:
    """Section 三 as pdfminer prints it: page by page, the page's row labels (wrapped
    over lines), a page footer, then the page's numbers column by column."""
    rows = [
        r
        for r in application_rows(src)
        if all(f"applications.{r}.{c}" in src.values for c in tpl.APPLICANT_COLUMNS)
    ]
    out = [h for line in APPLICATION_HEADERS for h in line]
    page = 2
    while rows:
        size = rnd.randint(2, 14)
        block, rows = rows[:size], rows[size:]
        for r in block:
            out += [*GROUP_FIRST.get(r, []), *_wrap(tpl.PRINTED_ROW_LABELS[r], rnd)]
        out.append(f"- {page} -")
        page += 1
        for c in tpl.APPLICANT_COLUMNS:
            out += [_text(src.values[f"applications.{r}.{c}"]) for r in block]
    return out


def document_lines(src: Source, form: str, rnd: random.Random) -> list[str]:
    parts = set(form.split("+"))
    style = "markdown" if parts & {"markdown", "merged_columns", "split_rows", "br_cells"} else "spaces"
    joined = "all" if "joined_all" in parts else "rows" if "joined_rows" in parts else ""
    year_in_title = "year_in_body" not in parts
    title = (
        f"{src.agency}{src.year}年政府信息公开工作年度报告"
        if year_in_title
        else f"{src.agency}政府信息公开工作年度报告"
    )
    lines = [title, "一、总体情况"]
    if year_in_title:
        lines.append("本年度，我单位认真贯彻落实《中华人民共和国政府信息公开条例》。")
    else:
        lines.append(
            f"本报告所列数据的统计期限自{src.year}年1月1日起至{src.year}年12月31日止。"
            f"{src.year + 1}年，我单位将继续做好政府信息公开工作。"
        )
    lines.append(tpl.SECTION_HEADINGS["二"])
    lines += table_text(proactive_lines(src), parts, style, joined, rnd)
    lines.append(tpl.SECTION_HEADINGS["三"])
    if "transposed" in parts:
        lines += transposed_text(src, style)
    elif "columns" in parts:
        lines += columns_text(src, rnd)
    else:
        lines += table_text(application_lines(src), parts, style, joined, rnd)
    lines.append(tpl.SECTION_HEADINGS["四"])
    if "review_parts" in parts and review_lines(src):
        lines += review_parts_text(src, style, joined)
    else:
        lines += table_text(review_lines(src), parts, style, joined, rnd)
    lines += [tpl.SECTION_HEADINGS["五"], "无。", tpl.SECTION_HEADINGS["六"], "无。"]
    if "page_footers" in parts:
        lines = page_breaks(lines, rnd)
    return lines


def page_breaks(lines: list[str], rnd: random.Random) -> list[str]:
    """Three to six page breaks after random lines of the tables: a page number line,
    centred or not, and the next page's first line after a form feed."""
    start = lines.index(tpl.SECTION_HEADINGS["二"]) + 1
    end = lines.index(tpl.SECTION_HEADINGS["五"])
    cuts = sorted(rnd.sample(range(start, end), k=min(end - start, rnd.randint(3, 6))), reverse=True)
    out = list(lines)
    for i, cut in enumerate(cuts):
        page = len(cuts) + 1 - i
        number = rnd.choice([f"- {page} -", f"-{page}-", f"—{page}—", f"— {page} —", f"第 {page} 页"])
        out[cut] = "\f" + out[cut]
        out.insert(cut, " " * rnd.choice([0, 0, 20, 40]) + number)
    return out


def _html_page(lines: list[str], form: str) -> str:
    """The lines as HTML: Markdown-pipe lines as table rows, others as paragraphs."""
    body: list[str] = []
    table: list[str] = []

    def close() -> None:
        if table:
            body.append("<table border='1'>" + "".join(table) + "</table>")
            table.clear()

    for line in lines:
        if line.startswith("|"):
            if set(line) <= set("|-"):
                continue
            cells = [c.strip() for c in line.strip("|").split("|")]
            table.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        else:
            close()
            body.append(f"<p style='text-indent:2em'>{html.escape(line)}</p>")
    close()
    return "".join(body)


def _js_string(text: str, rnd: random.Random) -> str:
    escape_cjk = rnd.random() < 0.5
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif escape_cjk and ord(ch) > 127:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def render(src: Source, form: str, seed: int = 0) -> Degraded:
    rnd = random.Random(f"{src.name}/{form}/{seed}")
    parts = set(form.split("+"))
    lines = document_lines(src, form, rnd)
    expected = dict(src.values)
    if "script" in parts or "escaped" in parts or "script_text" in parts:
        markup = _html_page(lines, form)
        if "script_text" in parts:
            text = "var content = " + _js_string(markup, rnd) + ";\n"
            return Degraded(src, form, text.encode("utf-8"), "page.txt", expected)
        if "script" in parts:
            page = (
                "<!DOCTYPE html><html><head><meta charset='utf-8'><title>信息公开年报</title></head><body>"
                "<div id='app'>加载中……</div><script type='text/javascript'>\nvar content = "
                + _js_string(markup, rnd)
                + ";\ndocument.getElementById('app').innerHTML = content;\n</script></body></html>"
            )
        else:
            page = (
                "<!DOCTYPE html><html><head><meta charset='utf-8'><title>信息公开年报</title></head><body>"
                "<div class='article'>" + html.escape(markup) + "</div></body></html>"
            )
        return Degraded(src, form, page.encode("utf-8"), "page.html", expected)
    if "one_line" in parts:  # a page copied with its line breaks lost, from the tables on
        start = lines.index(tpl.SECTION_HEADINGS["二"])
        lines = [*lines[:start], " ".join(lines[start:])]
    if "padded" in parts:
        lines = [x for line in lines for x in ("  " + line, "  ")]  # double-spaced, no line empty
    return Degraded(src, form, ("\n".join(lines) + "\n").encode("utf-8"), "page.txt", expected)


# --- scoring -------------------------------------------------------------------------


@dataclass
class Score:
    expected: int = 0
    right: int = 0
    wrong: list[str] = field(default_factory=list)


def score(doc: Degraded, cells: dict[str, Number | None]) -> Score:
    """Right, absent and wrong cells of one extraction (keys not printed are not judged)."""
    s = Score(expected=len(doc.expected))
    for key, value in cells.items():
        if key not in doc.expected:
            continue
        if value == doc.expected[key]:
            s.right += 1
        else:
            s.wrong.append(f"{key}: {value!r}, printed {doc.expected[key]!r}")
    return s


def recall_table(
    extract: Callable[[Degraded], dict[str, Number | None]], seeds: int = 2
) -> list[tuple[str, int, int, int]]:
    """(form, expected, right, wrong) over every source and `seeds` draws per form."""
    rows = []
    sources = all_sources()
    for form in FORMS:
        total = Score()
        for src in sources:
            for seed in range(seeds):
                doc = render(src, form, seed)
                s = score(doc, extract(doc))
                total.expected += s.expected
                total.right += s.right
                total.wrong += s.wrong
        rows.append((form, total.expected, total.right, len(total.wrong)))
    return rows


def _extract(doc: Degraded) -> dict[str, Number | None]:
    from extract import extract_bytes

    report = extract_bytes(doc.data, doc.name)
    return {k: c.value for k, c in report.cells.items()}


def main() -> None:
    print(f"{'form':<28}{'cells':>8}{'right':>8}{'wrong':>7}{'recall':>8}")
    for form, expected, right, wrong in recall_table(_extract):
        print(f"{form:<28}{expected:>8}{right:>8}{wrong:>7}{right / max(1, expected):>8.3f}")


if __name__ == "__main__":
    main()
