"""The canned queries read by index whatever the database's size: their query plans on a
database without planner statistics (nobody runs ANALYZE on theirs), which the timings
of bench/db.py at 300,000 reports rely on (docs/performance.md)."""

from __future__ import annotations

from db.canned import BY_NAME
from db.schema import connect


def plan(db, name: str, **params: str) -> list[str]:
    canned = BY_NAME[name]
    values = {p: params.get(p, "") for p in canned.params}
    return [r[3] for r in db.execute("EXPLAIN QUERY PLAN " + canned.sql, values)]


def test_city_share_granted_reads_the_provinces_prefectures_reports_by_index(tmp_path):
    db = connect(tmp_path / "x.db")
    assert db.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() is None
    steps = plan(db, "city_share_granted", province="河北省")
    # the reports of the province's prefectures, by region code: not every report with
    # numbers (reports_status), nor every government agency's reports
    assert steps[0] == "SEARCH r USING INDEX reports_region_code (region_code=?)", steps
    assert not any(s.startswith("SCAN") for s in steps), steps


def test_lawsuits_corrected_and_problems_mentioning_read_an_index_in_their_order(tmp_path):
    db = connect(tmp_path / "x.db")
    steps = plan(db, "lawsuits_corrected")
    assert "SCAN agency_lawsuits USING INDEX agency_lawsuits_share" in steps, steps
    steps = plan(db, "problems_mentioning")
    assert steps[0].startswith("SCAN f VIRTUAL TABLE INDEX") and not any("TEMP B-TREE" in s for s in steps)
