"""End-to-end: crawl the demo portals over real HTTP on localhost.

The crawler runs in a subprocess (one Twisted reactor per process) exactly as `xxgk
crawl` does; the demo server runs in this process so its request log can be read.
"""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import sqlite_utils

from crawler import lock
from crawler.demo.server import FAULTS, DemoServer
from tests.crawl_process import crawl

REPO = Path(__file__).resolve().parents[1]
PORTALS = ["demo-trs", "demo-jpage", "demo-gkmlpt", "demo-shanghai", "demo-gbkcms", "demo-jpaas", "demo-ucap"]


def titles(agencies: tuple[str, ...], years: range) -> set[str]:
    return {f"{a}{y}年政府信息公开工作年度报告" for a in agencies for y in years}


# Every report the demo portals serve (faults off), written out from the demo's design.
EXPECTED = {
    "demo-trs": titles(("吉林省发展和改革委员会", "吉林省教育厅", "吉林省财政厅"), range(2019, 2025))
    | {"白城市2019年政府信息公开工作年度报告"},  # the real seed report, in a city's column
    "demo-jpage": titles(
        ("南京市人民政府", "南京市财政局", "南京市教育局", "苏州市人民政府", "苏州市财政局"),
        range(2020, 2025),
    ),
    "demo-gkmlpt": titles(
        ("广州市人民政府办公厅", "广州市财政局", "广州市教育局", "广州市天河区人民政府"), range(2019, 2025)
    ),
    "demo-shanghai": titles(
        (
            "上海市人民政府办公厅",
            "上海市财政局",
            "上海市外事办公室",
            "上海市松江区人民政府",
            "上海市教育委员会",
        ),
        range(2020, 2025),
    ),
    "demo-gbkcms": titles(
        ("蒙城县人民政府", "蒙城县财政局", "蒙城县教育局", "蒙城县卫生健康委员会"), range(2020, 2025)
    ),
    "demo-jpaas": titles(("浙江省发展和改革委员会", "浙江省财政厅", "温州市人民政府"), range(2020, 2025)),
    "demo-ucap": titles(("中国证券监督管理委员会", "中国证券监督管理委员会北京监管局"), range(2019, 2025)),
}
# Reports behind an anti-bot challenge when the faults are on.
BEHIND_CHALLENGE = {
    "demo-trs": titles(("吉林省财政厅",), range(2019, 2025)),  # 412 on the whole column
    "demo-jpage": titles(("苏州市财政局",), range(2020, 2025)),  # WZWS on its report pages
}
# Attachments each portal links (PDF/DOCX), faults off.
ATTACHMENTS = {
    "demo-trs": 6,
    "demo-jpage": 10,
    "demo-gkmlpt": 4,
    "demo-shanghai": 0,
    "demo-gbkcms": 6,
    "demo-jpaas": 0,
    "demo-ucap": 8,  # a PDF, a scanned PDF, a JPG, and a scanned report page's five <img> pages
}


def stored_titles(db: sqlite_utils.Database, portal: str) -> set[str]:
    return {
        r["title"]
        for r in db.query("select title from documents where portal = ? and kind = 'page'", [portal])
    }


@pytest.fixture(scope="module")
def server():
    srv = DemoServer(port=0).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def first_run(server, tmp_path_factory):
    data = tmp_path_factory.mktemp("crawl")
    server.clear_log()
    proc = crawl(data, *PORTALS, demo_url=server.url)
    log = list(server.log)
    return data, proc, log


def test_demo_lists_what_the_test_expects(server):
    assert {k: v for k, v in server.expected().items() if k in EXPECTED} == EXPECTED


def test_first_run_finds_every_report(first_run):
    data, proc, _ = first_run
    assert proc.returncode == 0, proc.stderr[-3000:]
    db = sqlite_utils.Database(data / "xxgk.db")
    for portal, expected in EXPECTED.items():
        got = stored_titles(db, portal)
        assert got == expected, portal  # recall 1.0 and nothing but reports (no 指南/制度 decoys)
        n = db.execute(
            "select count(*) from documents where portal = ? and kind = 'attachment'", [portal]
        ).fetchone()[0]
        assert n == ATTACHMENTS[portal], portal
    runs = {r["portal"]: r for r in db.query("select * from crawl_runs")}
    assert {p: runs[p]["status"] for p in PORTALS} == dict.fromkeys(PORTALS, "ok")
    assert runs["demo-trs"]["new_reports"] == 25 and runs["demo-trs"]["errors"] == 0
    # The summary goes to stdout as a tab-separated table, one line per portal.
    lines = proc.stdout.strip().splitlines()
    assert lines[0].startswith("portal\tstatus\t") and len(lines) == 1 + len(PORTALS)


