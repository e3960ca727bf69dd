"""A report held inside a script string or as escaped markup, unescaped for the HTML reader.

Portals that render with JavaScript deliver the report as a string in a script
(`var content = "<p style='…'>…<table>…</table>"`, with `\\"`, `\\n` and `\\uXXXX`
escapes); text files saved from such pages hold the same string; other pages print the
markup HTML-escaped (`&lt;td&gt;`), so a browser shows tags as text. `embedded_markup`
finds such a report and returns it as plain HTML, or None when the document holds none
(most pages: the check costs a few substring searches).
"""

from __future__ import annotations

import html
import re
from typing import NamedTuple

# a JavaScript string literal, double- or single-quoted, escapes included, where a value
# starts (after `=`, `(`, `:`, `,`, `+` or `[`): so that the text between two quoted
# HTML attributes is never taken for one
_JS_STRING = re.compile(r'[=(:,+\[]\s*(?:"((?:[^"\\\n]|\\.){40,})"|\'((?:[^\'\\\n]|\\.){40,})\')', re.DOTALL)
_JS_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.DOTALL)
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "b": "", "f": "", "v": "", "0": ""}
_TAG = re.compile(r"<(?:td|th|tr|p|div|br|table)[\s>/]", re.IGNORECASE)
_ESCAPED_TAG = re.compile(r"&lt;(?:td|th|tr|p|div|br|table)(?:\s|&gt;|/)", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]*>")
_ESCAPED_LT = re.compile(r"\\u003c|\\x3c", re.IGNORECASE)  # `<` escaped in a script string
_SCRIPT_START = re.compile("<script", re.IGNORECASE)
_SCRIPT_END = re.compile(r"</script", re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")
MIN_TAGS = 6  # a report has many more; fewer is a widget, not a report
REPORT_WORDS = ("信息公开", "政务公开")


class Embedded(NamedTuple):
    """A report's markup found in a document. `whole` is True for a script string, which
    was read up to its closing quote; escaped markup ends where the document does, so
    whether it was cut off is for the HTML reader to tell."""

    markup: str
    whole: bool


def _js_unescape(body: str) -> str:
    def one(m: re.Match[str]) -> str:
        esc = m.group(1)
        if esc.startswith("u{"):
            return chr(int(esc[2:-1], 16))
        if esc[0] == "u" and len(esc) == 5:
            return chr(int(esc[1:], 16))
        if esc[0] == "x" and len(esc) == 3:
            return chr(int(esc[1:], 16))
        return _SIMPLE.get(esc, esc)

    return _JS_ESCAPE.sub(one, body)


def _script_markup(text: str) -> str | None:
    """The longest script string that holds table cells once unescaped."""
    if "<" not in text and not _ESCAPED_LT.search(text):
        return None
    best: str | None = None
    for m in _JS_STRING.finditer(text):
        raw = m.group(1) if m.group(1) is not None else m.group(2)
        markup = _js_unescape(raw) if "\\" in raw else raw
        if (
            len(_TAG.findall(markup)) >= MIN_TAGS
            and any(w in markup for w in REPORT_WORDS)
            and (best is None or len(markup) > len(best))
        ):
            best = markup
    return best


def _cjk(markup: str) -> int:
    """The Chinese characters of a piece of markup's text (tags left out)."""
    return len(_CJK.findall(_ANY_TAG.sub("", markup)))


def _script_bodies(page: str) -> str:
    """The text of the page's `<script>` elements, joined. (Nearly every page has
    scripts, and nearly none holds the report there: the tags are found by case-blind
    searches, not in a lower-cased copy of the whole page.)"""
    bodies = []
    pos = 0
    while start := _SCRIPT_START.search(page, pos):
        open_end = page.find(">", start.end())
        end = _SCRIPT_END.search(page, open_end) if open_end >= 0 else None
        if end is None:
            break
        bodies.append(page[open_end + 1 : end.start()])
        pos = end.end()
    return "\n".join(bodies)


def embedded_markup(text: str, *, html_page: bool = False) -> Embedded | None:
    """The report's HTML when `text` (an HTML page, or a text file) holds it in a script
    string or escaped, with more table cells than the page itself shows."""
    scripts = _script_bodies(text) if html_page else text
    markup = _script_markup(scripts) if scripts else None
    if markup is not None:
        # a script string holding more of the report than the page shows outside scripts
        shown = _cjk(text) - _cjk(scripts) if html_page else 0
        return Embedded(markup, whole=True) if _cjk(markup) > shown else None
    if (
        "&lt;" in text
        and len(_ESCAPED_TAG.findall(text)) >= MIN_TAGS
        and any(w in text for w in REPORT_WORDS)
    ):
        return Embedded(html.unescape(text), whole=False)
    return None
