"""Full-text search for words of any length, the lossless `cells` view, and the v1 -> v2
migration, on real SQLite files with the seed report's real text and numbers."""

from __future__ import annotations

import copy
import json

from db.canned import BY_NAME
from db.load import Loader, load_paths
from db.schema import MIGRATIONS, canonical_keys, connect
from db.search import fts_phrase, index_text, reindex_sections
from extract import extract_path
from tests.test_db import HUAIAN, SEED, one, report_from_truth, truth
from xxgk.cli import main

# Real sentences: 五 of 淮安市 2022-style reports, and 一 of the seed report.
PROBLEMS_COVID = "受新冠肺炎疫情影响，部分依申请公开答复工作有所延迟。下一步将进一步规范办理流程。"
PROBLEMS_PLAIN = "一些部门主动公开意识不强，公开制度建设不完善，重点领域公开不深入。"
# 疫 and 情 next to each other only across punctuation: the index matches, the text does not
PROBLEMS_ACROSS = "做好防疫，情况报告及时报送。"
# problems_mentioning's parameters left empty: the word 疫情, page 1 of 100 rows
DEFAULTS = {"word": "", "page": "", "page_size": ""}


def with_sections(report: dict, five: str, one_text: str = "全面推进政务公开。") -> dict:
    report = copy.deepcopy(report)
    report["sections"] = [
        {"number": "一", "heading": "一、总体情况", "text": one_text},
        {"number": "三", "heading": "三、收到和处理政府信息公开申请情况", "text": "申请人情况 自然人 疫情"},
        {"number": "五", "heading": "五、存在的主要问题及改进情况", "text": five},
    ]
    return report


def test_the_index_holds_ngrams_and_the_phrase_of_a_word_is_its_bigrams():
    # bigrams and each run's last character, then trigrams, then 4-grams; punctuation splits runs
    assert index_text("疫情防控，好") == "疫情 情防 防控 控 好 疫情防 情防控 疫情防控"
    assert fts_phrase("疫情") == '"疫情"'
    assert fts_phrase(" 新冠 肺炎 ") == '"新冠 冠肺 肺炎"'
    assert fts_phrase("延") == '"延"*'
    assert fts_phrase('A"B') == '"A"* "B"*'  # a quote is not a token character: two runs, ANDed
    assert fts_phrase("") is None and fts_phrase(None) is None and fts_phrase("，") is None


def test_problems_mentioning_finds_a_two_character_word_through_the_index(tmp_path):
    db = connect(tmp_path / "x.db")
    seed, huaian = truth(SEED), truth(HUAIAN)
    loader = Loader(db)
    old = with_sections(report_from_truth(seed, "a-old"), PROBLEMS_COVID)
    old["cells"]["applications.disclosed.total"] = 45  # the first version; the current one is below
    loader.load_report(old)
    loader.load_report(with_sections(report_from_truth(seed, "a"), PROBLEMS_COVID))
    loader.load_report(with_sections(report_from_truth(huaian, "b"), PROBLEMS_PLAIN, one_text="疫情防控"))
    other = report_from_truth(seed, "c")
    other["agency"], other["title"] = "洮北区人民政府", "洮北区2019年政府信息公开工作年度报告"
    loader.load_report(with_sections(other, PROBLEMS_ACROSS))
    loader.commit()
    canned = BY_NAME["problems_mentioning"]
    rows = list(db.query(canned.sql, DEFAULTS))  # default word: 疫情
    # only the current version of 白城市's report; not 淮安市 (疫情 in 一 only), not 洮北区
    # (疫，情 across a comma), not section 三's table text (not indexed)
    assert [(r["agency"], r["year"], r["region"]) for r in rows] == [
        ("白城市人民政府", 2019, "吉林省/白城市")
    ]
    assert "受新冠肺炎疫情影响" in rows[0]["context"]
    assert rows[0]["matches"] == 1
    for word, agency in (("不完善", "淮安市人民政府"), ("延", "白城市人民政府")):
        assert [r["agency"] for r in db.query(canned.sql, {**DEFAULTS, "word": word})] == [agency]
    plan = [r[3] for r in db.execute("EXPLAIN QUERY PLAN " + canned.sql, DEFAULTS)]
    assert plan[0].startswith("SCAN f VIRTUAL TABLE INDEX") and not any(p.startswith("SCAN s ") for p in plan)
    # the same through `xxgk query`, which opens the database read-only
    db.close()
    assert (
        main(["query", "--db", str(tmp_path / "x.db"), "--canned", "problems_mentioning", "-f", "json"]) == 0
    )


