"""Hanweb jpaas (new Zhejiang sites): page 1 is static HTML with a pagination
`<div count rows pageNo queryData>`; later pages come from `GET /api-gateway/
jpaas-publish-server/front/page/build/unit?…&pageNo=N`, JSON whose `data.html` holds
the <li> fragment. Links are often protocol-relative (`//host/art/…`)."""

from __future__ import annotations

import json
import math
import re
from typing import Any
from urllib.parse import urlencode, urljoin

from parsel import Selector
from scrapy import Request
from scrapy.http import Response

from crawler.adapters.base import ListPage, items_from_html, selector

API = "/api-gateway/jpaas-publish-server/front/page/build/unit"


def _query_data(raw: str) -> dict[str, str]:
    try:
        return {k: str(v) for k, v in json.loads(raw.replace("'", '"')).items()}
    except (ValueError, AttributeError):
        return dict(re.findall(r"'(\w+)'\s*:\s*'([^']*)'", raw))


def parse(response: Response, state: dict[str, Any]) -> ListPage:
    if "jpaas" in state:  # an API page
        try:
            html = json.loads(response.text).get("data", {}).get("html", "")
        except ValueError:
            html = ""
        sel = Selector(text=html or "<ul></ul>")
        page = ListPage(items=items_from_html(sel, state["jpaas"]["referer"]))
    else:
        sel = selector(response)
        page = ListPage(items=items_from_html(sel, response.url))
        div = sel.xpath("//div[@count and @rows and @querydata]")
        if not div:
            return page
        count, rows = int(div.attrib["count"]), int(div.attrib["rows"])
        state = {
            **state,
            "jpaas": {
                "pages": math.ceil(count / max(rows, 1)),
                "rows": rows,
                "page": 1,
                "query": _query_data(div.attrib["querydata"]),
                "referer": response.url,
            },
        }
    jp = state["jpaas"]
    if jp["page"] < jp["pages"] and page.items:
        q = jp["query"]
        params = {
            "webId": q.get("webId", ""),
            "pageId": q.get("pageId", ""),
            "parseType": "bulidstatic",
            "pageType": "column",
            "tagId": q.get("tagId", ""),
            "tplSetId": q.get("tplSetId", ""),
            "rows": jp["rows"],
            "pageNo": jp["page"] + 1,
        }
        page.next_page = Request(
            urljoin(jp["referer"], f"{API}?{urlencode(params)}"),
            headers={"X-Requested-With": "XMLHttpRequest", "Referer": jp["referer"]},
            meta={"adapter": {**state, "jpaas": {**jp, "page": jp["page"] + 1}}},
        )
    return page
