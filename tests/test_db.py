"""The research database on real SQLite files, with the hand-checked numbers of real reports."""

from __future__ import annotations

import copy
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from db.load import Loader, load_documents, load_paths, stored_documents
from db.resolve import Resolver
from db.schema import SCHEMA_VERSION, connect
from tests.conftest import CORPUS

SEED = CORPUS / "seed" / "baicheng-2019.json"
HUAIAN = CORPUS / "dev-pdf" / "huaian-szfgs-2024.json"
TABLES = (
    "regions",
    "agencies",
    "reports",
    "cell_details",
    "report_values",
    "checks",
    "sections",
    "sections_fts",
    "extraction_errors",
)


def truth(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def report_from_truth(info: dict, source: str) -> dict:
    """A Report.to_json() dict holding a truth file's checked numbers."""
    cells = dict(info["truth"])
    return {
        "source": source,
        "format": "text",
        "title": info["title"],
        "agency": info["agency"],
        "year": info["year"],
        "template": info["template"],
        "published": info.get("published"),
        "cells": cells,
        "raw": {k: "" if v is None else str(v) for k, v in cells.items()},
        "units": {},
        "notes": {},
        "placement": {},
        "checks": [{"name": "demo check", "ok": True, "expected": 1, "actual": 1, "table": "applications"}],
        "warnings": [],
        "sections": [],
    }


def counts(db) -> dict[str, int]:
    return {t: db[t].count for t in TABLES}


@pytest.fixture
def db(tmp_path):
    return connect(tmp_path / "xxgk.db")


def one(db, sql: str, params=()) -> dict:
    rows = list(db.query(sql, params))
    assert len(rows) == 1, rows
    return rows[0]


# --- schema ----------------------------------------------------------------------------


def test_schema_is_created_versioned_and_enforces_foreign_keys(tmp_path):
    path = tmp_path / "x.db"
    db = connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert set(TABLES) | {"documents", "cell_keys"} <= set(db.table_names())
    views = {"cells", "report_wide", "comparable", "rates", "cell_values", "unresolved_agencies"}
    assert views <= set(db.view_names())
    assert one(db, "SELECT name, level, parent_code FROM regions WHERE code = '220802'") == {
        "name": "洮北区",
        "level": "county",
        "parent_code": "220800",
    }
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO cell_details (report_id, key_id, value, placement) VALUES (999, 1, 5, 'printed')"
        )
    db.conn.rollback()
    regions = db["regions"].count
    connect(path)  # reopening migrates nothing and duplicates nothing
    assert connect(path)["regions"].count == regions == 3213  # with 100000, the central level


# --- views on the seed report's checked numbers ---------------------------------------


def test_views_return_the_seed_reports_checked_numbers(db):
    info = truth(SEED)
    loader = Loader(db)
    assert loader.load_report(report_from_truth(info, "baicheng-2019.txt")) == "loaded"
    loader.commit()
    wide = one(db, "SELECT * FROM report_wide")
    for key, value in info["truth"].items():
        assert wide[key.replace(".", "__")] == value, key
    assert (wide["agency"], wide["region_code"], wide["region_path"], wide["year"]) == (
        "白城市人民政府",
        "220800",
        "吉林省/白城市",
        2019,
    )
    assert wide["proactive__other_services__change"] == -260
    assert wide["proactive__procurement__amount"] == 110119389.995
    comp = one(db, "SELECT * FROM comparable")
    assert comp["applications__other_handling__total"] == 0 and comp["other_handling_derived"] == 0
    rates = one(db, "SELECT * FROM rates")
    assert rates["requests_handled"] == 50 and rates["disclosed"] == 46
    assert rates["share_disclosed"] == pytest.approx(46 / 50)
    assert rates["share_withheld"] == pytest.approx(1 / 50)  # 属于三类内部事务信息
    assert rates["share_unavailable"] == pytest.approx(3 / 50)
    # lawsuits: direct 10 with 7 pending -> 3 decided, none corrected; reviews 2 of 2 corrected
    assert (rates["lawsuits"], rates["lawsuits_decided"], rates["lawsuits_corrected"]) == (10, 3, 0)
    assert rates["share_lawsuits_corrected"] == 0
    assert rates["share_reviews_corrected"] == 1
    cell = one(db, "SELECT * FROM cell_values WHERE key = 'applications.received_new.total'")
    assert (cell["tbl"], cell["row"], cell["col"], cell["value"], cell["raw"]) == (
        "applications",
        "received_new",
        "total",
        59,
        "59",
    )


