"""Normalising printed labels and matching them to the template's rows.

Printed labels vary: full-width and half-width brackets, curly or straight quotes,
spaces and line breaks inside labels (`商业 企业`), annotations in brackets after a
label (`现行有效件数（历史累计）`), enumerations that restart per group (`1.` `1、`
`（1）`), Traditional characters on mirror sites, and the odd dropped character
(`其他法律行政止公开`). Everything here works on the normalised form.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from extract.nfkc import nfkc
from extract.template import (
    APPLICATION_GROUPS,
    APPLICATION_LABELS,
    APPLICATION_ROWS,
    PROACTIVE_ROWS,
    compiled,
)
from extract.textcache import short_text_cache

_DROP = re.compile(r"[\s\"'“”‘’「」『』〝〞]+")
_ENUM = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.,．]|\(?[一二三四五六七八九十]+\)|\(?\d{1,2}\)|\d{1,2}[.、,．:]|[①②③④⑤⑥⑦⑧⑨⑩])"
)
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")


@short_text_cache()
def normalize(text: str) -> str:
    """NFKC, no whitespace, no quotes: the form every label comparison uses."""
    return _DROP.sub("", nfkc(text))


def strip_enumeration(label: str) -> str:
    """Remove leading enumerations: `三、`, `(一)`, `1.`, `1、`, `(1)` (repeatedly)."""
    while True:
        stripped = _ENUM.sub("", label, count=1)
        if stripped == label:
            return label
        label = stripped


def strip_trailing_note(label: str) -> str:
    """Remove a trailing bracketed annotation: `现行有效件数(历史累计)` -> `现行有效件数`."""
    while True:
        stripped = _TRAILING_NOTE.sub("", label)
        if stripped == label or not stripped:
            return label
        label = stripped


_converter: Any = None


def to_simplified(text: str) -> str:
    """Traditional -> Simplified (OpenCC), for labels copied from mirror sites."""
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("t2s")
    return _converter.convert(text)


def _core(label: str) -> str:
    return strip_trailing_note(strip_enumeration(label))


def _match_patterns(core: str, full: str, patterns: dict[str, str]) -> str | None:
    for key, pattern in patterns.items():
        rx = compiled(pattern)
        m = rx.match(core) or rx.match(full)
        if m:
            return None if _another_label_follows(m.string[m.end() :]) else key
    return None


_LEADING_NOTE = re.compile(r"^\([^()]*\)")


def _another_label_follows(rest: str) -> bool:
    """Whether the text after a row's label starts the next enumerated label
    (`3.补正后申请…`, `（三）不予公开…`, also after notes such as `(已办结)`): a cell
    holding the labels of two rows, or lines of two labels joined, names neither row for
    certain."""
    while True:
        m = _ENUM.match(rest)
        if m is not None and _HAS_CJK.match(rest, m.end()) is not None:
            return True
        note = _LEADING_NOTE.match(rest)
        if note is None:
            return False
        rest = rest[note.end() :]


def _peel_group(label: str) -> str | None:
    """`本年度办理结果(三)不予公开1.属于国家秘密` -> `(三)不予公开1.属于国家秘密`."""
    body = strip_enumeration(label)
    for pattern in APPLICATION_GROUPS.values():
        m = compiled(pattern.rstrip("$")).match(body)
        if m and m.end() < len(body):
            return body[m.end() :]
    m = compiled("其他处理").match(body)
    if m and m.end() < len(body):
        return body[m.end() :]
    return None


@short_text_cache()
def application_row(norm: str) -> str | None:
    """The `applications` row key a normalised label names, or None.

    Group labels that were merged in front of a row label (a flattened rowspan) are
    peeled off first. `其他` and `总计` are returned as candidates; whether they are
    really rows (and not column headers) is for the table reader to decide by order.
    """
    label = norm
    for _ in range(4):
        stripped = strip_enumeration(label)
        key = _match_patterns(strip_trailing_note(stripped), stripped, APPLICATION_ROWS)
        if key:
            return key
        peeled = _peel_group(label)
        if peeled is None:
            break
        label = peeled
    if _HAS_CJK.search(norm):
        simplified = to_simplified(norm)
        if simplified != norm:
            return application_row(simplified)
    return None


@short_text_cache()
def application_group(norm: str) -> str | None:
    core = _core(norm)
    for key, pattern in APPLICATION_GROUPS.items():
        if compiled(pattern).match(core):
            return key
    return None


def fuzzy_application_row(norm: str, allowed: tuple[str, ...], cutoff: float = 0.8) -> str | None:
    """Match a garbled label (a dropped or wrong character) to one of the `allowed` rows.

    Only a single clear winner is accepted: the best ratio must reach `cutoff` and
    beat the runner-up by a margin, else None (never a silent guess).
    """
    core = _core(norm)
    if len(core) < 4:
        return None
    scored = sorted(
        ((difflib.SequenceMatcher(None, core, APPLICATION_LABELS[k]).ratio(), k) for k in allowed),
        reverse=True,
    )
    if not scored or scored[0][0] < cutoff:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < 0.15:
        return None
    return scored[0][1]


@short_text_cache()
def proactive_row(norm: str) -> str | None:
    """The `proactive` row key a normalised label names (`规章`, `行政许可`, ...), or None."""
    core = _core(norm)
    for row in PROACTIVE_ROWS:
        if compiled(row.pattern).match(core):
            return row.key
    if _HAS_CJK.search(norm):
        simplified = to_simplified(norm)
        if simplified != norm:
            return proactive_row(simplified)
    return None
