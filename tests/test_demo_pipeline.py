"""`xxgk demo` end to end, and the generated reports the demo portals serve.

Every demo report is made by `crawler.demo.synth` with known numbers, so the whole
pipeline (portal → crawl → extract → database) can be checked against them: the
comparison `xxgk demo` prints must show every report's checks passing, and the cells
the database holds must be the numbers the generator printed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from crawler.demo import synth, word
from crawler.demo.catalog import DemoReport, build_world
from extract import template as tpl

REPO = Path(__file__).resolve().parents[1]
SITES = build_world(bench_reports=1)
REPORTS = [
    r
    for key, s in SITES.items()
    if key != "demo-bench"
    for r in s.reports()
    if not r.decoy and not r.only_with
]
INLINE = [r for r in REPORTS if r.form in ("html", "both")]


# --- the generator --------------------------------------------------------------------


def test_every_demo_report_is_complete_and_consistent() -> None:
    for r in REPORTS:
        t = synth.agency_tables(r.agency, r.year)
        assert t.template == ("2021" if r.year >= 2021 else "2019"), r.title
        assert set(t.values) == set(tpl.all_keys(t.template)), r.title
        assert synth.arithmetic_violations(t.values, t.template) == [], r.title
        if r.year > 2019:  # this year's 上年结转 is last year's 结转下年度, column by column
            before = synth.agency_tables(r.agency, r.year - 1)
            for c in tpl.APPLICANT_COLUMNS:
                assert (
                    t.values[f"applications.carried_over.{c}"]
                    == before.values[f"applications.carried_forward.{c}"]
                ), (r.title, c)


def test_numbers_fit_the_agency() -> None:
    def received(agency: str) -> list[int]:
        return [
            int(synth.agency_tables(agency, y).values["applications.received_new.total"] or 0)
            for y in range(2020, 2025)
        ]

    assert synth.agency_level("南京市人民政府") == "city government"
    assert synth.agency_level("广州市天河区人民政府") == "county government"
    assert synth.agency_level("蒙城县财政局") == "county bureau"
    assert synth.agency_level("吉林省教育厅") == "provincial department"
    assert min(received("南京市人民政府")) > 1000
    assert max(received("蒙城县财政局")) < 50
    assert min(received("南京市财政局")) >= 10 and max(received("南京市财政局")) < 300


def test_the_same_report_is_served_byte_for_byte_every_time() -> None:
    r = next(r for r in INLINE if r.agency == "南京市人民政府" and r.year == 2023)
    a = synth.demo_report(r.agency, r.year, r.date)
    b = synth.demo_report(r.agency, r.year, r.date)
    assert a.html == b.html and word.report_docx(a) == word.report_docx(b)
    assert r.title in a.html and f"发布日期：{r.date}" in a.html
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "六、其他需要报告的事项"):
        assert heading in a.html


def test_portals_serve_mostly_real_tables_some_flattened() -> None:
    kinds = [synth.demo_report(r.agency, r.year, r.date).layout for r in INLINE if not r.text]
    tables = sum(1 for lay in kinds if lay.name == "html_table")
    flat = sum(1 for lay in kinds if lay.name == "html_flat")
    assert tables > 2 * flat > 0
    assert any(lay.word for lay in kinds) and any(lay.spans for lay in kinds)


# --- xxgk demo --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_run):
    """The database `xxgk demo` built, and the comparison it printed (conftest.py runs it)."""
    output, _ = demo_run
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("The demo jurisdictions by year"))
    db = re.search(r"database (.+?)\):$", lines[start])
    assert db, lines[start]
    return sqlite_utils.Database(db.group(1)), "\n".join(lines[start:])


def report_row(db: sqlite_utils.Database, r: DemoReport, fmt: str) -> dict:
    rows = list(
        db.query(
            "SELECT r.* FROM reports r JOIN agencies a ON a.id = r.agency_id "
            "WHERE a.name = ? AND r.year = ? AND r.format = ?",
            [r.agency, r.year, fmt],
        )
    )
    assert len(rows) == 1, (r.title, fmt, len(rows))
    return rows[0]


def test_the_comparison_shows_every_report_with_its_checks_passing(demo) -> None:
    _, out = demo
    lines = out.splitlines()
    # One row per agency and year, plus the real sample PDF every PDF link serves (洪泽区 2024)
    # and the real report scanned into the JPG a page links (淮安市人民政府 2024).
    n = len({(r.agency, r.year) for r in REPORTS}) + 2
    assert lines[0].startswith(f"The demo jurisdictions by year ({n} reports;")
    header = lines[1].split()
    assert header[-1] == "status" and lines[2].startswith("---")
    rows = lines[3 : 3 + n]
    assert len(rows) == n
    # no report failed its checks; a report without tables is a row that says so, with no numbers
    # the scanned reports, read by OCR, are shown and flagged where their checks fail: the
    # image-only PDF (three of the sample's five pages: section 三 incomplete), the page of
    # <img>s (a real report whose own review totals do not add up), the JPG attachment
    scanned = [
        row
        for row in rows
        if ("北京监管局" in row and (" 2019 " in row or " 2020 " in row)) or ("淮安市人民政府  " in row)
    ]
    assert len(scanned) == 3 and {re.split(r"\s{2,}", row)[-1] for row in scanned} <= {
        "checks failed",
        "OCR",  # complete, read by OCR
        "complete",
        "partial",
    }
    rows = [row for row in rows if row not in scanned]
    n -= 3
    statuses = [re.split(r"\s{2,}", row)[-1] for row in rows]
    assert set(statuses) <= {"complete", "partial", "no tables (attachment-only)"}, set(statuses)
    assert statuses.count("complete") > n * 3 // 4
    for row, status in zip(rows, statuses, strict=True):
        if status.startswith("no tables"):
            assert len(re.split(r"\s{2,}", row)) == 4, row  # region, agency, year, status
    nanjing = next(row for row in rows if "南京市人民政府" in row and " 2023 " in row)
    received = synth.agency_tables("南京市人民政府", 2023).values["applications.received_new.total"]
    assert nanjing.split()[:4] == ["南京市", "南京市人民政府", "2023", "2021"]
    assert nanjing.split()[4] == str(received)


def test_every_inline_report_is_read_with_all_checks_passing(demo) -> None:
    db, _ = demo
    for r in INLINE:
        row = report_row(db, r, "html")
        assert row["template"] == ("2021" if r.year >= 2021 else "2019"), r.title
        assert row["title"] == r.title and row["published"] == r.date, r.title
        passed = db.execute(
            "SELECT count(*) FROM checks WHERE report_id = ? AND ok = 1", [row["id"]]
        ).fetchone()
        assert (row["checks_failed"], row["checks_unknown"]) == (0, 0) and passed[0] >= 20, r.title


def stored_cells(db: sqlite_utils.Database, report_id: int) -> dict[str, float | int | None]:
    return {
        row["key"]: row["value"]
        for row in db.query(
            "SELECT k.key, c.value FROM cells c JOIN cell_keys k ON k.id = c.key_id WHERE c.report_id = ?",
            [report_id],
        )
    }


def sample() -> list[tuple[DemoReport, str]]:
    """One report of each layout, one from the GBK CMS, and the Word attachments' first."""
    picked: dict[object, tuple[DemoReport, str]] = {}
    for r in INLINE:
        if r.text:
            continue
        lay = synth.demo_report(r.agency, r.year, r.date).layout
        picked.setdefault((lay.name, lay.word, lay.spans, lay.tag, r.year >= 2021), (r, "html"))
        if r.site == "demo-gbkcms":
            picked.setdefault("gbk", (r, "html"))
    docx = next(r for r in REPORTS if r.form == "docx")
    picked["docx"] = (docx, "docx")
    return list(picked.values())


