"""Summary tables (db.summaries) stay equal to the views they summarise, through loads,
reloads, replacing versions, pages without tables, deletions and schema changes."""

from __future__ import annotations

import copy
import json

import pytest

from db.canned import BY_NAME
from db.load import Loader
from db.schema import connect
from db.summaries import AGENCY_LAWSUITS, ensure_summaries
from tests.conftest import CORPUS

SEED = json.loads((CORPUS / "seed" / "baicheng-2019.json").read_text(encoding="utf-8"))  # 2019 template
HUAIAN = json.loads((CORPUS / "dev-pdf" / "huaian-szfgs-2024.json").read_text(encoding="utf-8"))  # 2021

# The scan the summary replaces: the canned query as it was, over every report.
SCAN = """SELECT agency_id, COUNT(*) AS reports, MIN(year) AS first_year, MAX(year) AS last_year,
  SUM(lawsuits_decided) AS lawsuits_decided, SUM(lawsuits_corrected) AS lawsuits_corrected,
  ROUND(1.0 * SUM(lawsuits_corrected) / SUM(lawsuits_decided), 3) AS share_corrected
FROM rates WHERE lawsuits_decided > 0 AND lawsuits_corrected IS NOT NULL
GROUP BY agency_id ORDER BY agency_id"""
SUMMARY = "SELECT * FROM agency_lawsuits ORDER BY agency_id"


def report(
    agency: str, year: int, direct: tuple[int, int, int], after: tuple[int, int, int] = (0, 0, 0)
) -> dict:
    """A report of `agency` for `year` whose two lawsuit rows are (total, pending, corrected)."""
    base = SEED if year <= 2020 else HUAIAN
    cells = dict(base["truth"])
    for group, (total, pending, corrected) in (
        ("litigation_direct", direct),
        ("litigation_after_review", after),
    ):
        upheld = total - pending - corrected
        for col, v in (("upheld", upheld), ("corrected", corrected), ("other", 0), ("pending", pending)):
            cells[f"review_litigation.{group}.{col}"] = v
        cells[f"review_litigation.{group}.total"] = total
    return {
        "source": f"https://example.gov.cn/{agency}/{year}/{direct}{after}.html",
        "format": "html",
        "title": f"{agency}{year}年政府信息公开工作年度报告",
        "agency": agency,
        "year": year,
        "template": base["template"],
        "cells": cells,
        "raw": {k: "" if v is None else str(v) for k, v in cells.items()},
        "checks": [{"name": "demo check", "ok": True, "expected": 1, "actual": 1, "table": "applications"}],
        "sections": [],
    }


def agency_row(db, name: str) -> dict | None:
    rows = list(
        db.query(
            "SELECT s.reports, s.first_year, s.last_year, s.lawsuits_decided, s.lawsuits_corrected "
            "FROM agency_lawsuits s JOIN agencies a ON a.id = s.agency_id WHERE a.name = ?",
            [name],
        )
    )
    return rows[0] if rows else None


def same_as_scan(db) -> list[dict]:
    summary = list(db.query(SUMMARY))
    assert summary == list(db.query(SCAN))
    return summary


@pytest.fixture
def loaded(tmp_path):
    db = connect(tmp_path / "xxgk.db")
    loader = Loader(db)
    for r in (
        report("白城市人民政府", 2019, (10, 7, 0)),  # 3 decided, none corrected
        report("白城市人民政府", 2021, (6, 1, 2), (4, 0, 1)),  # 9 decided, 3 corrected
        report("白城市人民政府", 2022, (0, 0, 0)),  # nothing decided: not counted
        report("淮安市人民政府", 2024, (26, 1, 4)),  # 25 decided, 4 corrected
        report("淮安市洪泽区人民政府", 2023, (1, 1, 0)),  # pending only: not counted
    ):
        loader.load_report(r)
    loader.commit()
    return db, loader


def test_the_summary_holds_the_sums_of_the_current_reports(loaded):
    db, _ = loaded
    assert len(same_as_scan(db)) == 2
    assert agency_row(db, "白城市人民政府") == {
        "reports": 2,
        "first_year": 2019,
        "last_year": 2021,
        "lawsuits_decided": 3 + 9,
        "lawsuits_corrected": 0 + 3,
    }
    assert agency_row(db, "淮安市人民政府")["lawsuits_corrected"] == 4
    assert agency_row(db, "淮安市洪泽区人民政府") is None
    rows = list(db.query(BY_NAME["lawsuits_corrected"].sql, {"min_decided": ""}))
    assert [(r["agency"], r["lawsuits_decided"], r["corrected"], r["share_corrected"]) for r in rows] == [
        ("白城市人民政府", 12, 3, 0.25),
        ("淮安市人民政府", 25, 4, 0.16),
    ]
    assert rows[0]["place"] == "吉林省/白城市" and rows[0]["reports"] == 2
    # read in the order of the summary's index: its first 100 entries, never every agency
    plan = [
        r[3]
        for r in db.execute("EXPLAIN QUERY PLAN " + BY_NAME["lawsuits_corrected"].sql, {"min_decided": "5"})
    ]
    assert "SCAN agency_lawsuits USING INDEX agency_lawsuits_share" in plan
    assert "SEARCH a USING INTEGER PRIMARY KEY (rowid=?)" in plan and "SCAN a" not in plan


