"""Reaching every report: platform fingerprints, TRS 动静结合 lists through their search
API, script-written pagers and datastores on the generic path, start pages that list
news, and runs that say so when they reach nothing.

Real pages (tests/files/<platform>/) are read as served; the demo tree (`demo-nd`,
crawler/demo/tree.py) is crawled over HTTP and checked against explicit title lists.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import sqlite_utils
from scrapy.http import HtmlResponse, Request, TextResponse

from crawler.adapters import generic, trs
from crawler.adapters.base import html_list_page
from crawler.demo.server import DemoServer
from crawler.platforms import FingerprintError, detect, parse_fingerprints
from crawler.titles import is_annual_report
from tests.crawl_process import crawl
from tests.test_crawl_demo import stored_titles, titles

FILES = Path(__file__).parent / "files"
PINGTAN = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/"

# What the demo tree's portals hold, written out from its design (crawler/demo/tree.py).
ND_EXPECTED = {
    "demo-nd": titles(("宁德市人民政府", "宁德市人民政府办公室"), range(2019, 2025)),
    "demo-nd-bm": titles(("宁德市发展和改革委员会", "宁德市财政局", "宁德市教育局"), range(2020, 2025)),
    "demo-nd-qx": titles(("宁德市蕉城区人民政府", "福安市人民政府"), range(2022, 2025)),
    "demo-nd-xz": titles(("宁德市蕉城区蕉南街道办事处", "宁德市蕉城区城南镇人民政府"), range(2023, 2025)),
}


def html(url: str, body: str) -> HtmlResponse:
    return HtmlResponse(url, body=body.encode("utf-8"), encoding="utf-8", request=Request(url))


def pingtan() -> HtmlResponse:
    return html(PINGTAN, (FILES / "trs" / "pingtan-zfxxgknb-list.html").read_text(encoding="utf-8"))


# --- real pages -------------------------------------------------------------------------


def test_real_pingtan_page_is_fingerprinted_as_trs_with_evidence():
    found = detect(PINGTAN, pingtan().text)
    assert found.platform == "trs"
    assert "TRS list model (动静结合, search API)" in found.evidence
    assert "TRS channel meta ChnlId" in found.evidence


def test_real_pingtan_page_pages_through_the_search_api_its_list_model_calls():
    """listModel({quickMode: "动静结合", maxStaticIndex: 1, listArgs: {channelid:
    SiteInfo.searchId, classsql: "" || "chnlid=1813", …}, pagebar: {prepage: 10,
    recordCount: '20'}}): page 1 is static, page 2 comes from the API."""
    page = trs.parse(pingtan(), {"depth": 0})
    assert len([i for i in page.items if is_annual_report(i.title)]) == 10
    nxt = page.next_page
    assert nxt is not None
    parts = urlsplit(nxt.url)
    assert (parts.netloc, parts.path) == ("www.pingtan.gov.cn", "/fjdzapp/search")
    assert dict(parse_qsl(parts.query)) == {
        "channelid": "200210",  # SiteInfo.searchId, defined in another script of the page
        "classsql": "chnlid=1813",
        "sortfield": "-docorderpri,-docreltime",
        "prepage": "10",
        "page": "2",
    }
    state = nxt.meta["adapter"]
    # The API's answer: records as the page's template binds them (el.chnldocurl, …).
    body = {
        "data": [
            {
                "doctitle": "平潭综合实验区2016年度政府信息公开工作年度报告",
                "chnldocurl": "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/201703/t20170320_1.htm",
                "docreltime": "2017-03-20 10:00:00",
            }
        ]
    }
    api = TextResponse(nxt.url, body=json.dumps(body).encode(), encoding="utf-8", request=nxt)
    last = trs.parse(api, state)
    assert [(i.title, i.date) for i in last.items] == [
        ("平潭综合实验区2016年度政府信息公开工作年度报告", "2017-03-20")
    ]
    assert last.next_page is None  # recordCount 20 / prepage 10: two pages


def test_real_pingtan_page_through_the_generic_path_too():
    page = generic.parse(pingtan(), {"depth": 0})
    assert len([i for i in page.items if is_annual_report(i.title)]) == 10
    assert page.next_page is not None and "/fjdzapp/search?" in page.next_page.url


# --- list forms on the generic path -----------------------------------------------------


def test_a_pager_written_only_by_document_write_is_read():
    body = (
        '<ul><li><a href="./202401/t20240120_5.html">某局2023年政府信息公开工作年度报告</a>'
        "<span>2024-01-20</span></li></ul><script>var countPage = 3//共多少页\n"
        "var currentPage = 1//所在页从0开始\nvar nextPage = currentPage+1\n"
        'if(nextPage<countPage){document.write("<a href=\\"list"+"_"+nextPage+"."+"shtml\\">下一页</a>");}'
        "</script>"
    )
    url = "http://a.gov.cn/zfxxgknb/list_1.shtml"
    page = generic.parse(html(url, body), {"depth": 1})
    assert page.next_page.url == "http://a.gov.cn/zfxxgknb/list_2.shtml"
    last = body.replace("currentPage = 1", "currentPage = 2")
    assert generic.parse(html(url.replace("_1", "_2"), last), {"depth": 1}).next_page is None


def test_a_datastore_is_read_by_the_generic_path():
    body = (
        '<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/jpage/dataproxy.jsp?'
        'page=2&webid=3&columnid=9"></a>]]></nextgroup><recordset><record><![CDATA[<li><a href="/art/'
        '2024/1/9/art_9_1.html" title="某县2023年政府信息公开工作年度报告">某县2023年…</a><span>2024-01-09</span>'
        "</li>]]></record></recordset></datastore></script>"
    )
    page = generic.parse(html("http://b.gov.cn/col/col9/index.html", body), {"depth": 0})
    assert [i.title for i in page.items] == ["某县2023年政府信息公开工作年度报告"]
    assert page.next_page.url == "http://b.gov.cn/module/jpage/dataproxy.jsp?page=2&webid=3&columnid=9"


def test_a_jpaas_pager_is_read_by_the_generic_path():
    body = (
        '<ul><li><a href="//fzggw.zj.gov.cn/art/2024/1/9/art_1_2.html">浙江省某厅2023年政府信息公开工作年度报告</a>'
        '<span>2024-01-09</span></li></ul><div class="page" count="31" rows="15" pageNo="1" '
        "queryData=\"{'webId':'3185','pageId':'1229','tagId':'信息列表','tplSetId':'52'}\"></div>"
    )
    page = generic.parse(html("https://fzggw.zj.gov.cn/col/col1229/index.html", body), {"depth": 0})
    assert [i.url for i in page.items] == ["https://fzggw.zj.gov.cn/art/2024/1/9/art_1_2.html"]
    query = dict(parse_qsl(urlsplit(page.next_page.url).query))
    assert urlsplit(page.next_page.url).path == "/api-gateway/jpaas-publish-server/front/page/build/unit"
    assert (query["webId"], query["pageId"], query["pageNo"], query["rows"]) == ("3185", "1229", "2", "15")


def test_a_start_page_listing_news_leads_to_its_annual_report_column():
    body = (
        '<div class="menu"><a href="/zwgk/">政务公开</a><a href="/zwgk/zfxxgk/zfxxgknb/">政府信息公开年报</a></div>'
        '<ul><li><a href="/xw/202406/t20240601_1.htm">市政府召开常务会议</a><span>2024-06-01</span></li>'
        '<li><a href="/xw/202405/t20240520_2.htm">安全生产工作会议召开</a><span>2024-05-20</span></li></ul>'
    )
    page = html_list_page(html("http://c.gov.cn/", body), {"depth": 0})
    assert len(page.items) == 2  # dated news, none a report
    assert [r.url for r in page.columns] == ["http://c.gov.cn/zwgk/zfxxgk/zfxxgknb/"]
    # Without a 年报 link, the menu's 政务公开 page is asked next (and that page in turn).
    page = html_list_page(html("http://c.gov.cn/", body.replace("政府信息公开年报", "专题")), {"depth": 0})
    assert [(r.url, r.meta["adapter"]["hub_hops"]) for r in page.columns] == [("http://c.gov.cn/zwgk/", 1)]


# --- fingerprints ---------------------------------------------------------------------


def test_demo_column_pages_are_fingerprinted_as_their_platforms():
    import urllib.request

    srv = DemoServer(port=0).start()
    pages = {
        "/jl/zcbm/fgw_136504/ndbg/index.html": "trs",
        "/js/col/col1001/index.html": "hanweb_jpage",
        "/zj/col/col1229/index.html": "hanweb_jpaas",
        "/gd/gz/gkmlpt/index": "gkmlpt",
        "/sh/nw12344/nw2024/index.html": "shanghai",
        "/ucap/c100028/common_zfxxgknb.shtml": "ucap",
        "/fj/nd/zwgk/zfxxgk/zfxxgknb/": "trs",
        "/ah/XxgkContent/showList/182/0/page_1.html": "generic",  # a small CMS: no fingerprint
    }
    try:
        for path, platform in pages.items():
            text = urllib.request.urlopen(srv.url + path).read().decode("utf-8", "replace")
            assert detect(srv.url + path, text).platform == platform, path
    finally:
        srv.stop()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"platform": "wordpress"}, "fingerprint #1: field 'platform' must be one of trs"),
        ({"where": "body"}, "fingerprint #1: field 'where' must be 'url' or 'page'"),
        ({"pattern": "a("}, "fingerprint #1: field 'pattern' is not a valid regex"),
        ({"weight": 0}, "fingerprint #1: field 'weight' must be a positive integer"),
        ({"what": ""}, "fingerprint #1: field 'what' must say what"),
    ],
)
def test_a_malformed_fingerprint_is_rejected_naming_the_row(row, message):
    good = {"platform": "trs", "where": "page", "pattern": "countPage", "weight": 2, "what": "x"}
    with pytest.raises(FingerprintError, match=message):
        parse_fingerprints({"fingerprints": [{**good, **row}]})


# --- the demo tree, crawled ---------------------------------------------------------------


@pytest.fixture(scope="module")
def server():
    srv = DemoServer(port=0).start()
    yield srv
    srv.stop()


def test_demo_tree_holds_what_the_test_expects(server):
    assert server.expected()["demo-nd"] == set().union(*ND_EXPECTED.values())


def test_demo_tree_is_crawled_with_recall_one_and_recrawled_cheaply(server, tmp_path):
    server.clear_log()
    proc = crawl(tmp_path, *ND_EXPECTED, demo_url=server.url)
    assert proc.returncode == 0, proc.stderr[-3000:]
    first = list(server.log)
    db = sqlite_utils.Database(tmp_path / "xxgk.db")
    for portal, expected in ND_EXPECTED.items():
        assert stored_titles(db, portal) == expected, portal  # recall 1.0, nothing else
    # The government's column: page 1 static, pages 2 and 3 only from the search API.
    api = [e.path for e in first if e.path.startswith("/fjdzapp/search")]
    assert len(api) == 2 and "page=2" in api[0] and "page=3" in api[1]
    # The script pager (财政局) and the datastore groups (教育局) were paged.
    paths = [e.path for e in first]
    assert "/fj/nd/zwgk/zfxxgk/bmxxgk/czj/zfxxgknb/index_2.html" in paths
    assert any(p.startswith("/fj/nd/module/jpage/dataproxy.jsp?page=2&") for p in paths)
    runs = {r["portal"]: r for r in db.query("select * from crawl_runs")}
    assert {p: runs[p]["status"] for p in ND_EXPECTED} == dict.fromkeys(ND_EXPECTED, "ok")
    # demo-nd says `auto`: the home page matched nothing, the column page was TRS.
    assert runs["demo-nd"]["platform"] == "generic, trs"
    assert "TRS list model (动静结合, search API)" in runs["demo-nd"]["platform_evidence"]
    # Nothing changed: the second run reads each column's first page and stops.
    server.clear_log()
    proc = crawl(tmp_path, *ND_EXPECTED, demo_url=server.url)
    assert proc.returncode == 0, proc.stderr[-3000:]
    second = [e.path for e in server.log]
    assert not [p for p in second if "fjdzapp" in p or "dataproxy" in p or "/t20" in p]
    assert len(second) < 0.25 * len(first), (len(second), len(first))


def _registry(tmp_path: Path, **entry: object) -> Path:
    base = {"name": "probe", "title": "探针", "region": "350900", "level": "prefecture", "demo": True}
    base["options"] = {"allow_private": True}  # the demo server is on 127.0.0.1
    path = tmp_path / "portals.json"
    path.write_text(json.dumps({"portals": [{**base, **entry}]}, ensure_ascii=False), encoding="utf-8")
    return path


def _last_run(data: Path) -> dict:
    db = sqlite_utils.Database(data / "xxgk.db")
    return next(db.query("select * from crawl_runs order by id desc limit 1"))


def test_an_inferred_platform_the_page_contradicts_is_warned_and_the_page_wins(server, tmp_path):
    reg = _registry(
        tmp_path,
        platform="trs",
        platform_inferred="URL shape: <column>/YYYYMM/tYYYYMMDD_<docid>.<ext>",
        start_urls=["{demo}/ucap/c100028/common_zfxxgknb.shtml"],
    )
    proc = crawl(tmp_path, "probe", demo_url=server.url, registry=str(reg))
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = _last_run(tmp_path)
    assert (run["status"], run["platform"]) == ("warning", "ucap")
    warnings = json.loads(run["warnings"])
    assert len(warnings) == 1 and "looks like ucap" in warnings[0] and "registry says trs" in warnings[0]
    assert "warning: " in proc.stderr
    db = sqlite_utils.Database(tmp_path / "xxgk.db")
    assert len(stored_titles(db, "probe")) == 12  # read as UCAP: every report found


def test_a_start_page_that_leads_to_no_column_and_a_failed_fingerprint_are_warnings(server, tmp_path):
    reg = _registry(tmp_path, platform="auto", start_urls=["{demo}/fj/nd/zwgk/zfxxgk/zn/"])
    proc = crawl(tmp_path, "probe", demo_url=server.url, registry=str(reg))
    assert proc.returncode == 0, proc.stderr[-3000:]
    run = _last_run(tmp_path)
    assert run["status"] == "warning" and run["platform"] == "generic"
    warnings = json.loads(run["warnings"])
    assert warnings[0].startswith("platform fingerprint failed")
    assert "/fj/nd/zwgk/zfxxgk/zn/ led to no annual-report column" in warnings[1]


def test_a_column_that_gave_reports_before_and_none_now_is_a_warning(server, tmp_path):
    reg = _registry(tmp_path, platform="trs", start_urls=["{demo}/fj/nd/jc/zwgk/zfxxgk/zfxxgknb/"])
    assert crawl(tmp_path, "probe", demo_url=server.url, registry=str(reg)).returncode == 0
    assert _last_run(tmp_path)["status"] == "ok"
    # The column now answers with a page of something else (as a moved column's old URL does).
    reg = _registry(tmp_path, platform="trs", start_urls=["{demo}/fj/nd/jc/zwgk/zfxxgk/zd/"])
    assert crawl(tmp_path, "probe", demo_url=server.url, registry=str(reg)).returncode == 0
    run = _last_run(tmp_path)
    assert run["status"] == "warning"
    assert "gave reports before and none now" in json.loads(run["warnings"])[0]
