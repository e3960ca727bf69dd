"""A report page whose body is its scanned pages as `<img>`s: one report, pages in page order.

Which images make the report is one pure function (`extract.page_images`), asked by the
crawler (what to fetch) and by extraction (what to read, in which order); here on saved
pages. End to end, a page saved with its images goes through `xxgk extract` and `xxgk
load` as one report (the crawl of the demo portal's such page: tests/test_demo_pipeline.py).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crawler.attachments import scanned_report_images
from extract import extract_path
from extract.ocr import ocr_available
from extract.page_images import page_image_sources
from tests import scans

REPO = Path(__file__).resolve().parents[1]
TITLE = "淮安市洪泽区2024年政府信息公开工作年度报告"


def page(body: str, title: str = TITLE) -> str:
    return (
        f"<html><head><title>{title}</title></head><body>"
        '<div class="logo"><img src="/images/logo.png"></div>'
        f'<h1>{title}</h1><div id="zoom">{body}</div><p>版权所有 网站地图</p></body></html>'
    )


# --- which images: pure, on saved pages -----------------------------------------------------


def test_the_images_of_a_scanned_report_page_in_page_order() -> None:
    body = (
        '<p><img src="W2.jpg"></p><p style="text-align:center"><img src="./W1.jpg" alt=""></p>'
        '<img src="/share/qrcode.png"><img src="W2.jpg"><p>发布日期：2025-01-20</p>'
    )
    base = "http://gov.example/c100/c5/content.shtml"
    assert page_image_sources(page(body), base) == [
        "http://gov.example/c100/c5/W2.jpg",  # the page's order, not the names'
        "http://gov.example/c100/c5/W1.jpg",  # once each; the logo and QR code left out
    ]
    assert scanned_report_images(page(body), base) == page_image_sources(page(body), base)


def test_a_page_with_text_or_tables_is_not_a_scanned_report() -> None:
    base = "http://gov.example/a/b.html"
    tables = '<img src="p1.jpg"><table><tr><td>申请人</td><td>3</td></tr></table>'
    assert page_image_sources(page(tables), base) == []
    text = '<img src="chart.png">' + "<p>" + "本机关认真贯彻落实政府信息公开条例。" * 30 + "</p>"
    assert page_image_sources(page(text), base) == []
    # no article body at all (a site's home page): nothing is taken for a report
    assert page_image_sources('<html><body><img src="a.jpg"></body></html>', base) == []


def test_a_saved_page_whose_images_are_missing_says_so(tmp_path: Path) -> None:
    saved = tmp_path / "report.html"
    saved.write_text(page('<img src="p1.jpg"><img src="p2.jpg">'), encoding="utf-8")
    report = extract_path(saved)
    assert report.cells == {} and report.ocr_pages == []
    assert any("2 of the page's 2 images are missing" in w and "p1.jpg" in w for w in report.warnings)


# --- a saved page with its images, through xxgk extract and xxgk load ------------------------


def xxgk(*args: str) -> subprocess.CompletedProcess[str]:
    cli = "import sys; from xxgk.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", cli, *args], capture_output=True, text=True, cwd=REPO)


@pytest.fixture(scope="module")
def saved_page(
    tmp_path_factory: pytest.TempPathFactory, printed_2024: tuple[dict[str, Any], Path]
) -> tuple[dict[str, Any], Path]:
    """Pages 2 and 3 of a scanned corpus report (sections 二 to 四; printed by conftest.py) as
    JPEGs named against their order (b.jpg is page 2, a.jpg page 3), in a saved page that
    shows them in order."""
    if not ocr_available():
        pytest.skip("the OCR extra is not installed: pip install -e '.[ocr]'")
    folder = tmp_path_factory.mktemp("scanned-page")
    info, pdf = printed_2024
    pages = scans.scanned_pages(pdf, scans.LEVELS["clean"], scans.seed_for(info["_name"], "page"))
    assert len(pages) == 3
    (folder / "b.jpg").write_bytes(scans.image_file(pages[1], "JPEG"))
    (folder / "a.jpg").write_bytes(scans.image_file(pages[2], "JPEG"))
    saved = folder / "report.html"
    saved.write_text(page('<p><img src="b.jpg"></p><p><img src="a.jpg"></p>'), encoding="utf-8")
    return info, saved


def test_a_saved_scanned_page_is_one_report_through_extract_and_load(
    saved_page: tuple[dict[str, Any], Path], tmp_path: Path
) -> None:
    info, saved = saved_page
    proc = xxgk("extract", "--jsonl", str(saved))
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["format"] == "html" and report["method"] == "ocr" and report["ocr_pages"] == [1, 2]
    assert report["year"] == 2024 and report["template"] == "2021"
    truth = scans.printed_truth(info)
    got = report["cells"]
    # sections 二 to 四 from both images, in the page's order: every cell as printed
    read = {k: v for k, v in truth.items() if not k.startswith("proactive.")} | {
        k: v for k, v in truth.items() if k.startswith("proactive.") and k in got
    }
    assert {k: got.get(k, "missing") for k in read} == read
    assert all(c["ok"] is not False for c in report["checks"])
    assert report["boxes"]["applications.received_new.total"]["page"] in (1, 2)

    data = tmp_path / "data"
    proc = xxgk("load", "--data", str(data), "-j", "0", str(saved))
    assert proc.returncode in (0, 1), proc.stderr  # 1: its checks may fail, like any report's
    conn = sqlite3.connect(data / "xxgk.db")
    rows = conn.execute("SELECT format, method, ocr_pages, checks_failed FROM reports").fetchall()
    assert rows == [("html", "ocr", "1,2", 0)]
    # the crop of a number comes from the image holding its page
    out = tmp_path / "cell.png"
    proc = xxgk("show-cell", "--data", str(data), "1", "applications.received_new.total", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"\x89PNG")
    # loaded again: the same page and images are known, nothing is read
    proc = xxgk("load", "--data", str(data), "-j", "0", str(saved))
    assert "1 unchanged" in proc.stderr