def test_comparable_sums_the_2021_other_rows_and_flags_them(db):
    info = truth(HUAIAN)
    loader = Loader(db)
    loader.load_report(report_from_truth(info, "huaian-szfgs-2024.pdf"))
    loader.commit()
    comp = one(db, "SELECT * FROM comparable")
    assert comp["applications__other_handling__total"] == 71 + 6 + 110
    assert comp["applications__other_handling__natural_person"] == 67 + 6 + 108
    assert comp["other_handling_derived"] == 1
    assert comp["proactive__licensing__decisions"] == 447228
    rates = one(db, "SELECT * FROM rates")
    assert rates["share_disclosed"] == pytest.approx(1362 / 3050)
    # direct: 13 upheld, 4 corrected, 8 other, 1 pending; after review: 12, 1, 1, 6
    assert rates["lawsuits_decided"] == 25 + 14 and rates["lawsuits_corrected"] == 5
    assert rates["share_lawsuits_corrected"] == pytest.approx(5 / 39)
    assert (rates["region_code"], rates["agency_kind"]) == ("320800", "government")


def test_a_blank_other_row_is_not_summed_as_zero(db):
    info = truth(HUAIAN)
    report = report_from_truth(info, "huaian-blank.pdf")
    report["cells"]["applications.other_unpaid_fee.total"] = None
    Loader(db).load_report(report)
    comp = one(db, "SELECT * FROM comparable")
    assert comp["applications__other_handling__total"] is None
    assert comp["other_handling_derived"] == 0


# --- idempotence and versions ---------------------------------------------------------


def test_loading_twice_changes_nothing(db):
    reports = [report_from_truth(truth(SEED), "a.txt"), report_from_truth(truth(HUAIAN), "b.pdf")]
    loader = Loader(db)
    assert [loader.load_report(r) for r in reports] == ["loaded", "loaded"]
    loader.commit()
    before = counts(db)
    again = Loader(db)
    assert [again.load_report(r) for r in reports] == ["unchanged", "unchanged"]
    again.commit()
    assert counts(db) == before


def test_a_changed_report_is_a_new_current_version(db):
    first = report_from_truth(truth(SEED), "http://example.gov.cn/baicheng-2019.html")
    corrected = copy.deepcopy(first)
    corrected["cells"]["applications.disclosed.total"] = 47
    loader = Loader(db)
    assert loader.load_report(first) == "loaded"
    assert loader.load_report(corrected) == "version"
    loader.commit()
    rows = list(db.query("SELECT version, is_current, series FROM reports ORDER BY version"))
    assert [(r["version"], r["is_current"]) for r in rows] == [(1, 0), (2, 1)]
    assert rows[0]["series"] == rows[1]["series"]
    assert one(db, "SELECT applications__disclosed__total AS v FROM report_wide")["v"] == 47
    # both versions keep their cells
    assert db.execute("SELECT COUNT(DISTINCT report_id) FROM cells").fetchone()[0] == 2


def test_a_page_without_tables_does_not_hide_the_version_that_has_them(db):
    report = report_from_truth(truth(SEED), "http://example.gov.cn/P020200309.pdf")
    page = copy.deepcopy(report)  # the same report's HTML page: "详见附件", no tables
    page.update(source="http://example.gov.cn/t20200309.html", cells={}, raw={}, checks=[], template=None)
    loader = Loader(db)
    assert loader.load_report(report) == "loaded"
    assert loader.load_report(page) == "version"
    loader.commit()
    rows = list(db.query("SELECT version, is_current, cells_found FROM reports ORDER BY version"))
    assert [(r["version"], r["is_current"]) for r in rows] == [(1, 1), (2, 0)]
    assert one(db, "SELECT applications__received_new__total AS v FROM report_wide")["v"] == 59


