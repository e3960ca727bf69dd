"""What every platform adapter returns, and the link/item reading they share.

An adapter turns one list response into a `ListPage`: the items on it, the request for
the next page (the spider sends it only while pages still hold something new), and
sub-lists to walk (year folders, gkmlpt categories), which are always followed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler.attachments import url_in_script, viewer_target
from crawler.titles import is_annual_report, parse_date, report_year

COLUMN_TEXT = r"年报|年度报告|公开年报"
# Menu entries that lead towards the 年报 column when a start page links none itself.
HUB_TEXT = re.compile(r"^(?:政务公开|政府信息公开|信息公开|政府信息公开专栏|政务公开专栏|政府信息公开平台)$")
MAX_HUB_HOPS = 2
_YEAR_FOLDER = re.compile(r"^\s*(?:19|20)\d{2}\s*年?度?\s*(?:年报)?\s*$")


@dataclass
class ListItem:
    url: str
    title: str
    date: str | None = None
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (url, name) known from the list


@dataclass
class ListPage:
    items: list[ListItem] = field(default_factory=list)
    next_page: Request | None = None
    columns: list[Request] = field(default_factory=list)


def clean(text: str | None) -> str:
    return " ".join((text or "").split())


def resolve_link(href: str | None, onclick: str | None, base_url: str) -> str | None:
    """Absolute URL a link leads to: plain, relative, protocol-relative, `onclick`/
    `javascript:` handlers, and pdf.js viewer wrappers."""
    href = (href or "").strip()
    target = None
    if href and not href.lower().startswith(("javascript:", "#", "mailto:", "tel:")):
        target = href
    else:
        target = url_in_script(onclick or "") or url_in_script(href)
    if not target:
        return None
    url = urljoin(base_url, target)
    inner = viewer_target(url)
    if inner:
        url = urljoin(url, inner)
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    return url.split("#")[0]


def _hidden(a: Selector) -> bool:
    styles = " ".join(a.xpath("ancestor-or-self::*/@style").getall()).replace(" ", "").lower()
    return "display:none" in styles or bool(a.xpath("ancestor-or-self::*[@hidden]"))


def items_from_html(sel: Selector, base_url: str) -> list[ListItem]:
    """List entries of a page: links that sit in a dated row (li/tr/dl/p) or whose
    title reads as an annual report. Navigation and hidden test rows drop out; HTML
    comments (Shanghai's commented duplicate lists) are not elements, so never read."""
    items: dict[str, ListItem] = {}
    for a in sel.xpath("//a[@href or @onclick]"):
        url = resolve_link(a.attrib.get("href"), a.attrib.get("onclick"), base_url)
        if not url or _hidden(a):
            continue
        title = clean(a.attrib.get("title")) or clean(" ".join(a.xpath(".//text()").getall()))
        if not title:
            continue
        row = a.xpath("ancestor::*[self::li or self::tr or self::dl or self::p][1]")
        outside = " ".join(row.xpath(".//text()[not(ancestor::a)]").getall()) if row else ""
        inside = " ".join(a.xpath(".//span//text()|.//em//text()|.//b//text()").getall())
        date = parse_date(outside) or parse_date(inside)
        if date is None and not (
            is_annual_report(title) and report_year(title) and not looks_like_folder(url)
        ):
            continue
        if url not in items:
            items[url] = ListItem(url, title, date)
    return list(items.values())


def looks_like_folder(url: str) -> bool:
    path = urlsplit(url).path
    last = path.rsplit("/", 1)[-1]
    return path.endswith("/") or bool(re.match(r"(index|list|common_list\w*|default)(_\d+)?\.\w+$", last))


def column_links(sel: Selector, base_url: str, pattern: str = COLUMN_TEXT) -> list[str]:
    """Links to annual-report columns, found by anchor text (年报/年度报告/公开年报)
    or as year folders ("2024年"), never report links themselves."""
    rx = re.compile(pattern)
    found: list[str] = []
    for a in sel.xpath("//a[@href]"):
        url = resolve_link(a.attrib.get("href"), None, base_url)
        text = clean(a.attrib.get("title")) or clean(" ".join(a.xpath(".//text()").getall()))
        if not url or not text:
            continue
        is_column = (rx.search(text) and (report_year(text) is None or looks_like_folder(url))) or (
            _YEAR_FOLDER.match(text) and looks_like_folder(url)
        )
        if is_column and url not in found and url.rstrip("/") != base_url.rstrip("/"):
            found.append(url)
    return found


def selector(response: Response) -> Selector:
    if isinstance(response, TextResponse):
        return response.selector
    return Selector(text=response.body.decode("utf-8", "replace"))


def hub_links(sel: Selector, base_url: str) -> list[str]:
    """Menu links named 政务公开 / 政府信息公开 (the way from a home page to its 年报)."""
    found: list[str] = []
    for a in sel.xpath("//a[@href]"):
        url = resolve_link(a.attrib.get("href"), None, base_url)
        text = clean(" ".join(a.xpath(".//text()").getall())) or clean(a.attrib.get("title"))
        if url and HUB_TEXT.match(text) and url not in found and url.rstrip("/") != base_url.rstrip("/"):
            found.append(url)
    return found


def html_list_page(response: Response, state: dict) -> ListPage:
    """The items of an HTML list page; on a start page listing no report, the columns it
    links to, or else (up to MAX_HUB_HOPS) the 政务公开/政府信息公开 pages of its menu."""
    sel = selector(response)
    page = ListPage(items=items_from_html(sel, response.url))
    # A start page with no report on it (a portal home listing dated news) leads to the
    # 年报 column through its menu.
    at_start = state.get("depth", 0) == 0 or state.get("hub")
    if at_start and not any(is_annual_report(i.title) for i in page.items):
        urls = column_links(sel, response.url, state.get("column_text") or COLUMN_TEXT)
        page.columns = [Request(u, meta={"adapter": {"hub": False}}) for u in urls]
        hops = state.get("hub_hops", 0)
        if not urls and hops < MAX_HUB_HOPS:
            page.columns = [
                Request(u, meta={"adapter": {"hub": True, "hub_hops": hops + 1}})
                for u in hub_links(sel, response.url)
            ]
    return page
