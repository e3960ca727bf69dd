"""Guangdong gkmlpt: `/gkmlpt/index` is a Vue SPA whose `window._CONFIG` holds the SID
and the category TREE; the annual-report category is found by name, then listed by
`GET /gkmlpt/api/all/{cat}?page=N&sid=SID` (JSON, 100 per page, page 0 == page 1,
titles sometimes `%uXXXX`-escaped, attachments listed with each article)."""

from __future__ import annotations

import json
import math
import re
from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.http import Response

from crawler.adapters.base import COLUMN_TEXT, ListItem, ListPage
from crawler.titles import parse_date

_SID = re.compile(r"SID\s*:\s*['\"]?(\d+)")
_PCT_U = re.compile(r"%u([0-9a-fA-F]{4})")


def unescape_u(text: str) -> str:
    return _PCT_U.sub(lambda m: chr(int(m.group(1), 16)), text or "")


def _array_after(text: str, key: str) -> Any:
    """Decode the JSON array literal that follows `key:` in a script."""
    m = re.search(re.escape(key) + r"\s*:\s*\[", text)
    if not m:
        return None
    start = m.end() - 1
    depth, in_str, esc = 0, None, False
    for i in range(start, len(text)):
        ch = text[i]
        if in_str:
            esc = (ch == "\\") and not esc
            if ch == in_str and not esc:
                in_str = None
            continue
        if ch in "\"'":
            in_str = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
            if depth == 0:
                try:
                    return json.loads(text[start : i + 1])
                except ValueError:
                    return None
    return None


def report_categories(tree: list[dict[str, Any]], pattern: str) -> list[int]:
    rx, found = re.compile(pattern), []

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes or []:
            if rx.search(str(node.get("name", ""))):
                found.append(int(node["id"]))
            else:
                walk(node.get("children") or [])

    walk(tree)
    return found


def _api(index_url: str, cat: int, page: int, sid: str) -> str:
    base = index_url.split("/gkmlpt/")[0]
    return f"{base}/gkmlpt/api/all/{cat}?page={page}&sid={sid}"


def parse(response: Response, state: dict[str, Any]) -> ListPage:
    if "gkmlpt" not in state:  # the SPA index page
        text = response.text
        sid = _SID.search(text)
        tree = _array_after(text, "TREE") or []
        if not sid:
            return ListPage()
        cats = report_categories(tree, state.get("column_text") or COLUMN_TEXT) or [0]
        return ListPage(
            columns=[
                Request(
                    _api(response.url, c, 1, sid.group(1)),
                    headers={"Referer": response.url, "X-Requested-With": "XMLHttpRequest"},
                    meta={
                        "adapter": {
                            **state,
                            "gkmlpt": {"index": response.url, "cat": c, "page": 1, "sid": sid.group(1)},
                        }
                    },
                )
                for c in cats
            ]
        )
    g = state["gkmlpt"]
    try:
        data = json.loads(response.text)
    except ValueError:
        return ListPage()
    articles = data.get("articles") or []
    page = ListPage()
    for art in articles:
        url = art.get("url") or art.get("post_url")
        if not url:
            continue
        atts = [
            (urljoin(url, a["url"]), unescape_u(a.get("name", "")))
            for a in art.get("attachment") or []
            if a.get("url")
        ]
        date = parse_date(
            art.get("display_publish_time") or art.get("created_at") or art.get("date")
        ) or parse_date(art.get("create_time"))
        page.items.append(ListItem(urljoin(response.url, url), unescape_u(art.get("title", "")), date, atts))
    total = int(data.get("total") or (data.get("classify") or {}).get("post_count") or 0)
    per = g.get("per") or len(articles) or 100
    if articles and g["page"] < math.ceil(total / per):
        nxt = g["page"] + 1
        page.next_page = Request(
            _api(g["index"], g["cat"], nxt, g["sid"]),
            headers={"Referer": g["index"], "X-Requested-With": "XMLHttpRequest"},
            meta={"adapter": {**state, "gkmlpt": {**g, "page": nxt, "per": per}}},
        )
    return page