@pytest.mark.parametrize("report, fmt", sample(), ids=lambda x: x.title if isinstance(x, DemoReport) else x)
def test_the_database_holds_the_numbers_the_portal_printed(demo, report: DemoReport, fmt: str) -> None:
    db, _ = demo
    row = report_row(db, report, fmt)
    got = stored_cells(db, row["id"])
    expected = synth.demo_report(report.agency, report.year, report.date).expected
    assert set(got) == set(expected)
    wrong = {k: (v, got[k]) for k, v in expected.items() if got[k] != pytest.approx(v)}
    assert wrong == {}


def test_the_seed_report_is_served_as_captured(demo) -> None:
    """The real 白城市 2019 report (the seed corpus) is on the Jilin portal, read exactly."""
    import json

    db, _ = demo
    seed = next(r for r in REPORTS if r.text)
    row = report_row(db, seed, "html")
    truth = json.loads(
        (REPO / "tests" / "corpus" / "seed" / "baicheng-2019.json").read_text(encoding="utf-8")
    )
    got = stored_cells(db, row["id"])
    cells = truth["truth"]
    assert {k: got.get(k) for k in cells} == pytest.approx(cells)
    assert row["checks_failed"] == 0


def test_the_scanned_reports_are_read_by_ocr(demo) -> None:
    import json

    db, _ = demo
    rows = list(db.query("SELECT id, format, ocr_pages FROM reports WHERE method = 'ocr' ORDER BY format"))
    # a page whose body is five <img>s (one report, its pages in page order), a JPG
    # attachment (one tall image), an image-only PDF (three pages)
    assert [(r["format"], r["ocr_pages"]) for r in rows] == [
        ("html", "1,2,3,4,5"),
        ("image", "1"),
        ("pdf", "1,2,3"),
    ]
    pdf = next(
        db.query(
            "SELECT w.* FROM report_wide w JOIN reports r ON r.id = w.report_id WHERE r.format = 'pdf' AND r.method = 'ocr'"
        )
    )
    # the real sample's numbers (淮安市洪泽区 2024, as its text PDF reads them)
    assert pdf["applications__disclosed__total"] == 50 and pdf["proactive__penalty__decisions"] == 2776
    # the page of <img>s is the real 洪泽区 2023 report: no number read differs from its truth
    truth = json.loads(
        (REPO / "tests" / "corpus" / "dev-pdf" / "hongze-2023.json").read_text(encoding="utf-8")
    )
    got = stored_cells(db, rows[0]["id"])
    assert got["applications.received_new.total"] == 21
    assert {k: v for k, v in got.items() if k in truth["truth"] and v != truth["truth"][k]} == {}
    cell = next(
        db.query(
            "SELECT page, box, confidence FROM cell_values c JOIN reports r ON r.id = c.report_id "
            "WHERE r.method = 'ocr' AND r.format = 'html' AND c.key = 'applications.received_new.total'"
        )
    )
    assert 1 <= cell["page"] <= 5 and cell["confidence"] >= 0.9 and len(cell["box"].split(",")) == 4


def test_show_cell_writes_the_crop_of_an_ocr_cell(demo, tmp_path) -> None:
    db, _ = demo
    data = Path(db.conn.execute("PRAGMA database_list").fetchone()[2]).parent
    # a number of the page of <img>s: its crop is cut from the image holding its page
    rid = next(db.query("SELECT id FROM reports WHERE method = 'ocr' AND format = 'html'"))["id"]
    out = tmp_path / "cell.png"
    cli = "import sys; from xxgk.cli import main; sys.exit(main())"
    args = ["show-cell", "--data", str(data), str(rid), "applications.received_new.total", "-o", str(out)]
    proc = subprocess.run([sys.executable, "-c", cli, *args], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert "applications.received_new.total = 21 (read '21'" in proc.stderr
    assert out.read_bytes().startswith(b"\x89PNG")
    # a cell read from text has no crop: a clear error
    text_rid = next(db.query("SELECT id FROM reports WHERE method IS NULL AND cells_found > 0"))["id"]
    args[3] = str(text_rid)
    proc = subprocess.run([sys.executable, "-c", cli, *args], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 1 and "not read by OCR" in proc.stderr
