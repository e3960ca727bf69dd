"""Hanweb JCMS jpage lists: the first group of records is XML inside a <script> of the
column page; later groups come from `POST /module/web/jpage/dataproxy.jsp?startrecord=S
&endrecord=E&perpage=P` with the column's `param_*` fields as the form. Each group
after the first repeats the previous group's last record; the spider drops repeats.

Older installs (Wenzhou) page by `GET /module/jpage/dataproxy.jsp?page=N&…`, announced
in each datastore's `<nextgroup>` anchor; without `param_*` that anchor is followed."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urljoin

from parsel import Selector
from scrapy import FormRequest, Request
from scrapy.http import Response

from crawler.adapters.base import ListItem, ListPage, items_from_html

_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_TOTAL = re.compile(r"(?:totalRecord\s*:\s*|<totalrecord>\s*)(\d+)", re.I)
_PER_PAGE = re.compile(r"perPage\s*:\s*(\d+)")
_GROUP = re.compile(r"groupSize\s*:\s*(\d+)")
_PROXY = re.compile(r"proxyUrl\s*:\s*['\"]([^'\"]+)['\"]")
_PARAM = re.compile(r"var\s+param_\w+\s*=\s*\{(.*?)\}", re.S)
_PAIR = re.compile(r"(\w+)\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([\w.-]+))")
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[\s*<a\s[^>]*href=['\"]([^'\"]+)['\"]", re.I)
_PAGE_PARAM = re.compile(r"([?&]page=)(\d+)")


def _int(rx: re.Pattern[str], text: str, default: int) -> int:
    m = rx.search(text)
    return int(m.group(1)) if m else default


def records(text: str, base_url: str) -> list[ListItem]:
    lis = "".join(f"<li>{r}</li>" if not r.strip().startswith("<li") else r for r in _RECORD.findall(text))
    return items_from_html(Selector(text=f"<ul>{lis}</ul>"), base_url) if lis else []


def _next_group_get(response: Response, text: str, state: dict[str, Any], page: ListPage) -> ListPage:
    """The GET variant: follow the datastore's <nextgroup> (else page=N+1) while records come."""
    if not page.items:
        return page
    m = _NEXTGROUP.search(text)
    if m:
        url = urljoin(response.url, html.unescape(m.group(1)))
    elif "jpage_get" in state and _PAGE_PARAM.search(response.url):
        url = _PAGE_PARAM.sub(lambda g: f"{g.group(1)}{int(g.group(2)) + 1}", response.url, count=1)
    else:
        return page
    if url != response.url:
        page.next_page = Request(
            url,
            headers={"Referer": state.get("jpage_get") or response.url},
            meta={"adapter": {**state, "jpage_get": state.get("jpage_get") or response.url}},
        )
    return page


def parse(response: Response, state: dict[str, Any]) -> ListPage:
    text = response.text
    page = ListPage(items=records(text, response.url))
    if "jpage_get" in state:
        return _next_group_get(response, text, state, page)
    if "jpage" not in state:  # the column page: learn the paging parameters
        total = _TOTAL.search(text)
        params = _PARAM.search(text)
        if not total or not params:
            return _next_group_get(response, text, state, page)
        form = {k: (a or b or c) for k, a, b, c in _PAIR.findall(params.group(1))}
        per = _int(_PER_PAGE, text, 15)
        group = _int(_GROUP, text, 3)
        proxy_m = _PROXY.search(text)
        proxy = proxy_m.group(1) if proxy_m else "/module/web/jpage/dataproxy.jsp"
        state = {
            **state,
            "jpage": {
                "total": int(total.group(1)),
                "per": per,
                "size": per * group,
                "proxy": urljoin(response.url, proxy),
                "form": form,
                "referer": response.url,
                "start": 1,
            },
        }
    else:
        m = _TOTAL.search(text)
        if m and int(m.group(1)) != state["jpage"]["total"]:
            # The column changed while we paged; keep going with the new total.
            state = {**state, "jpage": {**state["jpage"], "total": int(m.group(1))}}
    jp = state["jpage"]
    start = jp["start"] + jp["size"]
    if start <= jp["total"] and page.items:
        end = min(start + jp["size"] - 1, jp["total"])
        url = f"{jp['proxy']}?startrecord={start}&endrecord={end}&perpage={jp['per']}"
        page.next_page = FormRequest(
            url,
            formdata=jp["form"],
            headers={
                "X-Requested-With": "XMLHttpRequest",
                "Referer": jp["referer"],
                "Accept": "application/xml, text/xml, */*; q=0.01",
            },
            meta={"adapter": {**state, "jpage": {**jp, "start": start}}},
        )
    return page
