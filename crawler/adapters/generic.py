"""Any list reachable only through "下一页" (next page) links: `page_N.html`, `N.html`,
`?page=N`, and `javascript:`/`onclick` next links."""

from __future__ import annotations

import re
from typing import Any

from scrapy import Request
from scrapy.http import Response

from crawler.adapters.base import ListPage, clean, html_list_page, resolve_link, selector

_NEXT = re.compile(r"^[\s<>«»›‹\[\]]*(下一?页|下页|后一页|next( page)?|>|›|»|>>)[\s<>«»›‹\[\]]*$", re.I)


def next_link(response: Response) -> str | None:
    sel = selector(response)
    for a in sel.xpath("//a"):
        text = clean(" ".join(a.xpath(".//text()").getall())) or clean(a.attrib.get("title"))
        if _NEXT.match(text):
            url = resolve_link(a.attrib.get("href"), a.attrib.get("onclick"), response.url)
            if url and url.split("#")[0] != response.url.split("#")[0]:
                return url
    return None


def parse(response: Response, state: dict[str, Any]) -> ListPage:
    page = html_list_page(response, state)
    nxt = next_link(response)
    if nxt:
        page.next_page = Request(nxt)
    return page
