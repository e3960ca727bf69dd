"""The researcher's side (issue 15): report status, described columns, central agencies,
search with standard tools, exports with a data dictionary, and the Datasette pages
checked in a real headless Chromium. Real SQLite files, real servers, real browser."""

from __future__ import annotations

import copy
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from db.export import export
from db.labels import key_label
from db.load import Loader
from db.schema import canonical_keys, connect
from tests.test_db import HUAIAN, SEED, report_from_truth, truth

PROBLEMS = "一些单位对政务公开培训重视不够，依申请公开办理质量有待提高。"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def with_problems(report: dict, text: str = PROBLEMS) -> dict:
    report = copy.deepcopy(report)
    report["sections"] = [
        {"number": "一", "heading": "一、总体情况", "text": "全面推进政务公开。"},
        {"number": "五", "heading": "五、存在的主要问题及改进情况", "text": text},
    ]
    return report


def build(path: Path) -> Path:
    """白城市 2019 (complete) and 2020 (attachment only), 淮安市 2024 with a dropped cell
    (partial), 洮北区 2019 with a failed check, an OCR report, 证监会 (central, complete) and
    an unreadable scan."""
    db = connect(path)
    loader = Loader(db)
    seed, huaian = truth(SEED), truth(HUAIAN)
    loader.load_report(with_problems(report_from_truth(seed, "bc-2019")))
    empty = report_from_truth(seed, "bc-2020")
    empty.update(year=2020, title="白城市2020年政府信息公开工作年度报告", template=None, cells={}, raw={})
    empty["checks"] = []
    loader.load_report(empty)
    partial = report_from_truth(huaian, "ha-2024")
    del partial["cells"]["applications.carried_over.natural_person"]
    loader.load_report(with_problems(partial, "疫情防控常态化。"))
    failed = report_from_truth(seed, "tb-2019")
    failed["agency"], failed["title"] = "洮北区人民政府", "洮北区2019年政府信息公开工作年度报告"
    failed["checks"] = [{"name": "applications.total", "ok": False, "expected": 5, "actual": 6}]
    loader.load_report(failed)
    ocr = report_from_truth(seed, "dl-2019")
    ocr["agency"], ocr["title"], ocr["format"] = (
        "大安市人民政府",
        "大安市2019年政府信息公开工作年度报告",
        "pdf-ocr",
    )
    loader.load_report(ocr)
    csrc = report_from_truth(huaian, "csrc-2024")
    csrc["agency"], csrc["title"] = (
        "中国证券监督管理委员会",
        "中国证券监督管理委员会2024年政府信息公开工作年度报告",
    )
    loader.load_report(csrc, portal_region="100000")
    loader.record_error("scan.pdf", "a scanned page without text", sha256="f" * 64)
    loader.commit()
    assert loader.summary.line().endswith(
        "by status: 2 complete, 1 partial, 1 checks failed, 1 OCR, 1 no tables (attachment-only), "
        "1 unreadable; failed: 1 × a scanned page without text"
    )
    db.close()
    return path


@pytest.fixture(scope="module")
def dbfile(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("researcher") / "xxgk.db")


@pytest.fixture(scope="module")
def db(dbfile):
    return connect(dbfile)


# --- 1. status -------------------------------------------------------------------------


def test_every_report_has_a_status_and_research_views_keep_those_with_numbers(db):
    statuses = {
        (r["agency"], r["year"]): r["status"]
        for r in db.query("SELECT agency, year, status FROM report_status WHERE report_id IS NOT NULL")
    }
    assert statuses == {
        ("白城市人民政府", 2019): "complete",
        ("白城市人民政府", 2020): "no_tables",
        ("淮安市人民政府", 2024): "partial",
        ("洮北区人民政府", 2019): "checks_failed",
        ("大安市人民政府", 2019): "ocr",
        ("中国证券监督管理委员会", 2024): "complete",  # every 2021 key of the 淮安市 truth
    }
    unreadable = list(db.query("SELECT source, reason FROM report_status WHERE status = 'unreadable'"))
    assert unreadable == [{"source": "scan.pdf", "reason": "a scanned page without text"}]
    for view in ("report_wide", "comparable", "rates"):
        rows = list(db.query(f"SELECT agency, year, status FROM {view}"))
        assert ("白城市人民政府", 2020) not in {(r["agency"], r["year"]) for r in rows}, view
        assert {r["status"] for r in rows} == {"complete", "partial", "checks_failed", "ocr"}, view
    # the empty year stays visible where jurisdictions are compared, and says why
    gap = list(
        db.query(
            "SELECT status_label, share_disclosed FROM jurisdiction_years WHERE agency = '白城市人民政府'"
        )
    )
    assert {(g["status_label"], g["share_disclosed"]) for g in gap} == {
        ("complete", 0.92),
        ("no tables (attachment-only)", None),
        ("no report found", None),  # 2024: 白城市 published nothing the database knows of
    }
    assert {r["status"] for r in db.query("SELECT DISTINCT status FROM check_results")} <= {
        "complete",
        "partial",
        "checks_failed",
        "ocr",
    }


