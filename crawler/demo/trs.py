"""TRS WCM static publishing (Jilin xxgk platform; also the bench's year-split tree).

Home page → department columns found by link text → `index.html`, `index_1.html` …
with pagination only in a `createPageHTML` script → `YYYYMM/tYYYYMMDD_ID.html` detail
pages (`.TRS_Editor`) → `./P0….pdf` attachments in the same folder.
"""

from __future__ import annotations

import html
import re

from crawler.demo import reports
from crawler.demo.catalog import Column, DemoReport, Site
from crawler.demo.web import Reply, challenge_412, page, redirect, shell

MOVED = "fgw_136504"  # the column the `moved` fault relocates
_LIST = re.compile(r"^index(?:_(\d+))?\.html$")
_DETAIL = re.compile(r"^(\d{6})/t(\d{8})_(\d+)\.html$")
_STUB = re.compile(r"^(\d{6})/s(\d+)\.html$")
_ATTACH = re.compile(r"^(\d{6})/P0\d{8}(\d{12})\.(pdf|docx)$")


def column_base(site: Site, col: Column, moved: bool = False) -> str:
    if site.key == "demo-bench":
        return f"{site.prefix}/gknb/{col.key}/"
    return f"{site.prefix}/zcbm/{col.key}{'_new' if moved else ''}/ndbg/"


def _names(r: DemoReport) -> tuple[str, str]:
    d = r.first_date.replace("-", "")
    return f"{d[:6]}/t{d}_{r.docid}.html", f"{d[:6]}/P0{d}{r.docid:012d}.{reports.ext(r) or 'pdf'}"


def home(site: Site) -> Reply:
    links = "".join(
        f'<li><a href="{column_base(site, c)}" target="_blank">{html.escape(c.name)}</a></li>'
        for c in site.columns
    )
    body = (
        f'<div class="nav"><a href="{site.prefix}/xxgk/zn/index.html">政府信息公开指南</a> '
        f'<a href="{site.prefix}/xxgk/zd/index.html">政府信息公开制度</a></div>'
        f'<div class="zcbm"><h3>政府信息公开</h3><ul>{links}</ul></div>'
    )
    return page(shell(site.title, body, metas={"SiteName": site.title}))


def list_page(site: Site, col: Column, n: int, faults: set[str]) -> Reply | None:
    items = col.listing(faults)
    size = site.page_size
    count = max(1, -(-len(items) // size))
    if n >= count:
        return None
    lis = []
    for r in items[n * size : (n + 1) * size]:
        detail, _ = _names(r)
        if r.quirk == "meta-refresh":
            detail = f"{r.first_date.replace('-', '')[:6]}/s{r.docid}.html"
        short = r.title if len(r.title) < 24 else r.title[:22] + "…"
        lis.append(
            f'<li><a href="./{detail}" target="_blank" title="{html.escape(r.title)}">{html.escape(short)}'
            f"</a><span>{r.date}</span></li>"
        )
    script = (
        f"<script>var countPage = {count}//共多少页\nvar currentPage = {n}//所在页从0开始\n"
        f"var prePage = currentPage-1\nvar nextPage = currentPage+1\n"
        f'createPageHTML({count}, {n}, "index", "html");</script>'
    )
    body = f'<div class="zly_list"><h2>{html.escape(col.name)}</h2><ul>{"".join(lis)}</ul></div>'
    reply = page(shell(col.name, body, metas={"ColumnName": "政府信息公开年报"}, script=script))
    reply.cacheable = True
    return reply


def detail(site: Site, r: DemoReport) -> Reply:
    _, att = _names(r)
    body = (
        f'<div class="xxgk_detail"><h1>{html.escape(r.title)}</h1>'
        f'<div class="info">发布日期：{r.date} &nbsp; 点击数：<span id="hits"></span></div>'
        f'<div class="TRS_Editor">{reports.body(r, "./" + att.split("/", 1)[1])}</div></div>'
    )
    reply = page(
        shell(
            r.title,
            body,
            metas={
                "SiteName": site.title,
                "ArticleTitle": r.title,
                "PubDate": f"{r.date} 09:00",
                "ColumnName": "政府信息公开年报",
            },
        )
    )
    reply.cacheable, reply.last_modified = True, reports.http_date(r.date)
    return reply


def render(site: Site, req, srv) -> Reply | None:
    faults = srv.faults
    path = req.path
    if path in (site.prefix, site.prefix + "/", site.prefix + "/xxgk/index.html", site.prefix + "/xxgk/"):
        return home(site)
    for col in site.columns:
        base, moved_base = column_base(site, col), column_base(site, col, moved=True)
        moved = "moved" in faults and col.key == MOVED
        if path.startswith(base) and moved:
            # The column moved to a new path on another host name (127.0.0.1 -> localhost),
            # as Beijing district columns did (www.bjhd.gov.cn -> zyk.bjhd.gov.cn).
            host = req.host.replace("127.0.0.1", "localhost", 1)
            return redirect(f"http://{host}{moved_base}{path[len(base) :]}", 301)
        if moved and path.startswith(moved_base):
            rest = path[len(moved_base) :]
        elif path.startswith(base):
            rest = path[len(base) :]
        else:
            continue
        if "challenge" in faults and any(r.guard == "challenge" for r in col.reports):
            return challenge_412()
        rest = rest or "index.html"
        m = _LIST.match(rest)
        if m:
            return list_page(site, col, int(m.group(1) or 0), faults)
        m = _DETAIL.match(rest) or _STUB.match(rest)
        if m:
            r = site.report(m.group(m.lastindex))
            if r is None or r.column != col.key:
                return None
            if _STUB.match(rest):
                target = "./" + _names(r)[0].split("/", 1)[1]
                return page(
                    f'<html><head><meta http-equiv="refresh" content="0;url={target}"></head>'
                    "<body>正在跳转…</body></html>"
                )
            return detail(site, r)
        m = _ATTACH.match(rest)
        if m:
            r = site.report(int(m.group(2)))
            if r is None or not reports.ext(r):
                return None
            return reports.attachment_reply(r)
    return None
