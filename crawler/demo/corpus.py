"""The real documents in `content/` (a report text, a PDF) and scans made of the PDF.

Most demo reports are generated (`synth.demo_report`, `word.report_docx`); a few are
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


SCAN_DPI = 150


@cache
def _pages(name: str) -> list:  # PIL images of a real PDF's pages, as a 150 dpi scanner sees them
    import pypdfium2  # a pdfplumber dependency

    pdf = pypdfium2.PdfDocument((CONTENT / name).read_bytes())
    try:
        return [page.render(scale=SCAN_DPI / 72).to_pil().convert("L") for page in pdf]
    finally:
        pdf.close()


def _jpeg(image) -> bytes:
    from io import BytesIO

    buf = BytesIO()
    image.save(buf, "JPEG", quality=70)
    return buf.getvalue()


@cache
def scan_jpg() -> bytes:
    """A real report (淮安市人民政府 2024) scanned into one tall JPEG, its pages one
    under the other: the JPG attachment a portal links as the report. Its title page and
    the three pages of its tables only (pages 1, 3-5 of 6), to keep the demo's OCR short."""
    from PIL import Image

    pages = [_pages("report-huaian-szfgs-2024.pdf")[i] for i in (0, 2, 3, 4)]
    tall = Image.new("L", (max(p.width for p in pages), sum(p.height for p in pages)), 255)
    y = 0
    for p in pages:
        tall.paste(p, (0, y))
        y += p.height
    return _jpeg(tall)


@cache
def scan_page_jpgs() -> tuple[bytes, ...]:
    """A real report (淮安市洪泽区 2023) scanned a JPEG per page: the `<img>`s of a page
    whose body is the scanned report."""
    return tuple(_jpeg(p) for p in _pages("report-hongze-2023.pdf"))


@cache
def scan_pdf() -> bytes:
    """The sample report's first three pages (title, sections 二 and 三) as an image-only PDF."""
    from io import BytesIO

    pages = _pages("report-sample.pdf")[:3]
    buf = BytesIO()
    pages[0].save(buf, "PDF", resolution=SCAN_DPI, save_all=True, append_images=pages[1:], quality=70)
    return buf.getvalue()


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
