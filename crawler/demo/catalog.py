"""What the demo portals hold: sites, their annual-report columns, and the reports.

Everything is generated deterministically, so tests can list the reports a crawl must
find. A report may sit behind a fault (`guard`): with that fault switched on it cannot
be fetched (an anti-bot challenge) and a crawl must report it instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DemoReport:
    uid: str
    site: str
    column: str
    agency: str
    year: int
    title: str
    date: str  # ISO publication date shown on the list
    docid: int
    form: str = "html"  # html | pdf | docx | both (html body + pdf) | images (<img> pages) | jpg | scan (PDF)
    text: str | None = None  # a real report text in content/ (else the report is generated)
    decoy: bool = False  # 指南/制度 items that are not reports
    quirk: str | None = None  # meta-refresh | location-stub | onclick | viewer | soft404 | pct-u
    guard: str | None = None  # fault that hides it (challenge | wzws)
    only_with: str | None = None  # listed only while this fault is on
    revision: int = 0
    first_date: str = ""  # the date in URLs never changes, even when the report is revised

    def __post_init__(self) -> None:
        self.first_date = self.first_date or self.date


@dataclass
class Column:
    key: str
    name: str
    reports: list[DemoReport] = field(default_factory=list)

    def listing(self, faults: set[str]) -> list[DemoReport]:
        """Newest first, as CMS lists are (a revised report moves to the top)."""
        shown = [r for r in self.reports if r.only_with is None or r.only_with in faults]
        return sorted(shown, key=lambda r: (r.date, r.docid), reverse=True)


@dataclass
class Site:
    key: str  # registry name of the portal
    platform: str
    prefix: str  # URL path prefix on the demo server
    title: str
    columns: list[Column]
    page_size: int = 5

    def reports(self) -> list[DemoReport]:
        return [r for c in self.columns for r in c.reports]

    def report(self, docid: int | str) -> DemoReport | None:
        if not hasattr(self, "_by_id"):
            self._by_id = {r.docid: r for r in self.reports()}
        try:
            return self._by_id.get(int(docid))
        except ValueError:
            return None

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


def _date(year: int, n: int) -> str:
    month = 1 + (n // 20) % 3
    return f"{year + 1}-{month:02d}-{10 + n % 18:02d}"


class _Maker:
    def __init__(self, site: str, first_docid: int) -> None:
        self.site, self.next_id, self.n = site, first_docid, 0

    def report(self, column: Column, agency: str, year: int, **kw: object) -> DemoReport:
        self.n += 1
        self.next_id += 7
        title = kw.pop("title", None) or f"{agency}{year}年政府信息公开工作年度报告"
        r = DemoReport(
            uid=f"{self.site}/{self.next_id}",
            site=self.site,
            column=column.key,
            agency=agency,
            year=year,
            title=str(title),
            date=str(kw.pop("date", _date(year, self.n))),
            docid=self.next_id,
            **kw,
        )  # type: ignore[arg-type]
        column.reports.append(r)
        return r

    def decoy(self, column: Column, agency: str, what: str = "政府信息公开指南") -> DemoReport:
        return self.report(column, agency, 2023, title=f"{agency}{what}", decoy=True)


def build_world(bench_reports: int = 2000) -> dict[str, Site]:
    sites: dict[str, Site] = {}

    # TRS static (Jilin xxgk platform): one ndbg column per department, found by link text.
    m = _Maker("demo-trs", 9046000)
    cols = []
    for key, agency in (
        ("fgw_136504", "吉林省发展和改革委员会"),
        ("jyt_98071", "吉林省教育厅"),
        ("czt_98013", "吉林省财政厅"),
    ):
        col = Column(key, f"{agency}政府信息公开年报")
        for year in range(2019, 2025):
            form = {2021: "pdf", 2023: "both"}.get(year, "html")
            quirk = "meta-refresh" if (key.startswith("jyt") and year == 2020) else None
            m.report(
                col,
                agency,
                year,
                form=form,
                quirk=quirk,
                guard="challenge" if key.startswith("czt") else None,
            )
        m.decoy(col, agency)
        cols.append(col)
    # A city's column on the same platform, holding a real report (the seed corpus text).
    col = Column("bcs_220800", "白城市人民政府政府信息公开年报")
    m.report(
        col,
        "白城市人民政府",
        2019,
        title="白城市2019年政府信息公开工作年度报告",
        text="baicheng-2019.txt",
        date="2020-03-09",
    )
    cols.append(col)
    sites["demo-trs"] = Site("demo-trs", "trs", "/jl", "吉林省政府信息公开平台（演示）", cols, page_size=4)

    # Hanweb jpage (Jiangsu): one column per city, several agencies, XML groups.
    m = _Maker("demo-jpage", 97000)
    c1, c2 = Column("1001", "南京市政府信息公开年报"), Column("1002", "苏州市政府信息公开年报")
    for col, agencies in (
        (c1, ("南京市人民政府", "南京市财政局", "南京市教育局")),
        (c2, ("苏州市人民政府", "苏州市财政局")),
    ):
        for agency in agencies:
            for year in range(2020, 2025):
                form = {2022: "pdf", 2024: "docx"}.get(year, "html")
                m.report(col, agency, year, form=form, guard="wzws" if agency == "苏州市财政局" else None)
        m.decoy(col, agencies[0])
    m.decoy(c1, "南京市人民政府", "政府信息公开制度")
    sites["demo-jpage"] = Site(
        "demo-jpage", "hanweb_jpage", "/js", "江苏省人民政府（演示）", [c1, c2], page_size=3
    )

    # Guangdong gkmlpt: the annual-report category of one city's catalogue, JSON API.
    m = _Maker("demo-gkmlpt", 4688000)
    col = Column("721", "政府信息公开年报")
    for i, agency in enumerate(
        ("广州市人民政府办公厅", "广州市财政局", "广州市教育局", "广州市天河区人民政府")
    ):
        for year in range(2019, 2025):
            m.report(
                col,
                agency,
                year,
                form="both" if year == 2020 else "html",
                quirk="pct-u" if (i + year) % 3 == 0 else None,
            )
    m.decoy(col, "广州市人民政府办公厅")
    sites["demo-gkmlpt"] = Site(
        "demo-gkmlpt", "gkmlpt", "/gd/gz", "广州市人民政府（演示）", [col], page_size=10
    )

    # Shanghai: a section linking year archives; 1-based index_N pages.
    m = _Maker("demo-shanghai", 12344000)
    cols = []
    for year in range(2020, 2025):
        col = Column(f"nw{year}", f"{year}年")
        for agency in (
            "上海市人民政府办公厅",
            "上海市财政局",
            "上海市外事办公室",
            "上海市松江区人民政府",
            "上海市教育委员会",
        ):
            m.report(col, agency, year)
        cols.append(col)
    sites["demo-shanghai"] = Site(
        "demo-shanghai", "shanghai", "/sh", "上海市人民政府（演示）", cols, page_size=3
    )

    # A small GBK CMS (Anhui county style): table rows, 下一页 links, onclick, stubs.
    m = _Maker("demo-gbkcms", 6200)
    col = Column("182", "政府信息公开年报")
    for agency in ("蒙城县人民政府", "蒙城县财政局", "蒙城县教育局", "蒙城县卫生健康委员会"):
        for year in range(2020, 2025):
            quirk, form = None, "html"
            if agency == "蒙城县财政局":
                quirk = "onclick"
            if agency == "蒙城县教育局" and year == 2023:
                quirk = "location-stub"
            if agency == "蒙城县卫生健康委员会":
                form = "docx"
            if agency == "蒙城县人民政府" and year == 2021:
                form, quirk = "pdf", "viewer"
            m.report(col, agency, year, form=form, quirk=quirk)
    m.decoy(col, "蒙城县人民政府")
    m.decoy(col, "蒙城县人民政府", "政府信息公开制度")
    m.report(col, "蒙城县审计局", 2019, quirk="soft404", only_with="soft404", date="2024-03-30")
    sites["demo-gbkcms"] = Site("demo-gbkcms", "generic", "/ah", "蒙城县人民政府（演示）", [col], page_size=5)

    # Hanweb jpaas (Zhejiang): static page 1, JSON build/unit API for the rest.
    m = _Maker("demo-jpaas", 1229000)
    col = Column("1229", "政府信息公开年报")
    for agency in ("浙江省发展和改革委员会", "浙江省财政厅", "温州市人民政府"):
        for year in range(2020, 2025):
            m.report(col, agency, year)
    sites["demo-jpaas"] = Site(
        "demo-jpaas", "hanweb_jpaas", "/zj", "浙江省人民政府（演示）", [col], page_size=5
    )

    # 开普云/UCAP ministry channel.
    m = _Maker("demo-ucap", 5251000)
    col = Column("c100028", "政府信息公开年报")
    for agency in ("中国证券监督管理委员会", "中国证券监督管理委员会北京监管局"):
        for year in range(2019, 2025):
            form = "pdf" if year == 2019 else "html"
            if agency.endswith("北京监管局") and year == 2020:
                form = "images"  # a scanned report: the page's body is its pages as <img>s
            if agency.endswith("北京监管局") and year == 2021:
                form = "jpg"  # a scanned report as a JPG attachment
            if agency.endswith("北京监管局") and year == 2019:
                form = "scan"  # a scanned report as an image-only PDF
            m.report(col, agency, year, form=form)
    sites["demo-ucap"] = Site(
        "demo-ucap", "ucap", "/ucap", "中国证券监督管理委员会（演示）", [col], page_size=5
    )

    # The bench portal: a government-wide aggregation split by year (TRS), big.
    m = _Maker("demo-bench", 1000000)
    years = list(range(2009, 2025))
    per_year = max(1, -(-bench_reports // len(years)))
    cols = [Column(f"{y}n", f"{y}年政府信息公开年报") for y in years]
    made = 0
    for i in range(per_year):
        for col, year in zip(cols, years, strict=True):
            if made < bench_reports:
                m.report(col, f"演示市第{i + 1}局", year, form="both" if i % 10 == 0 else "html")
                made += 1
    sites["demo-bench"] = Site(
        "demo-bench", "trs", "/bench", "演示市政府信息公开（基准）", cols, page_size=20
    )

    # A prefecture's whole disclosure tree (Fujian TRS): own, department, county and
    # township columns behind directories; 动静结合 API, script pager, datastore lists.
    from crawler.demo import tree

    sites["demo-nd"] = tree.build(_Maker)
    return sites


def expected_titles(sites: dict[str, Site], faults: set[str] = frozenset()) -> dict[str, set[str]]:
    """Per portal, the titles of the reports a crawl must find with these faults on."""
    out: dict[str, set[str]] = {}
    for key, site in sites.items():
        out[key] = {
            r.title
            for r in site.reports()
            if not r.decoy and r.only_with is None and not (r.guard and r.guard in faults)
        }
    return out
