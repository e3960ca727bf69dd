"""开普云/UCAP ministry channel: `common_zfxxgknb.shtml`, `common_zfxxgknb_2.shtml` …
announced by `createPageHTML('page_div', N, cur, …)`, `/cNNN/cDOC/content.shtml`
detail pages with `#UCAP-CONTENT`, PDF attachments under `…/files/`."""

from __future__ import annotations

import hashlib
import html
import re

from crawler.demo import corpus, reports
from crawler.demo.catalog import DemoReport, Site
from crawler.demo.web import Reply, page, shell

_LIST = re.compile(r"^/(c\d+)/common_zfxxgknb(?:_(\d+))?\.shtml$")
_DETAIL = re.compile(r"^/(c\d+)/c(\d+)/content\.shtml$")
_FILE = re.compile(r"^/(c\d+)/c(\d+)/files/([0-9a-f]{32})\.(?:pdf|jpg)$")
_SCAN = re.compile(r"^/(c\d+)/c(\d+)/W0(\d+)_(\d+)\.jpg$")


def _file(site: Site, r: DemoReport) -> str:
    name = hashlib.md5(r.uid.encode()).hexdigest()
    return f"{site.prefix}/{r.column}/c{r.docid}/files/{name}.{reports.ext(r) or 'pdf'}"


def render(site: Site, req, srv) -> Reply | None:
    path = req.path[len(site.prefix) :]
    m = _LIST.match(path)
    if m:
        col = site.column(m.group(1))
        if col is None:
            return None
        items = col.listing(srv.faults)
        count = max(1, -(-len(items) // site.page_size))
        n = int(m.group(2) or 1)
        if n > count:
            return None
        lis = "".join(
            f'<li><a href="{site.prefix}/{col.key}/c{r.docid}/content.shtml" title="{html.escape(r.title)}"'
            f' target="_blank">{html.escape(r.title)}</a><span class="date">{r.date}</span></li>'
            for r in items[(n - 1) * site.page_size : n * site.page_size]
        )
        script = (
            f"<script>createPageHTML('page_div', {count}, {n}, 'common_zfxxgknb', 'shtml', {len(items)});"
            "</script>"
        )
        return page(
            shell(
                col.name,
                f'<div class="list"><ul>{lis}</ul></div><div id="page_div"></div>',
                metas={"ColumnName": col.name},
                script=script,
            )
        )
    m = _DETAIL.match(path)
    if m:
        r = site.report(m.group(2))
        if r is None:
            return None
        inner = reports.body(r, _file(site, r))
        if r.form == "images":  # a scanned report: its pages as <img>s, nothing else
            inner = "".join(
                f'<p style="text-align:center"><img src="./W0{r.docid}_{n}.jpg" alt=""></p>'
                for n in range(1, len(corpus.scan_page_jpgs()) + 1)
            )
        body = (
            f'<div class="logo"><img src="{site.prefix}/images/logo.png"></div>'
            f'<h1>{html.escape(r.title)}</h1><div id="UCAP-CONTENT">{inner}</div>'
        )
        reply = page(shell(r.title, body, metas={"ArticleTitle": r.title, "PubDate": r.date}))
        reply.cacheable, reply.last_modified = True, reports.http_date(r.date)
        return reply
    m = _SCAN.match(path)
    if m:
        r = site.report(m.group(2))
        n = int(m.group(4))
        if r is None or r.form != "images" or not 1 <= n <= len(corpus.scan_page_jpgs()):
            return None
        reply = Reply(200, corpus.scan_page_jpgs()[n - 1], [("Content-Type", "image/jpeg")], cacheable=True)
        reply.last_modified = reports.http_date(r.date)
        return reply
    m = _FILE.match(path)
    if m:
        r = site.report(m.group(2))
        return reports.attachment_reply(r) if r and reports.ext(r) else None
    return None
