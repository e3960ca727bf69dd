"""A small county CMS (Anhui style) in GB2312 without an HTTP charset: table-row lists
(`td.huise`, `[YYYY-MM-DD]`) paged only through "下一页" links, `onclick` links,
a `location.href` stub, a PDF in a pdf.js viewer iframe (with a BOM before `%PDF-`),
DOCX attachments served as text/plain with GBK names. Faults: `errors500` (list pages
fail twice first), `soft404` (a listed report whose page says 页面不存在)."""

from __future__ import annotations

import html
import re

from crawler.demo import reports
from crawler.demo.catalog import DemoReport, Site
from crawler.demo.web import Reply, gbk_attachment, page, shell, soft_404

ENC = "gb18030"
_LIST = re.compile(r"^/XxgkContent/showList/182/0/page_(\d+)\.html$")
_SHOW = re.compile(r"^/XxgkAnnualReport/(show|view)/(\d+)\.html$")
_FILE = re.compile(r"^/uploads/(\d+)\.(pdf|docx)$")


def _gbk_page(text: str, status: int = 200) -> Reply:
    return page(text, encoding=ENC, charset_header=False, status=status)


def list_page(site: Site, n: int, srv) -> Reply | None:
    items = site.columns[0].listing(srv.faults)
    last = max(1, -(-len(items) // site.page_size))
    if n < 1 or n > last:
        return None
    if "errors500" in srv.faults and srv.hit(f"list{n}") <= 2:
        return _gbk_page("<html><body>服务器忙，请稍后再试</body></html>", status=500)
    rows = []
    for r in items[(n - 1) * site.page_size : n * site.page_size]:
        href = f"{site.prefix}/XxgkAnnualReport/show/{r.docid}.html"
        link = (
            f'<a href="javascript:void(0);" onclick="window.open(\'{href}\')">{html.escape(r.title)}</a>'
            if r.quirk == "onclick"
            else f'<a href="{href}" target="_blank">{html.escape(r.title)}</a>'
        )
        rows.append(f'<tr><td class="title">{link}</td><td class="huise">[{r.date}]</td></tr>')
    pager = [f"<span>共{len(items)}条 第{n}/{last}页</span>", '<a href="page_1.html">首页</a>']
    if n > 1:
        pager.append(f'<a href="page_{n - 1}.html">上一页</a>')
    if n < last:
        pager.append(f'<a href="page_{n + 1}.html">下一页</a>')
    pager.append(f'<a href="page_{last}.html">尾页</a>')
    body = (
        f'<table class="list" id="table1"><tbody>{"".join(rows)}</tbody></table>'
        f'<div class="pagination">{" ".join(pager)}</div>'
    )
    return _gbk_page(shell("政府信息公开年报", body, charset="gb2312"))


def detail(site: Site, r: DemoReport) -> Reply:
    if r.quirk == "viewer":
        att = (
            f'<iframe src="{site.prefix}/pdfjs/web/viewer.html?file={site.prefix}/uploads/{r.docid}.pdf" '
            'width="100%" height="800"></iframe>'
        )
        inner = f"<p>{html.escape(r.title)}</p>{att}"
    else:
        inner = reports.body(
            r, f"{site.prefix}/uploads/{r.docid}.{reports.ext(r)}" if reports.ext(r) else None
        )
    body = (
        f'<table class="info"><tr><td>索引号：</td><td>11341622003249553T/{r.year + 1}-{r.docid}</td></tr>'
        f"<tr><td>发布机构：</td><td>{html.escape(r.agency)}</td></tr><tr><td>发布日期：</td><td>{r.date}</td>"
        f'</tr></table><h1>{html.escape(r.title)}</h1><div class="pages_content">{inner}</div>'
    )
    reply = _gbk_page(shell(r.title, body, charset="gb2312"))
    reply.cacheable, reply.last_modified = True, reports.http_date(r.date)
    return reply


def render(site: Site, req, srv) -> Reply | None:
    path = req.path[len(site.prefix) :]
    m = _LIST.match(path)
    if m:
        return list_page(site, int(m.group(1)), srv)
    m = _SHOW.match(path)
    if m:
        r = site.report(m.group(2))
        if r is None:
            return None
        if r.quirk == "soft404":
            return soft_404(ENC, charset_header=False)
        if r.quirk == "location-stub" and m.group(1) == "show":
            return _gbk_page(
                f"<html><head><script>window.location.href='{site.prefix}/XxgkAnnualReport/view/"
                f"{r.docid}.html';</script></head><body></body></html>"
            )
        return detail(site, r)
    m = _FILE.match(path)
    if m:
        r = site.report(m.group(1))
        if r is None or not reports.ext(r):
            return None
        data = reports.attachment_bytes(r)
        if m.group(2) == "pdf":
            reply = Reply(
                200, b"\xef\xbb\xbf" + data, [("Content-Type", "application/octet-stream")], cacheable=True
            )
        else:
            reply = gbk_attachment(data, f"{r.title}.docx", "text/plain")
        reply.last_modified = reports.http_date(r.date)
        return reply
    return None