def test_loading_again_changes_nothing(loaded):
    db, loader = loaded
    before = same_as_scan(db)
    assert loader.load_report(report("白城市人民政府", 2021, (6, 1, 2), (4, 0, 1))) == "unchanged"
    loader.commit()
    assert same_as_scan(db) == before


def test_a_new_version_replaces_the_old_ones_numbers(loaded):
    db, loader = loaded
    # the 2021 report corrected: 5 decided, 5 corrected, instead of 9 and 3
    assert loader.load_report(report("白城市人民政府", 2021, (5, 0, 5))) == "version"
    loader.commit()
    same_as_scan(db)
    assert agency_row(db, "白城市人民政府") == {
        "reports": 2,
        "first_year": 2019,
        "last_year": 2021,
        "lawsuits_decided": 3 + 5,
        "lawsuits_corrected": 0 + 5,
    }
    # a version that decides nothing takes the 2021 report out of the sums
    assert loader.load_report(report("白城市人民政府", 2021, (2, 2, 0))) == "version"
    loader.commit()
    same_as_scan(db)
    assert agency_row(db, "白城市人民政府") == {
        "reports": 1,
        "first_year": 2019,
        "last_year": 2019,
        "lawsuits_decided": 3,
        "lawsuits_corrected": 0,
    }


def test_a_page_without_tables_does_not_change_the_sums(loaded):
    db, loader = loaded
    page = report("淮安市人民政府", 2024, (0, 0, 0)) | {"cells": {}, "raw": {}, "source": "详见附件.html"}
    assert loader.load_report(page) == "version"
    loader.commit()
    same_as_scan(db)
    assert agency_row(db, "淮安市人民政府")["lawsuits_decided"] == 25


def test_a_rolled_back_report_leaves_the_summary_as_it_was(loaded):
    db, loader = loaded
    before = same_as_scan(db)
    bad = copy.deepcopy(report("淮安市人民政府", 2022, (8, 0, 8)))
    bad["checks"] = [{"name": "x", "ok": True, "expected": 1, "actual": 1}, {"name": 3}]  # fails midway
    assert loader.load_report(bad) == "error"
    loader.commit()
    assert same_as_scan(db) == before


def test_deleting_and_editing_by_hand_keep_it_exact(loaded):
    db, _ = loaded
    rid = db.execute(
        "SELECT r.id FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE a.name = '淮安市人民政府'"
    ).fetchone()[0]
    db.execute(
        "UPDATE report_values SET review_litigation__litigation_direct__corrected = 10 WHERE report_id = ?",
        [rid],
    )
    assert agency_row(db, "淮安市人民政府")["lawsuits_corrected"] == 10
    db.execute("UPDATE reports SET status = 'no_tables' WHERE id = ?", [rid])  # out of the research views
    assert agency_row(db, "淮安市人民政府") is None
    db.execute("UPDATE reports SET status = 'complete' WHERE id = ?", [rid])
    for table in ("report_values", "checks", "cell_details", "sections"):
        db.execute(f"DELETE FROM {table} WHERE report_id = ?", [rid])
    db.execute("DELETE FROM reports WHERE id = ?", [rid])
    assert agency_row(db, "淮安市人民政府") is None
    same_as_scan(db)


def test_a_changed_definition_or_a_database_without_it_is_rebuilt(loaded, tmp_path):
    db, _ = loaded
    expected = same_as_scan(db)
    db.execute("DELETE FROM agency_lawsuits")
    db.execute("UPDATE meta SET value = 'old' WHERE key = ?", [f"summary:{AGENCY_LAWSUITS.name}"])
    db.conn.commit()
    ensure_summaries(db)
    assert list(db.query(SUMMARY)) == expected
    # a database made before summaries existed: the table and its triggers appear on open
    db.execute("DROP TABLE agency_lawsuits")
    db.execute("DELETE FROM meta WHERE key LIKE 'summary:%'")
    db.conn.commit()
    db.conn.close()
    db = connect(tmp_path / "xxgk.db")
    assert list(db.query(SUMMARY)) == expected
    Loader(db).load_report(report("淮安市洪泽区人民政府", 2024, (3, 0, 3)))
    db.conn.commit()
    assert agency_row(db, "淮安市洪泽区人民政府")["lawsuits_corrected"] == 3
    same_as_scan(db)