@pytest.mark.parametrize("scan_first", [False, True], ids=["text-then-scan", "scan-then-text"])
def test_a_scan_does_not_hide_the_same_report_read_from_text(db, scan_first):
    # the same report as a text PDF and as a JPG read by OCR, with one digit misread: which
    # one is current must not depend on which the crawl fetched last
    text = report_from_truth(truth(SEED), "http://example.gov.cn/P020200309.pdf")
    scan = copy.deepcopy(text)
    scan.update(source="http://example.gov.cn/W020200309.jpg", method="ocr", ocr_pages=[1])
    scan["cells"]["applications.received_new.total"] = 69
    loader = Loader(db)
    for report in (scan, text) if scan_first else (text, scan):
        loader.load_report(report)
    loader.commit()
    rows = {r["source"][-3:]: r["is_current"] for r in db.query("SELECT source, is_current FROM reports")}
    assert rows == {"pdf": 1, "jpg": 0}
    assert one(db, "SELECT applications__received_new__total AS v FROM report_wide")["v"] == 59


def test_a_report_that_fails_midway_leaves_nothing_and_is_recorded(db):
    # a real SQLite failure after the report's row and cells were written
    db.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON sections WHEN NEW.heading = 'boom' "
        "BEGIN SELECT RAISE(ABORT, 'boom'); END"
    )
    loader = Loader(db)
    bad = report_from_truth(truth(SEED), "bad.txt")
    bad["checks"] = [{"name": "a check only this report has", "ok": True, "table": "applications"}]
    bad["sections"] = [{"number": "一", "heading": "boom", "text": "总体情况"}]
    assert loader.load_report(bad) == "error"
    # the same agency again: the agency row the failed report made was rolled back with it
    assert loader.load_report(report_from_truth(truth(SEED), "good.txt")) == "loaded"
    loader.load_report(report_from_truth(truth(HUAIAN), "good.pdf"))
    loader.commit()
    assert [r["source"] for r in db.query("SELECT source FROM reports ORDER BY id")] == [
        "good.txt",
        "good.pdf",
    ]
    assert db.execute("SELECT COUNT(DISTINCT report_id) FROM cells").fetchone()[0] == 2
    assert db.execute("SELECT COUNT(*) FROM check_names WHERE name LIKE 'a check only%'").fetchone()[0] == 0
    assert [(e["source"], e["reason"]) for e in db.query("SELECT source, reason FROM extraction_errors")] == [
        ("bad.txt", "cannot be stored: IntegrityError: boom")
    ]
    assert loader.summary.line().startswith(
        "2 new report(s), 0 new version(s), 0 unchanged, 1 extraction error"
    )


# --- regions ---------------------------------------------------------------------------

CORPUS_AGENCIES = [
    # (agency as printed, portal region from the registry, code, level, kind)
    ("白城市人民政府", None, "220800", "prefecture", "government"),
    ("白城市", None, "220800", "prefecture", "government"),
    ("洮北区", None, "220802", "county", "government"),
    ("吉林省白城市自然资源局", None, "220800", "prefecture", "department"),
    ("蒲纺工业园区", "421281", "421281", "county", "zone"),  # 赤壁市
    ("乐至县回澜镇人民政府", None, "512022", "township", "township"),
    ("化隆县群科新区综合服务中心", None, "630224", "county", "zone"),  # 化隆回族自治县
    ("上湾乡人民政府", "康乐县", "622922", "township", "township"),
    ("弥勒工业园区管委会", "532504", "532504", "county", "zone"),
    ("淮安市洪泽区人民政府", None, "320813", "county", "government"),
    ("淮安市人民政府", None, "320800", "prefecture", "government"),
]


@pytest.mark.parametrize(("agency", "portal", "code", "level", "kind"), CORPUS_AGENCIES)
def test_every_corpus_agency_resolves_to_its_region(agency, portal, code, level, kind):
    res = Resolver().resolve(agency, None, portal)
    assert (res.region_code, res.level, res.kind) == (code, level, kind)


def test_the_title_names_the_agency_when_the_agency_is_missing():
    res = Resolver().resolve(None, "白城市2019年政府信息公开工作年度报告")
    assert (res.region_code, res.kind, res.method) == ("220800", "government", "title")


