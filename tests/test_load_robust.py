"""One bad report never stops a load: it is recorded against itself and the rest load.

The whole load path (validation, the report's savepoint, extraction_errors) is driven
with Hypothesis over a real extracted report whose values, texts and keys are replaced
by hostile ones; and through `xxgk load` itself, on hostile JSON lines and documents.
"""

from __future__ import annotations

import copy
import json
import math
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.load import Loader
from db.schema import column_name, connect
from db.validate import report_problem
from extract import extract_path
from tests.conftest import CORPUS

SEED = CORPUS / "seed" / "baicheng-2019.txt"
INT64_MAX = 2**63 - 1


@pytest.fixture(scope="module")
def seed_report() -> dict:
    return extract_path(SEED).to_json()


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory: pytest.TempPathFactory):
    db = connect(tmp_path_factory.mktemp("load") / "xxgk.db")
    yield db
    db.conn.close()


numbers = st.one_of(
    st.none(),
    st.integers(),  # unbounded: beyond 2^63 too
    st.integers(min_value=-(2**63), max_value=INT64_MAX),
    st.floats(),  # NaN and infinities too
    st.floats(allow_nan=False, allow_infinity=False),
)
hostile_values = st.one_of(numbers, st.booleans(), st.text(max_size=20), st.lists(st.integers(), max_size=2))
odd_keys = st.one_of(st.text(max_size=300), st.sampled_from(["", ".", "applications..total", "a" * 201]))
texts = st.one_of(st.none(), st.text(), st.text(min_size=1).map(lambda t: t * 5000), st.integers())


@st.composite
def hostile_reports(draw: st.DrawFn, base: dict) -> dict:
    report = copy.deepcopy(base)
    keys = sorted(base["cells"])
    for key in draw(st.lists(st.sampled_from(keys), max_size=5, unique=True)):
        report["cells"][key] = draw(hostile_values)
    for key in draw(st.lists(odd_keys, max_size=3)):
        report["cells"][key] = draw(numbers)
    for name in draw(st.lists(st.sampled_from(["title", "agency", "published", "source"]), max_size=2)):
        report[name] = draw(texts)
    if draw(st.booleans()):
        report["year"] = draw(st.one_of(st.none(), st.integers(), st.text(max_size=4)))
    if draw(st.booleans()):
        report["sections"] = [{"number": "五", "heading": draw(texts), "text": draw(texts)}]
    if draw(st.booleans()):
        report["checks"] = [
            {
                "name": draw(st.text(min_size=1, max_size=30)),
                "ok": False,
                "expected": draw(numbers),
                "actual": 0,
            }
        ]
    return report


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_report_is_stored_exactly_or_recorded_and_the_batch_goes_on(data, seed_report, shared_db) -> None:
    db = shared_db
    n = db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    tag = f"{n}-{data.draw(st.integers(0, 10**9))}"
    hostile = data.draw(hostile_reports(seed_report))
    hostile["source"] = hostile["source"] if isinstance(hostile.get("source"), str) else None
    before = {
        t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("reports", "extraction_errors")
    }
    loader = Loader(db)
    first = dict(seed_report, source=f"before-{tag}", title=f"甲{tag}")
    last = dict(seed_report, source=f"after-{tag}", title=f"乙{tag}")
    statuses = [
        loader.load_report(r, source=s) for r, s in ((first, None), (hostile, f"hostile-{tag}"), (last, None))
    ]
    loader.commit()

    assert statuses[0] in ("loaded", "version") and statuses[2] in ("loaded", "version")
    problem = report_problem(hostile)
    stored = db.execute("SELECT id FROM reports WHERE source = ?", (f"hostile-{tag}",)).fetchall()
    errors = db.execute(
        "SELECT reason FROM extraction_errors WHERE source = ?", (f"hostile-{tag}",)
    ).fetchall()
    if statuses[1] == "unchanged":  # nothing drawn: the same content as a report loaded before
        assert problem is None and not stored and not errors
    elif problem is None and statuses[1] != "error":
        assert len(stored) == 1 and not errors
        row = db.execute("SELECT * FROM report_values WHERE report_id = ?", stored[0]).fetchone()
        columns = [d[0] for d in db.execute("SELECT * FROM report_values LIMIT 0").description]
        values = dict(zip(columns, row, strict=True))
        for key, value in hostile["cells"].items():
            if column_name(key) in values:
                got = values[column_name(key)]
                assert got == value or (isinstance(value, float) and math.isclose(got, value)), key
    else:
        # recorded against this report, with a reason; nothing of it stored
        assert not stored
        assert len(errors) == 1 and errors[0][0].startswith("cannot be stored: ")
        if problem:
            assert errors[0][0] == f"cannot be stored: {problem}"
    after = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in before}
    assert after["reports"] - before["reports"] == 2 + len(stored)
    assert after["extraction_errors"] - before["extraction_errors"] == len(errors)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_value_of_2_to_the_63_no_longer_stops_the_load(seed_report, tmp_path: Path) -> None:
    db = connect(tmp_path / "xxgk.db")
    loader = Loader(db)
    big = copy.deepcopy(seed_report)
    big["cells"]["applications.received_new.total"] = 2**63
    assert loader.load_report(big, source="big.txt") == "error"
    assert loader.load_report(dict(seed_report, source="good.txt")) == "loaded"
    loader.commit()
    assert db.execute("SELECT source, reason FROM extraction_errors").fetchall() == [
        (
            "big.txt",
            "cannot be stored: cell applications.received_new.total is 9223372036854775808, "
            "out of the range SQLite stores (a 64-bit integer)",
        )
    ]
    assert db.execute("SELECT source FROM reports").fetchall() == [("good.txt",)]
    # the largest value SQLite holds is stored exactly
    top = copy.deepcopy(seed_report)
    top["cells"]["applications.received_new.total"] = INT64_MAX
    assert Loader(db).load_report(top, source="top.txt") == "version"  # of good.txt
    assert db.execute(
        "SELECT applications__received_new__total FROM report_values v JOIN reports r ON r.id = v.report_id "
        "WHERE r.source = 'top.txt'"
    ).fetchone() == (INT64_MAX,)


