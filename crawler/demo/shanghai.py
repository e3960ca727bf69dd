"""Shanghai-style portal: a section linking year archives, archives paged by a jQuery
plugin (`totalPage`) over `index.html`, `index_2.html` … (1-based), commented-out
duplicate lists, `/nwNNNN/YYYYMMDD/<uuid32>.html` detail pages with `.Article_content`
and no standard metas. The `slow` fault delays report pages."""

from __future__ import annotations

import hashlib
import html
import re

from crawler.demo import reports
from crawler.demo.catalog import DemoReport, Site
from crawler.demo.web import Reply, page, shell

SECTION = "/nw12344"
_LIST = re.compile(r"^/nw12344/(nw\d{4})/index(?:_(\d+))?\.html$")
_DETAIL = re.compile(r"^/nw12344/(\d{8})/([0-9a-f]{32})\.html$")


def _uuid(r: DemoReport) -> str:
    return hashlib.md5(r.uid.encode()).hexdigest()


def _detail_url(site: Site, r: DemoReport) -> str:
    return f"{site.prefix}{SECTION}/{r.first_date.replace('-', '')}/{_uuid(r)}.html"


def section(site: Site) -> Reply:
    links = "".join(
        f'<li><a href="{site.prefix}{SECTION}/{c.key}/index.html">{c.name}</a></li>' for c in site.columns
    )
    body = f'<div class="nianbao"><h2>政府信息公开工作年度报告</h2><ul class="years">{links}</ul></div>'
    return page(shell("政府信息公开年报", body, script=""))


def archive(site: Site, key: str, n: int, faults: set[str]) -> Reply | None:
    col = site.column(key)
    if col is None:
        return None
    items = col.listing(faults)
    total = max(1, -(-len(items) // site.page_size))
    if n < 1 or n > total:
        return None
    lis = "".join(
        f'<li><a href="{_detail_url(site, r)}" title="{html.escape(r.title)}" target="_blank">'
        f'{html.escape(r.title)}</a><span class="time">{r.date}</span></li>'
        for r in items[(n - 1) * site.page_size : n * site.page_size]
    )
    dup = lis.replace("<li>", '<li class="old">')
    body = (
        f'<div class="main-list"><h3>{col.name}</h3><ul class="uli14 nowrapli list-date">{lis}</ul>\n'
        f'<!--<ul class="uli14">{dup}</ul>-->\n<div id="pagination"></div></div>'
    )
    script = (
        f"<script>$('#pagination').pagination({{totalPage: {total}, currentPage: {n}, "
        f"jumpUrl: 'index_{{page}}.html'}});</script>"
    )
    return page(shell(col.name, body, script=script))


def render(site: Site, req, srv) -> Reply | None:
    path = req.path[len(site.prefix) :]
    if path in ("", "/", SECTION + "/", SECTION + "/index.html"):
        return section(site)
    m = _LIST.match(path)
    if m:
        return archive(site, m.group(1), int(m.group(2) or 1), srv.faults)
    m = _DETAIL.match(path)
    if m:
        r = next((x for x in site.reports() if _uuid(x) == m.group(2)), None)
        if r is None:
            return None
        body = (
            f'<div class="Article"><h2 id="ivs_title">{html.escape(r.title)}</h2>'
            f'<div class="Article-time">{r.date}</div><div class="Article_content" id="ivs_content">'
            f"{reports.body(r, None)}</div></div>"
        )
        reply = page(shell(r.title, body))
        reply.cacheable, reply.last_modified = True, reports.http_date(r.date)
        if "slow" in srv.faults:
            reply.delay = srv.slow_seconds
        return reply
    return None
