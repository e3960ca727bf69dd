"""Pieces of the crawler that read what portals send: titles, dates, challenges,
attachment names, links, and the list pages of each platform."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse

from crawler.adapters import gkmlpt, hanweb_jpage, shanghai, trs
from crawler.adapters.base import column_links, items_from_html, resolve_link
from crawler.antibot import challenge_kind
from crawler.attachments import (
    filename_from_disposition,
    is_error_page_instead_of_file,
    looks_like_attachment,
    sniff_format,
)
from crawler.titles import is_annual_report, parse_date, report_year


@pytest.mark.parametrize(
    ("title", "report", "year"),
    [
        ("吉林省发展和改革委员会2024年政府信息公开工作年度报告", True, 2024),
        ("白城市2019年政府信息公开工作年度报告", True, 2019),
        ("2023年政府信息公开工作年度报告", True, 2023),
        ("云浮市工业和信息化局2022年机关政府信息公开年报", True, 2022),
        ("2024年度政府信息公开工作年度报告（超链版）", True, 2024),
        ("吉林省教育厅政府信息公开指南", False, None),
        ("关于印发政府信息公开制度的通知", False, None),
        ("更多", False, None),
    ],
)
def test_annual_report_titles(title, report, year):
    assert is_annual_report(title) is report
    if report:
        assert report_year(title) == year


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("[2024-01-26]", "2024-01-26"),
        ("2024/1/6", "2024-01-06"),
        ("2024年1月26日", "2024-01-26"),
        ("2026-\n01-\n23", "2026-01-23"),
        ("2024.01.26", "2024-01-26"),
        ("2025-01-16 09:30:00", "2025-01-16"),
        (1706227200, "2024-01-26"),
        ("索引号 006939748/2025-00084", None),
        ("", None),
    ],
)
def test_dates_as_lists_print_them(text, iso):
    assert parse_date(text) == iso


def test_challenges_are_recognised_and_ordinary_pages_are_not():
    assert challenge_kind(412, b"<script>$_ts=window['$_ts']</script>") == "412 challenge (瑞数-like)"
    assert challenge_kind(521, b"<script>document.cookie=...</script>").startswith("521")
    wzws = "<noscript>请开启JavaScript并刷新该页.</noscript><script>var wzwschallenge='x'</script>".encode()
    assert challenge_kind(200, wzws) == "WZWS JavaScript challenge"
    assert (
        challenge_kind(200, "<html><title>白城市2019年政府信息公开工作年度报告</title></html>".encode())
        is None
    )
    assert challenge_kind(404, b"<html>404</html>") is None


def test_content_disposition_names():
    name = "蒙城县卫生健康委员会2024年政府信息公开工作年度报告.docx"
    assert filename_from_disposition(b'attachment; filename="' + name.encode("gbk") + b'"') == name
    assert filename_from_disposition(b'attachment; filename="' + name.encode("utf-8") + b'"') == name
    assert filename_from_disposition("attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf") == "年报.pdf"
    assert filename_from_disposition(b"attachment; filename=%C4%EA%B1%A8.pdf") == "年报.pdf"  # GBK %-escaped
    assert filename_from_disposition(b"inline") is None
    assert filename_from_disposition(None) is None


def test_formats_come_from_the_bytes_not_the_header():
    assert sniff_format(b"\xef\xbb\xbf%PDF-1.7\n...") == "pdf"
    assert sniff_format(b"PK\x03\x04....word/document.xml") == "docx"
    assert sniff_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") == "ole"
    assert sniff_format(b"\x89PNG\r\n") == "image:png"
    assert is_error_page_instead_of_file("http://a.gov.cn/P020240101.pdf", b"<html><body>404</body></html>")
    assert not is_error_page_instead_of_file("http://a.gov.cn/P020240101.pdf", b"%PDF-1.4")


def test_links_hidden_in_scripts_and_viewers():
    base = "http://www.mengcheng.gov.cn/XxgkContent/showList/182/0/page_1.html"
    assert (
        resolve_link("javascript:void(0);", "window.open('/XxgkAnnualReport/show/6256.html')", base)
        == "http://www.mengcheng.gov.cn/XxgkAnnualReport/show/6256.html"
    )
    assert (
        resolve_link("/pdfjs/web/viewer.html?file=/uploads/1.pdf", None, base)
        == "http://www.mengcheng.gov.cn/uploads/1.pdf"
    )
    assert (
        resolve_link("//fzggw.zj.gov.cn/art/2024/1/2/art_1_2.html", None, "https://www.zj.gov.cn/col/")
        == "https://fzggw.zj.gov.cn/art/2024/1/2/art_1_2.html"
    )
    assert looks_like_attachment("http://w.gov.cn/module/download/downfile.jsp?classid=0&filename=ab12.pdf")
    assert not looks_like_attachment("http://w.gov.cn/art/2025/1/16/art_1229850036_97440.html")


def html(url: str, body: str, encoding: str = "utf-8") -> HtmlResponse:
    return HtmlResponse(url, body=body.encode(encoding), encoding=encoding, request=Request(url))


def test_trs_list_page_reads_items_and_the_script_pagination():
    url = "http://xxgk.jl.gov.cn/zcbm/fgw_98067/ndbg/index_1.html"
    page = trs.parse(
        html(
            url,
            """<ul>
      <li><a href="./202501/t20250124_9046089.html"
          title="吉林省发展和改革委员会2024年政府信息公开工作年度报告"
          >吉林省发展…</a>
          <span>2025-01-24</span></li>
      <li><a href="../zn/" >政府信息公开指南</a></li></ul>
      <script>var countPage = 3//共多少页
      var currentPage = 1//所在页从0开始
      createPageHTML(3, 1, "index", "html");</script>""",
        ),
        {"depth": 1},
    )
    assert [(i.url, i.date) for i in page.items] == [
        ("http://xxgk.jl.gov.cn/zcbm/fgw_98067/ndbg/202501/t20250124_9046089.html", "2025-01-24")
    ]
    assert page.next_page.url == "http://xxgk.jl.gov.cn/zcbm/fgw_98067/ndbg/index_2.html"
    last = trs.parse(
        html(url.replace("_1", "_2"), '<script>createPageHTML(3, 2, "index", "html");</script>'), {"depth": 1}
    )
    assert last.next_page is None


def test_real_pingtan_list_page_items(tmp_path):
    """The captured TRS 动静结合 page: page-1 reports found, the Avalon template skipped."""
    from pathlib import Path

    sample = Path(__file__).parent / "files" / "trs" / "pingtan-zfxxgknb-list.html"
    url = "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/"
    page = trs.parse(html(url, sample.read_text(encoding="utf-8")), {"depth": 0})
    reports = [i for i in page.items if is_annual_report(i.title)]
    assert len(reports) == 10
    assert all(i.url.startswith(url) and i.date for i in reports)
    assert not any("{{" in i.url or "el." in i.url for i in page.items)


def test_shanghai_skips_commented_duplicates_and_pages_one_based():
    url = "https://www.shanghai.gov.cn/nw12344/nw2024/index.html"
    page = shanghai.parse(
        html(
            url,
            """<ul><li><a href="/nw12344/20250331/4a03b5fa47ae4c73b7ec42801de6be66.html"
        title="上海市2024年政府信息公开工作年度报告">上海市2024年…</a>
        <span class="time">2025-03-31</span></li></ul>
        <!--<ul><li><a href="/old.html" title="上海市2024年政府信息公开工作年度报告">x</a>
        <span class="time">2025-03-31</span></li></ul>-->
        <script>$('#p').pagination({totalPage: 2, currentPage: 1});</script>""",
        ),
        {"depth": 1},
    )
    assert [i.url for i in page.items] == [
        "https://www.shanghai.gov.cn/nw12344/20250331/4a03b5fa47ae4c73b7ec42801de6be66.html"
    ]
    assert page.next_page.url == "https://www.shanghai.gov.cn/nw12344/nw2024/index_2.html"


def test_jpage_column_page_builds_the_dataproxy_post():
    url = "http://www.js.gov.cn/col/col1001/index.html"
    body = """<script type="text/xml"><datastore><recordset>
      <record><![CDATA[<li><a href="/art/2025/1/16/art_1001_97440.html"
      title="南京市2024年政府信息公开工作年度报告">x</a>
      <span>2025-\n01-\n16</span></li>]]></record></recordset></datastore></script>
      <script>var param_54896 = {col:1, appid:1, webid:1, path:'/', columnid:1001, unitid:'54896',
      webname:'江苏', permissiontype:0};
      jpage({totalRecord:60, perPage:15, groupSize:3,
      proxyUrl:'/module/web/jpage/dataproxy.jsp'});</script>"""
    page = hanweb_jpage.parse(html(url, body), {"depth": 0})
    assert page.items[0].date == "2025-01-16"
    nxt = page.next_page
    assert nxt.method == "POST"
    assert (
        nxt.url
        == "http://www.js.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=60&perpage=15"
    )
    assert b"columnid=1001" in nxt.body and nxt.headers[b"X-Requested-With"] == b"XMLHttpRequest"


def test_gkmlpt_finds_the_report_category_and_decodes_escaped_titles():
    url = "http://www.gd.gov.cn/gkmlpt/index"
    index = html(
        url,
        """<script>window._CONFIG = {SID:'2', TREE:[{"id":1,"name":"法规","children":[]},
        {"id":2,"name":"政府信息公开","children":[{"id":721,"name":"政府信息公开年报","children":[]}]}]};</script>""",
    )
    page = gkmlpt.parse(index, {"depth": 0})
    assert [r.url for r in page.columns] == ["http://www.gd.gov.cn/gkmlpt/api/all/721?page=1&sid=2"]
    api = TextResponse(
        page.columns[0].url,
        body=(
            b'{"total": 150, "articles": [{"id": 4688997, "url": "http://www.gd.gov.cn/gkmlpt/content/4/4688/'
            b'post_4688997.html", "title": "%u5E7F%u4E1C%u77012024%u5E74%u653F%u5E9C%u4FE1%u606F%u516C%u5F00'
            b'%u5DE5%u4F5C%u5E74%u5EA6%u62A5%u544A", "create_time": 1706227200, "attachment": []}]}'
        ),
        encoding="utf-8",
        request=page.columns[0],
    )
    listed = gkmlpt.parse(api, page.columns[0].meta["adapter"])
    assert listed.items[0].title == "广东省2024年政府信息公开工作年度报告"
    assert listed.items[0].date == "2024-01-26"
    assert listed.next_page.url.endswith("/gkmlpt/api/all/721?page=2&sid=2")


def test_column_links_found_by_anchor_text():
    page = html(
        "http://xxgk.jl.gov.cn/",
        """<a href="/zcbm/fgw_98067/ndbg/">政府信息公开年报</a>
        <a href="/zcbm/fgw_98067/zn/">政府信息公开指南</a><a href="/gknb/2024n/">2024年</a>
        <a href="/x/202501/t20250124_1.html">吉林省2024年政府信息公开工作年度报告</a>""",
    )
    assert column_links(page.selector, page.url) == [
        "http://xxgk.jl.gov.cn/zcbm/fgw_98067/ndbg/",
        "http://xxgk.jl.gov.cn/gknb/2024n/",
    ]
    assert [i.url for i in items_from_html(page.selector, page.url)] == [
        "http://xxgk.jl.gov.cn/x/202501/t20250124_1.html"
    ]


@pytest.mark.parametrize("text", ["下一页", "下一页>", "[下一页]", "下页 >>", ">", "»", "Next"])
def test_generic_follows_next_links_however_they_are_written(text):
    from crawler.adapters import generic

    url = "http://hdzfxxgk.hd.gov.cn/zfxxgknb/index.html"
    page = generic.parse(
        html(
            url,
            f"""<table><tr><td><a href="/a/1.html">邯郸市2024年政府信息公开工作年度报告</a></td>
        <td class="huise">[2025-01-26]</td></tr></table><a href="index.html">上一页</a>
        <a href="index_2.html">{text}</a><a href="index_9.html">尾页</a>""",
        ),
        {"depth": 1},
    )
    assert page.next_page.url == "http://hdzfxxgk.hd.gov.cn/zfxxgknb/index_2.html"
    assert page.items[0].date == "2025-01-26"


def test_jpage_get_variant_follows_nextgroup():
    url = "https://www.wenzhou.gov.cn/col/col1229850036/index.html"
    proxy = (
        "/module/jpage/dataproxy.jsp?page=1&amp;appid=1&amp;webid=3040&amp;path=/&amp;columnid=1229850036"
        "&amp;unitid=5839&amp;webname=x&amp;permissiontype=0"
    )
    body = f"""<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="{proxy}"></a>]]></nextgroup>
      <recordset><record><![CDATA[<li><a href="/art/2025/1/16/art_1229850036_97440.html"
      title="温州市2024年政府信息公开工作年度报告">x</a><span>2025-01-16</span></li>]]></record></recordset>
      </datastore></script>"""
    page = hanweb_jpage.parse(html(url, body), {"depth": 0})
    assert [i.url for i in page.items] == [
        "https://www.wenzhou.gov.cn/art/2025/1/16/art_1229850036_97440.html"
    ]
    nxt = page.next_page
    assert nxt.method == "GET" and nxt.url.startswith(
        "https://www.wenzhou.gov.cn/module/jpage/dataproxy.jsp?page=1&appid=1"
    )
    # A group without its own <nextgroup> goes on with page=N+1; an empty one ends the list.
    group = TextResponse(
        nxt.url,
        body=body.split("<recordset>")[1].join(["<datastore><recordset>", ""]).encode(),
        encoding="utf-8",
        request=nxt,
    )
    after = hanweb_jpage.parse(group, nxt.meta["adapter"])
    assert after.next_page.url.startswith("https://www.wenzhou.gov.cn/module/jpage/dataproxy.jsp?page=2&")
    empty = TextResponse(
        after.next_page.url,
        body=b"<datastore><recordset></recordset></datastore>",
        encoding="utf-8",
        request=after.next_page,
    )
    assert hanweb_jpage.parse(empty, after.next_page.meta["adapter"]).next_page is None