# Every mention, as a scan of the text: what the pages of problems_mentioning hold together.
MENTIONS = """SELECT r.id FROM sections s JOIN reports r ON r.id = s.report_id AND r.is_current = 1
WHERE s.number = '五' AND instr(s.text, ?) > 0 ORDER BY s.id DESC"""


def mentioning(agency: str, year: int, five: str, source: str | None = None) -> dict:
    report = with_sections(report_from_truth(truth(SEED), source or f"{agency}-{year}-{five[:4]}"), five)
    report["agency"], report["year"] = agency, year
    report["title"] = f"{agency}{year}年政府信息公开工作年度报告"
    return report


def pages(db, word: str, size: int) -> tuple[list[list[int]], set[int]]:
    """Every page of problems_mentioning (report ids), and the `matches` each row gave."""
    sql, out, matches = BY_NAME["problems_mentioning"].sql, [], set()
    for page in range(1, 20):
        rows = list(db.query(sql, {"word": word, "page": str(page), "page_size": str(size)}))
        if not rows:
            return out, matches
        out.append([r["report_id"] for r in rows])
        matches |= {r["matches"] for r in rows}
    raise AssertionError("more pages than reports")


def test_problems_mentioning_pages_and_counts_every_match_through_versions_and_rollbacks(tmp_path):
    db = connect(tmp_path / "x.db")
    loader = Loader(db)
    places = ("洮北区", "洮南市", "大安市", "镇赉县", "通榆县")
    for i, agency in enumerate(f"{place}人民政府" for place in places):
        loader.load_report(mentioning(agency, 2020 + i % 3, PROBLEMS_COVID))
    loader.load_report(mentioning("白城市人民政府", 2021, PROBLEMS_PLAIN))  # no mention
    loader.commit()

    def check(expected: int) -> None:
        scan = [r[0] for r in db.execute(MENTIONS, ["疫情"])]
        assert len(scan) == expected
        got, matches = pages(db, "疫情", 2)
        # pages of 2, most recently loaded first, together every mention once
        assert [len(p) for p in got] == [2] * (expected // 2) + [1] * (expected % 2)
        assert [rid for p in got for rid in p] == scan
        assert matches == {expected}  # every row says how many rows all the pages hold

    check(5)
    assert [r["report_id"] for r in db.query(BY_NAME["problems_mentioning"].sql, DEFAULTS)] == [5, 4, 3, 2, 1]
    # a new version of 洮北区's report without the word, then one of 洮南市's with it again:
    # the superseded versions are not rows, nor counted
    assert loader.load_report(mentioning("洮北区人民政府", 2020, PROBLEMS_PLAIN)) == "version"
    assert loader.load_report(mentioning("洮南市人民政府", 2021, PROBLEMS_COVID, source="v2")) == "version"
    loader.commit()
    check(4)
    # loading the same documents again changes nothing
    assert loader.load_report(mentioning("洮南市人民政府", 2021, PROBLEMS_COVID, source="v2")) == "unchanged"
    loader.commit()
    check(4)
    # a report that fails midway leaves no row and no count behind
    bad = mentioning("白城市人民政府", 2022, PROBLEMS_COVID)
    bad["checks"] = [{"name": "x", "ok": True, "expected": 1, "actual": 1}, {"name": 3}]
    assert loader.load_report(bad) == "error"
    loader.commit()
    check(4)
    # a new version taking the word away from the current one, and one putting it back
    assert loader.load_report(mentioning("大安市人民政府", 2022, PROBLEMS_PLAIN)) == "version"
    loader.commit()
    check(3)
    assert loader.load_report(mentioning("大安市人民政府", 2022, PROBLEMS_COVID, source="v3")) == "version"
    loader.commit()
    check(4)
    # a page without tables for 通榆县's report is stored, not current (it never hides the
    # version with tables): its mention is not a row, nor counted
    attachment = mentioning("通榆县人民政府", 2021, PROBLEMS_COVID, source="详见附件")
    attachment["cells"], attachment["raw"] = {}, {}
    assert loader.load_report(attachment) == "version"
    loader.commit()
    assert db.execute("SELECT COUNT(*) FROM reports WHERE source = '详见附件'").fetchone() == (1,)
    check(4)
    # deleted by hand (sections first: foreign keys), a current report and a superseded one:
    # their entries stay in the index, which the count leaves out
    by_hand = db.execute(
        "SELECT r.id FROM reports r JOIN agencies a ON a.id = r.agency_id "
        "WHERE a.name = '镇赉县人民政府' OR (a.name = '洮南市人民政府' AND r.is_current = 0)"
    ).fetchall()
    assert len(by_hand) == 2
    for rid in by_hand:
        for table in ("report_values", "checks", "cell_details", "sections"):
            db.execute(f"DELETE FROM {table} WHERE report_id = ?", rid)
        db.execute("DELETE FROM reports WHERE id = ?", rid)
    db.conn.commit()
    check(3)
    # rebuilt, the index holds the sections there are: what it holds beyond the current
    # rows is the superseded versions' sections 一 and 五, no deleted one
    reindex_sections(db.conn, "number IS NULL OR number NOT IN ('二', '三', '四')")
    db.conn.commit()
    superseded = "SELECT s.id FROM sections s JOIN reports r ON r.id = s.report_id "
    superseded += "WHERE r.is_current = 0 AND s.number IN ('一', '五') ORDER BY s.id"
    stale = db.execute("SELECT id FROM sections_fts_stale ORDER BY id").fetchall()
    assert stale == db.execute(superseded).fetchall() and len(stale) == 2 * 4
    check(3)
    # a page past the end is empty; page 0 or a negative one is the first
    assert pages(db, "疫情", 100)[0] == [[r[0] for r in db.execute(MENTIONS, ["疫情"])]]
    sql = BY_NAME["problems_mentioning"].sql
    assert list(db.query(sql, {"word": "疫情", "page": "9", "page_size": ""})) == []
    assert len(list(db.query(sql, {"word": "疫情", "page": "0", "page_size": "3"}))) == 3
    # a page is read in the index's order, with no sort of every match; the superseded
    # versions are found by their partial index, not by reading every report
    plan = [r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, DEFAULTS)]
    assert not any("TEMP B-TREE" in step for step in plan), plan
    # the entries that are not current rows (superseded, deleted) are read (few), not looked
    # up for every match
    assert "SEARCH d USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)" in plan, plan