def test_unresolvable_agencies_are_listed_not_guessed(db):
    r = Resolver()
    assert r.resolve("上湾乡人民政府").region_code is None  # no county in the name, no portal
    ambiguous = r.resolve("朝阳区人民政府")  # 北京市 and 长春市 both have one
    assert ambiguous.region_code is None and "ambiguous" in ambiguous.reason
    assert r.resolve("朝阳区人民政府", None, "长春市").region_code == "220104"
    report = report_from_truth(truth(SEED), "x.txt")
    report["agency"] = "上湾乡人民政府"
    loader = Loader(db)
    loader.load_report(report)
    loader.commit()
    row = one(db, "SELECT name, reports, unresolved_reason FROM unresolved_agencies")
    assert row["name"] == "上湾乡人民政府" and row["reports"] == 1 and "portal" in row["unresolved_reason"]
    assert loader.summary.unresolved == {"上湾乡人民政府"}


# --- real documents end to end ----------------------------------------------------------


def test_loading_the_real_seed_document_gives_its_checked_numbers(db, seed_path, tmp_path):
    bad = tmp_path / "scan.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    summary = load_paths(Loader(db), [bad, seed_path])
    assert (summary.loaded, summary.errors) == (1, 1)
    err = one(db, "SELECT source, reason FROM extraction_errors")
    assert err["source"] == str(bad) and err["reason"]
    stored = {r["key"]: r["value"] for r in db.query("SELECT key, value FROM cell_values")}
    for key, value in truth(SEED)["truth"].items():
        assert stored[key] == value, key
    note = one(
        db, "SELECT raw, note FROM cell_values WHERE key = 'review_litigation.litigation_direct.pending'"
    )
    assert note["note"] == "市自然资源局"
    assert one(db, "SELECT region_code FROM reports")["region_code"] == "220800"
    # the second run reads nothing again
    before = counts(db)
    again = load_paths(Loader(db), [bad, seed_path])
    assert (again.unchanged, again.loaded, again.errors) == (2, 0, 0)
    assert counts(db) == before


def test_full_text_search_finds_words_of_any_length_in_section_five(db, seed_path):
    load_paths(Loader(db), [seed_path])
    sql = (
        "SELECT s.number, s.report_id FROM sections_fts f JOIN sections s ON s.id = f.rowid "
        "WHERE sections_fts MATCH fts_phrase(?) ORDER BY s.number"
    )
    assert list(db.query(sql, ["公开制度建设不完善"])) == [{"number": "五", "report_id": 1}]
    assert list(db.query(sql, ["实效"])) == [{"number": "五", "report_id": 1}]  # 2 characters
    assert [r["number"] for r in db.query(sql, ["条例"])] == ["一", "五"]
    assert list(db.query(sql, ["核酸检测点"])) == []
    assert list(db.query(sql, ["疫情"])) == []  # 2019: before the epidemic
    # plain SQLite, without xxgk's function: a word of 2 to 4 characters as it is typed
    for word, hits in (("实效", 1), ("条例", 2), ("不完善", 1), ("制度建设", 1), ("疫情", 0)):
        raw = f"SELECT rowid FROM sections_fts WHERE sections_fts MATCH '{word}'"
        assert len(list(db.query(raw))) == hits, word


def test_stored_documents_are_loaded_with_their_url_and_document(db, tmp_path, seed_path):
    data = seed_path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    store = tmp_path / "data"
    (store / "docs" / sha[:2]).mkdir(parents=True)
    (store / "docs" / sha[:2] / sha).write_bytes(data)
    url = "http://xxgk.jlbc.gov.cn/bcsrmzf/szf/ndbg/"
    common = {"http_status": 200, "fetched_at": "2024-05-01T00:00:00Z", "portal": "jilin-baicheng"}
    db["documents"].insert_all(
        [
            {"sha256": sha, "url": url, "title": "白城市2019年政府信息公开工作年度报告", **common},
            {"sha256": "0" * 64, "url": url + "missing.pdf", **common},
        ]
    )
    rows = stored_documents(db)
    assert len(rows) == 2
    summary = load_documents(Loader(db), rows, store, portal_regions={"jilin-baicheng": "220800"})
    assert (summary.loaded, summary.errors) == (1, 1)
    rep = one(db, "SELECT url, document_id, source, region_code FROM reports")
    assert rep == {"url": url, "document_id": 1, "source": url, "region_code": "220800"}
    assert "cannot be read" in one(db, "SELECT reason FROM extraction_errors")["reason"]
    assert stored_documents(db) == []  # nothing left to do on the next run
