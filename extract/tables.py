"""The template mapper: from a reader's cell stream to canonical cells.

Tables are found by their content, never by section numbers: a row of section 三 is
recognised by its row label (`1.属于国家秘密`), a row of section 二 by its label
(`行政许可`) and the template's columns, section 四 by its `行政复议` header followed
by its fifteen numbers. The stream is cut into *runs*: a run of text cells (labels)
followed by a run of values; the last labels of a text run name the row.

Rows that print as many cells as the row has columns are taken as printed. Rows with
fewer (dropped empty cells), a trailing empty cell that may be padding, or digits run
together go to `extract.placement`, which lets the table's arithmetic decide.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from extract.checks import application_equations, evaluate_checks, review_equations
from extract.labels import (
    application_group,
    application_row,
    fuzzy_application_row,
    normalize,
    proactive_row,
)
from extract.model import Cell, CellValue, ReadDocument, Report
from extract.placement import (
    DOCUMENT_READING_STEPS,
    MAX_READING_STEPS,
    Equation,
    Piece,
    Placed,
    Readings,
    RowOptions,
    readings,
    resolve,
)
from extract.template import (
    APPLICANT_COLUMNS,
    APPLICANT_HEADERS,
    HEADER_2019,
    HEADER_2021,
    OTHER_ROWS_2019,
    OTHER_ROWS_2021,
    PROACTIVE_ROWS,
    RESULT_ROWS_COMMON,
    REVIEW_COLUMNS,
    REVIEW_KEYS,
    REVIEW_RESULTS,
    application_rows,
    cell_key,
)
from extract.textcache import short_text_cache
from extract.values import BLANK, Parsed, parse_value

# Every application row in one order (2019 and 2021 (六) rows side by side), for
# deciding whether an ambiguous label (`其他`, `总计`) can be a row here.
APP_ORDER: tuple[str, ...] = (
    "received_new",
    "carried_over",
    *RESULT_ROWS_COMMON,
    "other_handling",
    *OTHER_ROWS_2021,
    "results_total",
    "carried_forward",
)
APP_INDEX = {k: i for i, k in enumerate(APP_ORDER)}

_RUN_TOGETHER = re.compile(
    r"^(?P<label>.*[\u4e00-\u9fff)）\u201d\u300d\u300f\x22])(?P<digits>[0-9][0-9 .+\-]*)$"
)
_NOTE_ONLY = re.compile(r"^[(（][^()（）]{1,30}[)）]$")
# the numbering that starts a row label: （一） / (二) / 三、 / 2. / 1、
_NUMBERED = re.compile(r"[（(][一二三四五六七八九十][)）]|[一二三四五六七八九十][、，,.．]|\d[.．、]")
_ENUMERATED = re.compile(r"^[(（]?[一二三四五六七八九十\d]+[)）、.．]")
_SECTION_FIVE = re.compile(r"^五[、.,．]")
_ASCII_DIGITS = frozenset("0123456789")


@dataclass(slots=True)
class Token:
    cell: Cell
    kind: str  # "text" | "value" | "blank" | "run" (digits run together)
    norm: str = ""
    placed: Placed | None = None  # a value or blank cell: what it places on a slot


@dataclass(slots=True)
class LabelledRun:
    """A text run (labels) and the value run that follows it."""

    texts: list[Token]
    values: list[Token]
    start: int  # index of the first value token in the stream


@dataclass(slots=True)
class Found:
    table: str
    row: str
    label: str
    values: list[Token]
    start: int


@dataclass(slots=True)
class Mapping:
    warnings: list[str] = field(default_factory=list)
    bare: list[Found] = field(default_factory=list)  # rows of values with no label
    # where section 三 labels were printed whose numbers are read as bare rows
    split_labels: list[int] = field(default_factory=list)
    steps_left: int = DOCUMENT_READING_STEPS  # the document's budget for `placement.readings`
    # the document's rows are torn (`ReadDocument.own_line_values`): a row printed short
    # may have lost numbers to another line, whether or not it runs digits together
    torn: bool = False
    # the document's empty lines separate cells (see `_blank_lines_separate`): none is a cell
    blank_lines_separate: bool = False

    def readings(
        self, pieces: list[Piece], slots: tuple[str, ...], eqs: Sequence[Equation], gaps: bool
    ) -> Readings:
        """`placement.readings` within the row's bound and what is left of the document's."""
        found = readings(pieces, slots, eqs, gaps=gaps, limit=max(0, min(MAX_READING_STEPS, self.steps_left)))
        self.steps_left -= found.steps
        return found


def _as_placed(parsed: Parsed | None, text: str) -> Placed:
    """What a value cell (or a blank one: `parsed` None or blank) places on its slot."""
    if parsed is None or parsed.kind == "blank":
        return Placed(None, text.strip())
    return Placed(parsed.value, text.strip(), parsed.unit, parsed.note)


@short_text_cache()
def _classify(text: str) -> tuple[str, Placed | None, str, bool, tuple[str, str, tuple[str, ...]] | None]:
    """What a cell's text is, on its own: (kind, what a value or blank places on a slot,
    normalised label, whether it is only a bracketed note, and a row label with digits
    run on as (label, its normalised form, the digit groups)). Cached for short texts:
    they recur in every report (a `Placed` is never changed, so cells share it)."""
    stripped = text.strip()
    if not stripped:
        return "blank", _as_placed(BLANK, text), "", False, None
    parsed = parse_value(text)
    if parsed is not None:
        return ("value" if parsed.kind == "number" else "blank"), _as_placed(parsed, text), "", False, None
    run = None
    # only a text ending in an ASCII digit can be a label with its digits run on
    m = _RUN_TOGETHER.match(stripped) if stripped[-1] in _ASCII_DIGITS else None
    if m:
        label_norm = normalize(m["label"])
        run = (m["label"].strip(), label_norm, tuple(m["digits"].split()))
    return "text", None, normalize(text), bool(_NOTE_ONLY.match(stripped)), run


def _names_row(label_norm: str, before: list[str]) -> bool:
    """Whether a label, alone or ending a label wrapped over the texts `before` it (their
    normalised forms, nearest last), names a row of section 二 or 三."""
    for n in range(0, min(3, len(before)) + 1):
        joined = "".join(before[len(before) - n :]) + label_norm
        if application_row(joined) or proactive_row(joined):
            return True
    return False


def tokenize(cells: list[Cell]) -> list[Token]:
    tokens: list[Token] = []
    append = tokens.append
    texts: list[str] = []  # the normalised texts since the last value (a label may wrap)
    for cell in cells:
        ocr = cell.ocr
        if ocr is not None and not ocr.readable:  # an OCR'd number in doubt: never coerced
            append(
                Token(cell, "unreadable", "", Placed(None, cell.text.strip(), placed="unreadable", box=ocr))
            )
            continue
        kind, placed, norm, note_only, run = _classify(cell.text)
        if kind != "text":
            if ocr is not None and placed is not None:  # the cached Placed is shared: a copy with the box
                placed = Placed(placed.value, placed.raw, placed.unit, placed.note, box=ocr)
            append(Token(cell, kind, "", placed))
            texts = []
            continue
        if run is not None and not _names_row(run[1], texts[-3:]):
            run = None
        texts.append(run[1] if run is not None else norm)
        if (
            note_only
            and cell.col is None
            and tokens
            and tokens[-1].kind == "value"
            and tokens[-1].cell.col is None
        ):
            # `7` then `(市自然资源局)` on the next line: the note of the value before
            # (in a grid, a bracketed cell is a cell of its own)
            prev = tokens[-1]
            merged = Cell(prev.cell.text + cell.text.strip(), prev.cell.row, prev.cell.col, prev.cell.block)
            tokens[-1] = Token(merged, "value", "", _as_placed(parse_value(merged.text), merged.text))
            continue
        if run is not None:
            label, label_norm, digits = run
            append(Token(Cell(label, cell.row, cell.col, cell.block), "text", label_norm))
            for d in digits:
                kind = "run" if len(digits) == 1 else "value"
                append(
                    Token(Cell(d, cell.row, cell.col, cell.block), kind, "", _as_placed(parse_value(d), d))
                )
            continue
        append(Token(cell, "text", norm))
    return tokens


def labelled_runs(tokens: list[Token]) -> list[LabelledRun]:
    """Cut the stream into (labels, values) pairs.

    A new value run starts at a change of source row when both cells sit on a grid
    (so a table row whose label was lost does not glue onto the row before), and at an
    empty line after a grid row, or a number on a line of its own after a grid row of
    values: no cell of that row (`pdftotext -layout` prints a cell of a taller row
    above or under the others). A label printed with its first value
    (`5.要求行政机关确认 0`) may go on with the others a line each.
    """
    runs: list[LabelledRun] = []
    texts: list[Token] = []
    values: list[Token] = []
    start = 0
    for i, tok in enumerate(tokens):
        if tok.kind == "text":
            if values:
                runs.append(LabelledRun(texts, values, start))
                texts, values = [], []
            texts.append(tok)
            continue
        if values:
            prev = values[-1].cell
            if (
                prev.col is not None
                and (prev.row != tok.cell.row or prev.block != tok.cell.block)
                and (
                    tok.cell.col is not None
                    or tok.kind == "blank"
                    or sum(t.cell.row == prev.row for t in values) > 1
                )
            ):
                runs.append(LabelledRun(texts, values, start))
                texts, values = [], []
        if not values:
            start = i
        values.append(tok)
    if values or texts:
        runs.append(LabelledRun(texts, values, start))
    return runs


def own_line_runs(runs: list[LabelledRun]) -> list[LabelledRun]:
    """Each run's values printed on the line of its last text stay its own; the rest,
    line by line, become runs without a label (for the template order and the
    arithmetic to place, or to leave out). For texts whose tables were torn apart, where
    a value on a line of its own may belong to the label before or after it."""
    out: list[LabelledRun] = []
    for run in runs:
        own_row = run.texts[-1].cell.row if run.texts else None
        keep = [t for t in run.values if t.cell.row == own_row]
        out.append(LabelledRun(run.texts, keep, run.start))
        rest = [(i, t) for i, t in enumerate(run.values) if t.cell.row != own_row]
        by_row: dict[int, list[tuple[int, Token]]] = {}
        for i, tok in rest:
            by_row.setdefault(tok.cell.row, []).append((i, tok))
        for row_toks in by_row.values():
            out.append(LabelledRun([], [t for _i, t in row_toks], run.start + row_toks[0][0]))
    return out


def _first_line(run: LabelledRun) -> tuple[tuple[int, int], list[Token], list[Token]] | None:
    """(block, row) of the grid line a run's values start on, the values on that line,
    and the values after it; None when the run has no values or they start off a grid."""
    if not run.values or run.values[0].cell.col is None:
        return None
    first = run.values[0].cell
    line = (first.block, first.row)
    n = 0
    while n < len(run.values) and (run.values[n].cell.block, run.values[n].cell.row) == line:
        n += 1
    if any(t.cell.col is None for t in run.values[:n]):
        return None
    return line, run.values[:n], run.values[n:]


def _names_section_three_row(run: LabelledRun, line: tuple[int, int]) -> bool | None:
    """True when the run's label, ending on its values' line (it may begin on lines
    above), names a row of section 三; False when the line prints no label or only a
    piece of one; None when it names a row of another table, prints a numbered label
    (`（一）`, `三、`, `2.`) that names no row (a row of its own, not read), or a text
    with digits (`0<br>0`, two rows' numbers in one cell)."""
    if not run.texts or (run.texts[-1].cell.block, run.texts[-1].cell.row) != line:
        return False
    keys = _tail_keys(tuple([t.norm for t in run.texts[-4:]]))
    if any(k for _n, k, _pk in keys):
        return True
    own = [t.cell.text for t in run.texts if (t.cell.block, t.cell.row) == line]
    if any(pk for _n, _k, pk in keys) or any(_NUMBERED.search(text) for text in own):
        return None
    if any(ch.isdigit() for text in own for ch in text):
        return None  # a cell with digits that is no number (`0<br>0`): a line in doubt
    return False


def _complementary(a: list[Token], b: list[Token]) -> list[Token] | None:
    """The cells of two grid lines as one line, when each prints its numbers only in
    columns that the other leaves empty; None otherwise."""
    cols_a = {t.cell.col: t for t in a}
    cols_b = {t.cell.col: t for t in b}
    merged: list[Token] = []
    for col in sorted(set(cols_a) | set(cols_b), key=lambda c: c or 0):
        ta, tb = cols_a.get(col), cols_b.get(col)
        if ta is None or tb is None:
            only = ta if ta is not None else tb
            if only is not None and only.kind != "blank":
                return None  # a number where the other line has no value cell
            continue  # an empty cell under the other line's label
        if ta.kind != "blank" and tb.kind != "blank":
            return None
        merged.append(ta if ta.kind != "blank" else tb)
    return merged


def _adds_up(values: list[Token]) -> bool:
    """A row's numbers, the last their total: the parts add up to it (section 三's row
    equation, read on the printed numbers)."""
    numbers: list[int] = []
    for tok in values:
        if tok.kind == "value":
            value = tok.placed.value if tok.placed is not None else None
            if not isinstance(value, int):
                return False  # an amount or a number in doubt: no count to add
            numbers.append(value)
    return len(numbers) >= 2 and sum(numbers[:-1]) == numbers[-1]


def rejoin_split_rows(runs: list[LabelledRun], mapping: Mapping) -> list[LabelledRun]:
    """Rejoin a row of section 三 that a converter split over two lines of its grid.

    The sign: two neighbouring grid lines of one table, one naming a row and the other
    naming none, whose numbers sit in columns the other line leaves empty (`|本|（二）|部
    分公开|||||||68|` over `|年度办|（区分…|…|8|0|60|0|0|0||`). They are one row only if its
    numbers then add up to its total; then the row takes both lines' numbers. Otherwise
    the named line's empty cells are in doubt (the other line may hold their numbers):
    they are dropped, and the arithmetic places what it can.
    """
    out = list(runs)
    i = 0
    while i < len(out) - 1:
        i += 1
        first, second = out[i - 1], out[i]
        a, b = _first_line(first), _first_line(second)
        if a is None or b is None or a[2] or a[0][0] != b[0][0] or b[0][1] != a[0][1] + 1:
            continue  # not two neighbouring lines of one grid
        named = (_names_section_three_row(first, a[0]), _names_section_three_row(second, b[0]))
        if sorted(named, key=str) != [False, True]:
            continue
        merged = _complementary(a[1], b[1])
        k = 0 if named[0] else 1
        row, other, other_values = (first, second, b[1]) if k == 0 else (second, first, a[1])
        if merged is None or not any(t.kind == "value" for t in other_values):
            continue  # a line of empty cells continues nothing
        label = row.texts[-1].cell.text
        if _adds_up(merged):
            kept = LabelledRun(row.texts, merged, row.start)
            mapping.warnings.append(
                f"the row {label!r} is printed over two lines of its grid; read as one, as its numbers add up"
            )
        else:
            kept = LabelledRun(row.texts, [t for t in row.values if t.kind != "blank"], row.start)
            mapping.warnings.append(
                f"the row {label!r} may continue on the next line of its grid; "
                "its empty cells are not read as blanks"
            )
        rest = LabelledRun(other.texts, [], other.start)
        pair = [kept, rest] if k == 0 else [rest, kept]
        if b[2]:  # the second run's values after its first line: a run of their own
            pair.append(LabelledRun([], b[2], second.start + len(b[1])))
        out[i - 1 : i + 1] = pair
    return out


def _row_label(
    texts: list[Token], last_app: str | None, after_review: bool = False
) -> tuple[str, str, str] | None:
    """(table, row key, printed label) named by the end of a text run, or None.
    `after_review`: section 四's heading was printed since the last row of section 三.

    A label wrapped over lines is matched by joining the last texts. But when the last
    text alone names a row that cannot be here (`其他` outside the （六） group, `总计`
    before the results), it is that row's label, not a wrapped label's tail: no longer
    join may claim it (`申请人逾期…申请` + `其他` would read as the 缴纳费用 row, the
    patterns being lenient at the end)."""
    for n, key, pkey in _tail_keys(tuple([t.norm for t in texts[-4:]])):
        if key is not None and _app_row_allowed(key, last_app, texts, after_review):
            return "applications", key, "".join([t.cell.text for t in texts[-n:]])
        if pkey is not None:
            return "proactive", pkey, "".join([t.cell.text for t in texts[-n:]])
        if n == 1 and key is not None:
            return None
    return None


@short_text_cache(limit=200)
def _tail_keys(norms: tuple[str, ...]) -> tuple[tuple[int, str | None, str | None], ...]:
    """(n, application row key, proactive row key) named by the last n labels joined,
    for n = 1, 2, ...: the same label sequences recur in every report."""
    out = []
    for n in range(1, len(norms) + 1):
        norm = "".join(norms[-n:])
        out.append((n, application_row(norm), proactive_row(norm)))
    return tuple(out)


def _mentions_other_group(texts: list[Token]) -> bool:
    return any(t.norm.endswith("其他处理") for t in texts[-3:])  # norms hold no whitespace


_REVIEW_RESULT_HEADERS = frozenset(REVIEW_RESULTS[:4])  # 结果维持 … 尚未审结


def _app_row_allowed(key: str, last_app: str | None, texts: list[Token], after_review: bool = False) -> bool:
    """`其他` is the 2021 (六)3 row only inside the (六) group; `总计` only after result rows
    and before section 四's heading (whose 总计 column header a converter may print on
    its own line, its value after it)."""
    if key == "other_other":
        return _mentions_other_group(texts) or last_app in ("other_overdue_correction", "other_unpaid_fee")
    if key == "results_total":
        return (
            not after_review
            and not any(t.norm in _REVIEW_RESULT_HEADERS for t in texts[-6:])  # section 四's 总计 header
            and last_app is not None
            and APP_INDEX[last_app] >= APP_INDEX["disclosed"]
            and last_app != "carried_forward"
        )
    return True


_COLUMN_HEADERS = tuple(
    normalize(h)
    for h in (
        *APPLICANT_HEADERS,
        *HEADER_2019,
        *HEADER_2021,
        "信息内容",
        "本年增/减",
        "处理决定数量",
        "本年收费金额(单位:万元)",
    )
)


def _names_a_row(texts: list[Token], whole: bool = False) -> bool:
    """Whether the end of a text run names a row (section 四's 总计 header names none);
    `whole`: all its texts together (up to 4, a label wrapped over them), not only its end."""
    if not texts:
        return False
    after_review = any(t.norm in _REVIEW_RESULT_HEADERS for t in texts[-6:])
    keys = _tail_keys(tuple([t.norm for t in texts[-4:]]))
    return any(
        pk or (k and not (k == "results_total" and after_review))
        for n, k, pk in keys
        if not whole or n == len(texts)
    )


def _label_prefix(texts: list[Token]) -> int:
    """How many of the first texts name a row (a label wrapped over up to 4 lines), or 0.
    They must name it together: a label after other texts (the heading of the next table,
    `第二十条第（五）项` / `信息内容` / `行政许可`) is no label that starts the run."""
    for m in range(1, min(4, len(texts)) + 1):
        if _names_a_row(texts[:m], whole=True):
            return m
    return 0


def _names_any_row(texts: list[Token]) -> bool:
    """Whether any of the texts is a row label of section 二 or 三 (bare column headers
    such as `总计` aside): texts after a last label that hold another label are no
    heading of the next table, so the values after them may be that label's."""
    return any(
        t.norm not in _HEADER_WORDS and (proactive_row(t.norm) or application_row(t.norm)) for t in texts
    )


def _same_line(run: LabelledRun) -> bool:
    """Values printed on the line (or in the cell) of the text before them are its own."""
    return bool(run.texts and run.values) and run.values[0].cell.row == run.texts[-1].cell.row


def _max_width(texts: list[Token]) -> int | None:
    """The most numbers the row a label names can print (any template), or None."""
    for _n, key, pkey in _tail_keys(tuple([t.norm for t in texts[-4:]])):
        if key is not None:
            return len(APPLICANT_COLUMNS)
        if pkey is not None:
            spec = next(r for r in PROACTIVE_ROWS if r.key == pkey)
            return max(len(c) for c in spec.columns.values())
    return None


def _values_fit(labels: list[LabelledRun], values: list[LabelledRun]) -> bool:
    """Whether each label can hold the numbers it would take (`values`, in order): a row
    never prints more numbers than it has columns. Printed-before-label pairing that
    gives a row more is no such layout (the numbers of a block whose labels came before
    its header, as `pdftotext` prints a column of labels, then of numbers)."""
    for label, run in zip(labels, values, strict=True):
        width = _max_width(label.texts)
        numbers = sum(1 for t in run.values if t.kind == "value")
        if width is not None and numbers > width:
            return False
    return True


def values_before_labels(runs: list[LabelledRun], mapping: Mapping) -> list[LabelledRun]:
    """Re-pair a table printed with each row's values on the line *before* its label.

    The sign: a run of values right after the column headers (no row label between),
    then row labels each followed by values, and a last row label with none after it.
    Only then does each label take the values printed before it; anything else is
    read as printed (values after their label).
    """
    out = list(runs)
    i = 0
    while i < len(out) - 1:
        run = out[i]
        if (
            run.values
            and any(t.kind in ("value", "run") for t in run.values)
            and run.texts
            and run.texts[-1].norm.endswith(_COLUMN_HEADERS)
            and (run.texts[-1].norm in _COLUMN_HEADERS or not _names_a_row(run.texts[-1:]))
            and (_names_a_row(out[i + 1].texts) or _label_prefix(out[i + 1].texts))
        ):
            j = i + 1
            while (
                j < len(out)
                and _names_a_row(out[j].texts)
                and out[j].values
                and not _same_line(out[j])
                and not any("复议" in t.norm or "诉讼" in t.norm for t in out[j].texts)  # section 四
            ):
                j += 1
            # the last label: alone, or followed by other texts (the next heading) whose
            # values are not its own
            last = _label_prefix(out[j].texts) if j < len(out) else 0
            if (
                last
                and not _same_line(run)
                and (not out[j].values or last < len(out[j].texts))
                and _values_fit([*out[i + 1 : j], LabelledRun(out[j].texts[:last], [], 0)], out[i:j])
                and not _names_any_row(out[j].texts[last:])
            ):
                # runs i..j: labels i+1..j take the values of runs i..j-1
                shifted = [LabelledRun(run.texts, [], run.start)]
                for k in range(i + 1, j):
                    shifted.append(LabelledRun(out[k].texts, out[k - 1].values, out[k - 1].start))
                end = out[j]
                shifted.append(LabelledRun(end.texts[:last], out[j - 1].values, out[j - 1].start))
                if last < len(end.texts):
                    shifted.append(LabelledRun(end.texts[last:], end.values, end.start))
                out[i : j + 1] = shifted
                mapping.warnings.append(
                    f"values printed before their row labels ({j - i} rows from "
                    f"{out[i + 1].texts[-1].cell.text!r}); each label read with the values above it"
                )
                i = j + 1
                continue
        i += 1
    return out


def find_rows(tokens: list[Token], runs: list[LabelledRun], mapping: Mapping) -> list[Found]:
    found: list[Found] = []
    runs = values_before_labels(runs, mapping)  # a new list: column-ordered blocks may change it
    last_app: str | None = None
    after_review = False  # section 四's heading printed since the last row of section 三
    heading: list[Token] = []  # the texts before this run's label: the last run's and its own
    i = -1
    while i + 1 < len(runs):
        i += 1
        run = runs[i]
        heading = heading + run.texts[:-1]
        if last_app is not None and any("行政复议" in t.norm for t in heading):
            after_review = True
        heading = run.texts[-1:]
        if not run.texts:
            if any(t.kind == "value" or t.kind == "run" for t in run.values):
                mapping.bare.append(Found("", "", "", run.values, run.start))
            continue
        block, after = column_ordered_rows(runs, i, last_app, mapping)
        if block:
            found += block
            last_app, after_review = block[-1].row, False
            i = after - 1
            continue
        if not any(t.kind == "value" or t.kind == "run" for t in run.values):
            # a label row without numbers: group labels, headers, or an empty row
            hit = _row_label(run.texts, last_app, after_review)
            if hit and run.values:
                found.append(Found(hit[0], hit[1], hit[2], run.values, run.start))
            if hit and hit[0] == "applications" and (run.values or mapping.torn):
                # in a torn table a row's label printed without its numbers still says
                # where in the template the text is (`其他` after （六）1 is （六）3)
                last_app, after_review = hit[1], False
            continue
        hit = _row_label(run.texts, last_app, after_review)
        if hit is None and _same_line(run):
            hit = _without_group_pieces(run.texts, last_app, after_review)
        if hit is None and _same_line(run) and i + 1 < len(runs):
            below = runs[i + 1]
            hit, used = _label_continued_below(run.texts[-1], below.texts, last_app, after_review)
            if used:  # the lines are this label's: they name no row after it
                runs[i + 1] = LabelledRun(below.texts[used:], below.values, below.start)
        if hit is None and len(run.values) >= 3:  # a garbled label (OCR): the rows that may come next
            hit = _fuzzy_row(run.texts, last_app)
            if hit:
                mapping.warnings.append(
                    f"label {hit[2]!r} read as applications.{hit[1]} (closest template label)"
                )
        if hit is None:
            last = run.texts[-1]
            if application_group(last.norm) and sum(t.kind == "value" for t in run.values) >= 2:
                mapping.warnings.append(f"numbers after group label {last.cell.text!r} (a subtotal) ignored")
            continue
        table, key, label = hit
        other = _other_row_in_cell(run.texts, key)
        if other is not None:
            mapping.warnings.append(
                f"one cell names two rows ({other!r} and {label!r}); its numbers are left out"
            )
            continue
        if table == "proactive" and _follows_bare_label(run.texts, label):
            mapping.warnings.append(
                f"proactive.{key}: its label follows another row's label with no numbers between, "
                "so the numbers after it may be either row's; left out"
            )
            continue
        if table == "applications":
            last_app, after_review = key, False
            if _several_rows(run.values):
                _as_bare_rows(run, mapping)
                continue
        found.append(Found(table, key, label, run.values, run.start))
    return found


_GROUP_PIECE = re.compile(r"^\S{1,2}\s+(?=\S)")


def _without_group_pieces(
    texts: list[Token], last_app: str | None, after_review: bool
) -> tuple[str, str, str] | None:
    """The row a label names once the piece of a group label printed before it on its
    line is dropped (`三   （一）予以公开`, `本   （二）部分公开`: `pdftotext -layout` prints
    the group's label a character or two per line, beside the rows' labels)."""
    last = _group_piece_dropped(texts[-1])
    if last is texts[-1]:
        return None
    return _row_label([*texts[:-1], last], last_app, after_review)


def _group_piece_dropped(tok: Token) -> Token:
    """A label's text less a group label's piece printed before it (or the same token)."""
    text = tok.cell.text.strip()
    stripped = _GROUP_PIECE.sub("", text, count=1)
    if stripped == text:
        return tok
    return Token(Cell(stripped, tok.cell.row, tok.cell.col, tok.cell.block), "text", normalize(stripped))


def _label_readings(texts: list[Token]) -> list[list[Token]]:
    """The lines of a label as printed, and less the group label's pieces beside them."""
    dropped = [_group_piece_dropped(t) for t in texts]
    return [texts] if all(d is t for d, t in zip(dropped, texts, strict=True)) else [texts, dropped]


def _label_continued_below(
    head: Token, below: list[Token], last_app: str | None, after_review: bool
) -> tuple[tuple[str, str, str] | None, int]:
    """The row named by a label whose first line is printed with the row's values and
    the rest on the lines under them (`一、本年新收政府信息  56  3 …` / `公开申请数量`, as
    `pdftotext -layout` prints a label wrapped in its cell). Only lines of text alone
    count, up to three; the label must be named by the head and them together, and by
    one row whichever of them it takes. Returns the row and how many lines it took (the
    most that name it), or (None, 0)."""
    lines: list[Token] = []
    for tok in below[:3]:
        if tok.cell.col is not None:
            break  # the next row's own line
        lines.append(tok)
    hits: list[tuple[str, str, str]] = []
    used = 0
    readings = [(n, t) for n in range(1, len(lines) + 1) for t in _label_readings([head, *lines[:n]])]
    for j, texts in readings:
        _n, key, pkey = _tail_keys(tuple(t.norm for t in texts))[-1]
        label = "".join(t.cell.text for t in texts)
        if key is not None and _app_row_allowed(key, last_app, texts, after_review):
            hits.append(("applications", key, label))
            used = j
        elif pkey is not None:
            hits.append(("proactive", pkey, label))
            used = j
    if len({h[:2] for h in hits}) != 1:
        return None, 0
    return hits[-1], used


def _several_rows(values: list[Token]) -> bool:
    """Whether a section 三 label is followed, one number per line, by two or more rows'
    worth of numbers (exactly seven each, none empty): the labels of the rows after it
    were printed elsewhere (a converter moved a group's labels out of the table), or the
    table was read column by column."""
    width = len(APPLICANT_COLUMNS)
    return (
        len(values) >= 2 * width
        and not len(values) % width
        and all(t.kind == "value" and t.cell.col is None for t in values)
    )


def _as_bare_rows(run: LabelledRun, mapping: Mapping) -> None:
    """The numbers after a label, seven at a time, as rows of values without a label: the
    label alone does not say whether they run row by row or column by column. The
    bare-row rule places them only where the template misses exactly that many rows
    and the column sums confirm them (`_bare_row_options`, `_place_verified`)."""
    width = len(APPLICANT_COLUMNS)
    mapping.split_labels.append(run.start)
    for i in range(0, len(run.values), width):
        mapping.bare.append(Found("", "", "", run.values[i : i + width], run.start + i))


def _other_row_in_cell(texts: list[Token], key: str) -> str | None:
    """The text of another row's label printed in the same cell as the label naming
    `key` (lines of one cell: `（一）予以公开<br>（二）部分公开…`), if there is one: the
    cell's numbers may then be either row's."""
    last = texts[-1].cell
    for tok in texts[:-1]:
        cell = tok.cell
        if (cell.block, cell.row, cell.col) != (last.block, last.row, last.col):
            continue
        for _n, k, pk in _tail_keys((tok.norm,)):
            if (k or pk) and (k or pk) != key:
                return tok.cell.text
    return None


def _follows_bare_label(texts: list[Token], label: str) -> bool:
    """Whether the texts before a section 二 row's label end in another row's label
    (`规章` / `行政规范性文件` / 1 8 5): the first row's numbers were not printed after it,
    so the numbers that follow may be its, the other's, or both."""
    printed = ""
    n = 0
    while n < len(texts) and len(printed) < len(label):
        n += 1
        printed = texts[-n].cell.text + printed
    before = texts[: len(texts) - n]
    return any(pk for _n, _k, pk in _tail_keys(tuple([t.norm for t in before[-4:]])))


# bare column headers that also name a row (`其他` the 2021 (六)3 row, `总计` the （七） row)
_HEADER_WORDS = frozenset({"其他", "总计"})
# rows of one template only: a run of labels may skip them, and only them
_TEMPLATE_ROWS = (frozenset({"other_handling"}), frozenset(OTHER_ROWS_2021))


def column_ordered_rows(
    runs: list[LabelledRun], i: int, last_app: str | None, mapping: Mapping
) -> tuple[list[Found], int]:
    """Section 三 rows printed as a block of row labels, then their numbers column by
    column (all of 自然人 down the rows, then 商业企业, …), as pdfminer prints a table;
    and the index of the run to read next (the run where the block ended is replaced
    by what is left of it).

    The numbers may come in stacks (lines of numbers with no blank line between: one
    cell to the text reader), which are taken apart here only. Read so only when the
    labels name consecutive template rows, there are exactly seven numbers a row, every
    row adds up (six columns = 总计) read column by column, and read row by row they do
    not give other numbers that add up too. Otherwise ([], i): read as printed.
    """
    run = runs[i]
    k = next((j for j, t in enumerate(run.texts) if _stack_values(t)), len(run.texts))
    keys = _label_sequence(run.texts[:k], last_app)
    n = len(keys)
    width = len(APPLICANT_COLUMNS)
    if n < 2:
        return [], i
    values, taken, rest = _block_values(runs, i, k, n * width)
    if len(values) != n * width:
        return [], i
    groups = [values[c * n : (c + 1) * n] for c in range(width)]
    total = _total_group(groups)
    by_row = [values[r * width : (r + 1) * width] for r in range(n)]
    if total is None or all(_adds_up(row) for row in by_row):
        if total is not None:
            mapping.warnings.append(
                f"{n} row labels then {len(values)} numbers that add up both column by column and "
                "row by row; left out"
            )
        return [], i
    parts = [g for c, g in enumerate(groups) if c != total]
    rows = [[*_row_parts([g[r] for g in parts]), groups[total][r]] for r in range(n)]
    mapping.warnings.append(
        f"section 三 rows {keys[0]} to {keys[-1]} printed as {n} labels, then their numbers "
        "column by column: the 总计 column is the one that adds up; the applicant columns "
        "are placed only in rows where they are all equal (the arithmetic holds in any "
        "order of them)"
    )
    found = [Found("applications", key, key, row, run.start) for key, row in zip(keys, rows, strict=True)]
    if rest is None:
        return found, i + taken + 1
    runs[i + taken] = rest
    return found, i + taken


def _total_group(groups: list[list[Token]]) -> int | None:
    """The one column of a column-ordered block that is the sum of the others in every
    row (several that are equal count as one), else None."""
    sums = [[_value(t) for t in g] for g in groups]
    found = [
        c
        for c in range(len(groups))
        if all(
            sums[c][r] == sum(sums[o][r] for o in range(len(groups)) if o != c) for r in range(len(sums[c]))
        )
    ]
    if not found or any(sums[c] != sums[found[0]] for c in found):
        return None
    return found[0]


def _value(tok: Token) -> float:
    value = tok.placed.value if tok.placed else None
    return float(value) if isinstance(value, int | float) else float("nan")


def _row_parts(cells: list[Token]) -> list[Token]:
    """A row's applicant cells from a column-ordered block: kept when all equal (their
    order then does not matter), else each an unknown cell."""
    if len({t.cell.text for t in cells}) == 1:
        return cells
    return [Token(t.cell, "unknown", "", Placed(None, t.cell.text)) for t in cells]


def _block_values(
    runs: list[LabelledRun], i: int, k: int, want: int
) -> tuple[list[Token], int, LabelledRun | None]:
    """The numbers after the labels of `runs[i]` (from its text `k` on): stacks and
    values, over the runs that follow, until `want` are found or a text that is no stack;
    with how many more runs they took, and what is left of the last run."""
    values: list[Token] = []
    taken = 0
    while True:
        run = runs[i + taken]
        texts = run.texts[k:]
        lead = next((j for j, t in enumerate(texts) if not _stack_values(t)), len(texts))
        values += [v for t in texts[:lead] for v in _stack_values(t)]
        if lead < len(texts) or any(t.kind != "value" for t in run.values):
            return values, taken, LabelledRun(texts[lead:], run.values, run.start)
        values += run.values
        if len(values) >= want or i + taken + 1 == len(runs):
            return values, taken, None
        taken += 1
        k = 0


def _stack_values(tok: Token) -> list[Token]:
    """The numbers of a cell made of lines that are each a number, else []."""
    lines = tok.cell.text.split("\n")
    if len(lines) < 2:
        return []
    out = []
    for line in lines:
        kind, placed, _norm, _note, _run = _classify(line)
        if kind != "value":
            return []
        out.append(Token(Cell(line.strip(), tok.cell.row, tok.cell.col, tok.cell.block), kind, "", placed))
    return out


def _label_sequence(texts: list[Token], last_app: str | None) -> list[str]:
    """The section 三 rows named, in order, by a run of texts (labels wrapped over up to
    four lines), if they are consecutive rows of the template; else []. A bare column
    header (`总计`) out of order is no row, nor is （六）其他处理 over the 2021 sub-rows."""
    named: list[tuple[str, bool]] = []  # (row, named by a bare header word)
    i = 0
    while i < len(texts):
        prev = named[-1][0] if named else last_app
        m, key = _label_at(texts, i, prev)
        if key is None and prev is not None and _ENUMERATED.match(texts[i].norm):
            # a garbled label (`2.其他法律行政止公开`): only as the rows that may come next
            after = tuple(k for k in APP_ORDER if _next_in_template(prev, k))
            key = fuzzy_application_row(texts[i].norm, after)
        if key is not None:
            named.append((key, texts[i].norm in _HEADER_WORDS))
        i += m
    if any(k in OTHER_ROWS_2021 for k, _ in named):
        named = [(k, h) for k, h in named if k != "other_handling"]
    keys: list[str] = []
    for key, header in named:
        if keys and not _next_in_template(keys[-1], key):
            if header:
                continue
            return []
        keys.append(key)
    return keys


def _label_at(texts: list[Token], i: int, last_app: str | None) -> tuple[int, str | None]:
    """(texts used, row key) of the label starting at `texts[i]`: the fewest texts that
    name a row, then as many more as still name the same row (its wrapped end)."""
    for m in range(1, min(4, len(texts) - i) + 1):
        norm = "".join(t.norm for t in texts[i : i + m])
        key = application_row(norm)
        if key is None or application_group(norm) or not _app_row_allowed(key, last_app, texts[: i + m]):
            continue
        while i + m < len(texts) and m < 4:
            nxt = texts[i + m].norm
            if _ENUMERATED.match(nxt) or application_row(nxt) or application_group(nxt):  # the next label
                break
            if application_row("".join(t.norm for t in texts[i : i + m + 1])) != key:
                break
            m += 1
        return m, key
    return 1, None


def _next_in_template(prev: str, key: str) -> bool:
    """Whether `key` follows `prev` in a template, skipping only rows of the other one."""
    a, b = APP_INDEX[prev], APP_INDEX[key]
    if b <= a:
        return False
    between = set(APP_ORDER[a + 1 : b])
    return not between or any(between <= rows for rows in _TEMPLATE_ROWS)


def _fuzzy_row(texts: list[Token], last_app: str | None) -> tuple[str, str, str] | None:
    after = -1 if last_app is None else APP_INDEX[last_app]
    nxt = [k for k in APP_ORDER if APP_INDEX[k] > after][:3]
    for n in range(1, min(3, len(texts)) + 1):
        tail = texts[-n:]
        key = fuzzy_application_row("".join(t.norm for t in tail), tuple(nxt))
        if key:
            return "applications", key, "".join(t.cell.text for t in tail)
    return None


def detect_template(tokens: list[Token], found: list[Found], mapping: Mapping | None = None) -> str | None:
    """2019 or 2021 from the section 二 headers; failing those, from the rows (and the
    clue used is then said in `mapping`'s warnings)."""
    text = "".join(t.norm for t in tokens if t.kind == "text")
    votes19 = sum(text.count(h) for h in HEADER_2019)
    votes21 = sum(text.count(h) for h in HEADER_2021)
    if votes19 != votes21:
        return "2019" if votes19 > votes21 else "2021"
    template = _template_from_rows(text, found)
    if template is not None and mapping is not None:
        mapping.warnings.append(
            f"template {template} decided from the rows printed (section 二's columns per row, "
            "section 三's （六） rows, 行政规范性文件), as no section 二 header names it"
        )
    return template


def _template_from_rows(text: str, found: list[Found]) -> str | None:
    votes19 = votes21 = 0
    for f in found:
        if f.table == "proactive":
            if f.row in ("other_services", "procurement"):
                votes19 += 1
            n = sum(t.kind == "value" for t in f.values)
            if f.row in ("licensing", "penalty", "coercion"):
                votes19 += n == 3
                votes21 += n == 1
        if f.table == "applications":
            votes19 += f.row == "other_handling"
            votes21 += f.row in OTHER_ROWS_2021
    if "行政规范性文件" in text:
        votes21 += 1
    if votes19 != votes21:
        return "2019" if votes19 > votes21 else "2021"
    return None


def _placed(tok: Token) -> Placed:
    placed = tok.placed
    return placed if placed is not None else _as_placed(None, tok.cell.text)


def _digits(tok: Token) -> str | None:
    """The ASCII digits a value cell prints, when that is all it prints (it may then be
    several cells run together), else None."""
    text = tok.cell.text.strip()
    return text if len(text) > 1 and text.isascii() and text.isdigit() else None


def row_options(
    name: str,
    slots: tuple[str, ...],
    values: list[Token],
    equations: Sequence[Equation] | None,
    mapping: Mapping,
    joined: bool = False,
) -> RowOptions | None:
    """`_row_options`, noting whether the row's numbers stood on lines of their own (not
    in its label's grid row), where a converter may have handed it other rows' numbers."""
    opts = _row_options(name, slots, values, equations, mapping, joined)
    if opts is not None:
        opts.streamed = any(t.cell.col is None for t in values if t.kind != "blank")
    return opts


def _row_options(
    name: str,
    slots: tuple[str, ...],
    values: list[Token],
    equations: Sequence[Equation] | None,
    mapping: Mapping,
    joined: bool = False,
) -> RowOptions | None:
    """The candidate readings of one printed row on its slots (see `placement.readings`).

    `equations` are the table's (None for a table without arithmetic, where a row
    printed short cannot be placed); `joined` says the document runs cells together
    (see `_runs_cells_together`), so a row printed with fewer cells than columns is read
    as digits run together.
    """
    n = len(slots)
    eqs: Sequence[Equation] = equations or ()
    toks = _without_blank_lines(values)
    if mapping.blank_lines_separate:
        toks = [t for t in toks if not (t.kind == "blank" and t.cell.col is None)]
    # drop padding: trailing blanks beyond the row's width, leading blanks likewise
    while len(toks) > n and _empty(toks[-1]):
        toks.pop()
    while len(toks) > n and _empty(toks[0]):
        toks.pop(0)
    unreadable = [i for i, t in enumerate(toks) if t.kind == "unreadable"]
    if unreadable:
        return _unreadable_options(name, slots, toks, unreadable)
    unknown = [i for i, t in enumerate(toks) if t.kind == "unknown"]
    if unknown and len(toks) == n:
        # cells whose column the text does not tell: the others stand where they are
        option = {s: _placed(t) for i, (s, t) in enumerate(zip(slots, toks, strict=True)) if i not in unknown}
        reason = "its applicant columns were printed in an order the arithmetic does not prove"
        return RowOptions(name, slots, [option], prefer_first=True, reason=reason)
    has_run = any(t.kind == "run" for t in toks)
    if has_run or (joined and n > 1 and sum(not _empty(t) for t in toks) < n):
        runs = [t for t in toks if t.kind != "blank"]
        pieces = [Piece(_placed(t), _digits(t) if t.kind == "run" or joined else None) for t in runs]
        printed = " ".join(t.cell.text.strip() for t in runs)
        if n == 1 and len(pieces) == 1 and pieces[0].cell.value is not None:
            return RowOptions(name, slots, [{slots[0]: pieces[0].cell}])
        found = mapping.readings(pieces, slots, eqs, gaps=mapping.torn)
        if not found.complete:
            return RowOptions(
                name,
                slots,
                [],
                reason=f"the digits {printed!r} run together and can be cut in too many ways "
                f"(search bound hit: {MAX_READING_STEPS} steps a row, {DOCUMENT_READING_STEPS} a document)",
            )
        if found.options or has_run:
            signed = any(
                t.kind == "run" and _digits(t) is None and len(t.cell.text.strip()) > 1 for t in runs
            )
            why = " with a sign or decimal point (a cut there is not decided)" if signed else ""
            return RowOptions(name, slots, found.options, reason=f"the digits {printed!r} run together{why}")
    if len(toks) > n:
        nonblank = [t for t in toks if not _empty(t)]
        if len(nonblank) == n:
            toks = nonblank
        else:
            return RowOptions(name, slots, [], reason=f"{len(toks)} cells for {n} columns")
    cells = [_placed(t) for t in toks]
    if len(cells) == n:
        direct = dict(zip(slots, cells, strict=True))
        trailing = 0
        while trailing < len(toks) and toks[len(toks) - 1 - trailing].kind == "blank":
            trailing += 1
        if trailing == 0 or equations is None:
            return RowOptions(name, slots, [direct])
        # a trailing empty cell may be padding of a wider table: let the arithmetic say
        options = [direct]
        for k in range(1, trailing + 1):
            short = mapping.readings([Piece(c) for c in cells[: n - k]], slots, eqs, gaps=True)
            if not short.complete:
                return RowOptions(name, slots, [direct])  # too many: read as printed
            options.extend(short.options)
        printed_n = len(toks) - trailing
        return RowOptions(
            name,
            slots,
            options,
            prefer_first=True,
            reason=f"{printed_n} cells and {trailing} trailing empty cell(s) for {n} columns",
        )
    if equations is None:
        return RowOptions(name, slots, [], reason=f"{len(cells)} numbers for {n} columns")
    found = mapping.readings([Piece(c) for c in cells], slots, eqs, gaps=True)
    if not found.complete:
        return RowOptions(
            name,
            slots,
            [],
            reason=f"{len(cells)} numbers for {n} columns fit too many placements "
            f"(search bound hit: {MAX_READING_STEPS} steps a row, {DOCUMENT_READING_STEPS} a document)",
        )
    return RowOptions(name, slots, found.options, reason=f"{len(cells)} numbers for {n} columns")


def _blank_lines_separate(found: list[Found], width: dict[tuple[str, str], int]) -> bool:
    """Whether the document's empty lines separate cells rather than print empty ones.

    The sign: a row printed one cell per line with an empty line between every two of its
    numbers, more lines than the row has columns (`规章` / `` / `0` / `` / `0` / `` /
    `0` / ``, as PDF converters print a block per cell). Where empty lines are empty
    cells, a row never holds more of them than columns. Then an empty line after a label
    says nothing of its cells: a row with only empty lines printed none."""
    for f in found:
        if any(t.cell.col is not None for t in f.values):
            continue
        toks = list(f.values)
        while toks and toks[0].kind == "blank":
            toks.pop(0)
        numbers = toks[0::2]
        gaps = toks[1::2]
        if (
            len(numbers) >= 2
            and len(toks) > width.get((f.table, f.row), 0)
            and all(t.kind in ("value", "run") for t in numbers)
            and all(t.kind == "blank" for t in gaps)
        ):
            return True
    return False


def _empty(tok: Token) -> bool:
    """An empty cell, which may be padding; a printed blank (`无`, `-`, `/`) is a cell of
    its row, never padding, and its place counts like a number's."""
    return tok.kind == "blank" and not tok.cell.text.strip()


def _without_blank_lines(values: list[Token]) -> list[Token]:
    """A row's cells less the empty cells, before its first number or after its last, of
    grid lines that print no number: the padding of a header line above (a pipe table's
    trailing `|  |  |`), not cells of this row. Left in, they would count as its first
    columns and shift every number by one; which of the row's own empty cells are
    padding is then for the width and the arithmetic to say (`row_options`)."""
    rows = {t.cell.row for t in values if t.kind != "blank"}
    if not rows:  # a row of empty cells only (an empty 收费金额): they are its cells
        return list(values)
    start, end = 0, len(values)
    while start < end and values[start].kind == "blank" and values[start].cell.col is not None:
        if values[start].cell.row in rows:
            break
        start += 1
    while end > start and values[end - 1].kind == "blank" and values[end - 1].cell.col is not None:
        if values[end - 1].cell.row in rows:
            break
        end -= 1
    return values[start:end]


def _runs_cells_together(tokens: list[Token]) -> bool:
    """Whether the document runs table cells together: a row label with its digits run on
    (`规章000`), or a number printed with a leading zero (`0012`, no count prints so)."""
    for tok in tokens:
        kind = tok.kind
        if kind == "run":
            return True
        if kind == "value":
            text = tok.cell.text
            if len(text) > 1 and text[0] == "0" and text.isdigit() and text.isascii():
                return True
    return False


def _unreadable_options(
    name: str, slots: tuple[str, ...], toks: list[Token], unreadable: list[int]
) -> RowOptions:
    """A row with OCR'd cells in doubt: the others placed as printed, those left unknown.

    The row's place of each cell is known from the grid, so there is one option; the
    table's arithmetic may fix an unknown (placed "arithmetic"), else it is left out.
    """
    if len(toks) != len(slots):
        return RowOptions(
            name,
            slots,
            [],
            reason=f"{len(unreadable)} unreadable OCR cell(s) in a row of "
            f"{len(toks)} cells for {len(slots)} columns",
        )
    option = {s: _placed(t) for i, (s, t) in enumerate(zip(slots, toks, strict=True)) if i not in unreadable}
    texts = ", ".join(repr(toks[i].cell.text.strip()) for i in unreadable)
    return RowOptions(
        name,
        slots,
        [option],
        prefer_first=True,
        reason=f"OCR could not read {texts} with certainty",
        unreadable={slots[i]: _placed(toks[i]) for i in unreadable},
    )


def _dedupe(found: list[Found], width: dict[tuple[str, str], int], mapping: Mapping) -> list[Found]:
    """One printed row per key: the one whose cell count fits the row best (later wins ties).

    A row label printed twice is a prose summary before the table (`本年新收…申请 59 件`)
    or a second table; the choice is said in a warning.
    """
    best: dict[tuple[str, str], Found] = {}
    for f in found:
        k = (f.table, f.row)
        n = width.get(k, 0)
        if k not in best:
            best[k] = f
            continue
        old = best[k]
        fit_new = abs(sum(t.kind != "blank" for t in f.values) - n)
        fit_old = abs(sum(t.kind != "blank" for t in old.values) - n)
        if fit_new <= fit_old:
            best[k] = f
    kept = [f for f in found if best[(f.table, f.row)] is f]
    for f in found:
        if best[(f.table, f.row)] is not f and any(t.kind == "value" for t in f.values):
            mapping.warnings.append(
                f"{f.table}.{f.row} printed more than once; the row with "
                f"{sum(t.kind != 'blank' for t in best[(f.table, f.row)].values)} cells is read"
            )
    return kept


def review_rows(tokens: list[Token], after: int) -> list[Found]:
    """The printed rows of section 四, under its first `行政复议` heading at or after `after`.

    The section is cut into blocks: headings, then the run of values under them. Printed
    whole, the first block's headings name all three groups and its values are the one
    row of fifteen. Printed in parts (three small tables, each under its group's heading
    行政复议 / 行政诉讼（未经复议直接起诉） / 行政诉讼（复议后起诉） with 结果维持 … 总计),
    each block's headings name one group, a different one each time, over at most five
    cells: each is a row of its group. Two or more such blocks from the first are the
    section in parts; otherwise the first block that holds numbers is the table printed
    whole.
    """
    start = next(
        (
            i
            for i in range(after, len(tokens))
            if tokens[i].kind == "text" and "行政复议" in tokens[i].norm and len(tokens[i].norm) <= 40
        ),
        None,
    )
    if start is None:
        return []
    blocks: list[tuple[list[Token], list[Token], int]] = []  # headings, values, index of the first value
    texts: list[Token] = []
    values: list[Token] = []
    first = start
    for i in range(start, len(tokens)):
        tok = tokens[i]
        if tok.kind == "text":
            if _is_review_row(values):
                blocks.append((texts, values, first))
                texts = []
            values = []
            if len(blocks) == 3 or _SECTION_FIVE.match(tok.norm):
                break
            texts.append(tok)
            continue
        if (
            values
            and tok.cell.col is not None
            and values[-1].cell.col is not None
            and tok.cell.row != values[-1].cell.row
            and sum(t.kind == "value" for t in values) >= len(REVIEW_KEYS)
        ):
            break  # the next grid row, past a whole table's fifteen numbers
        if not values:
            first = i
        values.append(tok)
    if _is_review_row(values):
        blocks.append((texts, values, first))
    parts: list[Found] = []
    for texts, values, first in blocks:
        named = _review_group(texts)
        if (
            named is None
            or any(p.row == named[0] for p in parts)
            or sum(t.kind != "blank" for t in values) > len(REVIEW_COLUMNS)
            or not _headers_in_order(texts)
        ):
            break
        parts.append(Found("review_litigation", named[0], named[1], values, first))
    if len(parts) >= 2:
        return parts
    # printed whole: the first block that holds numbers
    whole = next((b for b in blocks if any(t.kind != "blank" for t in b[1])), None)
    minimum = 1 if after else 10  # with no section 三 found, demand a real row of numbers
    if whole is None or sum(t.kind in ("value", "run") for t in whole[1]) < minimum:
        return []
    return [Found("review_litigation", "", "行政复议/行政诉讼", whole[1], whole[2])]


_REVIEW_HEADER = re.compile("|".join(REVIEW_RESULTS))


def _headers_in_order(texts: list[Token]) -> bool:
    """Whether the column headers among a part's headings (结果维持 … 总计) come in the
    template's order. Out of order (`尚未审结`, `总计`, then `结果维持` …), the part's
    headings hold the end of another part's header row: a converter tore the parts apart,
    and the values under them are no certain row of this part."""
    found = [REVIEW_RESULTS.index(m.group()) for m in _REVIEW_HEADER.finditer("".join(t.norm for t in texts))]
    return all(a < b for a, b in pairwise(found))


def _is_review_row(values: list[Token]) -> bool:
    """Whether cells under section 四's headings are a row: they hold a number, or they are
    five empty cells (a part whose zeros print empty). Other empty cells among the
    headings are no row's."""
    return len(values) == len(REVIEW_COLUMNS) or any(t.kind != "blank" for t in values)


_REVIEW_GROUP_WORDS = (
    ("review", "行政复议"),
    ("litigation_direct", "直接起诉"),
    ("litigation_after_review", "复议后起诉"),
)


def _review_group(texts: list[Token]) -> tuple[str, str] | None:
    """The one section 四 group that headings name, and the heading naming it; None when
    they name none, or more than one (the header of the table printed whole)."""
    named: dict[str, str] = {}
    for t in texts:
        for group, words in _REVIEW_GROUP_WORDS:
            if words in t.norm:
                named[group] = t.cell.text.strip()
    return next(iter(named.items())) if len(named) == 1 else None


_APPLICANT_NORMS = tuple(normalize(h) for h in APPLICANT_HEADERS)


def _without_padding(values: list[Token]) -> list[Token]:
    """A line's values less the empty cells after the last (a pipe line's trailing `|`)."""
    end = len(values)
    while end and values[end - 1].kind == "blank":
        end -= 1
    return values[:end]


def transposed_applications(runs: list[LabelledRun], mapping: Mapping) -> list[Found]:
    """Section 三 printed on its side: a header row of the row labels (本年新收 … 结转下年度),
    then one line per applicant type (自然人 … 总计) holding a value per row label.

    The header row tells which way the table runs: seven lines labelled with the
    applicant types in order, each with as many values as the header names rows.
    Each row's seven values are then read as the row printed the usual way round.
    """
    for i in range(len(runs) - len(_APPLICANT_NORMS) + 1):
        lines = runs[i : i + len(_APPLICANT_NORMS)]
        if not all(r.texts and r.texts[-1].norm == h for r, h in zip(lines, _APPLICANT_NORMS, strict=True)):
            continue
        header = lines[0].texts[:-1]
        if not header and i and all(t.kind == "blank" for t in runs[i - 1].values):
            header = runs[i - 1].texts  # a pipe header line ends in an empty cell
        keys: list[str] = []
        for tok in header:
            for piece in tok.cell.text.split():
                norm = normalize(piece)
                key = application_row(norm)
                if key is not None and not application_group(norm):
                    keys.append(key)
        values = [_without_padding(r.values) for r in lines]
        counts = {len(v) for v in values}
        if not keys or counts != {len(keys)} or len(set(keys)) != len(keys):
            mapping.warnings.append(
                "section 三 looks printed on its side (applicant types as rows) but its header "
                "does not name one row per column; not turned back"
            )
            return []
        mapping.warnings.append(
            f"section 三 printed on its side: {len(keys)} row labels across the header, "
            "applicant types down the side; read turned back"
        )
        return [
            Found("applications", key, f"{key} (transposed)", [v[j] for v in values], lines[0].start)
            for j, key in enumerate(keys)
        ]
    return []


def map_tables(doc: ReadDocument, report: Report) -> None:
    """Fill `report.cells`, `template`, `checks` and table warnings from the cell stream."""
    mapping = Mapping(torn=doc.own_line_values)
    tokens = tokenize(doc.cells)
    runs = labelled_runs(tokens)
    if doc.own_line_values:
        runs = own_line_runs(runs)
    runs = rejoin_split_rows(runs, mapping)
    found = find_rows(tokens, runs, mapping)
    turned = transposed_applications(runs, mapping)
    if turned:
        found = [f for f in found if f.table != "applications"] + turned
    template = detect_template(tokens, found, mapping)
    report.template = template

    # --- section 三 ---
    app_found = [f for f in found if f.table == "applications"]
    other_rows = (
        OTHER_ROWS_2021
        if any(f.row in OTHER_ROWS_2021 for f in app_found)
        else (
            OTHER_ROWS_2019
            if any(f.row == "other_handling" for f in app_found) or template != "2021"
            else OTHER_ROWS_2021
        )
    )
    found = _dedupe(found, _row_widths(template), mapping)
    mapping.blank_lines_separate = _blank_lines_separate(found, _row_widths(template))
    if other_rows == OTHER_ROWS_2021 and any(f.row == "other_handling" for f in found):
        # numbers on the (六) group label above its three sub-rows: a subtotal, not a key
        mapping.warnings.append("numbers on the （六）其他处理 group label (a subtotal) ignored")
        found = [f for f in found if f.row != "other_handling"]
    app_found = [f for f in found if f.table == "applications"]
    app_rows: list[RowOptions] = []
    app_equations = application_equations(other_rows)
    joined = _runs_cells_together(tokens)
    for f in app_found:
        name = f"applications.{f.row}"
        if _cut_off(f.start, f.values, tokens, len(APPLICANT_COLUMNS), name, mapping, joined):
            continue
        slots = _slots(name, APPLICANT_COLUMNS)
        opts = row_options(name, slots, f.values, app_equations, mapping, joined)
        if opts is not None:
            opts.label = f.label
            app_rows.append(opts)
    tables: set[str] = set()  # the tables with a cell placed
    bare_rows = _bare_row_options(
        app_found, mapping, other_rows, app_equations, joined, _review_heading(tokens, app_found)
    )
    if (bare_rows and _place_verified(app_rows, bare_rows, app_equations, report, mapping)) or _place(
        app_rows, app_equations, report, mapping
    ):
        tables.add("applications")

    # --- section 四 ---
    after = max([f.start for f in app_found] + mapping.split_labels, default=0)
    review: list[RowOptions] = []
    for f in review_rows(tokens, after):
        name = f"review_litigation.{f.row}" if f.row else "review_litigation"
        slots = _slots(name, REVIEW_COLUMNS) if f.row else REVIEW_KEYS
        if _cut_off(f.start, f.values, tokens, len(slots), name, mapping, joined):
            continue
        opts = row_options(name, slots, f.values, review_equations(), mapping, joined)
        if opts is not None:
            opts.label = f.label
            review.append(opts)
    if _place(review, review_equations(), report, mapping):
        tables.add("review_litigation")

    # --- section 二 ---
    pro_found = [f for f in found if f.table == "proactive"]
    if pro_found and template is None:
        mapping.warnings.append(
            "section 二 rows found but the template is unknown; their numbers are left out"
        )
    elif pro_found:
        header_units = _amount_units(tokens)
        pro_rows: list[RowOptions] = []
        for f in pro_found:
            spec = next(r for r in PROACTIVE_ROWS if r.key == f.row)
            columns = spec.columns.get(template or "")
            if not columns:
                mapping.warnings.append(f"row {f.label!r} is not part of the {template} template; ignored")
                continue
            name = f"proactive.{f.row}"
            if _cut_off(f.start, f.values, tokens, len(columns), name, mapping, joined):
                continue
            slots = _slots(name, columns)
            opts = row_options(name, slots, f.values, None, mapping, joined)
            if opts is not None:
                opts.label = f.label
                pro_rows.append(opts)
        if _place(pro_rows, [], report, mapping):
            tables.add("proactive")
        for key, unit in header_units.items():
            if key in report.cells and report.cells[key].unit is None:
                report.cells[key].unit = unit
        if template == "2021" and "proactive.fees.amount" in report.cells:
            report.cells["proactive.fees.amount"].unit = "万元"

    if not report.cells:
        mapping.warnings.append("no standard table found (no row of sections 二, 三 or 四 was recognised)")
    report.checks = evaluate_checks(report, other_rows, tables)
    report.warnings.extend(mapping.warnings)


def _bare_row_options(
    app_found: list[Found],
    mapping: Mapping,
    other_rows: tuple[str, ...],
    equations: Sequence[Equation],
    joined: bool,
    section_end: int | None = None,
) -> list[RowOptions]:
    """Rows of bare values (no label) between two recognised rows of section 三, or
    between the last one and `section_end` (section 四's heading), put in template order
    where their number is exactly the number of template rows missing between those two
    rows (a row that could be two template rows is never guessed). Whether they stay is
    for the arithmetic to say (`_place_verified`)."""
    if not mapping.bare or not app_found:
        return []
    order = application_rows(other_rows)
    position = {k: i for i, k in enumerate(order)}
    anchors = sorted((f for f in app_found if f.row in position), key=lambda f: f.start)
    have = {f.row for f in anchors}
    groups: dict[tuple[int, int | None], list[Found]] = {}
    for bare in mapping.bare:
        before = [a for a in anchors if a.start < bare.start]
        after = [a for a in anchors if a.start > bare.start]
        if before and after:
            groups.setdefault((before[-1].start, after[0].start), []).append(bare)
        elif before and section_end is not None and bare.start < section_end:
            groups.setdefault((before[-1].start, None), []).append(bare)  # the table's last rows
    by_start = {a.start: a for a in anchors}
    out: list[RowOptions] = []
    for (a, b), bares in groups.items():
        lo = position[by_start[a].row]
        hi = position[by_start[b].row] if b is not None else len(order)
        missing = [k for k in order[lo + 1 : hi] if k not in have]
        if len(missing) != len(bares) or lo >= hi:
            upto = by_start[b].row if b is not None else "the end of the table"
            mapping.warnings.append(
                f"{len(bares)} row(s) of values without a label between {by_start[a].row} and "
                f"{upto}, where {len(missing)} template row(s) are missing; left out"
            )
            continue
        for key, bare in zip(missing, sorted(bares, key=lambda f: f.start), strict=True):
            name = f"applications.{key}"
            opts = row_options(name, _slots(name, APPLICANT_COLUMNS), bare.values, equations, mapping, joined)
            if opts is not None:
                opts.label = f"(no label; row {key} by template order)"
                out.append(opts)
    return out


def _review_heading(tokens: list[Token], app_found: list[Found]) -> int | None:
    """Where section 四's heading follows the last recognised row of section 三, if it does."""
    after = max((f.start for f in app_found), default=0)
    return next(
        (
            i
            for i in range(after, len(tokens))
            if tokens[i].kind == "text" and "行政复议" in tokens[i].norm and len(tokens[i].norm) <= 40
        ),
        None,
    )


def _place_verified(
    rows: list[RowOptions],
    bare: list[RowOptions],
    equations: Sequence[Equation],
    report: Report,
    mapping: Mapping,
) -> bool:
    """Place `rows` with the unlabelled `bare` rows in their template places, keeping
    only the bare rows each of whose cells takes part in a column equation that holds
    (evaluated on the placed numbers). A bare row not confirmed is left out and the
    others are tried again without it (they may have leant on it). False, with nothing
    placed, when no bare row is confirmed."""
    trying = list(bare)
    while trying:
        trial = Report(source=report.source, format=report.format)
        scratch = Mapping()
        if not _place(rows + trying, equations, trial, scratch):
            return False
        values = {k: c.value for k, c in trial.cells.items()}
        unconfirmed = [row for row in trying if not _confirmed(row, equations, values)]
        for row in unconfirmed:
            mapping.warnings.append(
                f"rows of values without a label: the arithmetic does not confirm {row.name} "
                "in its template place; left out"
            )
        if not unconfirmed:
            report.cells.update(trial.cells)
            mapping.warnings.extend(scratch.warnings)
            mapping.warnings.append(
                "rows of values without a label placed in template order: "
                + ", ".join(r.name for r in trying)
                + " (each confirmed by the column sums)"
            )
            return True
        trying = [row for row in trying if row not in unconfirmed]
    return False


def _confirmed(row: RowOptions, equations: Sequence[Equation], values: dict[str, int | float | None]) -> bool:
    """Every cell of the row takes part in a column equation that holds exactly."""
    for slot in row.slots:
        column_eqs = [eq for eq in equations if slot in eq.left + eq.right and _spans_rows(eq)]
        if not any(_holds_exactly(eq, values) for eq in column_eqs):
            return False
    return True


def _spans_rows(eq: Equation) -> bool:
    """An equation between rows (a column's), not a row's own total."""
    return len({k.rsplit(".", 1)[0] for k in eq.left + eq.right}) > 1


def _holds_exactly(eq: Equation, values: dict[str, int | float | None]) -> bool:
    terms = eq.left + eq.right
    if any(values.get(k) is None for k in terms):
        return False
    left = sum(values[k] or 0 for k in eq.left)
    right = sum(values[k] or 0 for k in eq.right)
    return abs(left - right) < 1e-6


@lru_cache(maxsize=4)
def _row_widths(template: str | None) -> dict[tuple[str, str], int]:
    """How many cells each row of `template` has (a proactive row of no known template: 3)."""
    width = {("applications", r): 7 for r in APP_ORDER}
    for prow in PROACTIVE_ROWS:
        width[("proactive", prow.key)] = len(prow.columns.get(template or "", ())) or 3
    return width


@lru_cache(maxsize=256)
def _slots(row: str, columns: tuple[str, ...]) -> tuple[str, ...]:
    """The keys of a row's cells (`applications.disclosed` -> `applications.disclosed.total`, ...)."""
    return tuple(cell_key(row, c) for c in columns)


def _cut_off(
    start: int,
    values: list[Token],
    tokens: list[Token],
    width: int,
    name: str,
    mapping: Mapping,
    joined: bool = False,
) -> bool:
    """A short row that ends the document was cut off (a truncated copy), not printed short
    (in a document that runs cells together, a short row of digit strings is a run)."""
    if start + len(values) < len(tokens) or any(t.kind == "run" for t in values):
        return False
    if joined and sum(len(_digits(t) or "0") for t in values if t.kind != "blank") >= width:
        return False
    if len(values) >= width:
        return False
    mapping.warnings.append(f"{name}: the document ends inside this row; its numbers are left out")
    return True


def _amount_units(tokens: list[Token]) -> dict[str, str]:
    for tok in tokens:
        if tok.kind == "text" and "采购总金额" in tok.norm:
            if "万元" in tok.norm:
                return {"proactive.procurement.amount": "万元"}
            if "元" in tok.norm:
                return {"proactive.procurement.amount": "元"}
    return {}


def _place(rows: list[RowOptions], equations: Sequence[Equation], report: Report, mapping: Mapping) -> int:
    """Place the rows' numbers into `report.cells`, each with its row's printed label;
    return how many cells were placed."""
    unplaceable = [r for r in rows if not r.options]
    for r in unplaceable:
        mapping.warnings.append(f"{r.name}: {r.reason}; row left out")
    result = resolve([r for r in rows if r.options], equations)
    mapping.warnings.extend(result.warnings)
    row_label: dict[str, str | None] = {}  # slot -> the printed label of its row
    for r in rows:
        label = r.label or None
        for slot in r.slots:
            row_label[slot] = label
    cells = report.cells
    for key, cell in result.cells.items():
        cells[key] = CellValue(
            key, cell.value, cell.raw, cell.unit, cell.note, cell.placed, row_label[key], cell.box
        )
    for r in rows:  # an OCR'd cell in doubt keeps its text and box where the arithmetic placed it
        for key, doubt in r.unreadable.items():
            if key in cells:
                cells[key].raw = doubt.raw
                cells[key].box = doubt.box
                mapping.warnings.append(
                    f"{key}: OCR read {doubt.raw!r} in doubt; "
                    f"placed by the table's arithmetic: {cells[key].value}"
                )
    return len(result.cells)