def xxgk(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "xxgk.cli", *args],
        input=stdin,
        capture_output=True,
        timeout=300,
        cwd=cwd,
        env=dict(os.environ),
    )


def test_hostile_jsonl_lines_are_one_line_errors_and_the_good_lines_load(seed_report, tmp_path: Path) -> None:
    good = json.dumps(seed_report, ensure_ascii=False)
    other = json.dumps(dict(seed_report, source="other.txt", agency="演示市第404局"), ensure_ascii=False)
    big = copy.deepcopy(seed_report)
    big["cells"]["applications.received_new.total"] = 2**64
    hostile = {
        "[1, 2]": "cannot be stored: not a report: a JSON list, not an object",
        '"text"': "cannot be stored: not a report: a JSON str, not an object",
        "null": "cannot be stored: not a report: a JSON NoneType, not an object",
        '{"cells": [1]}': "cannot be stored: field cells is a list, not an object of key: number",
        '{"cells": {"applications.received_new.total": "59"}}': (
            "cannot be stored: cell applications.received_new.total is str '59', not a number"
        ),
        '{"cells": {"applications.received_new.total": Infinity}}': (
            "cannot be stored: cell applications.received_new.total is inf, not a finite number"
        ),
        '{"cells": {"applications.received_new.total": true}}': (
            "cannot be stored: cell applications.received_new.total is bool True, not a number"
        ),
        '{"year": "2020"}': "cannot be stored: field year is '2020', not a year",
        '{"checks": [{"ok": true}]}': "cannot be stored: checks[0] has no name",
        '{"sections": "一"}': "cannot be stored: field sections is a str, not a list",
        '{"title": "\\ud800"}': "cannot be stored: field title holds a lone surrogate (not valid Unicode text)",
        "[" * 100_000: "not valid JSON (nested too deeply)",
        '{"cells": ': "not valid JSON (Expecting value at column 11)",
        json.dumps(big): (
            "cannot be stored: cell applications.received_new.total is 18446744073709551616, "
            "out of the range SQLite stores (a 64-bit integer)"
        ),
    }
    lines = [good.encode(), *(h.encode() for h in hostile), b"\xff\xfe{}", other.encode()]
    (tmp_path / "in.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    run = xxgk("load", "--data", str(tmp_path / "d"), "--jsonl", str(tmp_path / "in.jsonl"))
    stderr = run.stderr.decode()
    assert run.returncode == 1, stderr  # documents failed: the exit status says so
    assert "Traceback" not in stderr
    db = sqlite3.connect(tmp_path / "d" / "xxgk.db")
    errors = dict(db.execute("SELECT source, reason FROM extraction_errors"))
    expected = {f"{tmp_path / 'in.jsonl'}:{i}": r for i, r in enumerate(hostile.values(), start=2)}
    expected[f"{tmp_path / 'in.jsonl'}:{len(lines) - 1}"] = "not UTF-8 text (byte 0)"
    # a report with a source of its own is recorded under it
    for where, reason in expected.items():  # one line each on stderr, naming the line and the reason
        assert f"xxgk load: {where}: not extracted: {reason}\n" in stderr
    expected[str(SEED)] = expected.pop(f"{tmp_path / 'in.jsonl'}:{len(hostile) + 1}")
    assert errors == expected
    assert sorted(s for (s,) in db.execute("SELECT source FROM reports")) == sorted([str(SEED), "other.txt"])
    assert "2 new report(s), 0 new version(s), 0 unchanged, 15 extraction error(s)" in stderr
    assert "; failed: 12 × cannot be stored; 2 × not valid JSON; 1 × not UTF-8 text;" in stderr


def test_a_document_printing_a_number_beyond_2_to_the_63_is_recorded_and_the_rest_load(
    tmp_path: Path,
) -> None:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    assert lines[226] == "59"  # 依申请: received_new.total, one cell per line
    lines[226] = "99999999999999999999"
    big = tmp_path / "big.txt"
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = tmp_path / "d"
    run = xxgk("load", "--data", str(data), str(big), str(SEED))
    assert run.returncode == 1, run.stderr.decode()
    assert "1 extraction error(s); by status: 1 complete, 1 unreadable; failed: 1 × cannot be stored" in (
        run.stderr.decode()
    )
    reason = (
        "cannot be stored: cell applications.received_new.total is 99999999999999999999, "
        "out of the range SQLite stores (a 64-bit integer)"
    )
    assert f"xxgk load: {big}: not extracted: {reason}\n" in run.stderr.decode()
    db = sqlite3.connect(data / "xxgk.db")
    assert db.execute("SELECT source, reason FROM extraction_errors").fetchall() == [(str(big), reason)]
    assert db.execute("SELECT source FROM reports").fetchall() == [(str(SEED),)]
    again = xxgk("load", "--data", str(data), str(big), str(SEED))
    assert "0 new report(s), 0 new version(s), 2 unchanged, 0 extraction error(s)" in again.stderr.decode()
    assert again.returncode == 0  # a failure is reported once; --retry-errors tries it again
