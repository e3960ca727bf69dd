"""Hanweb JCMS jpage lists: the first group of records is XML inside a <script> of the
column page; later groups come from `POST /module/web/jpage/dataproxy.jsp?startrecord=S
&endrecord=E&perpage=P` with the column's `param_*` fields as the form. Each group
after the first repeats the previous group's last record; the spider drops repeats."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from parsel import Selector
from scrapy import FormRequest
from scrapy.http import Response

from crawler.adapters.base import ListItem, ListPage, items_from_html

_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_TOTAL = re.compile(r"(?:totalRecord\s*:\s*|<totalrecord>\s*)(\d+)", re.I)
_PER_PAGE = re.compile(r"perPage\s*:\s*(\d+)")
_GROUP = re.compile(r"groupSize\s*:\s*(\d+)")
_PROXY = re.compile(r"proxyUrl\s*:\s*['\"]([^'\"]+)['\"]")
_PARAM = re.compile(r"var\s+param_\w+\s*=\s*\{(.*?)\}", re.S)
_PAIR = re.compile(r"(\w+)\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([\w.-]+))")


def records(text: str, base_url: str) -> list[ListItem]:
    html = "".join(f"<li>{r}</li>" if not r.strip().startswith("<li") else r for r in _RECORD.findall(text))
    return items_from_html(Selector(text=f"<ul>{html}</ul>"), base_url) if html else []


def parse(response: Response, state: dict[str, Any]) -> ListPage:
    text = response.text
    page = ListPage(items=records(text, response.url))
    if "jpage" not in state:  # the column page: learn the paging parameters
        total = _TOTAL.search(text)
        params = _PARAM.search(text)
        if not total or not params:
            return page
        form = {k: (a or b or c) for k, a, b, c in _PAIR.findall(params.group(1))}
        per = int((_PER_PAGE.search(text) or re.match(r"(\d+)", "15")).group(1))
        group = int((_GROUP.search(text) or re.match(r"(\d+)", "3")).group(1))
        proxy = (_PROXY.search(text) or re.match(r"(.*)", "/module/web/jpage/dataproxy.jsp")).group(1)
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
