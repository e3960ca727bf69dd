"""Any list, read with every paging form the platform adapters know: "下一页" (next
page) links (`page_N.html`, `N.html`, `?page=N`, `javascript:`/`onclick` next links),
TRS script pagers (`countPage`, `createPageHTML`, `document.write(… nextPage …)`), TRS
动静结合 list models, Hanweb datastores embedded in the page (`<record>` CDATA, paged by
`<nextgroup>`) and jpaas pager divs (`count rows queryData`, paged by its data calls).
A portal whose platform is unknown or unrecognised is read here, so no list form is
missed for want of the right platform name."""

from __future__ import annotations

import re
from typing import Any

from scrapy import Request
from scrapy.http import Response

from crawler.adapters import hanweb_jpaas, hanweb_jpage, trs
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
    text = response.text
    if "jpage" in state or "jpage_get" in state or "<datastore>" in text:
        page = hanweb_jpage.parse(response, state)
        if page.items or page.next_page:
            return page
    if "jpaas" in state or re.search(r"<div[^>]+\bquerydata=", text, re.I):
        return hanweb_jpaas.parse(response, state)
    if "trsapi" in state:
        return trs.parse(response, state)
    page = html_list_page(response, state)
    nxt = next_link(response)
    page.next_page = Request(nxt) if nxt else trs.script_next(response, state)
    return page
