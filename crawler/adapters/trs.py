"""TRS WCM static lists: `index.html`, then `index_1.html`, `index_2.html` … (0-based).

The page links only exist in a script (`countPage = N`, `createPageHTML(N, cur,
"index", "html")`), so the next URL is built from those numbers, never from an <a>.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.http import Response

from crawler.adapters.base import ListPage, html_list_page

_CREATE = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*(\d+)\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
_COUNT = re.compile(r"countPage\s*=\s*(\d+)")
_CURRENT = re.compile(r"currentPage\s*=\s*(\d+)")
_PAGE_IN_URL = re.compile(r"([\w-]+?)(?:_(\d+))?\.(s?html?)$")


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
    cur = int(current.group(1)) if current else int(u.group(2) or 0) if u else 0
    return int(count.group(1)), cur, prefix, ext


def parse(response: Response, state: dict[str, Any]) -> ListPage:
    page = html_list_page(response, state)
    info = pagination(response.text, response.url)
    if info:
        count, current, prefix, ext = info
        if current + 1 < count:
            page.next_page = Request(urljoin(response.url, f"{prefix}_{current + 1}.{ext}"))
    return page
