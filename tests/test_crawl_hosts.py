"""The crawler stays on its portal's hosts, over real HTTP on localhost.

A hostile portal links and redirects to `file://`, the cloud metadata address, a LAN
address and another host name of the same server (`localhost` for `127.0.0.1`): none
of it is requested or stored, and each refusal is recorded with its reason. Also:
private addresses need the registry's say-so, DNS failures fail fast, `Retry-After`
is honoured, and meta-refresh stubs are followed on-host rather than stored.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest
import sqlite_utils

from tests import crawl_process
from tests.fault_portal import FaultPortal, html, list_page, redirect, registry, report_page

REPO = Path(__file__).resolve().parents[1]
T = "年政府信息公开工作年度报告"


def crawl(data: Path, reg: Path, timeout: float = 120, **settings: str) -> subprocess.CompletedProcess[str]:
    """Crawl the fault portal of the registry file `reg` (settings: Scrapy settings)."""
    return crawl_process.crawl(data, "fault-portal", registry=str(reg), timeout=timeout, settings=settings)


def stored(data: Path) -> list[dict]:
    db = sqlite_utils.Database(data / "xxgk.db")
    return list(db.query("select * from documents order by id"))


def last_run(data: Path) -> dict:
    db = sqlite_utils.Database(data / "xxgk.db")
    return next(db.query("select * from crawl_runs order by id desc limit 1"))


@pytest.fixture
def portal():
    p = FaultPortal().start()
    yield p
    p.stop()


def test_links_and_redirects_off_the_portal_are_not_followed(tmp_path, portal):
    other = f"http://localhost:{portal.port}"  # the same server under a name not on the list
    portal.route(
        "/list/page_1.html",
        list_page(
            [
                ("/r/ok.html", f"甲局2023{T}"),
                ("/r/js-file.html", f"乙局2023{T}"),
                ("/r/meta-off.html", f"丙局2023{T}"),
                ("http://169.254.169.254/latest/meta-data/report.html", f"丁局2023{T}"),
                (f"{other}/r/ok.html", f"戊局2023{T}"),
                ("/r/redirect-off.html", f"己局2023{T}"),
                ("/r/redirect-lan.html", f"庚局2023{T}"),
                ("/r/attachments.html", f"辛局2023{T}"),
                ("file:///etc/passwd", f"壬局2023{T}"),
            ]
        ),
    )
    portal.route("/r/ok.html", html(report_page(f"甲局2023{T}")))
    portal.route("/r/js-file.html", html("<script>location.href='file:///etc/passwd'</script>"))
    portal.route(
        "/r/meta-off.html", html("", head=f'<meta http-equiv="refresh" content="0;url={other}/r/ok.html">')
    )
    portal.route("/r/redirect-off.html", redirect(f"{other}/r/ok.html"))
    portal.route("/r/redirect-lan.html", redirect("http://10.0.0.1/report.html"))
    links = (
        '<a href="file:///etc/passwd.pdf">附件一.pdf</a>'
        f'<a href="{other}/f/a.pdf">附件二.pdf</a>'
        '<a href="/f/metadata.pdf">附件三.pdf</a>'
        '<a href="/f/ok.pdf">附件四.pdf</a>'
    )
    portal.route("/r/attachments.html", html(report_page(f"辛局2023{T}", links)))
    portal.route("/f/metadata.pdf", redirect("http://169.254.169.254/latest/meta-data/iam.pdf"))
    portal.route("/f/ok.pdf", (200, [("Content-Type", "application/pdf")], b"%PDF-1.4 test\n%%EOF\n"))

    proc = crawl(tmp_path, registry(tmp_path, f"{portal.url}/list/page_1.html", allow_private=True))
    assert proc.returncode == 0, proc.stderr[-3000:]  # refusals are policy, not failures

    # Only the portal's own host was ever asked; `localhost` (the same socket) never.
    assert {h.host for h in portal.log} == {f"127.0.0.1:{portal.port}"}
    assert sorted(set(portal.paths())) == [
        "/f/metadata.pdf",
        "/f/ok.pdf",
        "/list/page_1.html",
        "/r/attachments.html",
        "/r/js-file.html",
        "/r/meta-off.html",
        "/r/ok.html",
        "/r/redirect-lan.html",
        "/r/redirect-off.html",
        "/robots.txt",
    ]
    docs = stored(tmp_path)
    assert sorted((d["kind"], d["final_url"].replace(portal.url, "")) for d in docs) == [
        ("attachment", "/f/ok.pdf"),
        ("page", "/r/attachments.html"),
        ("page", "/r/ok.html"),
    ]
    for d in docs:
        body = (tmp_path / "docs" / d["sha256"][:2] / d["sha256"]).read_bytes()
        assert b"root:" not in body
    run = last_run(tmp_path)
    notes = json.loads(run["notes"])
    reasons = {n["url"]: n["reason"] for n in notes}
    assert (
        "stub to file:///etc/passwd: scheme 'file' is not http(s)" in reasons[f"{portal.url}/r/js-file.html"]
    )
    meta = "http://169.254.169.254/latest/meta-data/report.html"
    assert "host 169.254.169.254 is not on the portal's allow-list" in reasons[meta]
    assert "host localhost is not on the portal's allow-list" in reasons[f"{other}/r/ok.html"]
    redirects = [n["reason"] for n in notes if "redirect from" in n["reason"]]
    assert len(redirects) == 4  # meta-off, redirect-off, redirect-lan, the metadata attachment
    assert "10.0.0.1 is not on the portal's allow-list" in json.dumps(notes, ensure_ascii=False)
    assert run["refused"] == 8 and run["status"] == "ok" and run["missing"] == 0
    assert "refused" in proc.stdout.splitlines()[0]


def test_the_registry_can_allow_another_host(tmp_path, portal):
    """`allowed_domains` makes an attachment host legitimate (here `localhost`)."""
    other = f"http://localhost:{portal.port}"
    portal.route("/list/page_1.html", list_page([("/r/a.html", f"甲局2023{T}")]))
    portal.route("/r/a.html", html(report_page(f"甲局2023{T}", f'<a href="{other}/f/a.pdf">附件.pdf</a>')))
    portal.route("/f/a.pdf", (200, [("Content-Type", "application/pdf")], b"%PDF-1.4 cdn\n%%EOF\n"))
    reg = registry(
        tmp_path, f"{portal.url}/list/page_1.html", allow_private=True, allowed_domains=["localhost"]
    )
    proc = crawl(tmp_path, reg)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (f"localhost:{portal.port}", "/f/a.pdf") in {(h.host, h.path) for h in portal.log}
    assert [d["kind"] for d in stored(tmp_path)] == ["page", "attachment"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_private_addresses_need_the_registrys_say_so(tmp_path, portal, host):
    portal.route("/list/page_1.html", list_page([("/r/a.html", f"甲局2023{T}")]))
    start = f"http://{host}:{portal.port}/list/page_1.html"
    proc = crawl(tmp_path, registry(tmp_path, start))
    assert portal.log == []  # not even robots.txt
    assert proc.returncode == 1
    run = last_run(tmp_path)
    assert run["status"] == "failed" and "options.allow_private" in run["notes"]


def test_dns_failures_fail_fast_and_are_named(tmp_path):
    started = time.monotonic()
    proc = crawl(tmp_path, registry(tmp_path, "http://no-such-portal.invalid/list/page_1.html"), timeout=60)
    elapsed = time.monotonic() - started
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[1].endswith("\tDNS ×1")  # the summary names the reason
    assert "failed: DNS lookup failed: address 'no-such-portal.invalid' not found" in proc.stderr
    run = last_run(tmp_path)
    assert run["status"] == "failed" and run["requests"] <= 2  # robots.txt and the page: no retries
    assert "Retrying" not in proc.stderr and elapsed < 30


def test_retry_after_is_honoured_and_a_long_one_waits_for_the_next_run(tmp_path, portal):
    portal.route(
        "/list/page_1.html", list_page([("/r/soon.html", f"甲局2023{T}"), ("/r/later.html", f"乙局2023{T}")])
    )
    portal.route(
        "/r/soon.html",
        lambda hit: (
            html("busy", 429, headers=[("Retry-After", "2")])
            if hit == 1
            else html(report_page(f"甲局2023{T}"))
        ),
    )
    portal.route(
        "/r/later.html",
        lambda hit: (
            html("busy", 429, headers=[("Retry-After", "3600")])
            if hit == 1
            else html(report_page(f"乙局2023{T}"))
        ),
    )
    reg = registry(tmp_path, f"{portal.url}/list/page_1.html", allow_private=True)
    first = crawl(tmp_path, reg, XXGK_RETRY_AFTER_MAX="3")  # waits up to 3 s are spent in the run
    soon = [h.at for h in portal.log if h.path == "/r/soon.html"]
    assert len(soon) == 2 and soon[1] - soon[0] >= 1.9  # waited as asked, then fetched
    assert portal.paths().count("/r/later.html") == 1  # an hour is not waited in a run, nor retried blindly
    assert first.returncode == 1 and first.stdout.splitlines()[1].endswith("\tHTTP 429 ×1")
    assert "Retry-After: 3600" in last_run(tmp_path)["notes"]
    assert last_run(tmp_path)["missing"] == 1
    second = crawl(tmp_path, reg, XXGK_RETRY_AFTER_MAX="3")
    assert second.returncode == 0, second.stderr[-3000:]
    assert portal.paths().count("/r/later.html") == 2
    assert sorted(d["final_url"].rsplit("/", 1)[1] for d in stored(tmp_path)) == ["later.html", "soon.html"]


@pytest.mark.parametrize(
    "stub",
    [
        # past the first 4 KB, where Scrapy's MetaRefreshMiddleware stops looking
        "<script>var x = '" + "x" * 5000 + "';</script>"
        '<meta http-equiv="refresh" content="0; url=/r/real.html">',
        # a delay longer than METAREFRESH_MAXDELAY, quoted URL, upper case
        '<META HTTP-EQUIV="Refresh" CONTENT="300; URL=\'/r/real.html\'">',
        # inside <noscript>, which Scrapy ignores
        '<noscript><meta http-equiv="refresh" content="0;url=/r/real.html"></noscript>',
    ],
)
def test_a_meta_refresh_stub_is_followed_on_host(tmp_path, portal, stub):
    portal.route("/list/page_1.html", list_page([("/r/stub.html", f"甲局2023{T}")]))
    portal.route("/r/stub.html", html("", head=stub))
    portal.route("/r/real.html", html(report_page(f"甲局2023{T}")))
    proc = crawl(tmp_path, registry(tmp_path, f"{portal.url}/list/page_1.html", allow_private=True))
    assert proc.returncode == 0, proc.stderr[-3000:]
    (doc,) = stored(tmp_path)
    assert doc["url"].endswith("/r/stub.html") and doc["final_url"].endswith("/r/real.html")
    body = (tmp_path / "docs" / doc["sha256"][:2] / doc["sha256"]).read_bytes().decode()
    assert "依申请公开办理情况" in body
