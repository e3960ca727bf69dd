"""What report pages and list pages say, read from pages saved from each platform.

The functions of `crawler/pages.py` and the platform adapters, on the pages in
`tests/files/<platform>/` (see its README): no crawl, no server, one rule per test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import Request

from crawler import pages
from crawler.adapters import adapter_for
from crawler.frontier import request_from_json, request_to_json
from crawler.items import ReportLink
from crawler.titles import is_annual_report

HOST = "http://127.0.0.1:8000"  # where the saved demo pages are served back


# -- report (detail) pages ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "path", "link", "title"),
    [
        (  # a plain link beside the article, named by the report's title
            "trs/demo-trs-detail.html",
            "/jl/zcbm/jyt_98071/ndbg/202201/t20220120_9046070.html",
            "/jl/zcbm/jyt_98071/ndbg/202201/P020220120000009046070.pdf",
            "吉林省教育厅2021年政府信息公开工作年度报告",
        ),
        (  # Hanweb's download servlet: a file by its query, not its path
            "hanweb_jpage/demo-jpage-detail.html",
            "/js/art/2023/1/23/art_1001_97091.html",
            "/js/module/download/downfile.jsp?classid=0&filename=272243cf3a291057831371378922f225.pdf",
            "南京市教育局2022年政府信息公开工作年度报告",
        ),
        (  # a hashed file name under the article's folder
            "ucap/demo-ucap-detail.html",
            "/ucap/c100028/c5251007/content.shtml",
            "/ucap/c100028/c5251007/files/47f1ce87745ed57979d0c57258a7bf5d.pdf",
            "中国证券监督管理委员会2019年政府信息公开工作年度报告",
        ),
    ],
)
def test_a_report_page_links_its_file_under_the_reports_title(page, name, path, link, title):
    r = page(name, HOST + path)
    assert pages.attachment_links(r) == [(HOST + link, f"{title}.pdf")]
    assert pages.report_title(r) == title
    assert pages.stub_target(r) is None and pages.soft_404(r) is None


def test_trs_meta_refresh_stub_leads_to_the_report_page(page):
    r = page("trs/demo-trs-refresh-stub.html", f"{HOST}/jl/zcbm/jyt_98071/ndbg/202101/s9046063.html")
    assert pages.stub_target(r) == f"{HOST}/jl/zcbm/jyt_98071/ndbg/202101/t20210119_9046063.html"
    assert pages.report_title(r) is None


def test_gbkcms_pdf_in_a_viewer_iframe_is_an_attachment_without_a_name(page):
    r = page("generic/demo-gbkcms-viewer.html", f"{HOST}/ah/XxgkAnnualReport/show/6214.html")
    assert r.encoding == "gb18030"  # declared gb2312 in <meta>: read as Scrapy reads it
    assert pages.attachment_links(r) == [(f"{HOST}/ah/uploads/6214.pdf", "")]
    assert pages.report_title(r) == "蒙城县人民政府2021年政府信息公开工作年度报告"


def test_gbkcms_location_href_stub_leads_to_the_view_page(page):
    r = page("generic/demo-gbkcms-location-stub.html", f"{HOST}/ah/XxgkAnnualReport/show/6298.html")
    assert pages.stub_target(r) == f"{HOST}/ah/XxgkAnnualReport/view/6298.html"


def test_gbkcms_deleted_report_answers_200_but_is_a_soft_404(page):
    r = page("generic/demo-gbkcms-soft404.html", f"{HOST}/ah/XxgkAnnualReport/show/6361.html")
    assert pages.soft_404(r) == "soft 404: the page says it does not exist"
    assert pages.attachment_links(r) == [] and pages.report_title(r) is None


def test_a_report_redirected_to_the_home_page_is_gone(page):
    r = page(
        "generic/demo-gbkcms-list.html",
        f"{HOST}/",
        redirect_urls=[f"{HOST}/ah/XxgkAnnualReport/show/6361.html"],
    )
    assert pages.soft_404(r) == f"redirected to the home page ({HOST}/): the report is gone"


def test_ucap_scanned_report_body_yields_its_image_not_the_logo(page):
    r = page("ucap/demo-ucap-scan.html", f"{HOST}/ucap/c100028/c5251056/content.shtml")
    assert pages.scanned_images(r) == [f"{HOST}/ucap/c100028/c5251056/W05251056.jpg"]
    assert pages.attachment_links(r) == [(f"{HOST}/ucap/c100028/c5251056/W05251056.jpg", "")]


def test_links_the_list_named_come_first_and_keep_their_names(page):
    r = page("trs/demo-trs-detail.html", f"{HOST}/jl/zcbm/jyt_98071/ndbg/202201/t20220120_9046070.html")
    listed = [(f"{HOST}/f/listed.docx", "列表里的附件")]
    assert [name for _url, name in pages.attachment_links(r, listed)] == [
        "列表里的附件",
        "吉林省教育厅2021年政府信息公开工作年度报告.pdf",
    ]


def test_real_pingtan_list_page_is_not_taken_for_a_report(page):
    r = page("trs/pingtan-zfxxgknb-list.html", "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/")
    assert pages.report_title(r) is None  # titled by its column, with no year
    assert pages.stub_target(r) is None and pages.soft_404(r) is None


@pytest.mark.parametrize(
    ("url", "disposition", "link_text", "name"),
    [
        ("http://h/a/x1.pdf", b"attachment; filename=report.pdf", "年报", "report.pdf"),
        ("http://h/a/x1.pdf", None, "2023年年报", "2023年年报.pdf"),
        ("http://h/a/x1.pdf", None, "2023年年报.pdf", "2023年年报.pdf"),
        ("http://h/a/x1.pdf", None, "", "x1.pdf"),
        ("http://h/a/", None, "", None),
    ],
)
def test_attachment_file_name_prefers_the_server_then_the_link_text(url, disposition, link_text, name):
    assert pages.attachment_filename(url, disposition, link_text) == name


# -- list pages, one per platform ----------------------------------------------------------
def _list(page, platform: str, name: str, path: str, state: dict):
    return adapter_for(platform).parse(page(f"{platform}/{name}", HOST + path), state)


def test_trs_list_last_page_has_three_reports_and_no_next_page(page):
    got = _list(page, "trs", "demo-trs-list.html", "/jl/zcbm/fgw_136504/ndbg/index_1.html", {"depth": 1})
    assert [i.date for i in got.items] == ["2022-01-13", "2021-01-12", "2020-01-11"]
    assert all(is_annual_report(i.title) for i in got.items)
    assert got.next_page is None  # createPageHTML(2, 1, …): page 2 of 2


def test_jpage_column_lists_nine_records_and_posts_for_the_rest(page):
    got = _list(page, "hanweb_jpage", "demo-jpage-list.html", "/js/col/col1001/index.html", {"depth": 0})
    assert len(got.items) == 9
    assert got.next_page.method == "POST"
    assert got.next_page.meta["adapter"]["jpage"]["start"] == 10


def test_jpaas_column_page_lists_five_and_asks_the_build_unit_api_for_page_two(page):
    got = _list(page, "hanweb_jpaas", "demo-jpaas-list.html", "/zj/col/col1229/index.html", {"depth": 0})
    assert [i.date for i in got.items] == [
        "2025-01-25",
        "2025-01-20",
        "2025-01-15",
        "2024-01-24",
        "2024-01-19",
    ]
    assert got.items[0].url == "http://127.0.0.1:34697/zj/art/2025/1/25/art_1229_1229105.html"
    assert got.next_page.url.startswith(
        f"{HOST}/api-gateway/jpaas-publish-server/front/page/build/unit?webId=3185"
    )
    jpaas = got.next_page.meta["adapter"]["jpaas"]
    assert (jpaas["pages"], jpaas["page"], jpaas["rows"]) == (3, 2, 5)  # count=15, rows=5


def test_gkmlpt_api_page_decodes_escaped_titles_and_asks_for_page_two(page):
    state = {
        "depth": 1,
        "gkmlpt": {"index": f"{HOST}/gd/gz/gkmlpt/index", "cat": 721, "page": 1, "sid": "200001"},
    }
    got = _list(
        page, "gkmlpt", "demo-gkmlpt-api-page1.json", "/gd/gz/gkmlpt/api/all/721?page=1&sid=200001", state
    )
    # 10 articles: 9 reports (3 with %uXXXX-escaped titles) and the 公开指南
    assert sum(is_annual_report(i.title) for i in got.items) == 9
    assert "广州市财政局2024年政府信息公开工作年度报告" in {i.title for i in got.items}
    assert got.next_page.url == f"{HOST}/gd/gz/gkmlpt/api/all/721?page=2&sid=200001"


@pytest.mark.parametrize(
    ("platform", "name", "path", "count", "next_path"),
    [
        (
            "shanghai",
            "demo-shanghai-list.html",
            "/sh/nw12344/nw2024/index.html",
            3,
            "/sh/nw12344/nw2024/index_2.html",
        ),
        (
            "generic",
            "demo-gbkcms-list.html",
            "/ah/XxgkContent/showList/182/0/page_1.html",
            5,
            "/ah/XxgkContent/showList/182/0/page_2.html",
        ),
        (
            "ucap",
            "demo-ucap-list.html",
            "/ucap/c100028/common_zfxxgknb.shtml",
            5,
            "/ucap/c100028/common_zfxxgknb_2.shtml",
        ),
    ],
)
def test_html_list_pages_give_their_items_and_next_page(page, platform, name, path, count, next_path):
    got = _list(page, platform, name, path, {"depth": 0})
    assert len(got.items) == count and all(i.date for i in got.items)
    assert got.next_page.url == HOST + next_path


# -- what travels between callbacks and runs -----------------------------------------------
class _Spider:
    def parse(self, response, **kw): ...
    def parse_detail(self, response, **kw): ...
    def parse_attachment(self, response, **kw): ...
    def failed(self, failure): ...


def test_a_report_link_survives_the_frontier_as_a_dataclass():
    link = ReportLink(
        "http://h/r.html",
        "甲局2023年政府信息公开工作年度报告",
        "2024-01-02",
        (("http://h/a.pdf", "附件"),),
        True,
        1,
    )
    request = Request(
        link.url,
        meta={"handle_httpstatus_list": [304], "frontier": "x"},
        cb_kwargs={"report": link, "parent": "http://h/", "link_text": "附件"},
    )
    back = request_from_json(request_to_json(request, "attachment"), _Spider())
    assert back.cb_kwargs == {"report": link, "parent": "http://h/", "link_text": "附件"}
    assert back.meta == {"handle_httpstatus_list": [304]}  # per-download meta is not kept


def test_a_frontier_row_written_with_the_report_in_meta_still_resumes():
    """Rows an older xxgk wrote kept callback data in meta; an upgrade must not strand them."""
    old = json.dumps(
        {
            "url": "http://h/list_2.html",
            "method": "GET",
            "headers": {},
            "body": "",
            "meta": {"adapter": {"depth": 1, "page_no": 2}, "handle_httpstatus_list": [304]},
            "priority": 0,
            "kind": "list",
        }
    )
    assert request_from_json(old, _Spider()).cb_kwargs == {"state": {"depth": 1, "page_no": 2}}
    old_report = json.dumps(
        {
            "url": "http://h/r.html",
            "method": "GET",
            "headers": {},
            "body": "",
            "meta": {
                "report": {
                    "url": "http://h/r.html",
                    "title": "t",
                    "date": None,
                    "attachments": [["http://h/a.pdf", "a"]],
                    "changed": False,
                }
            },
            "priority": 10,
            "kind": "report",
        }
    )
    assert request_from_json(old_report, _Spider()).cb_kwargs["report"] == ReportLink(
        "http://h/r.html", "t", None, (("http://h/a.pdf", "a"),)
    )


def test_scrapy_cookie_middleware_never_downloads_the_public_suffix_list():
    """crawler/__init__.py sets tldextract's documented switch; if Scrapy stops building
    its extractor at import, or tldextract stops reading the variable, this fails."""
    env = {k: v for k, v in os.environ.items() if k != "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"}
    code = (
        "import crawler.spiders.reports\n"
        "import scrapy.downloadermiddlewares.cookies as c\n"
        "print(c._split_domain.suffix_list_urls, c._is_public_domain('gov.cn'), c._is_public_domain('jl.gov.cn'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=Path(__file__).parents[1]
    )
    assert out.stdout.split() == ["()", "True", "False"], out.stderr[-2000:]


# -- the documents a response becomes ------------------------------------------------------
def test_a_report_page_is_stored_under_the_url_the_list_gave(page):
    listed = f"{HOST}/jl/zcbm/jyt_98071/ndbg/202201/t20220120_9046070.html"
    r = page("trs/demo-trs-detail.html", listed + "?moved=1")
    doc = pages.fetched_document(
        r, ReportLink(listed, "吉林省教育厅2021年政府信息公开工作年度报告", "2022-01-20"), "demo-trs"
    )
    assert (doc.url, doc.final_url, doc.kind, doc.format, doc.year) == (
        listed,
        listed + "?moved=1",
        "page",
        "html",
        2021,
    )
    assert (doc.list_date, doc.parent_url, doc.filename) == ("2022-01-20", None, None)


def test_an_attachment_is_keyed_by_its_link_and_named_by_the_server():
    from scrapy.http import Response

    linked, final = "http://h/download.jsp?id=7", "http://h/files/7/x9.pdf"
    r = Response(
        final,
        body=b"%PDF-1.4 report\n%%EOF\n",
        headers={
            "Content-Type": "application/octet-stream",
            "Content-Disposition": "attachment; filename=nb.pdf",
        },
        request=Request(final, meta={"redirect_urls": [linked]}),
    )
    doc = pages.fetched_document(
        r,
        ReportLink("http://h/r.html", "甲局2023年政府信息公开工作年度报告"),
        "p",
        parent="http://h/r.html",
        link_text="附件",
    )
    assert (doc.url, doc.final_url, doc.kind, doc.format) == (linked, final, "attachment", "pdf")
    assert (doc.parent_url, doc.filename, doc.content_type) == (
        "http://h/r.html",
        "nb.pdf",
        "application/octet-stream",
    )
