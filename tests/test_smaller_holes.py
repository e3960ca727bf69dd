"""Issue 11, section 6: error pages told by structure, negative counts, read-only queries."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from db.schema import SCHEMA_VERSION
from extract import extract_bytes
from extract.sniff import html_error_page, is_error_heading
from tests.conftest import CORPUS
from tests.render import HTML_LAYOUTS, RandomChoices, build_case, draw_layout
from tests.render import generate_case as _generate_case

SEED = CORPUS / "seed" / "baicheng-2019.txt"
STATUS_NUMBERS = [400, 401, 403, 404, 405, 408, 410, 429, 500, 502, 503, 504, 599]
NAME_PATTERNS = (
    "演示市第{n}局",
    "演示县{n}所",
    "第{n}号信箱管理处",
    "{n}医院",
    "演示市{n}厂",
    "演示{n}研究所",
)


def names_with_status_numbers() -> list[str]:
    return [p.format(n=n) for n in STATUS_NUMBERS for p in NAME_PATTERNS]


def test_names_holding_a_status_number_are_not_error_pages() -> None:
    for name in names_with_status_numbers():
        for title in (name, f"{name}2021年政府信息公开工作年度报告", f"{name} - 政府信息公开"):
            page = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>正文</p></body></html>"
            assert html_error_page(page.encode()) is None, title
            assert html_error_page(page.encode("gb18030")) is None, title


@pytest.mark.parametrize(
    "heading",
    [
        "404 Not Found",
        "404",
        "Error 404",
        "HTTP 404 - Not Found",
        "403 Forbidden",
        "500 Internal Server Error",
        "502 Bad Gateway",
        "503 Service Temporarily Unavailable",
        "Not Found",
        "页面不存在",
        "页面不存在 - 演示市第404局",
        "抱歉，您访问的页面不存在！",
        "对不起，您要访问的页面不存在",
        "系统提示：访问出错",
        "404错误页面",
        "服务器错误",
    ],
)
def test_error_pages_are_still_told(heading: str) -> None:
    assert is_error_heading(heading)
    for page in (
        f"<html><head><title>{heading}</title></head><body>The page is gone.</body></html>",
        f"<html><head><title>演示市第404局</title></head><body><h1><span>{heading}</span></h1></body></html>",
    ):
        assert html_error_page(page.encode()) == heading
        assert html_error_page(page.encode("gb18030")) == heading


def test_generated_reports_of_agencies_named_with_status_numbers_are_read() -> None:
    """The hostile tester's case: generated HTML reports whose agency holds 404, 500..."""
    seen_small = 0
    for i, name in enumerate(names_with_status_numbers()):
        ch = RandomChoices(i)
        case = _generate_case(ch, layout=HTML_LAYOUTS[i % 2])
        meta = dataclasses.replace(case.meta, agency=name)
        case = build_case(case.tables, meta, draw_layout(RandomChoices(i), case.tables, case.layout.name))
        seen_small += len(case.data) <= 20000  # the error-page check looks at short pages only
        report = extract_bytes(case.data, case.source, content_type=case.content_type)
        assert report.agency == name
        got = {k: c.value for k, c in report.cells.items()}
        assert {k: got.get(k) for k in case.expected} == case.expected, name
    assert seen_small > 10


def negated_seed() -> bytes:
    """The seed report with every count printed negative (the arithmetic still balances)."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    out = [f"-{ln}" if ln.isdigit() and int(ln) > 0 else ln for ln in lines]
    return "\n".join(out).encode()


def test_negative_counts_fail_a_check_of_their_own() -> None:
    plain = extract_bytes(SEED.read_bytes(), "seed.txt")
    signs = {c.name: c for c in plain.checks if "negative" in c.name}
    assert sorted(signs) == [
        "applications: no negative counts",
        "proactive: no negative counts",
        "review_litigation: no negative counts",
    ]
    # the seed prints signed changes (-260, -180): they are not counts
    assert all(c.ok for c in signs.values())
    assert plain.cells["proactive.other_services.change"].value == -260

    report = extract_bytes(negated_seed(), "negative.txt")
    assert report.cells["applications.received_new.total"].value == -59
    by_name = {c.name: c for c in report.checks}
    negative_cells = {
        t: sum(
            1
            for k, c in report.cells.items()
            if k.startswith(t + ".") and c.value is not None and c.value < 0
        )
        for t in ("applications", "review_litigation")
    }
    for table, n in negative_cells.items():
        check = by_name[f"{table}: no negative counts"]
        assert (check.ok, check.expected, check.actual) == (False, 0, n) and n >= 4
    # the equations of the applications table alone would not have caught it
    assert all(c.ok for c in report.checks if c.table == "applications" and "=" in c.name)


# --- xxgk query: reading only ---------------------------------------------------------------


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("q")
    run = xxgk("load", "--data", str(data), "-q", str(SEED))
    assert run.returncode == 0, run.stderr
    return data


def xxgk(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    return subprocess.run(
        [sys.executable, "-m", "xxgk.cli", *args], capture_output=True, text=True, timeout=300, env=env
    )


REFUSED = (
    "xxgk query: not authorized: the database is open read-only for queries; writing, ATTACH, VACUUM "
    "and setting PRAGMAs are refused\n"
)


@pytest.mark.parametrize(
    "sql",
    [
        "VACUUM INTO '{out}'",
        "ATTACH '{out}' AS other",
        "ATTACH 'file:{out}?mode=rwc' AS other",
        "PRAGMA query_only = 0",
        "PRAGMA journal_mode = DELETE",
    ],
)
def test_query_cannot_write_files(database: Path, tmp_path: Path, sql: str) -> None:
    out = tmp_path / "made.db"
    run = xxgk("query", "--data", str(database), sql.format(out=out))
    assert (run.returncode, run.stderr, run.stdout) == (1, REFUSED, "")
    assert not out.exists()


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT year FROM reports", "year\n2019\n"),
        ("PRAGMA user_version", f"user_version\n{SCHEMA_VERSION}\n"),
        ("SELECT name FROM pragma_table_info('meta') ORDER BY cid", "name\nkey\nvalue\n"),
        (
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3) SELECT x FROM c",
            "x\n1\n2\n3\n",
        ),
        (
            "SELECT count(*) AS n FROM sections_fts JOIN sections s ON s.id = sections_fts.rowid "
            "WHERE sections_fts MATCH fts_phrase('主动公开')",
            "n\n2\n",
        ),
    ],
)
def test_query_still_reads(database: Path, sql: str, expected: str) -> None:
    run = xxgk("query", "--data", str(database), "-f", "csv", sql)
    assert (run.returncode, run.stderr, run.stdout) == (0, "", expected)
