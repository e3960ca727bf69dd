"""The `discover` spider: walk a government's portal to its annual-report columns.

    xxgk discover URL [-o proposals.json]     (or: scrapy crawl discover -a url=URL)

From the start page it follows, by anchor text, the links that lead to 年报 columns:
the 政务公开/政府信息公开 hubs, the 部门/乡镇（街道）/区县 directories and the units they
list, and the 年报 columns themselves. A column is proposed when its page lists annual
reports (or year folders); its platform is fingerprinted from that page. Every unit
carries its own name, level and region code down the walk. Pages stay on the start's
site (`*.pingtan.gov.cn`: departments often have subdomains), except county portals
reached from a 区县 directory (their sites join the walk).
The proposals go to `self.proposals`; the command writes them for review.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import Request
from scrapy.http import Response, TextResponse

from crawler.adapters import adapter_for
from crawler.adapters.base import clean, selector
from crawler.discover import (
    LEVEL_OF_DIRECTORY,
    Regions,
    Unit,
    classify_links,
    is_column_page,
    proposal,
    site_of,
    year_folders,
)
from crawler.platforms import detect
from crawler.titles import is_annual_report

MAX_DEPTH = 8


class DiscoverSpider(scrapy.Spider):
    name = "discover"

    def __init__(
        self,
        url: str | None = None,
        region: str | None = None,
        level: str | None = None,
        max_pages: str | int = 400,
        proposals: list[dict[str, Any]] | None = None,
        rejected: list[dict[str, str]] | None = None,
        errors: list[dict[str, str]] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not url:
            raise ValueError("say where to start: -a url=URL (a government's portal or 政府信息公开 home)")
        self.start_url = url
        self.region, self.level = region, level
        self.max_pages = int(max_pages)
        self.proposals: list[dict[str, Any]] = proposals if proposals is not None else []
        self.rejected: list[dict[str, str]] = rejected if rejected is not None else []
        self.errors: list[dict[str, str]] = errors if errors is not None else []  # pages not fetched
        self.sites = {site_of(url)}  # the start's site; counties' portals join it
        self.seen: set[str] = set()
        self.columns: set[str] = set()
        self.names: set[str] = set()
        self.pages = 0
        self.regions = Regions()

    async def start(self):
        yield self._request(self.start_url, None, "home", [f"start {self.start_url}"], 0)

    def _request(self, url: str, unit: Unit | None, role: str, trail: list[str], depth: int, **meta: Any):
        self.seen.add(url.rstrip("/"))
        return Request(
            url,
            callback=self.parse_column if role == "column" else self.parse,
            errback=self.failed,
            meta={"unit": unit, "role": role, "trail": trail, "depth": depth, **meta},
            dont_filter=True,
        )

    def _start_unit(self, response: Response) -> Unit:
        sel = selector(response)
        name = clean(sel.xpath('//meta[@name="SiteName"]/@content').get()) or clean(
            " ".join(sel.xpath("//title//text()").getall())
        )
        found = self.regions.find(name) if name else None
        region = self.region or (found[0] if found else "100000")
        level = self.level or (found[1] if found else "national")
        return Unit(name or urlsplit(response.url).hostname or "?", level, region)

    def _unit_of(self, parent: Unit, text: str, directory: str) -> Unit:
        level = LEVEL_OF_DIRECTORY[directory]
        region = parent.region
        if directory == "counties":
            found = self.regions.find(text, parent.region)
            region = found[0] if found else parent.region
        return Unit(text, level, region)

    def parse(self, response: Response, **_: Any):
        if not isinstance(response, TextResponse):
            return
        self.pages += 1
        meta = response.meta
        unit = meta["unit"] or self._start_unit(response)
        depth, trail = meta["depth"], meta["trail"]
        directory = meta.get("directory")
        for link in classify_links(selector(response), response.url, directory):
            url = link.url
            if url.rstrip("/") in self.seen or depth >= MAX_DEPTH or len(self.seen) >= self.max_pages:
                continue
            if link.kind == "unit" and directory == "counties":
                self.sites.add(site_of(url))  # a county's own portal
            elif site_of(url) not in self.sites:
                continue
            step = [*trail, f"{link.text} ({url})"]
            if link.kind == "column":
                yield self._request(url, unit, "column", step, depth + 1)
            elif link.kind == "hub":
                yield self._request(url, unit, "hub", step, depth + 1)
            elif link.kind == "unit" and directory:
                yield self._request(url, self._unit_of(unit, link.text, directory), "unit", step, depth + 1)
            elif link.kind in LEVEL_OF_DIRECTORY:
                yield self._request(url, unit, "directory", step, depth + 1, directory=link.kind)

    def parse_column(self, response: Response, **_: Any):
        if not isinstance(response, TextResponse):
            return
        self.pages += 1
        unit, trail = response.meta["unit"], response.meta["trail"]
        found = detect(response.url, response.text)
        page = adapter_for(found.platform).parse(response, {"depth": 1})
        reports = sum(1 for i in page.items if is_annual_report(i.title))
        folders = year_folders(selector(response), response.url)
        if not is_column_page(reports, folders):
            self.rejected.append(
                {"url": response.url, "why": "lists no annual report", "trail": " > ".join(trail)}
            )
            return
        if response.url in self.columns:
            return
        self.columns.add(response.url)
        platform = found.platform if found.recognised else "auto"
        self.proposals.append(
            proposal(
                response.url, unit, trail, platform, found.describe(), reports, self.start_url, self.names
            )
        )

    def failed(self, failure: Any) -> None:
        request = getattr(failure, "request", None)
        exc = failure.value
        reason = f"HTTP {exc.response.status}" if hasattr(exc, "response") else f"{type(exc).__name__}: {exc}"
        self.errors.append({"url": request.url if request else "?", "why": reason})
