"""Hanweb JCMS jpage columns (Jiangsu): the first group of records as XML in a script,
later groups by `POST dataproxy.jsp` with a one-record overlap; `/art/Y/M/D/art_C_ID.html`
detail pages (`#zoom`, `xxgk_table`); `downfile.jsp` → 302 → `/attach/0/<hex>.pdf`
served as application/octet-stream with a raw GBK Content-Disposition name."""

from __future__ import annotations

import hashlib
import html
import re

from crawler.demo import reports
from crawler.demo.catalog import Column, DemoReport, Site
from crawler.demo.web import Reply, page, redirect, shell

_COL = re.compile(r"^/col/col(\d+)/index\.html$")
_ART = re.compile(r"^/art/\d{4}/\d{1,2}/\d{1,2}/art_(\d+)_(\d+)\.html$")
_ATTACH = re.compile(r"^/attach/0/([0-9a-f]{32})\.(pdf|docx)$")
PROXY = "/module/web/jpage/dataproxy.jsp"


def _hex(r: DemoReport) -> str:
    return hashlib.md5(f"{r.uid}".encode()).hexdigest()


def _art(site: Site, r: DemoReport) -> str:
    y, m, d = (int(x) for x in r.first_date.split("-"))
    return f"{site.prefix}/art/{y}/{m}/{d}/art_{r.column}_{r.docid}.html"


def _record(site: Site, r: DemoReport) -> str:
    # Dates split over lines, as the Jiangsu XML does.
    y, m, d = r.date.split("-")
    return (
        f'<record><![CDATA[<li><a href="{_art(site, r)}" title="{html.escape(r.title)}" target="_blank">'
        f'{html.escape(r.title)}</a><span class="bt-data-time">{y}-\n{m}-\n{d}</span></li>]]></record>'
    )


def _group(site: Site, col: Column, start: int, end: int, faults: set[str]) -> tuple[str, int]:
    items = col.listing(faults)
    return "".join(_record(site, r) for r in items[start - 1 : end]), len(items)


def column_page(site: Site, col: Column, faults: set[str]) -> Reply:
    group = site.page_size * 3
    records, total = _group(site, col, 1, group, faults)
    nextgroup = (
        f'<a href="{site.prefix}{PROXY}?page=1&appid=1&webid=1&path=/&columnid={col.key}'
        f'&unitid=54896&webname=demo&permissiontype=0"></a>'
    )
    script = (
        f'<script type="text/xml"><datastore><nextgroup><![CDATA[{nextgroup}]]></nextgroup>'
        f"<recordset>{records}</recordset></datastore></script>\n"
        f"<script>var param_54896 = {{col:1, appid:1, webid:1, path:'/', columnid:{col.key}, "
        f"sourceContentType:1, unitid:'54896', webname:'{site.title}', permissiontype:0}};\n"
        f"$(document).ready(function(){{ jpage({{ dataStore:'', totalRecord:{total}, "
        f"perPage:{site.page_size},"
        f" groupSize:3, proxyUrl:'{site.prefix}{PROXY}', param:param_54896 }}); }});</script>"
    )
    body = f'<div class="bt-rig-cen-01"><h2>{html.escape(col.name)}</h2><div id="54896"></div></div>'
    return page(shell(col.name, body, metas={"ColumnName": col.name, "SiteName": site.title}, script=script))


def dataproxy(site: Site, req, faults: set[str]) -> Reply | None:
    if req.method != "POST":
        return page("<html><body>请求方式错误</body></html>", status=405)
    col = site.column(req.query.get("columnid", ""))
    if col is None:
        return None
    start, end = int(req.query.get("startrecord", 1)), int(req.query.get("endrecord", 45))
    records, total = _group(site, col, max(1, start - 1) if start > 1 else 1, end, faults)  # 1-record overlap
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{total}</totalrecord>'
        f"<recordset>{records}</recordset></datastore>"
    )
    return page(xml, content_type="text/xml")


def detail(site: Site, r: DemoReport) -> Reply:
    att = f"{site.prefix}/module/download/downfile.jsp?classid=0&filename={_hex(r)}.{reports.ext(r) or 'pdf'}"
    table = (
        f'<table class="xxgk_table"><tr><th>索引号</th><td>014416330/{r.year + 1}-{r.docid % 10000:05d}</td>'
        f"<th>分类</th><td>政府信息公开年报</td></tr><tr><th>发布机构</th><td>{html.escape(r.agency)}</td>"
        f"<th>发文日期</th><td>{r.date}</td></tr></table>"
    )
    body = f'{table}<div class="artile_zw"><div id="zoom">{reports.body(r, att)}</div></div>'
    reply = page(
        shell(
            r.title,
            '<meta name="ContentStart">' + body + '<meta name="ContentEnd">',
            metas={"ArticleTitle": r.title, "PubDate": f"{r.date} 10:30", "ContentSource": r.agency},
        )
    )
    reply.cacheable, reply.last_modified = True, reports.http_date(r.date)
    return reply


def render(site: Site, req, srv) -> Reply | None:
    path = req.path[len(site.prefix) :]
    faults = srv.faults
    m = _COL.match(path)
    if m:
        col = site.column(m.group(1))
        return column_page(site, col, faults) if col else None
    if path == PROXY:
        return dataproxy(site, req, faults)
    m = _ART.match(path)
    if m:
        r = site.report(m.group(2))
        if r is None:
            return None
        return reports.guarded(r, faults) or detail(site, r)
    if path == "/module/download/downfile.jsp":
        name = req.query.get("filename", "")
        for r in site.reports():
            if name.startswith(_hex(r)):
                return reports.guarded(r, faults) or redirect(f"{site.prefix}/attach/0/{name}")
        return None
    m = _ATTACH.match(path)
    if m:
        r = next((x for x in site.reports() if _hex(x) == m.group(1)), None)
        if r is None:
            return None
        return reports.guarded(r, faults) or reports.attachment_reply(
            r, gbk_name=True, content_type="application/octet-stream"
        )
    return None