# --- 5, 6. labels and central agencies -----------------------------------------------------


def test_cell_keys_carry_the_printed_label_and_an_english_description(db):
    rows = {r["key"]: r for r in db.query("SELECT key, label_zh, description FROM cell_keys")}
    assert set(rows) == set(canonical_keys())
    assert all(r["label_zh"] and r["description"] for r in rows.values())
    assert rows["applications.disclosed.total"]["label_zh"] == "予以公开/总计"
    assert rows["applications.withheld_state_secret.commercial"]["label_zh"] == "属于国家秘密/商业企业"
    assert rows["review_litigation.litigation_direct.corrected"]["label_zh"] == (
        "行政诉讼/未经复议直接起诉/结果纠正"
    )
    assert rows["proactive.fees.amount"]["label_zh"] == "行政事业性收费/金额"
    assert "disclosed in full" in rows["applications.disclosed.total"]["description"]
    assert key_label("proactive.licensing.change")[1].startswith("administrative licensing: change")


def test_a_central_agency_is_level_central_in_region_100000(db):
    row = next(iter(db.query("SELECT * FROM agencies WHERE name = '中国证券监督管理委员会'")))
    assert (row["region_code"], row["level"], row["kind"]) == ("100000", "central", "department")
    assert next(iter(db.query("SELECT level, name FROM regions WHERE code = '100000'"))) == {
        "level": "central",
        "name": "中央",
    }


# --- 4. search with standard tools ---------------------------------------------------------


