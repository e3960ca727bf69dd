"""A prefecture's whole disclosure tree (Fujian TRS sites, as 平潭 serves them).

Why: real reports sit in many columns a registry does not name: the government's own,
each department's, each township's, each county's. This site gives discovery and the
spider a realistic tree to walk, and the list forms the other demos lack:

    /fj/nd/                                government home: menu, dated news, county links
      zwgk/zfxxgk/                         政府信息公开 home (指南, 制度, 年报, directories)
        zfxxgknb/                          the government's 年报: TRS 动静结合 (static page 1,
                                           the rest only from GET /fjdzapp/search JSON)
        bmxxgk/                            部门信息公开 directory → <dept>/ homes → <dept>/zfxxgknb/
                                           (createPageHTML pager | a pager only written by
                                           document.write | a Hanweb datastore paged by GET
                                           dataproxy.jsp | no 年报 column at all)
        qxxxgk/                            区县 directory → county xxgk homes
      jc/ fa/                              county portals (own menu, 年报, 乡镇（街道） directory)
        zwgk/zfxxgk/xzjd/<town>/           township homes → <town>/zfxxgknb/

`COLUMNS` is the truth discovery is measured against.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass

from crawler.demo import reports
from crawler.demo.catalog import Column, DemoReport, Site
from crawler.demo.web import Reply, page, shell

PREFIX = "/fj/nd"
SEARCH_API = "/fjdzapp/search"  # at the host root, as the TRS list model calls it
SEARCH_ID = 200210  # SiteInfo.searchId
PREPAGE = 5  # records per page of the 动静结合 list (static page 1, then the API)


@dataclass(frozen=True)
class TreeColumn:
    key: str  # path of the column under PREFIX (no slashes at the ends)
    agency: str
    level: str  # registry level of the publisher
    region: str
    style: str  # dynamic | static | script | datastore
    years: tuple[int, ...]
    chnl: int  # TRS channel id (ChnlId)


_GOV = "宁德市人民政府"
COLUMNS: tuple[TreeColumn, ...] = (
    TreeColumn(
        "zwgk/zfxxgk/zfxxgknb", _GOV, "prefecture", "350900", "dynamic", tuple(range(2019, 2025)), 1813
    ),
    TreeColumn(
        "zwgk/zfxxgk/bmxxgk/fgw/zfxxgknb",
        "宁德市发展和改革委员会",
        "department",
        "350900",
        "static",
        tuple(range(2020, 2025)),
        1821,
    ),
    TreeColumn(
        "zwgk/zfxxgk/bmxxgk/czj/zfxxgknb",
        "宁德市财政局",
        "department",
        "350900",
        "script",
        tuple(range(2020, 2025)),
        1822,
    ),
    TreeColumn(
        "zwgk/zfxxgk/bmxxgk/jyj/zfxxgknb",
        "宁德市教育局",
        "department",
        "350900",
        "datastore",
        tuple(range(2020, 2025)),
        1823,
    ),
    TreeColumn(
        "jc/zwgk/zfxxgk/zfxxgknb",
        "宁德市蕉城区人民政府",
        "county",
        "350902",
        "static",
        tuple(range(2022, 2025)),
        2813,
    ),
    TreeColumn(
        "fa/zwgk/zfxxgk/zfxxgknb",
        "福安市人民政府",
        "county",
        "350981",
        "static",
        tuple(range(2022, 2025)),
        3813,
    ),
    TreeColumn(
        "jc/zwgk/zfxxgk/xzjd/jnjd/zfxxgknb",
        "宁德市蕉城区蕉南街道办事处",
        "township",
        "350902",
        "static",
        (2023, 2024),
        2851,
    ),
    TreeColumn(
        "jc/zwgk/zfxxgk/xzjd/cnz/zfxxgknb",
        "宁德市蕉城区城南镇人民政府",
        "township",
        "350902",
        "static",
        (2023, 2024),
        2852,
    ),
)
# The government's office publishes in the government's column too (as real aggregations do).
OFFICE = "宁德市人民政府办公室"
DEPARTMENTS = (
    ("fgw", "宁德市发展和改革委员会"),
    ("czj", "宁德市财政局"),
    ("jyj", "宁德市教育局"),
    ("gaj", "宁德市公安局"),
)  # 公安局 has no 年报 column (its 年报专栏 link leads to an empty page): discovery proposes none
COUNTIES = (("jc", "宁德市蕉城区人民政府"), ("fa", "福安市人民政府"))
TOWNSHIPS = (("jnjd", "蕉南街道办事处"), ("cnz", "城南镇人民政府"))
SUBCOLUMNS = (("zn", "政府信息公开指南"), ("zd", "政府信息公开制度"), ("fdzdgknr", "法定主动公开内容"))


def build(maker_cls: type) -> Site:
    m = maker_cls("demo-nd", 105000)
    cols = []
    for tc in COLUMNS:
        col = Column(tc.key, f"{tc.agency}政府信息公开年报")
        for year in tc.years:
            m.report(col, tc.agency, year)
            if tc.agency == _GOV:
                m.report(col, OFFICE, year)
        cols.append(col)
    return Site("demo-nd", "tree", PREFIX, "宁德市人民政府（演示）", cols, page_size=2)


def column_url(tc: TreeColumn) -> str:
    return f"{PREFIX}/{tc.key}/"


# -- hubs: home pages and directories ----------------------------------------------------
def _links(pairs: list[tuple[str, str]], cls: str = "list") -> str:
    return (
        f'<ul class="{cls}">'
        + "".join(f'<li><a href="{u}">{html.escape(t)}</a></li>' for t, u in pairs)
        + "</ul>"
    )


def _xxgk_home(base: str, who: str, extra: list[tuple[str, str]], has_nb: bool = True) -> Reply:
    links = [(name, f"{base}{slug}/") for slug, name in SUBCOLUMNS]
    # A unit without reports may still link an empty 年报 page (栏目建设中): no column.
    links.append(("政府信息公开年报" if has_nb else "年报专栏", f"{base}zfxxgknb/"))
    menu = _links(links + extra, "xxgk-menu")
    body = f'<div class="xxgk-nav"><h2>{html.escape(who)}政府信息公开</h2>{menu}</div>'
    return page(shell(f"政府信息公开_{who}", body, metas={"SiteName": who, "ColumnName": "政府信息公开"}))


def _home(base: str, who: str, counties: bool) -> Reply:
    menu = [
        ("首页", base),
        ("政务公开", f"{base}zwgk/zfxxgk/"),
        ("政府信息公开", f"{base}zwgk/zfxxgk/"),
        ("政府信息公开年报", f"{base}zwgk/zfxxgk/zfxxgknb/"),
        ("互动交流", f"{base}hdjl/"),
    ]
    news = "".join(
        f'<li><a href="{base}xw/yw/2024{m:02d}/t2024{m:02d}{d:02d}_{900 + m}.htm" title="{t}">{t}</a>'
        f"<span>2024-{m:02d}-{d:02d}</span></li>"
        for m, d, t in (
            (6, 1, f"{who}召开常务会议"),
            (5, 20, "全市安全生产工作会议召开"),
            (5, 8, "我市开展政务公开日活动"),
            (4, 16, "春季植树活动举行"),
        )
    )
    body = f'<div class="nav">{_links(menu, "menu")}</div>'
    body += f'<div class="news"><h3>要闻动态</h3><ul>{news}</ul></div>'
    if counties:
        body += (
            '<div class="qx"><h3>县（市、区）政府网站</h3>'
            + _links([(name, f"{PREFIX}/{key}/") for key, name in COUNTIES])
            + "</div>"
        )
    return page(shell(who, body, metas={"SiteName": who}))


def _decoy_list(base: str, who: str, what: str) -> Reply:
    title = f"{who}{what}"
    lis = f'<li><a href="{base}202301/t20230105_77{len(what)}.htm" title="{title}">{title}</a>'
    lis += "<span>2023-01-05</span></li>"
    return page(
        shell(what, f'<div class="list"><h2>{what}</h2><ul>{lis}</ul></div>', metas={"ColumnName": what})
    )


def hub(path: str) -> Reply | None:
    """Home pages, xxgk homes, directories and the decoy sub-columns, by path."""
    rest = path[len(PREFIX) :].strip("/")
    rest = re.sub(r"(^|/)index\.html?$", "", rest)
    if rest == "":
        return _home(f"{PREFIX}/", _GOV, counties=True)
    if rest == "zwgk/zfxxgk":
        return _xxgk_home(
            f"{PREFIX}/zwgk/zfxxgk/",
            _GOV,
            [
                ("部门信息公开", f"{PREFIX}/zwgk/zfxxgk/bmxxgk/"),
                ("县（市、区）信息公开", f"{PREFIX}/zwgk/zfxxgk/qxxxgk/"),
            ],
        )
    if rest == "zwgk/zfxxgk/bmxxgk":
        items = [(name, f"{PREFIX}/zwgk/zfxxgk/bmxxgk/{key}/") for key, name in DEPARTMENTS]
        return page(shell("部门信息公开", f'<div class="bm"><h2>部门信息公开</h2>{_links(items)}</div>'))
    if rest == "zwgk/zfxxgk/qxxxgk":
        items = [(name, f"{PREFIX}/{key}/zwgk/zfxxgk/") for key, name in COUNTIES]
        return page(
            shell(
                "县（市、区）信息公开", f'<div class="qx"><h2>县（市、区）信息公开</h2>{_links(items)}</div>'
            )
        )
    for key, name in DEPARTMENTS:
        if rest == f"zwgk/zfxxgk/bmxxgk/{key}":
            return _xxgk_home(f"{PREFIX}/{rest}/", name, [], has_nb=key != "gaj")
    if rest == "zwgk/zfxxgk/bmxxgk/gaj/zfxxgknb":  # 公安局's 年报 link leads to an empty page
        return page(shell("政府信息公开年报", '<div class="list"><p>栏目建设中</p></div>'))
    for key, name in COUNTIES:
        if rest == key:
            return _home(f"{PREFIX}/{key}/", name, counties=False)
        if rest == f"{key}/zwgk/zfxxgk":
            extra = [("乡镇（街道）信息公开", f"{PREFIX}/{key}/zwgk/zfxxgk/xzjd/")] if key == "jc" else []
            return _xxgk_home(f"{PREFIX}/{rest}/", name, extra)
    if rest == "jc/zwgk/zfxxgk/xzjd":
        items = [(name, f"{PREFIX}/jc/zwgk/zfxxgk/xzjd/{key}/") for key, name in TOWNSHIPS]
        return page(
            shell("乡镇（街道）信息公开", f'<div class="xz"><h2>乡镇（街道）</h2>{_links(items)}</div>')
        )
    for key, name in TOWNSHIPS:
        if rest == f"jc/zwgk/zfxxgk/xzjd/{key}":
            return _xxgk_home(f"{PREFIX}/{rest}/", name, [])
    m = re.match(r"^(.*?)/?(zn|zd|fdzdgknr)$", rest)
    if m:
        what = dict(SUBCOLUMNS)[m.group(2)]
        return _decoy_list(f"{PREFIX}/{rest}/", "", what)
    return None


# -- 年报 columns --------------------------------------------------------------------------
def _detail_path(r: DemoReport) -> str:
    d = r.first_date.replace("-", "")
    return f"{d[:6]}/t{d}_{r.docid}.htm"


def _li(r: DemoReport) -> str:
    return (
        f'<li><a href="./{_detail_path(r)}" target="_blank" title="{html.escape(r.title)}">'
        f"{html.escape(r.title)}</a><span>{r.date}</span></li>"
    )


def _dynamic(site: Site, col: Column, tc: TreeColumn, items: list[DemoReport]) -> Reply:
    """平潭's markup: static <dl> rows for page 1, an Avalon twin block, the list model."""
    rows = "".join(
        f'<dl><dd class="trt-col-sm-24 text_align_left"><a href="./{_detail_path(r)}" target="_blank" '
        f'title="{html.escape(r.title)}">{html.escape(r.title)}</a></dd>'
        f'<dd class="trt-col-4 text_align_left">\n    {r.date}\n</dd></dl>'
        for r in items[:PREPAGE]
    )
    body = (
        '<div class="tabs info_tabs" ms-controller="list"><div class="tabs_header"><ul><li class="on">'
        '<a class="cur_def" href="javascript:;">政府信息公开年报</a></li></ul></div>'
        '<div class="rules_tabs_01 rules_tabs_no_bg"><dl><dt>标题</dt><dt>发布日期</dt></dl></div>'
        f'<div class="rules_tabs_01 rules_tabs_no_bg" ms-visible="showStatic">{rows}</div>'
        '<div class="rules_tabs_01 rules_tabs_no_bg" ms-visible="!showStatic"><dl ms-repeat="list"><dd>'
        '<a ms-attr-href="el.chnldocurl" target="_blank" ms-attr-title="el.doctitle" '
        'ms-text="el.doctitle"></a>'
        "</dd><dd>{{el.docreltime|date('yyyy-MM-dd')}}</dd></dl></div>"
        '<div class="page_base mar_t_base" ms-controller="list_pagebar" ms-include-src="pgTemp" '
        'ms-if="pageCount>0"></div></div>'
    )
    script = (
        "<script>\n    var SiteInfo = {\n        itpSiteId: 21,\n"
        f"        searchId: {SEARCH_ID}, //默认的文档检索频道的ID\n"
        '        defaultPgTemp: "pgBar_pt.html"\n    };\n</script>\n'
        '<script src="/images/model.min.js"></script>\n<script>\n'
        '    require(["list2.trsapi", "tools"], function(listModel, tools) {\n'
        '        listModel({\n            quickMode: "动静结合",\n            maxStaticIndex: 1,\n'
        f"            listArgs: {{\n                channelid: SiteInfo.searchId,\n"
        f'                classsql: "" || "chnlid={tc.chnl}",\n'
        '                sortfield: "-docorderpri,-docreltime"\n            },\n'
        f"            pagebar: {{\n                prepage: {PREPAGE},\n"
        f"                recordCount: '{len(items)}',\n"
        '                pgTemp: "pgBar_xxgk.html",\n'
        '                pgCountMode: "recordCount"\n            }\n'
        "        });\n    });\n</script>"
    )
    metas = {"SiteName": site.title, "ColumnName": "政府信息公开年报", "ChnlId": str(tc.chnl)}
    return page(shell("政府信息公开年报", body, metas=metas, script=script))