def test_xxgk_query_knows_fts_phrase(tmp_path, capsys):
    db = connect(tmp_path / "x.db")
    loader = Loader(db)
    loader.load_report(with_sections(report_from_truth(truth(SEED), "a"), PROBLEMS_COVID))
    loader.commit()
    db.close()
    sql = "SELECT s.number FROM sections_fts JOIN sections s ON s.id = sections_fts.rowid "
    sql += "WHERE sections_fts MATCH fts_phrase('疫情')"
    assert main(["query", "--db", str(tmp_path / "x.db"), sql, "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"number": "五"}]


def test_a_report_that_fails_leaves_nothing_in_the_index(tmp_path):
    db = connect(tmp_path / "x.db")
    # a real SQLite failure while the sections are written
    db.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON sections WHEN NEW.number = '五' AND NEW.text LIKE '%疫情%' "
        "BEGIN SELECT RAISE(ABORT, 'boom'); END"
    )
    loader = Loader(db)
    bad = with_sections(report_from_truth(truth(SEED), "bad"), PROBLEMS_COVID)
    assert loader.load_report(bad) == "error"  # recorded in extraction_errors; the batch goes on
    loader.load_report(with_sections(report_from_truth(truth(HUAIAN), "good"), PROBLEMS_PLAIN))
    loader.commit()
    assert db.execute("SELECT COUNT(*) FROM sections_fts WHERE sections_fts MATCH '疫情'").fetchone() == (0,)
    # 一 and 五 of the good one are indexed (the index's own row count, not the content table's)
    assert db.execute("SELECT COUNT(*) FROM sections_fts_docsize").fetchone() == (2,)


def test_the_cells_view_gives_back_every_extracted_cell(tmp_path, seed_path):
    db = connect(tmp_path / "x.db")
    load_paths(Loader(db), [seed_path])
    report = extract_path(seed_path).to_json()
    stored = {r["key"]: r for r in db.query("SELECT * FROM cell_values WHERE report_id = 1")}
    assert set(stored) == set(report["cells"])
    for key, value in report["cells"].items():
        row = stored[key]
        assert row["value"] == value, key
        assert row["raw"] == report["raw"].get(key), key
        assert row["unit"] == report["units"].get(key), key
        assert row["note"] == report["notes"].get(key), key
        assert row["placement"] == report["placement"].get(key, "printed"), key
    # printed as more than their number: +118, 110119389.995, 7(市自然资源局), ...
    assert stored["proactive.licensing.change"]["raw"] == "+118"
    details = db.execute("SELECT COUNT(*) FROM cell_details").fetchone()[0]
    assert 0 < details < len(report["cells"]) // 10  # most cells are stored once, in report_values


def test_a_v1_database_is_migrated_without_loss(tmp_path):
    """A database written by the first schema (every cell a row, trigram index)."""
    import sqlite_utils

    path = tmp_path / "v1.db"
    db = sqlite_utils.Database(path)
    MIGRATIONS[0](db)
    db.execute("PRAGMA user_version = 1")
    keys = canonical_keys()
    key_id = {k: i for i, k in enumerate(keys, start=1)}
    db.execute("INSERT INTO agencies (key, name, method) VALUES ('x', '白城市人民政府', 'name')")
    db.execute(
        "INSERT INTO reports (agency_id, year, source, sha256, series, version, is_current, loaded_at, "
        "cells_found, checks_failed, checks_unknown) VALUES (1, 2019, 's', 'h', 'a', 1, 1, 't', 3, 0, 0)"
    )
    v1_cells = [
        (1, key_id["applications.received_new.total"], 59, "59", None, None, "printed"),
        (1, key_id["proactive.licensing.change"], 118, "+118", None, None, "printed"),
        (
            1,
            key_id["review_litigation.litigation_direct.pending"],
            7,
            "7(市自然资源局)",
            None,
            "市自然资源局",
            "printed",
        ),
        (1, key_id["applications.disclosed.total"], 46, "46", None, None, "arithmetic"),
        (1, key_id["applications.carried_over.total"], None, "-", None, None, "printed"),
    ]
    db.conn.executemany("INSERT INTO cells VALUES (?, ?, ?, ?, ?, ?, ?)", v1_cells)
    values = dict.fromkeys(keys)
    values.update({keys[c[1] - 1]: c[2] for c in v1_cells})
    db.conn.execute(
        f"INSERT INTO report_values VALUES ({', '.join('?' * (len(keys) + 1))})", (1, *values.values())
    )
    db.execute(
        "INSERT INTO sections (id, report_id, number, heading, text) VALUES "
        f"((5 << 40) + 1, 1, '五', '五、存在的主要问题及改进情况', '{PROBLEMS_COVID}'), "
        "((3 << 40) + 2, 1, '三', '三、收到和处理政府信息公开申请情况', '疫情')"
    )
    db.execute(
        "INSERT INTO sections_fts (rowid, heading, text) SELECT id, heading, text FROM sections"
    )  # v1's trigram index
    db.conn.commit()
    db.close()

    db = connect(path)  # migrates
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    v1_columns = "report_id, key_id, value, raw, unit, note, placement"  # v3 adds OCR's page, box, confidence
    rows = db.execute(f"SELECT {v1_columns} FROM cells ORDER BY key_id").fetchall()
    assert rows == sorted(v1_cells, key=lambda c: c[1])
    assert db.execute("SELECT COUNT(*) FROM cells WHERE page IS NOT NULL").fetchone()[0] == 0
    assert one(db, "SELECT applications__received_new__total AS v FROM report_wide")["v"] == 59
    assert db.execute("SELECT COUNT(*) FROM cell_details").fetchone()[0] == 4  # all but the plain 59
    hits = db.execute("SELECT rowid FROM sections_fts WHERE sections_fts MATCH fts_phrase('疫情')").fetchall()
    assert hits == [((5 << 40) + 1,)]  # 五 only: the tables' section 三 is not indexed
    assert "reports_year" not in {i.name for i in db["reports"].indexes}
    # v3: the report's status from what was stored (3 of the template's cells: partial),
    # the keys' labels, and the central region
    assert db.execute("SELECT status FROM reports").fetchall() == [("partial",)]
    assert db.execute(
        "SELECT label_zh FROM cell_keys WHERE key = 'applications.received_new.total'"
    ).fetchone() == ("本年新收政府信息公开申请数量/总计",)
    assert db.execute("SELECT level FROM regions WHERE code = '100000'").fetchone() == ("central",)
