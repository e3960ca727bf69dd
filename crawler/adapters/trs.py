"""TRS WCM lists, in their three forms.

- Static: `index.html`, then `index_1.html`, `index_2.html` … (0-based). The page links
  only exist in a script (`countPage = N`, `createPageHTML(N, cur, "index", "html")`, or
  bare `document.write("<a href=\\"index"+"_"+nextPage+"."+"html\\">下一页</a>")`), so the
  next URL is built from the script's numbers and pattern, never from an <a>.
- 动静结合 (static + dynamic, Fujian sites such as 平潭): the static page holds page 1
  only; the page's list model (`require(["list2.trsapi"], … listModel({quickMode:
  "动静结合", maxStaticIndex, listArgs: {channelid, classsql, sortfield}, pagebar:
  {prepage, recordCount}}))`) fetches later pages from the site's search API. The
  parameters are read from the page (channelid may be `SiteInfo.searchId`, defined in
  another script of the page); the API answers JSON records with `doctitle`,
  `chnldocurl` and `docreltime` (the names the page's template binds).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any
from urllib.parse import urlencode, urljoin

from scrapy import Request
from scrapy.http import Response

from crawler.adapters.base import ListItem, ListPage, clean, html_list_page
from crawler.titles import parse_date

_CREATE = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
_COUNT = re.compile(r"countPage\s*=\s*(\d+)")
_CURRENT = re.compile(r"currentPage\s*=\s*(\d+)")
_PAGE_IN_URL = re.compile(r"([\w-]+?)(?:_(\d+))?\.(s?html?)$")
_WRITE = re.compile(r"document\.write\((.*?)\)\s*;", re.S)
_JOIN = re.compile(r"""\\?["']\s*\+\s*\\?["']""")  # "index"+"_" → index_
_NEXT_URL = re.compile(r"""href=\\?["']?([\w./-]*?)_?\\?["']?\s*\+\s*nextPage\s*\+\s*\\?["']?\.?(\w+)""")
# The search API the TRS list model calls. [inferred] from Fujian TRS sites; a registry
# entry may name another with the option `search_api`.
SEARCH_API = "/fjdzapp/search"
_MODEL = re.compile(r"listModel\(\s*\{(.*?)\}\s*\)\s*;?\s*\}\s*\)", re.S)


def _written_pattern(text: str) -> tuple[str, str] | None:
    """(file prefix, extension) of a pager written only by `document.write` with nextPage."""
    for m in _WRITE.finditer(text):
        arg = _JOIN.sub("", m.group(1))
        u = _NEXT_URL.search(arg)
        if u and u.group(1):
            return u.group(1).rstrip("_"), u.group(2)
    return None


def pagination(text: str, url: str) -> tuple[int, int, str, str] | None:
    """(page count, current 0-based page, file prefix, extension) from the page script."""
    m = _CREATE.search(text)
    if m:
        return int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    count = _COUNT.search(text)
    if not count:
        return None
    current = _CURRENT.search(text)
    name = url.split("?")[0].rsplit("/", 1)[-1] or "index.html"
    u = _PAGE_IN_URL.search(name)
    prefix, ext = (u.group(1), u.group(3)) if u else ("index", "html")
    written = _written_pattern(text)
    if written:
        prefix, ext = written
    cur = int(current.group(1)) if current else int(u.group(2) or 0) if u else 0
    return int(count.group(1)), cur, prefix, ext


def static_next(response: Response) -> Request | None:
    info = pagination(response.text, response.url)
    if info:
        count, current, prefix, ext = info
        if current + 1 < count:
            return Request(urljoin(response.url, f"{prefix}_{current + 1}.{ext}"))
    return None


# -- 动静结合 ------------------------------------------------------------------------------
def _value(block: str, key: str, text: str) -> str | None:
    """A list-model argument: a literal, the last non-empty string of `"" || "x"`, or
    `SiteInfo.<name>` looked up in the page's SiteInfo object."""
    m = re.search(rf"""\b{key}\s*:\s*((?:"[^"]*"|'[^']*'|[^,\n}}"'])+)""", block)
    if not m:
        return None
    raw = m.group(1).strip()
    strings = [s for s in re.findall(r"""["']([^"']*)["']""", raw) if s]
    if strings:
        return strings[-1]
    ref = re.fullmatch(r"SiteInfo\.(\w+)", raw)
    if ref:
        found = re.search(rf"\b{ref.group(1)}\s*:\s*['\"]?([\w.-]+)", text)
        return found.group(1) if found else None
    return raw if re.fullmatch(r"[\w.-]+", raw) else None


def list_model(text: str) -> dict[str, Any] | None:
    """The API parameters of a 动静结合 list, or None when the page has no list model."""
    m = _MODEL.search(text)
    if not m or "listArgs" not in m.group(1):
        return None
    block = m.group(1)
    channel, classsql = _value(block, "channelid", text), _value(block, "classsql", text)
    records, per = _value(block, "recordCount", text), _value(block, "prepage", text)
    if not (channel and classsql and records and per and records.isdigit() and per.isdigit()):
        return None
    static = _value(block, "maxStaticIndex", text) or "1"
    return {
        "params": {
            "channelid": channel,
            "classsql": classsql,
            "sortfield": _value(block, "sortfield", text) or "-docreltime",
            "prepage": per,
        },
        "pages": math.ceil(int(records) / max(int(per), 1)),
        "page": int(static) if static.isdigit() else 1,  # the last page served statically
    }


def _api_items(text: str, base_url: str) -> list[ListItem]:
    try:
        data = json.loads(text)
    except ValueError:
        return []
    stack, records = [data], []
    while stack:  # the record list, wherever the response nests it
        node = stack.pop()
        if isinstance(node, list):
            if node and all(isinstance(x, dict) and "doctitle" in x for x in node):
                records.extend(node)
            else:
                stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
    items = []
    for rec in records:
        url = rec.get("chnldocurl") or rec.get("docpuburl") or rec.get("url")
        title = clean(re.sub(r"<[^>]+>", "", str(rec.get("doctitle") or "")))
        if url and title:
            date = parse_date(str(rec.get("docreltime") or rec.get("docpubtime") or ""))
            items.append(ListItem(urljoin(base_url, str(url)), title, date))
    return items


def _api_request(base_url: str, model: dict[str, Any], state: dict[str, Any]) -> Request:
    page_no = model["page"] + 1
    api = urljoin(base_url, state.get("search_api") or SEARCH_API)
    url = f"{api}?{urlencode({**model['params'], 'page': page_no})}"
    return Request(
        url,
        headers={"X-Requested-With": "XMLHttpRequest", "Referer": base_url, "Accept": "application/json"},
        meta={"adapter": {**state, "trsapi": {**model, "page": page_no, "referer": base_url}}},
    )


def script_next(response: Response, state: dict[str, Any]) -> Request | None:
    """The next page a list's scripts would fetch: a static page, or the search API."""
    nxt = static_next(response)
    if nxt is None:
        model = list_model(response.text)
        if model and model["page"] < model["pages"]:
            nxt = _api_request(response.url, model, state)
    return nxt


def parse(response: Response, state: dict[str, Any]) -> ListPage:
    if "trsapi" in state:  # a page of the search API
        model = state["trsapi"]
        page = ListPage(items=_api_items(response.text, model["referer"]))
        if page.items and model["page"] < model["pages"]:
            page.next_page = _api_request(model["referer"], model, state)
        return page
    page = html_list_page(response, state)
    page.next_page = script_next(response, state)
    return page
