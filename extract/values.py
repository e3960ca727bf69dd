"""Reading the printed text of a table cell as a number.

`7(市自然资源局)` is 7 with a note, `+118` is 118 and `-260` is -260, `251000元` is
251000 in 元, `1,234` is 1234; an empty cell or `-`, `—`, `/`, `无` is a blank
(None), with the printed text kept by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.nfkc import nfkc
from extract.textcache import short_text_cache

BLANK_TEXTS = frozenset({"", "-", "--", "—", "——", "–", "―", "/", "\\", "无", "空", "—-", "－", "/-", "×"})

_NUMBER = re.compile(
    r"""^(?P<sign>[+\-−])?\s*
    (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*
    (?P<unit>万元|元|件|项|个|条|次|宗|笔)?\s*
    (?:\((?P<note>[^()]*)\))?\s*$""",
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Parsed:
    """A cell read as a value: `kind` is "number" or "blank"."""

    kind: str
    value: int | float | None = None
    unit: str | None = None
    note: str | None = None


BLANK = Parsed("blank")


@short_text_cache()
def parse_value(text: str) -> Parsed | None:
    """The value a cell prints, or None when the cell is not a value (a label, prose)."""
    t = nfkc(text).strip().replace("\u3000", "")
    if t in BLANK_TEXTS:
        return BLANK
    if len(t) > 40:
        return None
    m = _NUMBER.match(t)
    if not m:
        return None
    num = m["num"].replace(",", "")
    value: int | float
    value = float(num) if "." in num else int(num)
    if m["sign"] in ("-", "−"):
        value = -value
    return Parsed("number", value, m["unit"], m["note"])


def is_value(text: str) -> bool:
    return parse_value(text) is not None
