"""How every demo platform serves a report: its body, its attachment, its challenge."""

from __future__ import annotations

import calendar
import html
import time
from functools import cache

from crawler.demo import corpus, synth, word
from crawler.demo.catalog import DemoReport
from crawler.demo.web import Reply, challenge_412, challenge_wzws, gbk_attachment, http_date

EXT = {"pdf": "pdf", "both": "pdf", "docx": "docx", "scan": "pdf", "jpg": "jpg"}


def ext(r: DemoReport) -> str | None:
    return EXT.get(r.form)


def body(r: DemoReport, attachment_url: str | None, link_attrs: str = "") -> str:
    """The report as its detail page carries it: inline tables, an attachment, or both."""
    parts = []
    if r.form in ("html", "both"):
        parts.append(html_report(r))
    else:
        parts.append(f"<p>{html.escape(r.title)}已经公开，详见附件。</p>")
    if attachment_url and ext(r):
        parts.append(
            f'<p class="attach">附件：<a href="{attachment_url}" {link_attrs}>'
            f"{html.escape(r.title)}.{ext(r)}</a></p>"
        )
    return "\n".join(parts)


def html_report(r: DemoReport) -> str:
    """The inline report: a real text where the catalog names one, else generated."""
    if r.text:
        return corpus.text_html(r.text, r.title, r.revision)
    return synth.demo_report(r.agency, r.year, r.date, r.revision).html


def attachment_bytes(r: DemoReport) -> bytes:
    """A DOCX is the report itself, written in Word; a PDF is the real sample PDF."""
    if r.form == "docx":
        return _docx(r.agency, r.year, r.date, r.revision)
    if r.form == "scan":  # an image-only PDF: read by OCR
        return corpus.scan_pdf()
    if r.form == "jpg":  # a scanned report as one tall JPEG: read by OCR
        return corpus.scan_jpg()
    data = corpus.attachment("pdf")
    if r.revision:  # a re-upload: same document, new bytes
        data += b"\n%% revision " + str(r.revision).encode() + b"\n"
    return data


@cache
def _docx(agency: str, year: int, published: str, revision: int) -> bytes:
    return word.report_docx(synth.demo_report(agency, year, published, revision))


def attachment_reply(r: DemoReport, *, gbk_name: bool = False, content_type: str | None = None) -> Reply:
    kind = ext(r) or "pdf"
    ctype = (
        content_type
        or {
            "pdf": "application/pdf",
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "jpg": "image/jpeg",
        }[kind]
    )
    data = attachment_bytes(r)
    if gbk_name:
        reply = gbk_attachment(data, f"{r.title}.{kind}", ctype)
    else:
        reply = Reply(200, data, [("Content-Type", ctype)], cacheable=True)
    reply.last_modified = http_date(r.date)
    return reply


def guarded(r: DemoReport, faults: set[str]) -> Reply | None:
    """The challenge standing in front of this report, if its fault is on."""
    if r.guard and r.guard in faults:
        return challenge_412() if r.guard == "challenge" else challenge_wzws()
    return None


def http_date_ts(iso_date: str) -> float:
    """Unix seconds of an ISO date (gkmlpt's `create_time`)."""
    return calendar.timegm(time.strptime(iso_date, "%Y-%m-%d"))
