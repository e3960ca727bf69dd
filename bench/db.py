"""Benchmark the database: load N generated reports, then time the canned queries.

    python bench/db.py                 # 100,000 reports into a temporary file
    python bench/db.py -n 20000 --db /tmp/x.db --keep

Goals (issue 5): loading >= 2,000 reports/s; each canned query < 200 ms. The reports
are generated, not extracted: this measures the database side only. They look like
real ones: agencies of every prefecture and county (so region resolution runs), the
2019 template for 2019-2020 and the 2021 template after, every key of the template,
~45 checks and six sections of ~1,500 characters in all built from a real report's
sentences (section 五 mentions 疫情 in a share of the 2020-2022 reports).
Only the time inside the loader is counted, not the generation. Each report comes
with a sha256, as documents from the crawler's store do.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from db.canned import BY_NAME, CANNED  # noqa: E402
from db.load import SECTION_SHIFT, Loader  # noqa: E402
from db.regions import RegionIndex  # noqa: E402
from db.schema import TABLE_SECTIONS, connect  # noqa: E402
from db.search import index_text  # noqa: E402
from extract.template import (  # noqa: E402
    APPLICANT_COLUMNS,
    OTHER_ROWS_2019,
    OTHER_ROWS_2021,
    RESULT_ROWS_COMMON,
    REVIEW_GROUPS,
    SECTION_HEADINGS,
    all_keys,
)

SEED_TEXT = ROOT / "tests" / "corpus" / "seed" / "baicheng-2019.txt"
# 18 bodies per county and 12 per prefecture: ~55,000 agencies, so that 300,000 reports
# over six years are mostly distinct reports, as in the archive (about 10^5 agencies),
# not versions of a few series.
DEPARTMENTS = (
    "人民政府",
    "自然资源局",
    "教育局",
    "公安局",
    "卫生健康局",
    "财政局",
    "民政局",
    "司法局",
    "人力资源和社会保障局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "应急管理局",
    "市场监督管理局",
    "生态环境局",
)
PREFECTURE_DEPARTMENTS = 12
VERSION_EVERY = 40  # every 40th report is a new version of an earlier one (a corrected report)
HEADINGS = SECTION_HEADINGS


def agency_names(index: RegionIndex) -> list[str]:
    names = []
    for r in index.regions:
        if r.level == "prefecture":
            names += [r.name + d for d in DEPARTMENTS[:PREFECTURE_DEPARTMENTS]]
        elif r.level == "county":
            parent = index.by_code.get(r.parent_code or "")
            prefix = parent.name if parent and parent.level == "prefecture" else ""
            names += [prefix + r.name + d for d in DEPARTMENTS]
    return names


def sentences() -> list[str]:
    text = SEED_TEXT.read_text(encoding="utf-8")
    parts = [s.strip() for s in re.split(r"(?<=[。；])", text) if 20 <= len(s.strip()) <= 200]
    return [p for p in parts if not re.search(r"\d{3,}", p)] or ["政务公开工作稳步推进。"]


class Generator:
    def __init__(self, seed: int = 1, *, problems_only: bool = False) -> None:
        self.rng = random.Random(seed)
        self.problems_only = problems_only
        self.index = RegionIndex()
        self.agencies = agency_names(self.index)
        self.sentences = sentences()
        self.keys = {"2019": all_keys("2019"), "2021": all_keys("2021")}

    def text(self, chars: int) -> str:
        out, n = [], 0
        while n < chars:
            s = self.rng.choice(self.sentences)
            out.append(s)
            n += len(s)
        return "".join(out)

    def report(self, i: int) -> dict:
        rng = self.rng
        # the series (agency and year): its own, or an earlier report's for a new version
        series = i - 34 if i >= 40 and i % VERSION_EVERY == 0 else i
        year = 2019 + series % 6
        template = "2019" if year <= 2020 else "2021"
        agency = self.agencies[(series // 6) % len(self.agencies)]
        other = OTHER_ROWS_2019 if template == "2019" else OTHER_ROWS_2021
        cells: dict[str, float | int | None] = {}
        for col in APPLICANT_COLUMNS[:6]:
            scale = 40 if col == "natural_person" else 3
            results = {
                r: (rng.randint(0, scale) if rng.random() < 0.3 else 0) for r in (*RESULT_ROWS_COMMON, *other)
            }
            total = sum(results.values())
            carried_over = rng.randint(0, 2)
            carried_forward = rng.randint(0, 2)
            received = total + carried_forward - carried_over
            if received < 0:
                carried_over, received = 0, total + carried_forward
            rows = {
                "received_new": received,
                "carried_over": carried_over,
                **results,
                "results_total": total,
                "carried_forward": carried_forward,
            }
            for r, v in rows.items():
                cells[f"applications.{r}.{col}"] = v
        for r in (
            "received_new",
            "carried_over",
            *RESULT_ROWS_COMMON,
            *other,
            "results_total",
            "carried_forward",
        ):
            cells[f"applications.{r}.total"] = sum(
                cells[f"applications.{r}.{c}"] for c in APPLICANT_COLUMNS[:6]
            )
        for g in REVIEW_GROUPS:
            vals = [rng.randint(0, 3) if rng.random() < 0.4 else 0 for _ in range(4)]
            for c, v in zip(("upheld", "corrected", "other", "pending"), vals, strict=True):
                cells[f"review_litigation.{g}.{c}"] = v
            cells[f"review_litigation.{g}.total"] = sum(vals)
        for k in self.keys[template]:
            if k.startswith("proactive."):
                cells[k] = round(rng.uniform(0, 5000), 2) if k.endswith("amount") else rng.randint(-50, 5000)
        checks = [
            {
                "name": f"{k}: total = sum of applicant columns",
                "ok": True,
                "expected": v,
                "actual": v,
                "table": "applications",
            }
            for k, v in cells.items()
            if k.startswith("applications.") and k.endswith(".total")
        ][:45]
        problems = self.text(300)
        if 2020 <= year <= 2022 and rng.random() < 0.3:
            problems = problems[:120] + "受新冠肺炎疫情影响，部分线下公开工作有所延迟。" + problems[120:]
        sections = [
            {"number": "一", "heading": HEADINGS["一"], "text": "" if self.problems_only else self.text(700)},
            {"number": "二", "heading": HEADINGS["二"], "text": ""},
            {"number": "三", "heading": HEADINGS["三"], "text": ""},
            {"number": "四", "heading": HEADINGS["四"], "text": ""},
            {"number": "五", "heading": HEADINGS["五"], "text": problems},
            {"number": "六", "heading": HEADINGS["六"], "text": "" if self.problems_only else self.text(150)},
        ]
        return {
            "source": f"https://bench.example.gov.cn/{i}.html",
            "format": "html",
            "title": f"{agency}{year}年政府信息公开工作年度报告",
            "agency": agency,
            "year": year,
            "template": template,
            "published": f"{year + 1}-01-{1 + i % 28:02d}",
            "cells": cells,
            "raw": {k: str(v) for k, v in cells.items()},
            "units": {"proactive.fees.amount": "万元"} if template == "2021" else {},
            "notes": {},
            "placement": {},
            "checks": checks,
            "warnings": [],
            "sections": sections,
        }


def time_query(db, sql: str, params: dict | tuple, runs: int = 5) -> tuple[float, float, int, float]:
    """Median and max wall ms, rows, and median CPU ms (what the query costs on a machine
    shared with other work, where wall time also counts the waits for a core)."""
    times, cpus, n = [], [], 0
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        n = len(db.execute(sql, params).fetchall())
        times.append((time.perf_counter() - t) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    return statistics.median(times), max(times), n, statistics.median(cpus)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--reports", type=int, default=100_000)
    ap.add_argument("--db", help="database file (default: a temporary file, removed afterwards)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary database")
    ap.add_argument(
        "--queries-only",
        action="store_true",
        help="time the queries of the existing --db (migrated to this schema first), without loading",
    )
    ap.add_argument(
        "--problems-only",
        action="store_true",
        help="leave sections 一 and 六 empty: only section 五, the one the canned query searches, is "
        "indexed for full text. The n-gram index is ~80%% of the loader's CPU, so this loads ~3x "
        "faster; the canned queries read the same rows (sizes and the fts 政务公开 count are smaller)",
    )
    ap.add_argument(
        "--grow-to",
        type=int,
        metavar="N",
        help="copy the existing --db's reports in SQL (under new agencies) up to N reports, then time "
        "the queries: archive sizes without hours of loading (see grow())",
    )
    ap.add_argument(
        "--grow-index-only",
        action="append",
        default=[],
        metavar="WORD",
        help="with --grow-to: index a copy's section for full text only if it holds WORD (repeatable)",
    )
    ap.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a canned query parameter (e.g. province=河北省 when a grown file lacks the default's reports)",
    )
    args = ap.parse_args()
    params = dict(p.split("=", 1) for p in args.param)
    if args.queries_only or args.grow_to:
        if not args.db or not Path(args.db).exists():
            sys.exit("--queries-only and --grow-to need an existing --db")
        path = Path(args.db)
        t = time.perf_counter()
        connect(path).close()  # the migrations this file has not had yet (summary tables...)
        print(f"opened (migrated) in {time.perf_counter() - t:.1f} s")
        if args.grow_to:
            t = time.perf_counter()
            n = grow(path, args.grow_to, tuple(args.grow_index_only))
            if args.grow_index_only:
                print(
                    f"copies indexed for full text only where they hold {', '.join(args.grow_index_only)}: "
                    "fts counts of other words cover the loaded reports only"
                )
            print(f"grown to {n:,} reports by copies in SQL in {time.perf_counter() - t:.0f} s")
        ro = connect(path, readonly=True)
        reports = ro.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
        ro.close()
        return time_queries(path, reports, params)

    tmpdir = None
    if args.db:
        path = Path(args.db)
        if path.exists():
            sys.exit(f"{path} exists; give a new file")
    else:
        tmpdir = tempfile.mkdtemp(prefix="xxgk-bench-")
        path = Path(tmpdir) / "bench.db"
    db = connect(path)
    gen = Generator(problems_only=args.problems_only)
    loader = Loader(db, index=gen.index)
    print(f"loading {args.reports:,} generated reports into {path}", file=sys.stderr)
    loading = cpu = 0.0
    wall = time.perf_counter()
    for i in range(args.reports):
        report = gen.report(i)
        # the crawler gives each document's sha256 (of its bytes); here, of its URL
        sha = hashlib.sha256(report["source"].encode()).hexdigest()
        t, c = time.perf_counter(), time.process_time()
        loader.load_report(report, sha256=sha)
        loading += time.perf_counter() - t
        cpu += time.process_time() - c
        if (i + 1) % 10_000 == 0:
            print(f"  {i + 1:,} loaded, {(i + 1) / loading:,.0f} reports/s in the loader", file=sys.stderr)
    t, c = time.perf_counter(), time.process_time()
    loader.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    loading += time.perf_counter() - t
    cpu += time.process_time() - c
    wall = time.perf_counter() - wall
    s = loader.summary
    print(
        f"load: {args.reports:,} reports in {loading:.1f} s in the loader "
        f"({args.reports / loading:,.0f} reports/s; goal >= 2,000); {wall:.1f} s with generation"
    )
    # the machine may be shared: CPU time says what the loader itself costs
    print(f"      {cpu:.1f} s CPU in the loader ({args.reports / cpu:,.0f} reports per CPU-second)")
    print(
        f"      {s.loaded:,} new, {s.versions:,} versions, {s.unchanged:,} unchanged; "
        f"{db['cells'].count:,} cells ({db['cell_details'].count:,} with details), "
        f"{db['agencies'].count:,} agencies, "
        f"{len(s.unresolved):,} unresolved agency names"
    )
    db.execute("ANALYZE")
    db.close()
    time_queries(path, args.reports, params)
    if tmpdir and not args.keep:
        for f in Path(tmpdir).iterdir():
            f.unlink()
        os.rmdir(tmpdir)
    return 0


def grow(path: Path, target: int, index_only: tuple[str, ...] = ()) -> int:
    """Copy the file's reports in SQL, each copy under new agencies (same regions, kinds
    and years), until it holds `target` reports; returns the count.

    For archive sizes on a shared machine: the loader's n-gram full-text index makes a
    300,000-report load take hours there, while the queries only need the rows. Copies
    have every row a loaded report has (values, details, checks, sections and their
    full-text entries, the summaries through their triggers). With `index_only`, a copy's
    section gets its full-text entry only if it holds one of those words: the index is then
    exact for those words (the queries timed use 疫情), at a fifth of the cost.
    """
    db = connect(path)
    conn = db.conn
    conn.create_function("index_text", 1, index_text, deterministic=True)
    loaded = conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    copy = 0
    mask = (1 << SECTION_SHIFT) - 1
    while (count := conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0]) < target:
        copy += 1
        rows = min(loaded, target - count)
        r_off, a_off = (
            conn.execute(f"SELECT MAX(id) FROM {t}").fetchone()[0] for t in ("reports", "agencies")
        )
        s_off = conn.execute(f"SELECT MAX(id & {mask}) FROM sections").fetchone()[0]
        tag = f"{copy}.{a_off}"  # unique when the file is grown again (copy counts from 1 each run)
        last = conn.execute("SELECT id FROM reports ORDER BY id LIMIT 1 OFFSET ?", (rows - 1,)).fetchone()[0]
        conn.execute("BEGIN")
        conn.execute(
            f"INSERT INTO agencies SELECT id + {a_off}, key || '#{tag}', name || '（{copy}）', region_code, "
            "level, kind, method, unresolved_reason FROM agencies WHERE id <= ?",
            (a_off,),
        )
        rcols = [r[1] for r in conn.execute("PRAGMA table_info(reports)")]
        shifted = {
            "id": f"id + {r_off}",
            "agency_id": f"agency_id + {a_off}",
            "sha256": f"sha256 || '#{tag}'",
            "series": f"series || '#{tag}'",
            "source": f"source || '#{tag}'",
        }
        conn.execute(
            f"INSERT INTO reports SELECT {', '.join(shifted.get(c, c) for c in rcols)} FROM reports "
            f"WHERE id <= {last}"
        )
        for table in ("report_values", "checks", "cell_details"):
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            select = ", ".join(f"report_id + {r_off}" if c == "report_id" else c for c in cols)
            conn.execute(f"INSERT INTO {table} SELECT {select} FROM {table} WHERE report_id <= {last}")
        new_id = f"(id - (id & {mask})) + (id & {mask}) + {s_off}"
        conn.execute(
            f"INSERT INTO sections SELECT {new_id}, report_id + {r_off}, number, heading, text FROM sections "
            f"WHERE report_id <= {last} ORDER BY id"
        )
        narrative = ", ".join(f"'{n}'" for n in sorted(TABLE_SECTIONS))
        only = "AND (" + " OR ".join("instr(text, ?) > 0" for _ in index_only) + ")" if index_only else ""
        conn.execute(
            "INSERT INTO sections_fts (rowid, heading, text) "
            "SELECT id, index_text(heading), index_text(text) "
            f"FROM sections WHERE report_id > {r_off} AND (number IS NULL OR number NOT IN ({narrative})) "
            f"{only} ORDER BY id",
            index_only,
        )
        conn.execute("COMMIT")
        print(f"  copied {rows:,} reports (copy {copy}): {count + rows:,}", file=sys.stderr)
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return count


# The count by year a researcher writes in SQL (docs/database.md): it reads every match.
MENTIONS_BY_YEAR = """SELECT r.year, COUNT(*) AS reports FROM sections_fts f
JOIN sections s ON s.id = f.rowid JOIN reports r ON r.id = s.report_id AND r.is_current = 1
WHERE sections_fts MATCH fts_phrase(?) AND f.rowid BETWEEN (5 << 40) AND (6 << 40) - 1
GROUP BY r.year"""


def time_queries(path: Path, reports: int, params: dict[str, str] | None = None) -> int:
    """Print the file's size and the canned and full-text queries' times."""
    size = path.stat().st_size
    # Queries as a user runs them: a read-only connection, once the load's writes have
    # reached the disk (else the kernel's write-back of a gigabyte competes with them).
    os.sync()
    db = connect(path, readonly=True)
    print(f"size: {size / 2**20:,.0f} MiB, {size / reports / 1024:.1f} KiB per report")
    print("load average before the queries: " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    for c in CANNED:
        given = {k: v for k, v in (params or {}).items() if k in c.params}
        med, worst, n, cpu = time_query(db, c.sql, {**dict.fromkeys(c.params, ""), **given})
        flag = "ok" if worst < 200 else "SLOW"
        shown = c.name + "".join(f" {k}={v}" for k, v in given.items())
        print(
            f"query {shown}: median {med:.0f} ms, max {worst:.0f} ms, {n} rows ({flag}; goal < 200 ms); "
            f"CPU {cpu:.0f} ms"
        )
    # Deeper pages of the paged listing, and every mention in one list (what the canned
    # query returned before it paged): not goals, the cost of reading further.
    listing = BY_NAME["problems_mentioning"]
    for page, size, what in (("50", "", "page 50"), ("1", "1000000", "every mention in one list")):
        med, worst, n, cpu = time_query(db, listing.sql, {"word": "", "page": page, "page_size": size})
        print(
            f"query problems_mentioning, {what}: median {med:.0f} ms, max {worst:.0f} ms, {n} rows; "
            f"CPU {cpu:.0f} ms"
        )
    med, worst, n, cpu = time_query(db, MENTIONS_BY_YEAR, ("疫情",))
    print(
        f"query mentions of 疫情 by year (plain SQL): median {med:.0f} ms, max {worst:.0f} ms, {n} rows; "
        f"CPU {cpu:.0f} ms"
    )
    for word in ("疫情", "新冠肺炎疫情", "政务公开"):
        fts = "SELECT COUNT(*) FROM sections_fts WHERE sections_fts MATCH fts_phrase(?)"
        med, worst, _, cpu = time_query(db, fts, (word,))
        n = db.execute(fts, (word,)).fetchone()[0]
        print(f"query fts {word}: median {med:.0f} ms, max {worst:.0f} ms, {n:,} sections; CPU {cpu:.0f} ms")
    print("load average after the queries: " + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