def search_api(site: Site, req, faults: set[str]) -> Reply:
    """GET /fjdzapp/search?channelid=…&classsql=chnlid=N&page=P&prepage=K (JSON)."""
    m = re.fullmatch(r"chnlid=(\d+)", req.query.get("classsql", ""))
    tc = next((c for c in COLUMNS if m and c.chnl == int(m.group(1))), None)
    if req.query.get("channelid") != str(SEARCH_ID) or tc is None:
        return page(json.dumps({"code": 1, "msg": "参数错误", "data": []}), content_type="application/json")
    items = site.column(tc.key).listing(faults)
    per = int(req.query.get("prepage") or 10)
    n = int(req.query.get("page") or 1)
    data = [
        {
            "doctitle": r.title,
            "chnldocurl": f"http://{req.host}{PREFIX}/{tc.key}/{_detail_path(r)}",
            "docreltime": f"{r.date} 09:30:00",
            "chnlid": tc.chnl,
        }
        for r in items[(n - 1) * per : n * per]
    ]
    body = {
        "code": 0,
        "page": n,
        "pagecount": math.ceil(len(items) / per),
        "recordcount": len(items),
        "data": data,
    }
    return page(json.dumps(body, ensure_ascii=False), content_type="application/json")


def _paged(col: Column, items: list[DemoReport], n: int, size: int, script: str) -> Reply:
    lis = "".join(_li(r) for r in items[n * size : (n + 1) * size])
    body = f'<div class="list"><h2>{html.escape(col.name)}</h2><ul>{lis}</ul></div>'
    reply = page(shell(col.name, body, metas={"ColumnName": "政府信息公开年报"}, script=script))
    reply.cacheable = True
    return reply