def test_documents_are_content_addressed_with_metadata(first_run):
    data, _, _ = first_run
    db = sqlite_utils.Database(data / "xxgk.db")
    for row in db.query("select sha256, size from documents"):
        path = data / "docs" / row["sha256"][:2] / row["sha256"]
        assert path.stat().st_size == row["size"]
    # Hanweb downfile.jsp: 302 to /attach/, octet-stream, raw GBK Content-Disposition name.
    doc = next(
        db.query(
            "select * from documents where portal = 'demo-jpage' and kind = 'attachment' "
            "and title = '南京市财政局2022年政府信息公开工作年度报告'"
        )
    )
    assert doc["filename"] == "南京市财政局2022年政府信息公开工作年度报告.pdf"
    assert doc["format"] == "pdf" and doc["content_type"] == "application/octet-stream"
    assert "downfile.jsp" in doc["url"] and "/attach/0/" in doc["final_url"]
    assert doc["parent_url"].endswith(".html") and doc["etag"] and doc["last_modified"]
    # GBK CMS: DOCX served as text/plain, name in GBK; a PDF behind a pdf.js viewer iframe, BOM first.
    docx = next(
        db.query(
            "select * from documents where title = '蒙城县卫生健康委员会2022年政府信息公开工作年度报告'"
            " and kind = 'attachment'"
        )
    )
    assert (docx["format"], docx["content_type"]) == ("docx", "text/plain")
    assert docx["filename"] == "蒙城县卫生健康委员会2022年政府信息公开工作年度报告.docx"
    viewer = next(
        db.query(
            "select * from documents where title = '蒙城县人民政府2021年政府信息公开工作年度报告'"
            " and kind = 'attachment'"
        )
    )
    assert viewer["format"] == "pdf" and viewer["url"].endswith("/ah/uploads/6214.pdf")
    # The onclick-only links and the location.href stub were followed; the GBK page decoded.
    stub = next(
        db.query("select * from documents where title = '蒙城县教育局2023年政府信息公开工作年度报告'")
    )
    assert "/show/" in stub["url"] and "/view/" in stub["final_url"]
    body = (data / "docs" / stub["sha256"][:2] / stub["sha256"]).read_bytes().decode("gb18030")
    assert "蒙城县教育局2023年政府信息公开工作年度报告" in body
    row = next(db.query("select * from documents where title = '吉林省教育厅2020年政府信息公开工作年度报告'"))
    # The list linked a meta-refresh stub; the report is kept under the listed URL.
    assert row["url"].endswith("/jyt_98071/ndbg/202101/s9046063.html")
    assert row["final_url"].endswith("/jyt_98071/ndbg/202101/t20210119_9046063.html")
    assert row["year"] == 2020 and row["list_date"] and row["version"] == 1 and row["is_current"] == 1
    # A scanned report page: the five page images inside the body container are fetched as
    # its attachments, the site logo is not.
    scans = list(
        db.query(
            "select * from documents where kind = 'attachment' and title = "
            "'中国证券监督管理委员会北京监管局2020年政府信息公开工作年度报告' order by url"
        )
    )
    assert [s["url"].rsplit("_", 1)[1] for s in scans] == [f"{n}.jpg" for n in range(1, 6)]
    assert {(s["format"], s["content_type"]) for s in scans} == {("image:jpeg", "image/jpeg")}
    assert {s["parent_url"] for s in scans} == {scans[0]["url"].rsplit("/", 1)[0] + "/content.shtml"}
    assert not list(db.query("select url from documents where url like '%logo%'"))


def test_second_run_fetches_no_report_twice(first_run, server):
    data, _, log1 = first_run
    server.clear_log()
    proc = crawl(data, *PORTALS, demo_url=server.url)
    assert proc.returncode == 0, proc.stderr[-3000:]
    log2 = list(server.log)
    db = sqlite_utils.Database(data / "xxgk.db")
    report_paths = {u.split("/", 3)[3] for (u,) in db.execute("select url from documents").fetchall()}
    report_paths |= {u.split("/", 3)[3] for (u,) in db.execute("select final_url from documents").fetchall()}
    first = [e.path.lstrip("/") for e in log1 if e.path.lstrip("/") in report_paths]
    second = [e.path.lstrip("/") for e in log2 if e.path.lstrip("/") in report_paths]
    assert second == []  # no report page or attachment requested again
    assert len(first) == len(set(first))  # and none twice within the first run
    assert len(log2) < 0.15 * len(log1), (len(log2), len(log1))  # only the first list page of each column
    runs = list(db.query("select * from crawl_runs order by id desc limit ?", [len(PORTALS)]))
    assert all(r["new_reports"] == 0 and r["status"] == "ok" for r in runs)
    assert sum(db.execute("select count(*) from documents").fetchone()) == sum(
        len(v) for v in EXPECTED.values()
    ) + sum(ATTACHMENTS.values())


