"""Hanweb jpaas (new Zhejiang sites): a static first page with a pagination
`<div count rows pageNo queryData>`, the JSON `build/unit` API (served at the host root,
`/api-gateway/…`) for later pages, protocol-relative links, `#zoom` detail pages."""

from __future__ import annotations

import html
import json
import re

from crawler.demo import reports
from crawler.demo.catalog import DemoReport, Site
from crawler.demo.web import Reply, page, shell

API = "/api-gateway/jpaas-publish-server/front/page/build/unit"
_COL = re.compile(r"^/col/col(\d+)/index\.html$")
_ART = re.compile(r"^/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_(\d+)\.html$")


def _art(site: Site, r: DemoReport, host: str) -> str:
    y, m, d = (int(x) for x in r.first_date.split("-"))
    return f"//{host}{site.prefix}/art/{y}/{m}/{d}/art_{r.column}_{r.docid}.html"


def _lis(site: Site, items: list[DemoReport], host: str) -> str:
    return "".join(
        f'<li><a href="{_art(site, r, host)}" title="{html.escape(r.title)}" target="_blank">'
        f"{html.escape(r.title)}</a><span>{r.date}</span></li>"
        for r in items
    )


def render(site: Site, req, srv) -> Reply | None:
    col = site.columns[0]
    rows = site.page_size
    if req.path == API:
        if req.query.get("pageId") != col.key:
            return page(json.dumps({"success": False, "data": None}), content_type="application/json")
        n = int(req.query.get("pageNo", 1))
        items = col.listing(srv.faults)[(n - 1) * rows : n * rows]
        data = {"success": True, "data": {"html": f'<ul class="list">{_lis(site, items, req.host)}</ul>'}}
        return page(json.dumps(data, ensure_ascii=False), content_type="application/json")
    path = req.path[len(site.prefix) :]
    m = _COL.match(path)
    if m and m.group(1) == col.key:
        items = col.listing(srv.faults)
        query = f"{{'webId':'3185','pageId':'{col.key}','tagId':'信息列表','tplSetId':'52'}}"
        body = (
            f'<div class="lm-list"><ul class="list">{_lis(site, items[:rows], req.host)}</ul>'
            f'<div class="page-box" count="{len(items)}" rows="{rows}" pageNo="1" '
            f'queryData="{query}"></div></div>'
        )
        return page(shell(col.name, body, metas={"ColumnName": col.name}))
    m = _ART.match(path)
    if m:
        r = site.report(m.group(1))
        if r is None:
            return None
        reply = page(
            shell(
                r.title,
                f'<h1>{html.escape(r.title)}</h1><div id="zoom">{reports.body(r, None)}</div>',
                metas={"ArticleTitle": r.title, "PubDate": r.date},
            )
        )
        reply.cacheable, reply.last_modified = True, reports.http_date(r.date)
        return reply
    return None