def _static(col: Column, items: list[DemoReport], n: int, size: int) -> Reply:
    count = max(1, math.ceil(len(items) / size))
    return _paged(col, items, n, size, f'<script>createPageHTML({count}, {n}, "index", "html");</script>')


def _script(col: Column, items: list[DemoReport], n: int, size: int) -> Reply:
    """A pager that exists only as document.write strings (no createPageHTML call)."""
    count = max(1, math.ceil(len(items) / size))
    script = (
        f"<script>\nvar countPage = {count}//共多少页\nvar currentPage = {n}//所在页从0开始\n"
        "var prePage = currentPage-1\nvar nextPage = currentPage+1\n"
        'document.write("<a href=\\"index.html\\">首页</a>");\n'
        'if(currentPage>1){document.write("<a href=\\"index"+"_"+prePage+"."+"html\\">上一页</a>");}\n'
        'if(nextPage<countPage){document.write("<a href=\\"index"+"_"+nextPage+"."+"html\\">下一页</a>");}\n'
        "</script>"
    )
    return _paged(col, items, n, size, script)


def _records(items: list[DemoReport], tc: TreeColumn) -> str:
    return "".join(
        f'<record><![CDATA[<li><a href="{PREFIX}/{tc.key}/{_detail_path(r)}" title="{html.escape(r.title)}" '
        f'target="_blank">{html.escape(r.title)}</a><span>{r.date}</span></li>]]></record>'
        for r in items
    )