def test_plain_match_and_sqlite_utils_search_find_two_character_words(dbfile, db):
    def plain(word: str) -> list[int]:
        sql = "SELECT rowid FROM sections_fts WHERE sections_fts MATCH ? ORDER BY rowid"
        return [r[0] for r in db.execute(sql, [word]).fetchall()]

    five = [r[0] for r in db.execute("SELECT id FROM sections WHERE number = '五' ORDER BY id")]
    assert plain("培训") == [five[0]] and plain("疫情") == [five[1]]
    assert plain("政务公开") == sorted([*plain("全面推进"), five[0]])  # 一 of both, 五 of 白城市
    assert plain("办理质量") == [five[0]] and plain("公开培") == [five[0]]
    assert plain("依申请 公开") == [five[0]]  # a longer word typed in parts
    # sqlite-utils' own command finds the sections through the same index
    out = subprocess.run(
        [sys.executable, "-m", "sqlite_utils", "search", str(dbfile), "sections", "培训", "--csv"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "依申请公开办理质量有待提高" in out and out.count("\n") == 2  # header and one section


# --- 8. exports ----------------------------------------------------------------------------


def test_export_for_excel_with_a_valid_data_package_and_codes_as_text(dbfile, tmp_path):
    pd = pytest.importorskip("pandas")
    files = export(dbfile, tmp_path, excel=True)
    assert [f.name for f in files] == ["report_wide.csv", "comparable.csv", "rates.csv", "datapackage.json"]
    assert (tmp_path / "rates.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    rates = next(r for r in package["resources"] if r["name"] == "rates")
    fields = {f["name"]: f for f in rates["schema"]["fields"]}
    assert fields["region_code"]["type"] == "string" and fields["share_disclosed"]["type"] == "number"
    wide = next(r for r in package["resources"] if r["name"] == "report-wide")
    disclosed = next(f for f in wide["schema"]["fields"] if f["name"] == "applications__disclosed__total")
    assert disclosed["title"] == "予以公开/总计" and disclosed["type"] == "integer"
    assert "disclosed in full" in disclosed["description"]
    frictionless = shutil.which("frictionless") or str(Path(sys.executable).with_name("frictionless"))
    proc = subprocess.run(
        [frictionless, "validate", str(tmp_path / "datapackage.json")], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    # pandas, told the package's text columns, keeps the codes as strings: 220800, not 220800.0
    text = [f["name"] for f in rates["schema"]["fields"] if f["type"] == "string"]
    df = pd.read_csv(tmp_path / "rates.csv", dtype=dict.fromkeys(text, str), encoding="utf-8-sig")
    assert set(df["region_code"]) == {"220800", "320800", "220882", "220802", "100000"}
    assert df.loc[df["region_code"] == "100000", "province_code"].isna().all()


# --- the Datasette pages, in a real headless browser ---------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(dbfile):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "xxgk.cli", "serve", "--db", str(dbfile), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/-/versions.json", timeout=5).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise
            time.sleep(0.3)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def browse(url: str, screenshot: Path | None = None, size: str = "1400,1400") -> str:
    """The page's DOM after its scripts ran, in headless Chromium (and a screenshot)."""
    profile = tempfile.mkdtemp(prefix="xxgk-chromium-")
    args = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--hide-scrollbars",
        f"--window-size={size}",
        "--virtual-time-budget=15000",
    ]
    try:
        if screenshot:
            subprocess.run([*args, f"--screenshot={screenshot}", url], capture_output=True, timeout=120)
            assert screenshot.stat().st_size > 20_000  # a page, not a blank
        return subprocess.run(
            [*args, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=True
        ).stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)


needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium not installed (apt-get install chromium; .ci/run installs it)"
)


@needs_chromium
def test_the_search_box_finds_a_two_character_word(server, tmp_path):
    dom = browse(f"{server}/xxgk/sections?_search=" + urllib.parse.quote("培训"), tmp_path / "search.png")
    assert 'name="_search"' in dom  # the search box is there
    assert "依申请公开办理质量有待提高" in dom and "1 row where search matches" in dom


@needs_chromium
def test_columns_are_described_and_shares_rounded(server, tmp_path):
    dom = browse(f"{server}/xxgk/rates", tmp_path / "rates.png")
    assert 'data-column-description="share disclosed — 予以公开 / 总计"' in dom
    assert "92.0%" in dom  # 白城市 2019: 46 / 50, shown rounded
    dom = browse(f"{server}/xxgk/report_wide?_size=5")
    assert (
        'data-column-description="予以公开/总计 — handled: disclosed in full, all applicants (总计); '
        'table 三、收到和处理政府信息公开申请情况 (key applications.disclosed.total)"'
    ) in dom
    assert ">白城市人民政府</a>" in dom  # agency_id shown as the agency's name


def chart_dom(dom: str, chart: str) -> str:
    """The part of the dashboard's DOM holding one chart (up to the next card)."""
    return dom.split(f'id="chart-{chart}"', 1)[1].split('class="dashboard-card"', 1)[0]


@needs_chromium
def test_the_comparison_panels_and_the_map_show_missing_data(server, tmp_path):
    q = urllib.parse.urlencode(
        {
            "rate": "share_disclosed",
            "year": "2020",
            "level": "prefecture",
            "places": "白城市人民政府,淮安市人民政府",
        }
    )
    dom = browse(f"{server}/-/dashboards/xxgk?{q}", tmp_path / "dashboard.png", size="1400,1800")
    # ranking of the prefecture-level agencies in 2020: 白城市's page had no tables, 淮安市 no report
    ranking = chart_dom(dom, "ranking")
    assert "<svg" in ranking
    assert "no data: no tables (attachment-only)" in ranking and "no data: no report found" in ranking
    # the places side by side: 白城市 2019 at 92%, then its gaps say why; the 2021 template marked
    series = chart_dom(dom, "series")
    assert "2021 template →" in series and "no tables (attachment-only)" in series
    assert "no report found" in series and "淮安市人民政府" in series
    # the map: every province drawn, the ones without data too (grey), with the legend of the rate
    provinces = json.loads((Path(__file__).parents[1] / "db/static/provinces.json").read_text("utf-8"))
    shapes = chart_dom(dom, "map").count('aria-roledescription="geoshape"')
    assert shapes == len(provinces["features"]) == 34
    q = urllib.parse.urlencode({"rate": "share_disclosed", "year": "2019", "level": "prefecture"})
    dom = browse(f"{server}/-/dashboards/xxgk?{q}")
    assert "92.0%" in chart_dom(dom, "ranking")  # 白城市 2019: 46 / 50
    assert "rate" in chart_dom(dom, "map")  # the colour legend: 吉林省 has data in 2019
