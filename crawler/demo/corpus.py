"""The real documents in `content/` (a report text, a PDF) and a stand-in scan.

Most demo reports are generated (`synth.demo_report`, `synth.render_docx`); a few are
served from real report texts, whose lines holding `|` separators become table rows
(the corpus keeps the tables that way) and whose other lines become paragraphs.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

CONTENT = Path(__file__).with_name("content")


@cache
def text(name: str) -> str:
    return (CONTENT / name).read_text(encoding="utf-8")


@cache
def attachment(kind: str) -> bytes:
    """Bytes of a real report file ("pdf"): the attachment every PDF link serves."""
    return (CONTENT / f"report-sample.{kind}").read_bytes()


@cache
def scan_png(width: int = 240, height: int = 60) -> bytes:
    """A real (grey, striped) PNG standing in for a scanned report page."""
    import struct
    import zlib

    rows = b"".join(
        b"\x00" + bytes(255 if (x // 8 + y // 8) % 2 else 40 for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def text_html(name: str, title: str, revision: int = 0) -> str:
    """Inline HTML of a real report text: the title, then the text with its tables as <table>."""
    lines = text(name).splitlines()
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
