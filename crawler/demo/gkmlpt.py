"""Guangdong gkmlpt: a Vue SPA index carrying `window._CONFIG = {SID, TREE}`, the JSON
list API `/gkmlpt/api/all/{cat}?page&sid` (page 0 == page 1, some titles `%uXXXX`),
`/gkmlpt/content/{a}/{b}/post_{id}.html` detail pages and `/attachment/…` files."""

from __future__ import annotations

import html
import json
import re

from crawler.demo import reports
from crawler.demo.catalog import DemoReport, Site
from crawler.demo.web import Reply, page, shell

SID = "200001"
_API = re.compile(r"^/gkmlpt/api/all/(\d+)$")
_POST = re.compile(r"^/gkmlpt/content/\d+/\d+/post_(\d+)\.html$")
_ATT = re.compile(r"^/attachment/\d+/\d+/(\d+)/(\d+)\.(pdf|docx)$")


def _post_url(site: Site, r: DemoReport) -> str:
    return f"{site.prefix}/gkmlpt/content/{r.docid // 1000000}/{r.docid // 1000}/post_{r.docid}.html"


def _att_url(site: Site, r: DemoReport) -> str:
    aid = r.docid + 500000
    return f"{site.prefix}/attachment/{aid // 1000000}/{aid // 1000}/{aid}/{r.docid}.{reports.ext(r)}"


def _pct_u(text: str) -> str:
    return "".join(f"%u{ord(c):04X}" if ord(c) > 127 else c for c in text)


def index(site: Site) -> Reply:
    col = site.columns[0]
    tree = [
        {
            "id": 1,
            "name": "法规文件",
            "post_count": 120,
            "children": [{"id": 11, "name": "规范性文件", "post_count": 80, "children": []}],
        },
        {
            "id": 2,
            "name": "政府信息公开",
            "post_count": len(col.reports),
            "children": [
                {"id": 20, "name": "政府信息公开指南", "post_count": 1, "children": []},
                {
                    "id": int(col.key),
                    "name": col.name,
                    "post_count": len(col.reports),
                    "children": [],
                    "jump_url": "",
                },
            ],
        },
    ]
    script = (
        f"<script>window._CONFIG = {{SID:'{SID}', SERVICE_AREA_ID: 1, "
        f"TREE:{json.dumps(tree, ensure_ascii=False)},"
        " COLUMN_ID: 0}};</script>"
    )
    body = '<div id="app"><!-- 政府信息公开目录 (rendered by Vue) --></div>'
    return page(shell(f"{site.title} 政府信息公开目录", body, metas={"SiteName": site.title}, script=script))


def api(site: Site, req, srv) -> Reply | None:
    col = site.columns[0]
    if req.query.get("sid") != SID:
        return page(
            json.dumps({"code": 400, "msg": "sid error"}), content_type="application/json", status=400
        )
    n = max(1, int(req.query.get("page", "1") or 1))  # page 0 == page 1
    if "errors500" in srv.faults and n > 1 and srv.hit(f"{req.path}?{n}") <= 2:
        return page("<html><body><h1>500 Internal Server Error</h1></body></html>", status=500)
    items = col.listing(srv.faults)
    chunk = items[(n - 1) * site.page_size : n * site.page_size]
    articles = []
    for r in chunk:
        ts = int(reports.http_date_ts(r.date))
        art = {
            "id": r.docid,
            "title": _pct_u(r.title) if r.quirk == "pct-u" else r.title,
            "url": f"http://{req.host}{_post_url(site, r)}",
            "post_url": _post_url(site, r),
            "created_at": f"{r.date} 16:25:04",
            "create_time": ts,
            "display_publish_time": ts,
            "identifier": f"006939748/{r.year + 1}-{r.docid % 100000:05d}",
            "document_number": "",
            "publisher": r.agency,
            "attachment": [],
        }
        if reports.ext(r):
            art["attachment"].append(
                {
                    "id": r.docid + 500000,
                    "name": f"{r.title}.{reports.ext(r)}",
                    "type": reports.ext(r),
                    "url": _att_url(site, r),
                }
            )
        articles.append(art)
    data = {
        "classify": {"id": int(col.key), "name": col.name, "post_count": len(items)},
        "total": len(items),
        "articles": articles,
    }
    return page(json.dumps(data, ensure_ascii=False), content_type="application/json")


def detail(site: Site, r: DemoReport) -> Reply:
    att = _att_url(site, r) if reports.ext(r) else None
    table = (
        f'<table class="table-meta"><tr><td>索引号：</td><td>006939748/{r.year + 1}-{r.docid % 100000:05d}'
        f"</td><td>分类：</td><td>政府信息公开年报</td></tr><tr><td>发布机构：</td><td>{html.escape(r.agency)}"
        f"</td><td>成文日期：</td><td>{r.date}</td></tr><tr><td>名称：</td><td>{html.escape(r.title)}</td>"
        f"<td>发布日期：</td><td>{r.date}</td></tr></table>"
    )
    body = reports.body(r, att, link_attrs='class="nfw-cms-attachment"')
    script = f"<script>window._CONFIG = {{DETAIL: {{id: {r.docid}, title: {json.dumps(r.title)}}}}};</script>"
    reply = page(shell(r.title, f'{table}<div class="article-content">{body}</div>', script=script))
    reply.cacheable, reply.last_modified = True, reports.http_date(r.date)
    return reply


def render(site: Site, req, srv) -> Reply | None:
    path = req.path[len(site.prefix) :]
    if path in ("/gkmlpt/index", "/gkmlpt/", "/gkmlpt", "", "/"):
        return index(site)
    m = _API.match(path)
    if m:
        return (
            api(site, req, srv)
            if m.group(1) in (site.columns[0].key, "0")
            else page(json.dumps({"total": 0, "articles": []}), content_type="application/json")
        )
    m = _POST.match(path)
    if m:
        r = site.report(m.group(1))
        return detail(site, r) if r else None
    m = _ATT.match(path)
    if m:
        r = site.report(m.group(2))
        return reports.attachment_reply(r) if r and reports.ext(r) else None
    return None
