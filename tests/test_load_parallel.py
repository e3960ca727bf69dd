"""Extraction in worker processes: the same database as one process, cell for cell; a
worker that dies or hangs fails its document alone."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from db.load import Loader, load_documents, load_paths
from db.parallel import ProcessPool
from db.schema import connect
from tests.conftest import CORPUS
from xxgk.cli import main

# the documents of the shared corpus copied into tests/corpus: text, HTML, PDF, Word
CORPUS_FILES = sorted(
    p for p in CORPUS.rglob("*") if p.is_file() and p.suffix != ".json" and p.suffix != ".md"
)

# every table a load writes
TABLES = (
    "reports",
    "agencies",
    "report_values",
    "cell_details",
    "checks",
    "check_names",
    "sections",
    "extraction_errors",
)


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table a load writes (clock columns left out), ids included."""
    conn = sqlite3.connect(path)
    out = {}
    for table in TABLES:
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in ("loaded_at", "at")]
        out[table] = sorted(conn.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall(), key=repr)
    conn.close()
    return out


def test_corpus_loads_the_same_in_two_workers_as_in_one_process(tmp_path):
    assert len(CORPUS_FILES) >= 12
    dumps = {}
    for jobs in (0, 1, 2):
        db_path = tmp_path / f"jobs{jobs}.db"
        assert main(["load", "-q", "--db", str(db_path), "--jobs", str(jobs), *map(str, CORPUS_FILES)]) == 0
        dumps[jobs] = dump(db_path)
    one = dumps[0]
    assert len(one["reports"]) >= 11 and len(one["report_values"]) == len(one["reports"])
    assert sum(1 for r in one["checks"] if r[2] == 1) > 100  # real extraction, real checks
    for jobs in (1, 2):
        for table in TABLES:
            assert dumps[jobs][table] == one[table], f"--jobs {jobs}: {table} differs from --jobs 0"


# --- a worker that dies or hangs ---------------------------------------------------------


def misbehaving_extractor(data: bytes, name: str, **kw):  # runs in the worker processes
    """The real extractor, except that a document named *crash* kills its process and one
    named *hang* never ends."""
    from extract import extract_bytes

    if "crash" in name:
        os.kill(os.getpid(), signal.SIGKILL)
    if "hang" in name:
        time.sleep(3600)
    return extract_bytes(data, name, **kw)


def test_a_dead_or_hung_worker_fails_its_document_alone(tmp_path):
    seed = CORPUS / "seed" / "baicheng-2019.txt"
    docs = tmp_path / "docs"
    docs.mkdir()
    names = ["a-first.txt", "b-crash.txt", "c-hang.txt", "d-after.txt"]
    for i, n in enumerate(names):
        # distinct content, so that none is skipped as already loaded
        (docs / n).write_bytes(seed.read_bytes() + f"\n附：{i}\n".encode())
    shutil.copy(CORPUS / "dev-pdf" / "hongze-2023.pdf", docs / "e-pdf.pdf")
    names.append("e-pdf.pdf")
    db = connect(tmp_path / "x.db")
    loader = Loader(db)
    statuses = []
    pool = ProcessPool(2, timeout=20, extractor=misbehaving_extractor)
    start = time.monotonic()
    summary = load_paths(
        loader, [docs / n for n in names], executor=pool, progress=lambda st, src: statuses.append(st)
    )
    assert time.monotonic() - start < 300  # not the hour the hung document would take
    assert statuses == ["loaded", "error", "error", "version", "loaded"]
    assert (summary.loaded, summary.versions, summary.errors) == (2, 1, 2)
    assert pool.restarted == 2
    errors = dict(db.execute("SELECT source, reason FROM extraction_errors").fetchall())
    assert errors == {
        str(docs / "b-crash.txt"): "the extraction process died (killed by signal SIGKILL)",
        str(docs / "c-hang.txt"): "extraction took longer than 20 s (stopped)",
    }
    # the documents after the crash were read whole by the replacement workers
    got = dict(db.execute("SELECT source, cells_found FROM reports").fetchall())
    assert got[str(docs / "d-after.txt")] == got[str(docs / "a-first.txt")] > 100
    assert got[str(docs / "e-pdf.pdf")] > 100


def test_stored_documents_in_workers_with_a_damaged_file(tmp_path):
    """The crawler's store: workers read by hash; a damaged file is that document's error."""
    import hashlib

    from db.load import document_path, stored_documents

    db = connect(tmp_path / "xxgk.db")
    docs = [
        ("baicheng-2019.txt", (CORPUS / "seed" / "baicheng-2019.txt").read_bytes()),
        ("damaged.pdf", b"original"),
        ("hongze-2024.pdf", (CORPUS / "dev-pdf" / "hongze-2024.pdf").read_bytes()),
    ]
    for i, (name, data) in enumerate(docs, 1):
        sha = hashlib.sha256(data).hexdigest()
        target = document_path(tmp_path, sha)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"not the bytes it was stored as" if name == "damaged.pdf" else data)
        fetched = f"2026-01-0{i}T00:00:00Z"
        db["documents"].insert({"sha256": sha, "url": f"http://x/{name}", "fetched_at": fetched})
    rows = stored_documents(db)
    summary = load_documents(Loader(db), rows, tmp_path, executor=ProcessPool(2))
    assert (summary.loaded, summary.errors) == (2, 1)
    assert db.execute("SELECT source, document_id FROM reports ORDER BY id").fetchall() == [
        ("http://x/baicheng-2019.txt", 1),
        ("http://x/hongze-2024.pdf", 3),
    ]
    bad = document_path(tmp_path, hashlib.sha256(b"original").hexdigest())
    assert db.execute("SELECT source, document_id, reason FROM extraction_errors").fetchall() == [
        ("http://x/damaged.pdf", 2, f"stored file {bad} does not match its sha256 (damaged store)")
    ]


@pytest.mark.parametrize("jobs", ["-1", "x"])
def test_jobs_must_be_a_count(jobs, capsys):
    with pytest.raises(SystemExit):
        main(["load", "--jobs", jobs, "f.pdf"])