def test_a_corrected_report_becomes_a_new_version(first_run, server):
    data, _, _ = first_run
    title = "吉林省教育厅2023年政府信息公开工作年度报告"
    server.revise(title)
    server.clear_log()
    proc = crawl(data, "demo-trs", demo_url=server.url)
    assert proc.returncode == 0, proc.stderr[-3000:]
    db = sqlite_utils.Database(data / "xxgk.db")
    rows = list(
        db.query(
            "select version, is_current, sha256, list_date from documents where title = ? "
            "and kind = 'page' order by version",
            [title],
        )
    )
    assert [(r["version"], r["is_current"]) for r in rows] == [(1, 0), (2, 1)]
    assert rows[0]["sha256"] != rows[1]["sha256"] and rows[1]["list_date"] == "2026-06-30"
    # The re-uploaded PDF changed too: asked for conditionally, stored as version 2.
    att = list(
        db.query(
            "select version, is_current from documents where title = ? and kind = 'attachment' "
            "order by version",
            [title],
        )
    )
    assert [(r["version"], r["is_current"]) for r in att] == [(1, 0), (2, 1)]
    assert any(e.conditional and e.status == 200 for e in server.log)
    # Other reports of the column were not requested.
    assert not [e for e in server.log if "/t20" in e.path and "9046" in e.path and "t2024" not in e.path]


