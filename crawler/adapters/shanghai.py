"""Shanghai-style portals: a section links year archives; each archive pages with a
jQuery plugin (`totalPage: N`) over `index.html`, `index_2.html` … (1-based, no
`index_1`). Commented-out duplicate lists are skipped (comments are not elements)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.http import Response

from crawler.adapters.base import ListPage, column_links, items_from_html, selector

_TOTAL = re.compile(r"totalPage\s*[:=]\s*['\"]?(\d+)")
_PAGE = re.compile(r"index(?:_(\d+))?\.s?html?$")


def parse(response: Response, state: dict[str, Any]) -> ListPage:
    sel = selector(response)
    page = ListPage(items=items_from_html(sel, response.url))
    if state.get("depth", 0) == 0:
        page.columns = [
            Request(u)
            for u in column_links(sel, response.url, state.get("column_text") or r"年报|年度报告|公开年报")
        ]
    total = _TOTAL.search(response.text)
    name = response.url.split("?")[0].rsplit("/", 1)[-1] or "index.html"
    m = _PAGE.search(name)
    if total and m is not None:
        current = int(m.group(1) or 1)
        if current < int(total.group(1)):
            page.next_page = Request(urljoin(response.url, f"index_{current + 1}.html"))
    return page
