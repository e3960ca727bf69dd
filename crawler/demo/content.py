"""Report bodies for the demo portals, built from real report texts shipped here.

A text line holding `|` separators becomes a table row (the corpus keeps the tables
that way); other lines become paragraphs. Attachments are real PDF/DOCX files.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

CONTENT = Path(__file__).with_name("content")
TEXTS = ("baicheng-2019.txt", "y2019-03.txt", "y2019-07.txt", "y2019-10.txt", "y2019-14.txt", "y2019-16.txt")


@cache
def text(name: str) -> str:
    return (CONTENT / name).read_text(encoding="utf-8")


@cache
def attachment(kind: str) -> bytes:
    """Bytes of a real report file: "pdf" or "docx"."""
    return (CONTENT / f"report-sample.{kind}").read_bytes()


def body_html(title: str, text_index: int, revision: int = 0) -> str:
    """Inline HTML of a report: the title, then the text with its tables as <table>."""
    lines = text(TEXTS[text_index % len(TEXTS)]).splitlines()
    out: list[str] = []
    rows: list[str] = []

    def flush() -> None:
        if rows:
            out.append('<table border="1" cellspacing="0">' + "".join(rows) + "</table>")
            rows.clear()

    for line in lines[1:]:
        line = line.strip()
        if not line:
            continue
        if "|" in line:
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows.append("<tr>" + "".join(f"<td>{html.escape(c) or '&nbsp;'}</td>" for c in cells) + "</tr>")
        else:
            flush()
            out.append(f"<p>{html.escape(line)}</p>")
    flush()
    if revision:
        out.insert(0, f"<p>（更正）本报告于第{revision}次修订后重新发布。</p>")
    return f'<p style="text-align:center"><strong>{html.escape(title)}</strong></p>' + "\n".join(out)
