"""How every demo platform serves a report: its body, its attachment, its challenge."""

from __future__ import annotations

import calendar
import html
import time

from crawler.demo import corpus
from crawler.demo.catalog import DemoReport
from crawler.demo.web import Reply, challenge_412, challenge_wzws, gbk_attachment, http_date

EXT = {"pdf": "pdf", "both": "pdf", "docx": "docx"}


def ext(r: DemoReport) -> str | None:
    return EXT.get(r.form)


def body(r: DemoReport, attachment_url: str | None, link_attrs: str = "") -> str:
    """The report as its detail page carries it: inline tables, an attachment, or both."""
    parts = []
    if r.form in ("html", "both"):
        parts.append(corpus.body_html(r.title, r.text_index, r.revision))
    else:
        parts.append(f"<p>{html.escape(r.title)}已经公开，详见附件。</p>")
    if attachment_url and ext(r):
        parts.append(
            f'<p class="attach">附件：<a href="{attachment_url}" {link_attrs}>'
            f"{html.escape(r.title)}.{ext(r)}</a></p>"
        )
    return "\n".join(parts)


def attachment_bytes(r: DemoReport) -> bytes:
    data = corpus.attachment("docx" if r.form == "docx" else "pdf")
    if r.revision:  # a re-upload: same document, new bytes
        data += b"\n%% revision " + str(r.revision).encode() + b"\n"
    return data


def attachment_reply(r: DemoReport, *, gbk_name: bool = False, content_type: str | None = None) -> Reply:
    kind = ext(r) or "pdf"
    ctype = (
        content_type
        or {
            "pdf": "application/pdf",
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
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