def test_revalidation_asks_conditionally_and_gets_304s(first_run, server):
    data, _, _ = first_run
    server.clear_log()
    proc = crawl(data, "demo-ucap", demo_url=server.url, revalidate=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    reports = [e for e in server.log if "/content.shtml" in e.path or "/files/" in e.path or ".jpg" in e.path]
    # 12 report pages and 8 attachments (a PDF, a scanned PDF, a JPG, a scanned page's 5 images)
    assert len(reports) == 20 and all(e.conditional and e.status == 304 for e in reports)
    db = sqlite_utils.Database(data / "xxgk.db")
    run = next(db.query("select * from crawl_runs order by id desc limit 1"))
    assert (run["portal"], run["new_reports"], run["not_modified"]) == ("demo-ucap", 0, 20)


def test_robots_txt_is_obeyed(tmp_path, server):
    registry = tmp_path / "portals.json"
    registry.write_text(
        json.dumps(
            {
                "portals": [
                    {
                        "name": "demo-private",
                        "title": "robots 禁止的栏目",
                        "region": "220000",
                        "level": "province",
                        "platform": "trs",
                        "start_urls": ["{demo}/admin/ndbg/index.html"],
                        "options": {"allow_private": True},
                        "demo": True,
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    server.clear_log()
    proc = crawl(tmp_path, "demo-private", demo_url=server.url, registry=str(registry))
    assert [e.path for e in server.log] == ["/robots.txt"]
    assert proc.returncode == 1  # nothing could be crawled: the run failed, and says why
    db = sqlite_utils.Database(tmp_path / "xxgk.db")
    run = next(db.query("select * from crawl_runs"))
    assert run["status"] == "failed" and "robots.txt" in run["notes"]
    # An entry may opt out (for portals whose robots.txt is unreachable); then it is fetched.
    data = json.loads(registry.read_text(encoding="utf-8"))
    data["portals"][0]["options"] = {"obey_robots": False, "allow_private": True}
    registry.write_text(json.dumps(data), encoding="utf-8")
    server.clear_log()
    crawl(tmp_path, "demo-private", demo_url=server.url, registry=str(registry))
    assert "/admin/ndbg/index.html" in [e.path for e in server.log]


def test_a_start_url_that_is_a_report_is_stored(tmp_path, server):
    """Zhejiang's form-generated reports (xxgkAnnualReport.jsp?area=…&fbtime=…) are entered
    in the registry as report URLs, not lists."""
    registry = tmp_path / "portals.json"
    registry.write_text(
        json.dumps(
            {
                "portals": [
                    {
                        "name": "one-report",
                        "title": "单篇年报",
                        "region": "100000",
                        "level": "national",
                        "platform": "ucap",
                        "start_urls": ["{demo}/ucap/c100028/c5251007/content.shtml"],
                        "options": {"allow_private": True},
                        "demo": True,
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    proc = crawl(tmp_path, "one-report", demo_url=server.url, registry=str(registry))
    assert proc.returncode == 0, proc.stderr[-3000:]
    db = sqlite_utils.Database(tmp_path / "xxgk.db")
    rows = list(db.query("select kind, title, format from documents order by id"))
    assert [(r["kind"], r["format"]) for r in rows] == [("page", "html"), ("attachment", "pdf")]
    assert rows[0]["title"] == "中国证券监督管理委员会2019年政府信息公开工作年度报告"


def test_faults_on_everything_but_the_challenged_is_fetched(tmp_path):
    srv = DemoServer(port=0, faults=set(FAULTS), slow_seconds=0.2).start()
    try:
        proc = crawl(tmp_path, *PORTALS, demo_url=srv.url)
    finally:
        srv.stop()
    # Challenged and soft-404 reports are missing: the exit status and the summary say so.
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "\tchallenge ×" in proc.stdout and "soft 404 ×1" in proc.stdout
    statuses = Counter(e.status for e in srv.log)
    assert statuses[500] >= 8 and statuses[412] >= 1 and statuses[301] >= 1  # the faults did fire
    db = sqlite_utils.Database(tmp_path / "xxgk.db")
    for portal, expected in EXPECTED.items():
        assert stored_titles(db, portal) == expected - BEHIND_CHALLENGE.get(portal, set()), portal
    runs = {r["portal"]: r for r in db.query("select * from crawl_runs")}
    assert runs["demo-trs"]["status"] == "blocked" and "412 challenge" in runs["demo-trs"]["blocked"]
    assert runs["demo-jpage"]["status"] == "blocked" and "WZWS" in runs["demo-jpage"]["blocked"]
    assert "blocked" in proc.stdout  # the summary names the blocked portals
    # The moved column (301 to a new host and path) was followed; 500 bursts were retried.
    assert stored_titles(db, "demo-trs") >= titles(("吉林省发展和改革委员会",), range(2019, 2025))
    moved = list(db.query("select final_url from documents where title like '吉林省发展和改革委员会%'"))
    assert moved and all(
        r["final_url"].startswith("http://localhost:") and "fgw_136504_new" in r["final_url"] for r in moved
    )
    # The soft 404 is reported, not stored; no challenge page is ever stored as a report.
    assert "页面不存在" not in str(stored_titles(db, "demo-gbkcms")) and "蒙城县审计局" not in str(
        stored_titles(db, "demo-gbkcms")
    )
    assert "soft 404" in runs["demo-gbkcms"]["notes"] and runs["demo-gbkcms"]["errors"] == 1
    for row in db.query("select sha256 from documents where format = 'html'"):
        body = (tmp_path / "docs" / row["sha256"][:2] / row["sha256"]).read_bytes()
        assert "请开启JavaScript".encode() not in body and b"$_ts" not in body


def test_a_portal_behind_a_wall_is_left_alone_after_a_few_challenges(tmp_path):
    srv = DemoServer(port=0, faults={"wzws"}).start()
    try:
        proc = crawl(
            tmp_path,
            "demo-jpage",
            demo_url=srv.url,
            settings={"XXGK_MAX_CHALLENGES": "2", "CONCURRENT_REQUESTS_PER_DOMAIN": "1"},
        )
    finally:
        srv.stop()
    assert proc.returncode == 1, proc.stderr[-3000:]  # blocked: reports are missing
    db = sqlite_utils.Database(tmp_path / "xxgk.db")
    run = next(db.query("select * from crawl_runs"))
    assert run["status"] == "blocked" and run["blocked"].startswith("WZWS JavaScript challenge ×")
    # With one request at a time, the run ends at the second challenge (of five possible).
    n = int(run["blocked"].rsplit("×", 1)[1])
    assert 2 <= n < 5, run["blocked"]


def test_old_tls_servers_need_and_get_legacy_tls(tmp_path):
    """An HTTPS portal with 1024-bit DH keys (common on old government servers): OpenSSL
    3 refuses it ("dh key too small") unless the crawl asks for --legacy-tls."""
    tls = Path(__file__).parent / "data" / "tls"
    srv = DemoServer(port=0)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_ciphers("DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0")
    ctx.load_cert_chain(tls / "cert.pem", tls / "key.pem")
    ctx.load_dh_params(str(tls / "dh1024.pem"))
    srv.httpd.socket = ctx.wrap_socket(srv.httpd.socket, server_side=True)
    srv.start()
    registry = tmp_path / "portals.json"
    registry.write_text(
        json.dumps(
            {
                "portals": [
                    {
                        "name": "old-tls",
                        "title": "老旧 HTTPS 站点",
                        "region": "100000",
                        "level": "national",
                        "platform": "ucap",
                        "start_urls": [
                            srv.url.replace("http:", "https:") + "/ucap/c100028/common_zfxxgknb.shtml"
                        ],
                        "options": {"allow_private": True},
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    try:
        plain = crawl(tmp_path / "plain", "old-tls", demo_url=srv.url, registry=str(registry))
        legacy = crawl(
            tmp_path / "legacy", "old-tls", demo_url=srv.url, registry=str(registry), legacy_tls=True
        )
    finally:
        srv.stop()
    if plain.returncode == 0:
        pytest.skip("this OpenSSL build accepts 1024-bit DH keys by default")
    assert plain.returncode == 1 and "dh key too small" in plain.stderr
    assert legacy.returncode == 0, legacy.stderr[-3000:]
    db = sqlite_utils.Database(tmp_path / "legacy" / "xxgk.db")
    assert stored_titles(db, "old-tls") == EXPECTED["demo-ucap"]


def test_a_second_crawl_cannot_start_while_one_holds_the_lock(tmp_path, server):
    held = lock.acquire(tmp_path)
    try:
        proc = crawl(tmp_path, "demo-ucap", demo_url=server.url)
    finally:
        lock.release(held)
    assert proc.returncode == 3
    assert "another crawl is running" in proc.stderr


def test_registry_errors_stop_the_run_naming_the_entry(tmp_path, server):
    bad = tmp_path / "portals.json"
    bad.write_text(
        '{"portals": [{"name": "x-y", "title": "t", "region": "1", "level": "county", '
        '"platform": "trs", "start_urls": ["http://a.gov.cn/"]}]}',
        encoding="utf-8",
    )
    proc = crawl(tmp_path, "x-y", demo_url=server.url, registry=str(bad))
    assert proc.returncode == 2
    assert "entry 'x-y': field 'region'" in proc.stderr


def test_scrapy_crawl_works_as_a_conventional_project(tmp_path, server):
    """`scrapy crawl reports -a portal=… -O items.jsonl` from the repo root: the data folder
    comes from $XXGK_DATA as for `xxgk`, every document is stored, and the feed export
    holds one line per document with the stored file's path and sha256 (not its bytes)."""
    import hashlib
    import os

    data = tmp_path / "data"
    feed = tmp_path / "items.jsonl"
    cmd = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "reports",
        "-a",
        "portal=demo-ucap",
        "-O",
        str(feed),
        "-s",
        f"XXGK_DEMO_URL={server.url}",
        "-s",
        "AUTOTHROTTLE_ENABLED=0",
        "-s",
        "DOWNLOAD_DELAY=0",
        "-s",
        "LOG_LEVEL=WARNING",
    ]
    env = {**os.environ, "XXGK_DATA": str(data)}
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=REPO, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Error" not in proc.stderr, proc.stderr[-3000:]
    db = sqlite_utils.Database(data / "xxgk.db")
    assert stored_titles(db, "demo-ucap") == EXPECTED["demo-ucap"]
    assert (
        db.execute("select count(*) from documents where kind = 'attachment'").fetchone()[0]
        == ATTACHMENTS["demo-ucap"]
    )
    items = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    rows = {r["url"]: r for r in db.query("select url, sha256, kind, title from documents")}
    assert sorted(i["url"] for i in items) == sorted(rows)
    for item in items:
        assert "body" not in item
        stored = data / item["path"]
        assert item["path"] == f"docs/{item['sha256'][:2]}/{item['sha256']}"
        assert (
            hashlib.sha256(stored.read_bytes()).hexdigest() == item["sha256"] == rows[item["url"]]["sha256"]
        )
        assert item["size"] == stored.stat().st_size and item["stored_as"] == "new"
        assert (item["kind"], item["title"]) == (rows[item["url"]]["kind"], rows[item["url"]]["title"])
