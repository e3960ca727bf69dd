"""`xxgk discover`: from a government's portal to every annual-report column it leads to.

Measured on the demo tree (crawler/demo/tree.py: a prefecture home, its 政府信息公开
home, a department directory with a department that has no 年报 column, county portals,
a township directory): every column is found, with its unit's region and level, and no
other page is proposed. The link reading is also tried on the real 平潭 page.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from parsel import Selector

from crawler.demo import tree
from crawler.demo.server import DemoServer
from crawler.discover import classify_links, site_of
from crawler.registry import load_registry

REPO = Path(__file__).resolve().parents[1]
CLI = "import sys\nfrom xxgk.cli import main\nsys.exit(main())"

# The demo tree's columns, written out: path, level, region, platform its page shows.
COLUMNS = {
    "/fj/nd/zwgk/zfxxgk/zfxxgknb/": ("prefecture", "350900", "trs"),  # 动静结合
    "/fj/nd/zwgk/zfxxgk/bmxxgk/fgw/zfxxgknb/": ("department", "350900", "trs"),
    "/fj/nd/zwgk/zfxxgk/bmxxgk/czj/zfxxgknb/": ("department", "350900", "trs"),  # script pager
    "/fj/nd/zwgk/zfxxgk/bmxxgk/jyj/zfxxgknb/": ("department", "350900", "hanweb_jpage"),  # datastore
    "/fj/nd/jc/zwgk/zfxxgk/zfxxgknb/": ("county", "350902", "trs"),
    "/fj/nd/fa/zwgk/zfxxgk/zfxxgknb/": ("county", "350981", "trs"),
    "/fj/nd/jc/zwgk/zfxxgk/xzjd/jnjd/zfxxgknb/": ("township", "350902", "trs"),
    "/fj/nd/jc/zwgk/zfxxgk/xzjd/cnz/zfxxgknb/": ("township", "350902", "trs"),
}


def test_the_list_above_is_the_demo_tree():
    assert set(COLUMNS) == {tree.column_url(c) for c in tree.COLUMNS}


def test_links_of_the_real_pingtan_page_are_told_apart():
    page = (REPO / "tests" / "files" / "trs" / "pingtan-zfxxgknb-list.html").read_text(encoding="utf-8")
    links = {
        (link.kind, link.text, link.url)
        for link in classify_links(Selector(text=page), "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/")
    }
    assert links == {
        ("hub", "政务公开", "https://www.pingtan.gov.cn/zwgk/"),
        ("hub", "政府信息公开", "https://www.pingtan.gov.cn/zwgk/zfxxgk/"),
        ("column", "政府信息公开年报", "https://www.pingtan.gov.cn/zwgk/zfxxgk/zfxxgknb/nlist.htm"),
        # 地方部门<br>平台链接: the directory of the departments' platforms (…/dfbmptlj/<dept>/)
        ("departments", "地方部门平台链接", "https://www.pingtan.gov.cn/zwgk/zfxxgk/dfbmptlj/"),
    }


def test_a_site_spans_its_subdomains_not_its_neighbours():
    assert (
        site_of("https://fgw.pingtan.gov.cn/x/") == site_of("https://www.pingtan.gov.cn/") == "pingtan.gov.cn"
    )
    assert site_of("http://www.fuzhou.gov.cn/") != site_of("https://www.pingtan.gov.cn/")
    assert site_of("http://gk.wh.cn/xxgkweb/") == "wh.cn"
    assert site_of("http://122.137.242.24:8080/pub/") == "122.137.242.24"


def discover(url: str, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CLI, "discover", url, "-o", str(out), "--no-throttle", *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO,
    )


@pytest.fixture(scope="module")
def discovered(tmp_path_factory):
    srv = DemoServer(port=0).start()
    out = tmp_path_factory.mktemp("discover") / "proposals.json"
    try:
        proc = discover(f"{srv.url}/fj/nd/", out)
    finally:
        srv.stop()
    assert proc.returncode == 0, proc.stderr[-3000:]
    return srv.url, json.loads(out.read_text(encoding="utf-8")), proc


def test_discovery_finds_every_column_of_the_tree_and_no_other(discovered):
    base, document, _ = discovered
    found = {e["start_urls"][0][len(base) :]: e for e in document["portals"]}
    recall = len(set(found) & set(COLUMNS)) / len(COLUMNS)
    precision = len(set(found) & set(COLUMNS)) / len(found)
    assert (recall, precision) == (1.0, 1.0), sorted(found)
    for path, (level, region, platform) in COLUMNS.items():
        e = found[path]
        assert (e["level"], e["region"], e["platform"]) == (level, region, platform), path
        assert e["verified"] is False and "lists" in e["options"]["note"]
    # The evidence: how the column was reached, link by link.
    # 公安局's 年报专栏 link leads to a page listing no report: rejected, with the reason.
    assert [(r["url"][len(base) :], r["why"]) for r in document["rejected"]] == [
        ("/fj/nd/zwgk/zfxxgk/bmxxgk/gaj/zfxxgknb/", "lists no annual report")
    ]
    jnjd = found["/fj/nd/jc/zwgk/zfxxgk/xzjd/jnjd/zfxxgknb/"]
    assert "县（市、区）信息公开" in jnjd["source"] and "乡镇（街道）信息公开" in jnjd["source"]
    assert jnjd["title"].startswith("蕉南街道办事处")
    assert found["/fj/nd/zwgk/zfxxgk/bmxxgk/czj/zfxxgknb/"]["title"].startswith("宁德市财政局")


def test_proposals_are_a_registry_for_review_that_a_crawl_can_try(discovered, tmp_path):
    _, document, proc = discovered
    path = tmp_path / "p.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert len(load_registry(path)) == len(COLUMNS)
    # The table on stdout: one line per proposal.
    lines = proc.stdout.strip().splitlines()
    assert lines[0].startswith("level\tregion\tplatform") and len(lines) == 1 + len(COLUMNS)


def test_a_start_page_that_cannot_be_read_is_said(tmp_path):
    srv = DemoServer(port=0).start()
    try:
        proc = discover(f"{srv.url}/fj/nd/nothing-here/", tmp_path / "p.json")
    finally:
        srv.stop()
    assert proc.returncode == 1
    assert "/fj/nd/nothing-here/: HTTP 404" in proc.stderr and "0 column(s) proposed" in proc.stderr


def test_discover_never_writes_the_registry(tmp_path):
    from crawler.registry import DEFAULT_REGISTRY

    before = DEFAULT_REGISTRY.read_bytes()
    proc = discover("http://127.0.0.1:9/", DEFAULT_REGISTRY)
    assert proc.returncode == 2 and "is the registry" in proc.stderr
    assert DEFAULT_REGISTRY.read_bytes() == before
