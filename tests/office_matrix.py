"""The rendering matrix of PDF and Word reports: which renderings, and how to score them.

Why: agencies fill the national tables into Word and export them with an office suite,
so the same numbers reach us in many page layouts. Each rendering here is one
`MatrixCase`: a truth (a real report of tests/corpus, or tables drawn by
`crawler/demo/synth.py`), a template (2021: the official Word template; 2019: the
document `tests/make_documents.py` builds from report-format.md) and a `Style` (page,
margins and fonts, label widths, blank cells, headings, section 四's shape, repeated
headers, section 四 glued under 三, rows that break across pages).

The dimensions are crossed pairwise (every pair of values of any two dimensions is in
some rendering), not fully: the full product is thousands of renderings; pairwise is
a few dozen, which LibreOffice renders in one start. Each pairwise case is rendered
with several amounts of blank space before section 三, so that the page breaks fall
before different rows.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.demo.synth import RandomChoices, generate_tables
from extract.model import Report
from tests.make_documents import PAGES, Style, printed

CORPUS = Path(__file__).parent / "corpus"
# real reports whose truth covers every cell of their template
CORPUS_TRUTHS = {
    "2019": [CORPUS / "seed" / "baicheng-2019.json"],
    "2021": [
        CORPUS / "dev-pdf" / "hongze-2023.json",
        CORPUS / "dev-pdf" / "hongze-2024.json",
        CORPUS / "dev-pdf" / "huaian-szfgs-2024.json",
    ],
}
DIMENSIONS: dict[str, tuple[Any, ...]] = {
    "template": ("2019", "2021"),
    "page": tuple(PAGES),
    "pages": (1, 2, 3, 4),  # the section 三 table over about this many pages
    "narrow_labels": (False, True),
    "blank_zeros": (False, True),
    "tight": (False, True),
    "review_split": (False, True),
    "repeat_header": (False, True),
    "glued": (False, True),
    "rows_split": (False, True),
    "truth": ("corpus", "synth"),
}
SPACERS_PER_CASE = 2  # renderings of each pairwise case, each with its page breaks elsewhere
APPLICATION_ROWS = {"2019": 26, "2021": 28}  # header rows + data rows of section 三


def pairwise(dimensions: dict[str, tuple[Any, ...]], seed: int = 17) -> list[dict[str, Any]]:
    """Combinations covering every pair of values of every two dimensions (greedy, AETG).

    Each step draws candidates, each built value by value to cover the most pairs not
    yet covered, and keeps the best; deterministic for a seed.
    """
    rnd = random.Random(seed)
    names = list(dimensions)
    uncovered = {
        (a, va, b, vb)
        for i, a in enumerate(names)
        for b in names[i + 1 :]
        for va in dimensions[a]
        for vb in dimensions[b]
    }

    def gain(combo: dict[str, Any]) -> int:
        keys = list(combo)
        return sum((a, combo[a], b, combo[b]) in uncovered for i, a in enumerate(keys) for b in keys[i + 1 :])

    out: list[dict[str, Any]] = []
    while uncovered:
        best, best_gain = None, -1
        for _ in range(30):
            order = names[:]
            rnd.shuffle(order)
            combo: dict[str, Any] = {}
            for name in order:
                options = list(dimensions[name])
                rnd.shuffle(options)
                combo[name] = max(options, key=lambda v: gain({**combo, name: v}))
            combo = {n: combo[n] for n in names}
            g = gain(combo)
            if g > best_gain:
                best, best_gain = combo, g
        assert best is not None
        out.append(best)
        keys = list(best)
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                uncovered.discard((a, best[a], b, best[b]))
    return out


@dataclass
class MatrixCase:
    name: str
    template: str
    info: dict[str, Any]  # title, year, template
    truth: dict[str, Any]  # key -> number or None, every cell of the template
    raw: dict[str, str]  # key -> printed text
    style: Style
    dims: dict[str, Any]

    @property
    def expected(self) -> dict[str, Any]:
        """What a careful reader gets from the printed document: a 0 printed blank is blank."""
        if not self.style.blank_zeros:
            return dict(self.truth)
        return {k: (None if self.raw[k].strip() == "0" else v) for k, v in self.truth.items()}


def _truth(template: str, source: str, n: int) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """(info, truth, printed texts) of the n-th truth of a kind."""
    from extract.template import all_keys

    if source == "corpus":
        files = CORPUS_TRUTHS[template]
        info = json.loads(files[n % len(files)].read_text(encoding="utf-8"))
        truth = {k: info["truth"].get(k) for k in all_keys(template)}
        raw = {k: printed(v) for k, v in truth.items()}
        return {"title": info["title"], "year": info["year"], "template": template}, truth, raw
    t = generate_tables(RandomChoices(1700 + n), template)
    year = 2020 if template == "2019" else 2023
    title = f"示例县第{n + 1}局{year}年政府信息公开工作年度报告"
    return {"title": title, "year": year, "template": template}, dict(t.values), dict(t.raw)


def matrix_cases() -> list[MatrixCase]:
    """Every rendering of the matrix, named `m01a`, `m01b`, … (case, then spacer)."""
    cases = []
    for i, dims in enumerate(pairwise(DIMENSIONS)):
        _page_w, page_h = PAGES[dims["page"]]
        for j in range(SPACERS_PER_CASE):
            margin = 12.0 if dims["pages"] == 1 else (15.0, 25.0, 20.0, 30.0)[(i + j) % 4]
            usable = (page_h - 2 * margin) / 25.4 * 72  # pt
            rows = APPLICATION_ROWS[dims["template"]]
            p = dims["pages"]
            row_height = 0.0 if p == 1 else round(usable * (p - 0.55) / rows, 1)
            # the blank space before section 三: spread over the page (a van der Corput step)
            k = i * SPACERS_PER_CASE + j + 1
            frac = sum(((k >> b) & 1) / 2 ** (b + 1) for b in range(8))
            style = Style(
                page=dims["page"],
                margin=margin,
                font=8.0 if p == 1 else (9.0, 10.5, 12.0)[(i + j) % 3],
                row_height=row_height,
                spacer=0.0 if p == 1 else round(frac * usable * 0.85, 1),
                new_page=p == 1,
                compact=p == 1,
                narrow_labels=dims["narrow_labels"],
                blank_zeros=dims["blank_zeros"],
                tight=dims["tight"],
                review_split=dims["review_split"],
                repeat_header=dims["repeat_header"],
                glued=dims["glued"],
                rows_split=dims["rows_split"],
            )
            info, truth, raw = _truth(dims["template"], dims["truth"], k)
            cases.append(
                MatrixCase(f"m{i + 1:02d}{'abcdefgh'[j]}", dims["template"], info, truth, raw, style, dims)
            )
    return cases


SWEEP_ROWS_PER_PAGE = 6


def break_sweep_cases() -> list[MatrixCase]:
    """Renderings whose page breaks fall before every row of section 三, the last too.

    Every table row is made so tall that a page holds six; section 三 opens a page,
    and each rendering adds one more row's height of space above its table, which
    moves every break one row up. Six renderings per template.
    """
    cases = []
    for t_i, template in enumerate(("2019", "2021")):
        usable = (PAGES["A4"][1] - 2 * 20.0) / 25.4 * 72
        height = round(usable / (SWEEP_ROWS_PER_PAGE + 0.5), 1)
        for i in range(SWEEP_ROWS_PER_PAGE):
            style = Style(
                page="A4",
                margin=20.0,
                font=10.5,
                row_height=height,
                spacer=round(i * height, 1),
                new_page=True,
            )
            source = ("corpus", "synth")[i % 2]
            info, truth, raw = _truth(template, source, 100 + 10 * t_i + i)
            dims = {"template": template, "truth": source, "sweep": i}
            cases.append(
                MatrixCase(f"s{template[2:]}{'abcdefgh'[i]}", template, info, truth, raw, style, dims)
            )
    return cases


@dataclass
class Score:
    right: int
    absent: list[str]
    wrong: list[str]  # "key: expected x, got y"

    @property
    def recall(self) -> float:
        total = self.right + len(self.absent) + sum(1 for w in self.wrong if "expected" in w)
        return self.right / total if total else 1.0


def score(report: Report, expected: dict[str, Any]) -> Score:
    """Each expected cell right, absent, or wrong; a cell not in the template is wrong."""
    right, absent, wrong = 0, [], []
    for key, want in expected.items():
        cell = report.cells.get(key)
        if cell is None:
            absent.append(key)
        elif cell.value == want or (
            isinstance(want, float) and cell.value is not None and abs(cell.value - want) < 1e-9
        ):
            right += 1
        else:
            wrong.append(f"{key}: expected {want!r}, got {cell.value!r}")
    wrong += [
        f"{key}: not in the template, got {c.value!r}"
        for key, c in report.cells.items()
        if key not in expected
    ]
    return Score(right, absent, wrong)
