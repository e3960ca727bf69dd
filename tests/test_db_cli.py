"""`xxgk load / query / export / serve` as a user runs them, on a real database file."""

from __future__ import annotations

import csv
import io
import json
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from db.load import Loader
from db.schema import connect
from db.serve import metadata
from tests.test_db import HUAIAN, SEED, report_from_truth, truth
from xxgk.cli import main


@pytest.fixture
def dbfile(tmp_path):
    """A database with the seed report (白城市 2019) and 淮安市 2024, from their truth files."""
    path = tmp_path / "xxgk.db"
    db = connect(path)
    loader = Loader(db)
    loader.load_report(report_from_truth(truth(SEED), "baicheng-2019.txt"))
    loader.load_report(report_from_truth(truth(HUAIAN), "huaian-szfgs-2024.pdf"))
    loader.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


SQL = "SELECT region, year, share_disclosed FROM rates ORDER BY year"


def test_query_prints_an_aligned_table(dbfile, capsys):
    assert main(["query", "--db", str(dbfile), SQL]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["region", "year", "share_disclosed"]
    assert lines[2].split() == ["白城市", "2019", "0.92"]
    assert lines[3].split()[:2] == ["淮安市", "2024"]
    assert lines[-1] == "(2 rows)"
    # columns line up although Chinese characters are two columns wide
    assert lines[2].index("2019") + 2 == lines[3].index("2024") + 2


def test_query_csv_and_json(dbfile, capsys):
    assert main(["query", "--db", str(dbfile), "-f", "csv", SQL]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["region", "year", "share_disclosed"] and rows[1] == ["白城市", "2019", "0.92"]
    assert main(["query", "--db", str(dbfile), "-f", "json", SQL]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0] == {"region": "白城市", "year": 2019, "share_disclosed": 0.92}
    assert data[1]["share_disclosed"] == pytest.approx(1362 / 3050)
    assert main(["query", "--db", str(dbfile), "-f", "jsonl", SQL]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_query_errors_are_plain_and_exit_non_zero(dbfile, capsys):
    assert main(["query", "--db", str(dbfile), "SELECT nosuch FROM rates"]) == 1
    assert "no such column: nosuch" in capsys.readouterr().err
    assert main(["query", "--db", str(dbfile), "DELETE FROM reports"]) == 1
    assert "read-only" in capsys.readouterr().err
    assert main(["query", "--db", str(dbfile.parent / "none.db"), "SELECT 1"]) == 1
    assert "no such database" in capsys.readouterr().err
    assert connect(dbfile)["reports"].count == 2


def test_canned_query_from_the_command_line(dbfile, capsys):
    assert main(["query", "--db", str(dbfile), "-f", "json", "--canned", "city_share_granted"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {
            "city": "白城市",
            "reports": 1,
            "first_year": 2019,
            "last_year": 2019,
            "requests_handled": 50,
            "disclosed": 46,
            "share_disclosed": 0.92,
        }
    ]
    args = [
        "query",
        "--db",
        str(dbfile),
        "-f",
        "json",
        "--canned",
        "city_share_granted",
        "-p",
        "province=江苏省",
    ]
    assert main(args) == 0
    assert [r["city"] for r in json.loads(capsys.readouterr().out)] == ["淮安市"]


def test_load_command_is_idempotent(tmp_path, seed_path, capsys):
    db = tmp_path / "cli.db"
    assert main(["load", "--db", str(db), "-q", str(seed_path)]) == 0
    assert "1 new report(s)" in capsys.readouterr().err
    assert main(["load", "--db", str(db), "-q", str(seed_path)]) == 0
    assert "0 new report(s), 0 new version(s), 1 unchanged" in capsys.readouterr().err


def test_export_writes_csv_and_parquet(dbfile, tmp_path, capsys):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "out"
    assert (
        main(["export", "--db", str(dbfile), "-o", str(out), "--format", "csv", "--format", "parquet"]) == 0
    )
    with (out / "rates.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["region"] for r in rows] == ["白城市", "淮安市"]
    table = pq.read_table(out / "comparable.parquet")
    assert table.num_rows == 2
    assert sorted(table.column("applications__other_handling__total").to_pylist()) == [0, 187]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_a_canned_query_over_http(dbfile):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "xxgk.cli", "serve", "--db", str(dbfile), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}/{dbfile.stem}/city_share_granted.json?_shape=array"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    rows = json.loads(resp.read())
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.3)
        assert rows[0]["city"] == "白城市" and rows[0]["share_disclosed"] == 0.92
        word = urllib.parse.quote("依申请")
        q = f"http://127.0.0.1:{port}/{dbfile.stem}/problems_mentioning.json?_shape=array&word={word}"
        with urllib.request.urlopen(q, timeout=5) as resp:
            assert json.loads(resp.read()) == []  # no sections in these reports
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/metadata.json", timeout=5) as resp:
            meta = json.loads(resp.read())
        assert "share_disclosed" in meta["databases"][dbfile.stem]["tables"]["rates"]["description"]
        # the charts (datasette-dashboards): page, Vega served from the package, each chart's SQL
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/-/dashboards/xxgk", timeout=5) as resp:
            page = resp.read().decode()
        assert "renderChart('share-disclosed'" in page and "https://cdn" not in page
        with urllib.request.urlopen(
            f"{base}/-/static-plugins/datasette_dashboards/vega.min.js", timeout=5
        ) as resp:
            assert len(resp.read()) > 100_000
        charts = metadata(dbfile.stem)["plugins"]["datasette-dashboards"]["xxgk"]["charts"]
        results = {}
        for name, chart in charts.items():
            sql = re.sub(r"\[\[.*?\]\]", "", chart["query"], flags=re.S)  # filters not given
            q = f"{base}/{dbfile.stem}.json?_shape=array&sql=" + urllib.parse.quote(sql)
            with urllib.request.urlopen(q, timeout=5) as resp:
                results[name] = json.loads(resp.read())
        assert results["reports"] == [{"reports": 2}]
        assert [(r["year"], r["share_disclosed"]) for r in results["share-disclosed"]] == [
            (2019, 0.92),  # 46 / 50
            (2024, 0.447),  # 1362 / 3050
        ]
        # read-only: Datasette refuses a write
        bad = f"http://127.0.0.1:{port}/{dbfile.stem}.json?sql=" + urllib.parse.quote("DELETE FROM reports")
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(bad, timeout=5)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert connect(dbfile)["reports"].count == 2
