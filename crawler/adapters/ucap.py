"""开普云/UCAP channel lists: `/cNNN/common_list.shtml`, then `common_list_2.shtml` …
(1-based) as announced by the page script (`createPageHTML('page_div', N, cur,
'common_list', 'shtml', total)`); detail pages `/cNNN/cDOC/content.shtml`."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.http import Response

from crawler.adapters import generic
from crawler.adapters.base import ListPage, html_list_page

_CREATE = re.compile(
    r"createPageHTML\(\s*['\"][\w-]*['\"]\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)


def parse(response: Response, state: dict[str, Any]) -> ListPage:
    page = html_list_page(response, state)
    m = _CREATE.search(response.text)
    if m:
        count, current, prefix, ext = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
        if current < count:
            page.next_page = Request(urljoin(response.url, f"{prefix}_{current + 1}.{ext}"))
    else:
        nxt = generic.next_link(response)
        if nxt:
            page.next_page = Request(nxt)
    return page