def _datastore(items: list[DemoReport], tc: TreeColumn, n: int, size: int) -> str:
    """Group n (1-based) as a datastore; `<nextgroup>` points at the next group while one exists."""
    group = items[(n - 1) * size : n * size]
    nxt = ""
    if n * size < len(items):
        url = (
            f"{PREFIX}/module/jpage/dataproxy.jsp?page={n + 1}&amp;webid=3&amp;path=/&amp;columnid={tc.chnl}"
        )
        nxt = f'<nextgroup><![CDATA[<a href="{url}"></a>]]></nextgroup>'
    return f"<datastore>{nxt}<recordset>{_records(group, tc)}</recordset></datastore>"


def detail(site: Site, r: DemoReport) -> Reply:
    body = (
        f'<div class="article"><h1>{html.escape(r.title)}</h1><div class="info">发布日期：{r.date}</div>'
        f'<div class="TRS_Editor">{reports.body(r, None)}</div></div>'
    )
    reply = page(shell(r.title, body, metas={"ArticleTitle": r.title, "PubDate": f"{r.date} 09:30"}))
    reply.cacheable, reply.last_modified = True, reports.http_date(r.date)
    return reply


def render(site: Site, req, srv) -> Reply | None:
    faults = srv.faults
    if req.path == SEARCH_API:
        return search_api(site, req, faults)
    if req.path == f"{PREFIX}/module/jpage/dataproxy.jsp":
        tc = next((c for c in COLUMNS if str(c.chnl) == req.query.get("columnid")), None)
        if tc is None or tc.style != "datastore":
            return None
        items = site.column(tc.key).listing(faults)
        xml = '<?xml version="1.0" encoding="UTF-8"?>' + _datastore(
            items, tc, int(req.query.get("page") or 1), 3
        )
        return page(xml, content_type="text/xml")
    for tc in COLUMNS:
        base = column_url(tc)
        if not req.path.startswith(base):
            continue
        col = site.column(tc.key)
        rest = req.path[len(base) :]
        m = re.fullmatch(r"(\d{6})/t(\d{8})_(\d+)\.htm", rest)
        if m:
            r = site.report(m.group(3))
            return detail(site, r) if r is not None and r.column == tc.key else None
        m = re.fullmatch(r"(?:index(?:_(\d+))?\.html)?", rest)
        if not m:
            return None
        n = int(m.group(1) or 0)
        items = col.listing(faults)
        if tc.style == "dynamic":
            return _dynamic(site, col, tc, items) if n == 0 else None
        if n >= max(1, math.ceil(len(items) / site.page_size)):
            return None
        if tc.style == "static":
            return _static(col, items, n, site.page_size)
        if tc.style == "script":
            return _script(col, items, n, site.page_size)
        if n == 0:  # datastore
            script = f'<script type="text/xml">{_datastore(items, tc, 1, 3)}</script>'
            body = f'<div class="list"><h2>{html.escape(col.name)}</h2><div id="datalist"></div></div>'
            return page(shell(col.name, body, metas={"ColumnName": "政府信息公开年报"}, script=script))
        return None
    return hub(req.path)
